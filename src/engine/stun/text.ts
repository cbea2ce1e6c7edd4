/**
 * UTF-8 text attributes: USERNAME (RFC 8489 §14.3), REALM (§14.9), NONCE (§14.10), SOFTWARE
 * (§14.14), and the ERROR-CODE reason (§14.8). Text from the network is validated strictly,
 * because it ends up in reports and in the long-term key.
 */
import { TEXT_MAX_BYTES } from './constants';
import { fail, ok, type Result } from './result';

export { TEXT_MAX_BYTES, USERNAME_MAX_BYTES } from './constants';

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is part of the text, not a marker to strip.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** A continuation byte 10xxxxxx at `i`. */
function isTail(b: Uint8Array, i: number): boolean {
  return i < b.length && (b[i] & 0xc0) === 0x80;
}

function inRange(b: Uint8Array, i: number, lo: number, hi: number): boolean {
  return i < b.length && b[i] >= lo && b[i] <= hi;
}

/**
 * Index of the first byte that breaks RFC 3629 §4's UTF-8 syntax (overlong forms, surrogates,
 * code points above U+10FFFF, truncated sequences), or -1 when `b` is valid UTF-8.
 */
export function findInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i += 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
      if (!isTail(b, i + 1)) return i;
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      // E0 needs A0..BF (no overlongs), ED needs 80..9F (no UTF-16 surrogates).
      const lo = c === 0xe0 ? 0xa0 : 0x80;
      const hi = c === 0xed ? 0x9f : 0xbf;
      if (!inRange(b, i + 1, lo, hi) || !isTail(b, i + 2)) return i;
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      // F0 needs 90..BF (no overlongs), F4 needs 80..8F (nothing above U+10FFFF).
      const lo = c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      if (!inRange(b, i + 1, lo, hi) || !isTail(b, i + 2) || !isTail(b, i + 3)) return i;
      i += 4;
    } else {
      return i; // 80..C1 and F5..FF never start a sequence
    }
  }
  return -1;
}

/**
 * UTF-8 bytes of `s`. Throws RangeError past `maxBytes` (default 763, the decoding limit of
 * RFC 8489; pass USERNAME_MAX_BYTES for USERNAME). Lone surrogates become U+FFFD.
 */
export function encodeText(s: string, maxBytes: number = TEXT_MAX_BYTES): Uint8Array {
  const out = encoder.encode(s);
  if (out.length > maxBytes) throw new RangeError(`text is ${out.length} UTF-8 bytes; the limit is ${maxBytes}`);
  return out;
}

/** Strict UTF-8 decode with a byte limit (default 763; USERNAME_MAX_BYTES for USERNAME). */
export function decodeText(value: Uint8Array, maxBytes: number = TEXT_MAX_BYTES): Result<string> {
  if (value.length > maxBytes) return fail('bad-value', `text is ${value.length} bytes; the limit is ${maxBytes}`);
  const bad = findInvalidUtf8(value);
  if (bad >= 0) {
    return fail('bad-value', `text is not valid UTF-8: byte 0x${value[bad].toString(16).padStart(2, '0')} at index ${bad}`);
  }
  return ok(decoder.decode(value));
}
