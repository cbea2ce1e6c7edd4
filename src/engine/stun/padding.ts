/**
 * PADDING (RFC 5780 §7.6): filler that makes a request or response big enough to be fragmented,
 * to see whether the NAT passes fragments. The content does not matter; we send zeros.
 */
import { isUint } from './bytes';
import { ok, type Result } from './result';

/** `length` zero bytes. Throws RangeError outside 0..65535 (a STUN length field is 16 bits). */
export function encodePadding(length: number): Uint8Array {
  if (!isUint(length, 0xffff)) throw new RangeError(`padding length ${length} is not 0..65535`);
  return new Uint8Array(length);
}

/** The padding length; any content is acceptable, so this never fails. */
export function decodePadding(value: Uint8Array): Result<number> {
  return ok(value.length);
}
