/**
 * Decoders report malformed input as values, never as exceptions: a datagram from the network is
 * untrusted data, and a probe must be able to say "that server sent garbage" and carry on.
 */

/**
 * - too-short: fewer bytes than the structure needs (a message under 20 bytes).
 * - not-stun: the bytes cannot be STUN (RFC 8489 §5: the first two bits are zero).
 * - bad-length: the header's length field is not a multiple of 4 or disagrees with the datagram.
 * - attribute-overrun: an attribute TLV claims more bytes than the message has left.
 * - bad-attribute: an attribute value has the wrong size or layout for its type.
 * - bad-value: an attribute value is well-formed but its content is not allowed (range, UTF-8, limits).
 */
export type StunErrorCode = 'too-short' | 'not-stun' | 'bad-length' | 'attribute-overrun' | 'bad-attribute' | 'bad-value';

export interface StunError {
  readonly code: StunErrorCode;
  /** Clear human text, e.g. "attribute 0x0020 claims 12 bytes but only 4 remain". */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: StunError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: StunErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}
