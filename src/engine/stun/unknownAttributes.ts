/**
 * UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): the 16-bit types a 420 response says the server did not
 * understand. An odd count leaves a 2-byte value tail that ordinary TLV padding fills; RFC 3489
 * §11.2.10 instead repeated one type, which a decoder sees as a harmless duplicate.
 */
import { isUint, readU16, writeU16 } from './bytes';
import { fail, ok, type Result } from './result';

/** Throws RangeError for a type that is not 0..0xFFFF. */
export function encodeUnknownAttributes(types: readonly number[]): Uint8Array {
  const out = new Uint8Array(types.length * 2);
  types.forEach((t, i) => {
    if (!isUint(t, 0xffff)) throw new RangeError(`attribute type ${t} is not a 16-bit number`);
    writeU16(out, i * 2, t);
  });
  return out;
}

export function decodeUnknownAttributes(value: Uint8Array): Result<number[]> {
  if (value.length % 2 !== 0) {
    return fail('bad-attribute', `UNKNOWN-ATTRIBUTES value is ${value.length} bytes; it must hold whole 16-bit types`);
  }
  const types: number[] = [];
  for (let i = 0; i < value.length; i += 2) types.push(readU16(value, i));
  return ok(types);
}
