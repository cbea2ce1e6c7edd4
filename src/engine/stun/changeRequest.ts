/**
 * CHANGE-REQUEST (RFC 5780 §7.2, originally RFC 3489 §11.2.4): a 32-bit field whose bit A (0x04)
 * asks the server to answer from its other IP and bit B (0x02) from its other port. This is how
 * the filtering tests of RFC 5780 §4.4 tell the NAT kinds apart.
 */
import { readU32, writeU32 } from './bytes';
import { fail, ok, type Result } from './result';

export const CHANGE_IP = 0x04;
export const CHANGE_PORT = 0x02;

export interface ChangeRequest {
  changeIp: boolean;
  changePort: boolean;
}

export function encodeChangeRequest(r: { changeIp: boolean; changePort: boolean }): Uint8Array {
  const out = new Uint8Array(4);
  writeU32(out, 0, (r.changeIp ? CHANGE_IP : 0) | (r.changePort ? CHANGE_PORT : 0));
  return out;
}

/** The other bits are reserved; they are ignored rather than rejected so future flags do not break us. */
export function decodeChangeRequest(value: Uint8Array): Result<ChangeRequest> {
  if (value.length !== 4) return fail('bad-attribute', `CHANGE-REQUEST value must be 4 bytes, got ${value.length}`);
  const flags = readU32(value, 0);
  return ok({ changeIp: (flags & CHANGE_IP) !== 0, changePort: (flags & CHANGE_PORT) !== 0 });
}
