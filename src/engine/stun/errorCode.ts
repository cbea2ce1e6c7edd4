/**
 * ERROR-CODE (RFC 8489 §14.8): 21 reserved bits, a 3-bit class (hundreds) and an 8-bit number
 * (0-99), then a UTF-8 reason phrase. Classes 3-6 are the only ones defined, so codes are 300-699.
 */
import { TEXT_MAX_BYTES } from './constants';
import { fail, ok, type Result } from './result';
import { decodeText, encodeText } from './text';

export interface ErrorCodeValue {
  code: number;
  reason: string;
}

/** Codes named in RFC 8489 §14.8 and RFC 8656 §18.12 / §19 that a probe is likely to meet. */
export const ErrorCodes = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  UnknownAttribute: 420,
  AllocationMismatch: 437,
  StaleNonce: 438,
  AddressFamilyNotSupported: 440,
  WrongCredentials: 441,
  UnsupportedTransportProtocol: 442,
  AllocationQuotaReached: 486,
  RoleConflict: 487,
  ServerError: 500,
  InsufficientCapacity: 508,
} as const;

/** Throws RangeError for a code outside 300..699 or a reason over 763 UTF-8 bytes. */
export function encodeErrorCode(e: { code: number; reason: string }): Uint8Array {
  if (!Number.isInteger(e.code) || e.code < 300 || e.code > 699) {
    throw new RangeError(`error code ${e.code} is outside 300..699 (RFC 8489 §14.8)`);
  }
  const reason = encodeText(e.reason, TEXT_MAX_BYTES);
  const out = new Uint8Array(4 + reason.length);
  out[2] = Math.floor(e.code / 100);
  out[3] = e.code % 100;
  out.set(reason, 4);
  return out;
}

export function decodeErrorCode(value: Uint8Array): Result<ErrorCodeValue> {
  if (value.length < 4) return fail('bad-attribute', `ERROR-CODE value is ${value.length} bytes; at least 4 are needed`);
  // The reserved bits are ignored, as RFC 8489 asks of reserved fields.
  const cls = value[2] & 0x07;
  const number = value[3];
  if (cls < 3 || cls > 6) return fail('bad-value', `ERROR-CODE class ${cls} is outside 3..6 (RFC 8489 §14.8)`);
  if (number > 99) return fail('bad-value', `ERROR-CODE number ${number} is outside 0..99 (RFC 8489 §14.8)`);
  const reason = decodeText(value.subarray(4), TEXT_MAX_BYTES);
  if (!reason.ok) return fail(reason.error.code, `ERROR-CODE reason: ${reason.error.message}`);
  return ok({ code: cls * 100 + number, reason: reason.value });
}
