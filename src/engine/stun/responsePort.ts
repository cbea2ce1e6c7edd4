/**
 * RESPONSE-PORT (RFC 5780 §7.5): "a 16-bit unsigned integer in network byte order followed by 2
 * bytes of padding" (range 0-65535 per erratum 2844). It asks the server to answer to another port,
 * which separates mapping behaviour from filtering behaviour.
 */
import { isUint, readU16, writeU16 } from './bytes';
import { fail, ok, type Result } from './result';

/** 4-byte value: the port, then the two padding bytes the RFC draws inside the attribute. */
export function encodeResponsePort(port: number): Uint8Array {
  if (!isUint(port, 0xffff)) throw new RangeError(`port ${port} is not 0..65535`);
  const out = new Uint8Array(4);
  writeU16(out, 0, port);
  return out;
}

/**
 * Accepts the 4-byte form above and also a bare 2-byte port, which some implementations send
 * (the TLV padding then supplies the two bytes). Anything else is malformed.
 */
export function decodeResponsePort(value: Uint8Array): Result<number> {
  if (value.length !== 4 && value.length !== 2) {
    return fail('bad-attribute', `RESPONSE-PORT value must be 4 bytes (port + padding), got ${value.length}`);
  }
  return ok(readU16(value, 0));
}
