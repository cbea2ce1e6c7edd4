/**
 * The primitives of WireGuard's handshake (whitepaper §5.4, "Protocol & Cryptography"):
 * node:crypto does X25519 and ChaCha20-Poly1305; BLAKE2s (plain, keyed, HMAC) and
 * XChaCha20-Poly1305 (cookie replies) come from @noble, which node lacks.
 */

import { concatBytes } from '../../stun/bytes';
import * as crypto from 'node:crypto';
import { blake2s } from '@noble/hashes/blake2s';
import { hmac as nobleHmac } from '@noble/hashes/hmac';
import { xchacha20poly1305 } from '@noble/ciphers/chacha';

export const KEY_LENGTH = 32;

// DER wrappers around a raw 32-byte X25519 key (RFC 8410 §7 and §10.1), the only way to hand
// raw keys to node:crypto.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** Byte concatenation lives with the other byte helpers; re-exported for the handshake code. */
export const concat = concatBytes;

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** HASH(input): BLAKE2s-256. */
export function hash(...input: readonly Uint8Array[]): Uint8Array {
  return blake2s(concat(...input));
}

/** MAC(key, input): keyed BLAKE2s with a 16-byte output (whitepaper §5.4). */
export function mac(key: Uint8Array, input: Uint8Array): Uint8Array {
  return blake2s(input, { key, dkLen: 16 });
}

/** HMAC(key, input) with BLAKE2s-256 (RFC 2104). */
export function hmac(key: Uint8Array, input: Uint8Array): Uint8Array {
  return nobleHmac(blake2s, key, input);
}

/** KDFn(key, input): HKDF (RFC 5869) with HMAC-BLAKE2s, n outputs of 32 bytes. */
export function kdf(n: 1 | 2 | 3, key: Uint8Array, input: Uint8Array): Uint8Array[] {
  const prk = hmac(key, input);
  const out: Uint8Array[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1; i <= n; i++) {
    previous = hmac(prk, concat(previous, Uint8Array.of(i)));
    out.push(previous);
  }
  return out;
}

function privateKeyObject(raw: Uint8Array): crypto.KeyObject {
  return crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(raw: Uint8Array): crypto.KeyObject {
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export interface KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** DH-PUBKEY: the X25519 public key of a private key (clamping is X25519's, RFC 7748 §5). */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  const der = crypto.createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - KEY_LENGTH));
}

/** DH-GENERATE. */
export function generateKeyPair(): KeyPair {
  const privateKey = new Uint8Array(crypto.randomBytes(KEY_LENGTH));
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

/**
 * DH(private, public): X25519. Throws on an all-zero result (a low-order public key), which
 * WireGuard rejects too (noise-protocol: "invalid shared secret").
 */
export function dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  let shared: Buffer;
  try {
    shared = crypto.diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(publicKey) });
  } catch {
    throw new Error('X25519 with that public key gives no usable shared secret');
  }
  if (shared.every((b) => b === 0)) throw new Error('X25519 with that public key gives no usable shared secret');
  return new Uint8Array(shared);
}

/** The 96-bit nonce of AEAD(key, counter, …): 32 zero bits then the 64-bit little-endian counter. */
function counterNonce(counter: bigint): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64LE(counter, 4);
  return nonce;
}

/** AEAD(key, counter, plain, aad): ChaCha20-Poly1305 (RFC 8439 §2.8). */
export function aeadSeal(key: Uint8Array, counter: bigint, plain: Uint8Array, aad: Uint8Array): Uint8Array {
  const cipher = crypto.createCipheriv('chacha20-poly1305', key, counterNonce(counter), { authTagLength: 16 });
  cipher.setAAD(aad, { plaintextLength: plain.length });
  return concat(cipher.update(plain), cipher.final(), cipher.getAuthTag());
}

/** The inverse of aeadSeal, or undefined when the tag does not authenticate. */
export function aeadOpen(key: Uint8Array, counter: bigint, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  const body = sealed.subarray(0, sealed.length - 16);
  const decipher = crypto.createDecipheriv('chacha20-poly1305', key, counterNonce(counter), { authTagLength: 16 });
  decipher.setAAD(aad, { plaintextLength: body.length });
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return concat(decipher.update(body), decipher.final());
  } catch {
    return undefined;
  }
}

/** XAEAD(key, nonce24, plain, aad): XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha §2). */
export function xaeadSeal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, aad: Uint8Array): Uint8Array {
  return xchacha20poly1305(key, nonce, aad).encrypt(plain);
}

export function xaeadOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  try {
    return xchacha20poly1305(key, nonce, aad).decrypt(sealed);
  } catch {
    return undefined;
  }
}

/** TAI64N (whitepaper §5.4.2): 8 bytes big-endian seconds since 1970 + 2^62, 4 bytes nanoseconds. */
export function tai64n(nowMs: number): Uint8Array {
  const out = Buffer.alloc(12);
  const seconds = Math.floor(nowMs / 1000);
  out.writeBigUInt64BE(0x4000000000000000n + BigInt(seconds), 0);
  out.writeUInt32BE(Math.floor((nowMs - seconds * 1000) * 1e6), 8);
  return new Uint8Array(out);
}

/** Constant-time comparison of two equal-length values. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
