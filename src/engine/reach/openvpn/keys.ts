/**
 * OpenVPN control-channel key material: the 2048-bit static key of `tls-auth` / `tls-crypt`
 * ("OpenVPN Static key V1", hex) and the `tls-crypt-v2` client key (PEM: the client's own
 * tls-crypt key Kc followed by the server-wrapped copy WKc). Error messages name what is wrong,
 * never the bytes.
 *
 * Layout (OpenVPN crypto.h `struct key2`): up to two 128-byte keys, each 64 bytes of cipher key
 * followed by 64 bytes of HMAC key. Which of the two a side sends with is its key direction.
 */
import { createHash, getHashes } from 'node:crypto';

export const KEY_BYTES = 128;
export const STATIC_KEY_BYTES = 2 * KEY_BYTES;
/** OpenVPN's limit for the wrapped client key (tls_crypt.h TLS_CRYPT_V2_MAX_WKC_LEN). */
export const MAX_WKC_BYTES = 1024;
/** The tag at the front of WKc and of every tls-crypt packet: HMAC-SHA256. */
export const TLS_CRYPT_TAG_BYTES = 32;

/**
 * `key-direction` / the tls-auth direction argument: 0 (normal) sends with key 0 and receives
 * with key 1, 1 (inverse) the other way round; without one both sides use key 0 for both.
 * tls-crypt and tls-crypt-v2 clients always use "inverse" (servers "normal").
 */
export type KeyDirection = 'bidirectional' | 0 | 1;

export type KeyResult<T> = { ok: true; value: T } | { ok: false; error: string };

const STATIC_HEAD = '-----BEGIN OpenVPN Static key V1-----';
const STATIC_FOOT = '-----END OpenVPN Static key V1-----';
const V2_CLIENT_HEAD = '-----BEGIN OpenVPN tls-crypt-v2 client key-----';
const V2_CLIENT_FOOT = '-----END OpenVPN tls-crypt-v2 client key-----';

/** Text between a PEM-style header and footer line, or why there is none. */
function between(text: string, head: string, foot: string, what: string): KeyResult<string> {
  const start = text.indexOf(head);
  if (start < 0) return { ok: false, error: `${what} has no "${head}" line` };
  const end = text.indexOf(foot, start + head.length);
  if (end < 0) return { ok: false, error: `${what} has no "${foot}" line` };
  return { ok: true, value: text.slice(start + head.length, end) };
}

/** Parses an "OpenVPN Static key V1" file: 128 or 256 bytes of hex between the markers. */
export function parseStaticKey(text: string, what: string): KeyResult<Uint8Array> {
  const body = between(text, STATIC_HEAD, STATIC_FOOT, what);
  if (!body.ok) return body;
  const hex = body.value.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return { ok: false, error: `${what} holds characters that are not hex digits between its markers` };
  if (hex.length % 2 !== 0) return { ok: false, error: `${what} holds an odd number of hex digits` };
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length !== STATIC_KEY_BYTES && bytes.length !== KEY_BYTES) {
    return { ok: false, error: `${what} holds ${bytes.length} bytes of key; OpenVPN needs ${STATIC_KEY_BYTES}` };
  }
  return { ok: true, value: new Uint8Array(bytes) };
}

export interface TlsCryptV2ClientKey {
  /** Kc: a 256-byte static key the client uses exactly like a tls-crypt key. */
  readonly key: Uint8Array;
  /** WKc, sent verbatim after the client's first packet; ends with its own length (2 bytes). */
  readonly wrapped: Uint8Array;
}

export function parseTlsCryptV2ClientKey(text: string, what: string): KeyResult<TlsCryptV2ClientKey> {
  const body = between(text, V2_CLIENT_HEAD, V2_CLIENT_FOOT, what);
  if (!body.ok) return body;
  const b64 = body.value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return { ok: false, error: `${what} is not valid base64 between its markers` };
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  const wrappedLength = bytes.length - STATIC_KEY_BYTES;
  if (wrappedLength < TLS_CRYPT_TAG_BYTES + 2) return { ok: false, error: `${what} is too short to hold a client key and its wrapped copy` };
  if (wrappedLength > MAX_WKC_BYTES) return { ok: false, error: `${what} holds a wrapped key of ${wrappedLength} bytes; OpenVPN allows ${MAX_WKC_BYTES}` };
  const wrapped = bytes.slice(STATIC_KEY_BYTES);
  const declared = (wrapped[wrapped.length - 2] << 8) | wrapped[wrapped.length - 1];
  if (declared !== wrapped.length) return { ok: false, error: `${what} is damaged: its wrapped key says ${declared} bytes but holds ${wrapped.length}` };
  return { ok: true, value: { key: bytes.slice(0, STATIC_KEY_BYTES), wrapped } };
}

/** Index of the 128-byte key a side sends with and the one it checks the peer's packets with. */
export function keyIndices(direction: KeyDirection): { send: number; receive: number } {
  if (direction === 0) return { send: 0, receive: 1 };
  if (direction === 1) return { send: 1, receive: 0 };
  return { send: 0, receive: 0 };
}

export function cipherKeyOf(staticKey: Uint8Array, index: number, bytes: number): Uint8Array {
  return staticKey.slice(index * KEY_BYTES, index * KEY_BYTES + bytes);
}

export function hmacKeyOf(staticKey: Uint8Array, index: number, bytes: number): Uint8Array {
  const start = index * KEY_BYTES + 64;
  return staticKey.slice(start, start + bytes);
}

/**
 * Maps an OpenVPN `auth` digest name (OpenSSL's names: SHA1, SHA256, SHA512, …) to the node
 * name and its length. OpenVPN keys the HMAC with the first digest-length bytes of the 64-byte
 * HMAC half, so the length matters twice. `none` and names node lacks give an error.
 */
export function digestOf(name: string): KeyResult<{ name: string; bytes: number }> {
  const lower = name.toLowerCase();
  if (lower === 'none') return { ok: false, error: '`auth none` leaves tls-auth without an HMAC, which OpenVPN refuses' };
  if (!/^[a-z0-9-]{1,32}$/.test(lower) || !getHashes().includes(lower)) return { ok: false, error: `digest "${name.slice(0, 40)}" (from auth) is not one this system knows` };
  const bytes = createHash(lower).digest().length;
  if (bytes > 64) return { ok: false, error: `digest "${name}" is longer than OpenVPN's 64-byte HMAC key` };
  return { ok: true, value: { name: lower, bytes } };
}
