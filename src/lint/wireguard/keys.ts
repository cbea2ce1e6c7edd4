/**
 * WireGuard keys: 32 bytes written as 44 characters of standard base64 ending in `=`
 * (wireguard-tools src/encoding.c, key_from_base64). The 43rd character carries 4 bits of
 * key and 2 padding bits that must be zero, so only 16 of the 64 letters are canonical there.
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < STD.length; i++) VALUE[STD.charCodeAt(i)] = i;

export type KeyProblem =
  | { readonly kind: 'length'; readonly length: number; readonly hex: boolean }
  | { readonly kind: 'padding' }
  | { readonly kind: 'urlsafe' }
  | { readonly kind: 'alphabet' }
  | { readonly kind: 'noncanonical' };

/** undefined = a key wg accepts. */
export function checkKey(value: string): KeyProblem | undefined {
  if (value.length !== 44) {
    return { kind: 'length', length: value.length, hex: value.length === 64 && /^[0-9a-fA-F]+$/.test(value) };
  }
  if (value.charCodeAt(43) !== 61 /* = */) return { kind: 'padding' };
  let urlsafe = false;
  let bad = false;
  for (let i = 0; i < 43; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && VALUE[c] >= 0) continue;
    if (c === 45 /* - */ || c === 95 /* _ */) urlsafe = true;
    else bad = true;
  }
  if (bad) return { kind: 'alphabet' };
  if (urlsafe) return { kind: 'urlsafe' };
  if ((VALUE[value.charCodeAt(42)] & 3) !== 0) return { kind: 'noncanonical' };
  return undefined;
}

/** The key in the standard alphabet, when the only problem is the URL-safe one. */
export function urlSafeToStandard(value: string): string {
  return value.replace(/-/g, '+').replace(/_/g, '/');
}

/** A fresh private key, clamped as `wg genkey` does. */
export function generatePrivateKey(): string {
  const k = randomBytes(32);
  k[0] &= 248;
  k[31] = (k[31] & 127) | 64;
  return k.toString('base64');
}

/** A fresh preshared key, as `wg genpsk` makes it: 32 random bytes. */
export function generatePresharedKey(): string {
  return randomBytes(32).toString('base64');
}

const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const cache = new Map<string, string | undefined>();

/**
 * The X25519 public key of a valid private key (what `wg pubkey` prints), or undefined.
 * Node 20 will not import an OKP JWK without `x`, so the key goes in as PKCS#8 DER.
 * A small cache keeps repeated lints of the same file cheap.
 */
export function derivePublicKey(privateKey: string): string | undefined {
  if (checkKey(privateKey)) return undefined;
  if (cache.has(privateKey)) return cache.get(privateKey);
  let pub: string | undefined;
  try {
    const der = Buffer.concat([PKCS8_X25519_PREFIX, Buffer.from(privateKey, 'base64')]);
    const spki = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
    pub = spki.subarray(spki.length - 32).toString('base64');
  } catch {
    pub = undefined;
  }
  if (cache.size >= 64) cache.clear();
  cache.set(privateKey, pub);
  return pub;
}

