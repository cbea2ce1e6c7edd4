import type { Endpoint, UdpSocket } from '../../../src/engine/net/udp';
import { endpointKey } from '../../../src/engine/net/udp';
import {
  Attr,
  Method,
  type StunAttribute,
  type StunMessage,
  decodeLifetime,
  decodeMessage,
  decodeRequestedTransport,
  decodeText,
  encodeErrorCode,
  encodeLifetime,
  encodeMessage,
  encodeText,
  encodeXorAddress,
  getAttribute,
  longTermKey,
  verifyFingerprint,
  verifyIntegrity,
} from '../../../src/engine/stun';

// ---------------------------------------------------------------------------------------------
// A small TURN server of our own on the virtual network: long-term credentials (RFC 8489 §9.2),
// nonces, Allocate / Refresh accounting (RFC 8656 §7), a transaction cache for retransmissions.

export type Quirk =
  | 'none'
  | 'silent'
  | 'stale-once'
  | 'stale-always'
  | 'no-realm'
  | 'bad-integrity'
  | 'no-integrity'
  | 'no-relayed'
  | 'garbage'
  | 'no-error-code'
  | 'no-auth'
  | 'mismatch-once'
  | { code: number; reason: string };

export const REALM = 'lab.example';
export const USERS: Record<string, string> = { alice: 'wonderland' };

export class FakeTurn {
  nonceCounter = 0;
  currentNonce = this.newNonce();
  readonly allocations = new Map<string, { relayed: Endpoint; lifetime: number }>();
  allocated = 0;
  freed = 0;
  /** transaction id (hex) → how many times a request with it arrived. */
  readonly transactions = new Map<string, { method: number; count: number }>();
  readonly datagrams: Uint8Array[] = [];
  private readonly cache = new Map<string, Uint8Array>();
  private staleSent = false;
  private mismatchSent = false;
  private nextRelayPort = 49152;

  constructor(
    readonly socket: UdpSocket,
    public quirk: Quirk = 'none',
    /** The address relayed addresses are on: the server's own. */
    readonly relayAddress = '198.51.100.10',
  ) {
    socket.onMessage((data, from) => this.receive(data, from));
  }

  private newNonce(): string {
    return `nonce-${++this.nonceCounter}-${'x'.repeat(8)}`;
  }

  private receive(data: Uint8Array, from: Endpoint): void {
    this.datagrams.push(data);
    const d = decodeMessage(data);
    if (!d.ok || d.value.cls !== 'request') return;
    const m = d.value;
    const id = Buffer.from(m.transactionId).toString('hex');
    const seen = this.transactions.get(id);
    this.transactions.set(id, { method: m.method, count: (seen?.count ?? 0) + 1 });
    if (this.quirk === 'silent') return;
    const cached = this.cache.get(id);
    if (cached) {
      void this.socket.send(cached, from);
      return;
    }
    if (this.quirk === 'garbage') {
      void this.socket.send(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n'), from);
      return;
    }
    const reply = this.handle(m, data, from);
    if (!reply) return;
    this.cache.set(id, reply);
    void this.socket.send(reply, from);
  }

  private response(m: StunMessage, cls: 'success' | 'error', attributes: StunAttribute[], key?: Uint8Array): Uint8Array {
    return encodeMessage({ cls, method: m.method, transactionId: m.transactionId, attributes }, { integrityKey: key, fingerprint: true });
  }

  private error(m: StunMessage, code: number, reason: string, extra: StunAttribute[] = [], key?: Uint8Array): Uint8Array {
    if (this.quirk === 'no-error-code') return this.response(m, 'error', extra);
    return this.response(m, 'error', [{ type: Attr.ErrorCode, value: encodeErrorCode({ code, reason }) }, ...extra], key);
  }

  private challenge(m: StunMessage, code = 401, reason = 'Unauthorized'): Uint8Array {
    const attrs: StunAttribute[] = [{ type: Attr.Nonce, value: encodeText(this.currentNonce) }];
    if (this.quirk !== 'no-realm') attrs.unshift({ type: Attr.Realm, value: encodeText(REALM) });
    return this.error(m, code, reason, attrs);
  }

  private handle(m: StunMessage, raw: Uint8Array, from: Endpoint): Uint8Array | undefined {
    if (verifyFingerprint(m, raw) === 'invalid') return undefined;
    const tuple = endpointKey(from);
    if (m.method === Method.Allocate && this.quirk === 'no-auth') return this.allocate(m, from, undefined);
    const text = (type: number): string | undefined => {
      const a = getAttribute(m, type);
      if (!a) return undefined;
      const t = decodeText(a.value);
      return t.ok ? t.value : undefined;
    };
    const username = text(Attr.Username);
    const realm = text(Attr.Realm);
    const nonce = text(Attr.Nonce);
    if (!getAttribute(m, Attr.MessageIntegrity) || username === undefined || realm === undefined || nonce === undefined) {
      return this.challenge(m);
    }
    if (nonce !== this.currentNonce || (this.quirk === 'stale-once' && !this.staleSent) || this.quirk === 'stale-always') {
      this.staleSent = true;
      this.currentNonce = this.newNonce();
      return this.challenge(m, 438, 'Stale Nonce');
    }
    const password = USERS[username];
    const key = password === undefined ? undefined : longTermKey(username, REALM, password);
    if (!key || realm !== REALM || verifyIntegrity(m, raw, key) !== 'valid') return this.challenge(m);

    if (m.method === Method.Allocate) {
      if (typeof this.quirk === 'object') return this.error(m, this.quirk.code, this.quirk.reason, [], key);
      if (this.quirk === 'mismatch-once' && !this.mismatchSent) {
        this.mismatchSent = true;
        return this.error(m, 437, 'Allocation Mismatch', [], key);
      }
      if (this.allocations.has(tuple)) return this.error(m, 437, 'Allocation Mismatch', [], key);
      const transport = getAttribute(m, Attr.RequestedTransport);
      const proto = transport ? decodeRequestedTransport(transport.value) : undefined;
      if (!proto || !proto.ok) return this.error(m, 400, 'Bad Request', [], key);
      if (proto.value !== 17) return this.error(m, 442, 'Unsupported Transport Protocol', [], key);
      return this.allocate(m, from, key);
    }
    if (m.method === Method.Refresh) {
      const alloc = this.allocations.get(tuple);
      if (!alloc) return this.error(m, 437, 'Allocation Mismatch', [], key);
      const l = getAttribute(m, Attr.Lifetime);
      const lifetime = l ? decodeLifetime(l.value) : undefined;
      const seconds = lifetime && lifetime.ok ? lifetime.value : 600;
      if (seconds === 0) {
        this.allocations.delete(tuple);
        this.freed++;
      } else alloc.lifetime = seconds;
      return this.response(m, 'success', [{ type: Attr.Lifetime, value: encodeLifetime(seconds) }], key);
    }
    return this.error(m, 400, 'Bad Request', [], key);
  }

  private allocate(m: StunMessage, from: Endpoint, key: Uint8Array | undefined): Uint8Array {
    const relayed = { address: this.relayAddress, port: this.nextRelayPort++ };
    this.allocations.set(endpointKey(from), { relayed, lifetime: 600 });
    this.allocated++;
    const attrs: StunAttribute[] = [];
    if (this.quirk !== 'no-relayed') attrs.push({ type: Attr.XorRelayedAddress, value: encodeXorAddress(relayed, m.transactionId) });
    attrs.push({ type: Attr.XorMappedAddress, value: encodeXorAddress(from, m.transactionId) });
    attrs.push({ type: Attr.Lifetime, value: encodeLifetime(600) });
    let k = key;
    if (this.quirk === 'bad-integrity') k = longTermKey('alice', REALM, 'not-the-password');
    if (this.quirk === 'no-integrity') k = undefined;
    return this.response(m, 'success', attrs, k);
  }
}

