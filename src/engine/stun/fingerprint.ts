/**
 * FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute, XOR'ed with 0x5354554e.
 * It lets STUN be told apart from other protocols multiplexed on the same port, so it must be the
 * last attribute and its CRC covers a header whose length field already includes it.
 */
import type { StunMessage } from './message';
import { Attr, FINGERPRINT_XOR, HEADER_LENGTH } from './constants';
import { readU32 } from './bytes';

/** The CRC-32 of ISO 3309 / ITU-T V.42 that RFC 8489 §14.7 names: reflected polynomial 0xEDB88320. */
const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (initial value and final XOR 0xFFFFFFFF), as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The FINGERPRINT value for a message whose bytes before the attribute are `before`. The caller
 * must already have set the header length to cover the 8-byte FINGERPRINT attribute.
 */
export function fingerprintOf(before: Uint8Array): number {
  return (crc32(before) ^ FINGERPRINT_XOR) >>> 0;
}

/**
 * 'absent' when the message carries no FINGERPRINT; 'invalid' when it is not the last attribute
 * (RFC 8489 §14.7 requires that), is not 4 bytes, or does not match; otherwise 'valid'.
 * `raw` must be the exact bytes `msg` was decoded from.
 */
export function verifyFingerprint(msg: StunMessage, raw: Uint8Array): 'absent' | 'valid' | 'invalid' {
  const attrs = msg.attributes;
  const index = attrs.findIndex((a) => a.type === Attr.Fingerprint);
  if (index < 0) return 'absent';
  const fp = attrs[index];
  if (index !== attrs.length - 1 || fp.value.length !== 4) return 'invalid';
  // Being last and 4 bytes long, the attribute ends the message, so the header length in `raw`
  // already covers it, exactly as the sender's CRC saw it.
  if (raw.length !== msg.length || fp.offset + 8 !== raw.length || fp.offset < HEADER_LENGTH) return 'invalid';
  return fingerprintOf(raw.subarray(0, fp.offset)) === readU32(fp.value, 0) ? 'valid' : 'invalid';
}
