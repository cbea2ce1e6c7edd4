/**
 * MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 keyed by the credential, computed over the message
 * up to the attribute with the header length rewritten as if MESSAGE-INTEGRITY were the last
 * attribute. That adjustment is what lets FINGERPRINT be appended afterwards.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { StunMessage } from './message';
import { Attr, HEADER_LENGTH, MESSAGE_INTEGRITY_LENGTH } from './constants';
import { copyBytes, writeU16 } from './bytes';
import { saslprep } from './saslprep';

const encoder = new TextEncoder();

/** RFC 8489 §9.1.1: the short-term key is OpaqueString(password). */
export function shortTermKey(password: string): Uint8Array {
  return encoder.encode(saslprep(password));
}

/**
 * RFC 8489 §9.2.2: key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)).
 * The username is used as given: RFC 8489 §14.3 has it prepared before it is put on the wire.
 */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  const input = encoder.encode(`${username}:${saslprep(realm)}:${saslprep(password)}`);
  return new Uint8Array(createHash('md5').update(input).digest());
}

/**
 * HMAC-SHA1 over `bytes[0..miOffset)` with the header length set to end just after a
 * MESSAGE-INTEGRITY attribute placed at `miOffset` (RFC 8489 §14.5).
 */
export function computeIntegrity(key: Uint8Array, bytes: Uint8Array, miOffset: number): Uint8Array {
  const header = copyBytes(bytes, 0, HEADER_LENGTH);
  writeU16(header, 2, miOffset + 4 + MESSAGE_INTEGRITY_LENGTH - HEADER_LENGTH);
  const hmac = createHmac('sha1', key).update(header).update(bytes.subarray(HEADER_LENGTH, miOffset));
  return new Uint8Array(hmac.digest());
}

/**
 * 'absent' without MESSAGE-INTEGRITY; otherwise whether the first one (RFC 8489 §14: later
 * duplicates are ignored) matches `key`. Attributes after it are not covered and are ignored.
 * `raw` must be the exact bytes `msg` was decoded from. Always uses the RFC 5389/8489 rule, also for
 * RFC 3489 messages (whose different MESSAGE-INTEGRITY is obsolete and not supported).
 */
export function verifyIntegrity(msg: StunMessage, raw: Uint8Array, key: Uint8Array): 'absent' | 'valid' | 'invalid' {
  const mi = msg.attributes.find((a) => a.type === Attr.MessageIntegrity);
  if (!mi) return 'absent';
  if (mi.value.length !== MESSAGE_INTEGRITY_LENGTH) return 'invalid';
  if (raw.length !== msg.length || mi.offset < HEADER_LENGTH || mi.offset + 4 + MESSAGE_INTEGRITY_LENGTH > raw.length) {
    return 'invalid';
  }
  const expected = computeIntegrity(key, raw, mi.offset);
  // Constant time, so a forger learns nothing from how fast a guess is rejected.
  return timingSafeEqual(expected, mi.value) ? 'valid' : 'invalid';
}
