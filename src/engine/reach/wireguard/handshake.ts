/**
 * The initiator's side of WireGuard's handshake, and nothing after it: message 1 (handshake
 * initiation), the check of message 2 (handshake response) and of message 3 (cookie reply).
 * Whitepaper §5.4.2–5.4.7; Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s. No transport keys are used:
 * reach never sends data, it only proves the server took our keys.
 */

import {
  aeadOpen,
  aeadSeal,
  dh,
  equalBytes,
  generateKeyPair,
  hash,
  kdf,
  mac,
  publicKeyOf,
  tai64n,
  utf8,
  xaeadOpen,
  type KeyPair,
} from './primitives';

export const CONSTRUCTION = utf8('Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s');
export const IDENTIFIER = utf8('WireGuard v1 zx2c4 Jason@zx2c4.com');
export const LABEL_MAC1 = utf8('mac1----');
export const LABEL_COOKIE = utf8('cookie--');

export const MESSAGE_INITIATION = 1;
export const MESSAGE_RESPONSE = 2;
export const MESSAGE_COOKIE_REPLY = 3;
export const INITIATION_LENGTH = 148;
export const RESPONSE_LENGTH = 92;
export const COOKIE_REPLY_LENGTH = 64;

const ZERO_KEY = new Uint8Array(32);

/** Ci and Hi after mixing in the responder's static key: the same for every handshake with it. */
export function initialChainAndHash(responderPublic: Uint8Array): { chain: Uint8Array; hash: Uint8Array } {
  const chain = hash(CONSTRUCTION);
  return { chain, hash: hash(hash(chain, IDENTIFIER), responderPublic) };
}

/** What reach knows about one peer: our keys from [Interface], theirs from [Peer]. */
export interface HandshakeKeys {
  readonly privateKey: Uint8Array;
  readonly peerPublicKey: Uint8Array;
  /** All zeros when the config has no PresharedKey (whitepaper §5.4.3: Q = 0^32). */
  readonly presharedKey?: Uint8Array;
}

/** One initiation in flight: what is needed to verify its response. */
export interface PendingInitiation {
  readonly message: Uint8Array;
  readonly senderIndex: number;
  /** mac1 of this message: the associated data of a cookie reply to it. */
  readonly mac1: Uint8Array;
  readonly ephemeral: KeyPair;
  readonly chain: Uint8Array;
  readonly hash: Uint8Array;
}

function mac1Key(publicKey: Uint8Array): Uint8Array {
  return hash(LABEL_MAC1, publicKey);
}

/**
 * Message 1 (whitepaper §5.4.2). `cookie` is the decrypted cookie of a cookie reply, which makes
 * mac2 = MAC(cookie, msg[0:132]) (§5.4.4); without it mac2 is zero.
 */
export function createInitiation(
  keys: HandshakeKeys,
  senderIndex: number,
  nowMs: number,
  cookie?: Uint8Array,
  ephemeral: KeyPair = generateKeyPair(),
): PendingInitiation {
  const staticPublic = publicKeyOf(keys.privateKey);
  let { chain, hash: h } = initialChainAndHash(keys.peerPublicKey);
  [chain] = kdf(1, chain, ephemeral.publicKey);
  h = hash(h, ephemeral.publicKey);
  let key: Uint8Array;
  [chain, key] = kdf(2, chain, dh(ephemeral.privateKey, keys.peerPublicKey));
  const encryptedStatic = aeadSeal(key, 0n, staticPublic, h);
  h = hash(h, encryptedStatic);
  [chain, key] = kdf(2, chain, dh(keys.privateKey, keys.peerPublicKey));
  const encryptedTimestamp = aeadSeal(key, 0n, tai64n(nowMs), h);
  h = hash(h, encryptedTimestamp);

  const message = new Uint8Array(INITIATION_LENGTH);
  const view = new DataView(message.buffer);
  message[0] = MESSAGE_INITIATION;
  view.setUint32(4, senderIndex >>> 0, true);
  message.set(ephemeral.publicKey, 8);
  message.set(encryptedStatic, 40);
  message.set(encryptedTimestamp, 88);
  const mac1 = mac(mac1Key(keys.peerPublicKey), message.subarray(0, 116));
  message.set(mac1, 116);
  if (cookie) message.set(mac(cookie, message.subarray(0, 132)), 132);
  return { message, senderIndex: senderIndex >>> 0, mac1, ephemeral, chain, hash: h };
}

export type ResponseCheck =
  | { readonly kind: 'accepted' }
  /** A response to our index whose mac1 or encrypted empty payload does not check out. */
  | { readonly kind: 'invalid'; readonly reason: string }
  /** Not a response to this initiation (another index, another type, another length). */
  | { readonly kind: 'unrelated' };

/**
 * Message 2 (whitepaper §5.4.3), from the initiator's side: mac1 keyed with our public key,
 * then the Noise steps the responder took, ending in the AEAD of the empty payload, which only
 * authenticates if the responder knew our static key and the preshared key.
 */
export function checkResponse(keys: HandshakeKeys, pending: PendingInitiation, data: Uint8Array): ResponseCheck {
  if (data.length !== RESPONSE_LENGTH || data[0] !== MESSAGE_RESPONSE || data[1] !== 0 || data[2] !== 0 || data[3] !== 0) {
    return { kind: 'unrelated' };
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(8, true) !== pending.senderIndex) return { kind: 'unrelated' };
  const ourPublic = publicKeyOf(keys.privateKey);
  if (!equalBytes(mac(mac1Key(ourPublic), data.subarray(0, 60)), data.subarray(60, 76))) {
    return { kind: 'invalid', reason: 'its mac1 is not keyed with our public key' };
  }
  const responderEphemeral = data.subarray(12, 44);
  let chain = pending.chain;
  let h = pending.hash;
  try {
    [chain] = kdf(1, chain, responderEphemeral);
    h = hash(h, responderEphemeral);
    [chain] = kdf(1, chain, dh(pending.ephemeral.privateKey, responderEphemeral));
    [chain] = kdf(1, chain, dh(keys.privateKey, responderEphemeral));
  } catch {
    return { kind: 'invalid', reason: 'its ephemeral key is not usable' };
  }
  const [, tau, key] = kdf(3, chain, keys.presharedKey ?? ZERO_KEY);
  h = hash(h, tau);
  if (aeadOpen(key, 0n, data.subarray(44, 60), h) === undefined) {
    return {
      kind: 'invalid',
      reason: 'its encrypted empty payload does not authenticate (a different preshared key, or not the key pair the config names)',
    };
  }
  return { kind: 'accepted' };
}

export type CookieCheck =
  | { readonly kind: 'cookie'; readonly cookie: Uint8Array }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'unrelated' };

/**
 * Message 3 (whitepaper §5.4.7): the server is under load and wants mac2. The cookie is
 * XChaCha20-Poly1305 under HASH("cookie--" || server public key), with our mac1 as associated
 * data, so only a reply to this very initiation from the holder of that public key opens.
 */
export function openCookieReply(keys: HandshakeKeys, pending: PendingInitiation, data: Uint8Array): CookieCheck {
  if (data.length !== COOKIE_REPLY_LENGTH || data[0] !== MESSAGE_COOKIE_REPLY || data[1] !== 0 || data[2] !== 0 || data[3] !== 0) {
    return { kind: 'unrelated' };
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(4, true) !== pending.senderIndex) return { kind: 'unrelated' };
  const cookie = xaeadOpen(hash(LABEL_COOKIE, keys.peerPublicKey), data.subarray(8, 32), data.subarray(32, 64), pending.mac1);
  if (!cookie) return { kind: 'invalid', reason: 'its encrypted cookie does not open with the server public key and our mac1' };
  return { kind: 'cookie', cookie };
}

