/**
 * A WireGuard responder for unit tests, written from the whitepaper (§5.4.2, §5.4.3, §5.4.7)
 * the way a server runs it: silent to a bad mac1, an unknown static key or a stale timestamp;
 * under load, a cookie reply to an initiation without a valid mac2. The interop proof is the
 * lab test against wireguard-go; this one makes the cookie path and the failure modes
 * deterministic.
 */

import * as crypto from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { Endpoint } from '../../src/engine/net/udp';
import {
  CONSTRUCTION,
  IDENTIFIER,
  LABEL_COOKIE,
  LABEL_MAC1,
  MESSAGE_COOKIE_REPLY,
  MESSAGE_RESPONSE,
} from '../../src/engine/reach/wireguard/handshake';
import {
  aeadOpen,
  aeadSeal,
  dh,
  equalBytes,
  generateKeyPair,
  hash,
  kdf,
  mac,
  xaeadSeal,
  type KeyPair,
} from '../../src/engine/reach/wireguard/primitives';

export interface ResponderPeer {
  readonly publicKey: Uint8Array;
  readonly presharedKey?: Uint8Array;
}

export type ResponderEvent =
  | { readonly kind: 'bad-mac1' }
  | { readonly kind: 'cookie-sent'; readonly cookie: Uint8Array }
  | { readonly kind: 'mac2-valid' }
  | { readonly kind: 'unknown-peer' }
  | { readonly kind: 'undecryptable' }
  | { readonly kind: 'replayed-timestamp' }
  | { readonly kind: 'responded'; readonly initiatorIndex: number };

export class WireGuardResponder {
  readonly events: ResponderEvent[] = [];
  underLoad = false;
  private readonly cookieSecret = crypto.randomBytes(32);
  private readonly lastTimestamp = new Map<string, Buffer>();

  constructor(
    readonly keys: KeyPair,
    private readonly peers: readonly ResponderPeer[],
  ) {}

  private cookieFor(from: Endpoint): Uint8Array {
    const port = Buffer.alloc(2);
    port.writeUInt16BE(from.port);
    const address = Buffer.from(ipaddr.parse(from.address).toByteArray());
    return mac(this.cookieSecret, Buffer.concat([address, port]));
  }

  /** The reply to one datagram from `from`, or undefined for silence. */
  handle(data: Uint8Array, from: Endpoint): Uint8Array | undefined {
    if (data.length !== 148 || data[0] !== 1) return undefined;
    const mac1 = data.subarray(116, 132);
    if (!equalBytes(mac(hash(LABEL_MAC1, this.keys.publicKey), data.subarray(0, 116)), mac1)) {
      this.events.push({ kind: 'bad-mac1' });
      return undefined;
    }
    const initiatorIndex = new DataView(data.buffer, data.byteOffset).getUint32(4, true);
    if (this.underLoad) {
      const cookie = this.cookieFor(from);
      if (!equalBytes(mac(cookie, data.subarray(0, 132)), data.subarray(132, 148))) {
        const reply = new Uint8Array(64);
        reply[0] = MESSAGE_COOKIE_REPLY;
        new DataView(reply.buffer).setUint32(4, initiatorIndex, true);
        const nonce = crypto.randomBytes(24);
        reply.set(nonce, 8);
        reply.set(xaeadSeal(hash(LABEL_COOKIE, this.keys.publicKey), nonce, cookie, mac1), 32);
        this.events.push({ kind: 'cookie-sent', cookie });
        return reply;
      }
      this.events.push({ kind: 'mac2-valid' });
    }
    let chain = hash(CONSTRUCTION);
    let h = hash(hash(chain, IDENTIFIER), this.keys.publicKey);
    const ei = data.subarray(8, 40);
    [chain] = kdf(1, chain, ei);
    h = hash(h, ei);
    let key: Uint8Array;
    [chain, key] = kdf(2, chain, dh(this.keys.privateKey, ei));
    const staticPublic = aeadOpen(key, 0n, data.subarray(40, 88), h);
    if (!staticPublic) {
      this.events.push({ kind: 'undecryptable' });
      return undefined;
    }
    h = hash(h, data.subarray(40, 88));
    const peer = this.peers.find((p) => equalBytes(p.publicKey, staticPublic));
    if (!peer) {
      this.events.push({ kind: 'unknown-peer' });
      return undefined;
    }
    [chain, key] = kdf(2, chain, dh(this.keys.privateKey, staticPublic));
    const timestamp = aeadOpen(key, 0n, data.subarray(88, 116), h);
    if (!timestamp) {
      this.events.push({ kind: 'undecryptable' });
      return undefined;
    }
    h = hash(h, data.subarray(88, 116));
    const id = Buffer.from(staticPublic).toString('base64');
    const last = this.lastTimestamp.get(id);
    if (last && Buffer.compare(Buffer.from(timestamp), last) <= 0) {
      this.events.push({ kind: 'replayed-timestamp' });
      return undefined;
    }
    this.lastTimestamp.set(id, Buffer.from(timestamp));

    const er = generateKeyPair();
    [chain] = kdf(1, chain, er.publicKey);
    h = hash(h, er.publicKey);
    [chain] = kdf(1, chain, dh(er.privateKey, ei));
    [chain] = kdf(1, chain, dh(er.privateKey, staticPublic));
    const [, tau, k] = kdf(3, chain, peer.presharedKey ?? new Uint8Array(32));
    h = hash(h, tau);
    const reply = new Uint8Array(92);
    reply[0] = MESSAGE_RESPONSE;
    const view = new DataView(reply.buffer);
    view.setUint32(4, crypto.randomBytes(4).readUInt32LE(0), true);
    view.setUint32(8, initiatorIndex, true);
    reply.set(er.publicKey, 12);
    reply.set(aeadSeal(k, 0n, new Uint8Array(0), h), 44);
    reply.set(mac(hash(LABEL_MAC1, staticPublic), reply.subarray(0, 60)), 60);
    this.events.push({ kind: 'responded', initiatorIndex });
    return reply;
  }
}

