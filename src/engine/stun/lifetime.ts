/**
 * TURN allocation attributes (RFC 8656): LIFETIME (§18.2), an unsigned 32-bit count of seconds,
 * and REQUESTED-TRANSPORT (§18.8), a protocol number followed by 3 bytes RFFU ("reserved for
 * future use", sent as zero and ignored).
 */
import { isUint, readU32, writeU32 } from './bytes';
import { fail, ok, type Result } from './result';

/** Throws RangeError outside 0..2^32-1. */
export function encodeLifetime(seconds: number): Uint8Array {
  if (!isUint(seconds, 0xffffffff)) throw new RangeError(`lifetime ${seconds} is not an unsigned 32-bit number of seconds`);
  const out = new Uint8Array(4);
  writeU32(out, 0, seconds);
  return out;
}

export function decodeLifetime(value: Uint8Array): Result<number> {
  if (value.length !== 4) return fail('bad-attribute', `LIFETIME value must be 4 bytes, got ${value.length}`);
  return ok(readU32(value, 0));
}

/** Throws RangeError outside 0..255 (see TransportProtocol for the values). */
export function encodeRequestedTransport(protocol: number): Uint8Array {
  if (!isUint(protocol, 0xff)) throw new RangeError(`protocol ${protocol} is not 0..255`);
  return Uint8Array.of(protocol, 0, 0, 0);
}

export function decodeRequestedTransport(value: Uint8Array): Result<number> {
  if (value.length !== 4) return fail('bad-attribute', `REQUESTED-TRANSPORT value must be 4 bytes, got ${value.length}`);
  return ok(value[0]);
}
