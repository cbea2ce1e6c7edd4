import assert from 'node:assert/strict';
import type { Endpoint, UdpSocket } from '../../../src/engine/net/udp';
import { endpointKey } from '../../../src/engine/net/udp';
import { type TurnResult, parseTurnUrl, probeTurn } from '../../../src/engine/probes/turn';
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
import { VirtualClock, VirtualNetwork, type VirtualHost } from '../../support/vnet';

describe('parseTurnUrl (RFC 7065)', () => {
  const good: [string, { host: string; port: number }][] = [
    ['turn:turn.example.com', { host: 'turn.example.com', port: 3478 }],
    ['turn:198.51.100.1:3482', { host: '198.51.100.1', port: 3482 }],
    ['TURN:198.51.100.1?transport=udp', { host: '198.51.100.1', port: 3478 }],
    ['turn:[2001:db8::1]:5349?transport=UDP', { host: '2001:db8::1', port: 5349 }],
    ['  turn:example.net:80  ', { host: 'example.net', port: 80 }],
  ];
  for (const [text, want] of good) {
    it(`parses ${text.trim()}`, () => {
      assert.deepEqual(parseTurnUrl(text), { ok: true, value: { ...want, transport: 'udp' } });
    });
  }
  const bad: [string, RegExp][] = [
    ['turns:turn.example.com', /turns: \(TURN over TLS\) is not supported: only UDP is supported for now/],
    ['turn:turn.example.com?transport=tcp', /TURN over TCP is not supported: only UDP is supported for now/],
    ['turn:turn.example.com?transport=sctp', /transport "sctp" is not udp or tcp/],
    ['turn:turn.example.com?foo=bar', /unknown query "\?foo=bar"/],
    ['stun:turn.example.com', /the scheme must be turn:, not stun:/],
    ['turn.example.com:3478', /the scheme must be turn:|starts with turn:/],
    ['turn://turn.example.com', /have no "\/\/"/],
    ['turn:alice@turn.example.com', /carries no username/],
    ['turn:', /no host after turn:/],
    ['turn:example.com:99999', /port must be a number from 1 to 65535/],
    ['turn:stun:example.com', /one scheme only|not a hostname/],
  ];
  for (const [text, error] of bad) {
    it(`rejects ${text} with a clear message`, () => {
      const r = parseTurnUrl(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, error);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// A small TURN server of our own on the virtual network: long-term credentials (RFC 8489 §9.2),
// nonces, Allocate / Refresh accounting (RFC 8656 §7), a transaction cache for retransmissions.

type Quirk =
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

const TURN = { address: '198.51.100.10', port: 3478 };
const REALM = 'lab.example';
const USERS: Record<string, string> = { alice: 'wonderland' };

class FakeTurn {
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
    const relayed = { address: TURN.address, port: this.nextRelayPort++ };
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

async function world(quirk: Quirk = 'none', opts: { loss?: number; seed?: number } = {}) {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: opts.seed ?? 3 });
  const serverHost = net.addHost({ addresses: [TURN.address], link: { delayMs: 10 } });
  const turn = new FakeTurn(await serverHost.bind({ family: 4, address: TURN.address, port: TURN.port }), quirk);
  const nat = net.addNat({ publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent' }, { link: { delayMs: 5, lossRate: opts.loss ?? 0 } });
  const client: VirtualHost = net.addHost({ addresses: ['192.168.1.2'], behind: nat });
  const logs: string[] = [];
  const run = (username = 'alice', password = 'wonderland', budgetMs = 3000): Promise<TurnResult> =>
    clock.run(probeTurn({ factory: client, clock, server: TURN, username, password, budgetMs, log: (l) => logs.push(l) }));
  return { clock, net, turn, run, logs };
}

function noPassword(r: TurnResult, logs: string[], turn: FakeTurn, password: string): void {
  const everything = JSON.stringify(r) + logs.join('\n');
  assert.ok(!everything.includes(password), 'the password must not appear in the result or the log');
  for (const d of turn.datagrams) assert.ok(!Buffer.from(d).toString('latin1').includes(password), 'the password must not go on the wire');
}

describe('probeTurn against a fake TURN server on the virtual network', () => {
  it('right credentials: relayed address and RTT, and the allocation is freed with Refresh lifetime 0', async () => {
    const w = await world();
    const r = await w.run();
    assert.equal(r.value, 'yes', JSON.stringify(r));
    assert.equal(r.error, null);
    assert.equal(r.relayedAddress, '198.51.100.10:49152');
    assert.ok(r.rttMs !== null && r.rttMs >= 30 && r.rttMs <= 31, `rtt ${r.rttMs}`);
    assert.equal(r.released, true);
    assert.equal(w.turn.allocated, 1);
    assert.equal(w.turn.freed, 1);
    assert.equal(w.turn.allocations.size, 0, 'nothing left on the server');
    noPassword(r, w.logs, w.turn, 'wonderland');
    // Allocate (401), Allocate (ok), Refresh: three transactions.
    assert.deepEqual([...w.turn.transactions.values()].map((t) => t.method), [Method.Allocate, Method.Allocate, Method.Refresh]);
  });

  it('wrong password: "no" with exactly "401 Unauthorized from the TURN server" and the realm, never a timeout', async () => {
    const w = await world();
    const t0 = w.clock.now();
    const r = await w.run('alice', 'hunter2');
    assert.deepEqual(r, { value: 'no', relayedAddress: null, rttMs: null, error: '401 Unauthorized from the TURN server (realm "lab.example")', released: null });
    assert.ok(w.clock.now() - t0 < 200, 'answered in two round trips');
    assert.equal(w.turn.allocated, 0);
    noPassword(r, w.logs, w.turn, 'hunter2');
  });

  it('unknown user: the same 401 verdict', async () => {
    const w = await world();
    const r = await w.run('mallory', 'wonderland');
    assert.equal(r.value, 'no');
    assert.match(r.error!, /^401 Unauthorized from the TURN server/);
  });

  it('438 Stale Nonce: retries once with the new nonce and succeeds', async () => {
    const w = await world('stale-once');
    const r = await w.run();
    assert.equal(r.value, 'yes', JSON.stringify(r));
    assert.equal(r.released, true);
    assert.equal(w.turn.allocations.size, 0);
    assert.ok(w.logs.some((l) => /438 Stale Nonce/.test(l)));
  });

  it('438 twice: "unknown", not an endless loop', async () => {
    const w = await world('stale-always');
    const r = await w.run();
    assert.equal(r.value, 'unknown');
    assert.match(r.error!, /438 Stale Nonce again/);
    assert.equal(w.turn.transactions.size, 3);
  });

  it('silence: "unknown" with "no answer from the TURN server at …", within the budget', async () => {
    const w = await world('silent');
    const t0 = w.clock.now();
    const r = await w.run('alice', 'wonderland', 2000);
    assert.equal(r.value, 'unknown');
    assert.match(r.error!, /^no answer from the TURN server at 198\.51\.100\.10:3478 \(\d tries over \d+ ms\)$/);
    assert.ok(w.clock.now() - t0 <= 2001);
    // All retransmissions of the Allocate carry one transaction ID (RFC 8489 §6.2.1).
    assert.equal(w.turn.transactions.size, 1);
    assert.ok([...w.turn.transactions.values()][0].count >= 3);
  });

  it('30 % loss each way: still allocates; retransmissions keep their transaction ID and the server\'s cache answers them', async () => {
    let successes = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const w = await world('none', { loss: 0.3, seed });
      const r = await w.run('alice', 'wonderland', 4000);
      if (r.value === 'yes') successes++;
      else assert.equal(r.value, 'unknown', JSON.stringify(r));
      // Never a new transaction per retransmission: at most 3 transactions (Allocate, Allocate, Refresh).
      assert.ok(w.turn.transactions.size <= 3, `${w.turn.transactions.size} transactions`);
      assert.equal(w.turn.allocated, w.turn.allocated > 0 ? 1 : 0, 'never two allocations');
    }
    assert.ok(successes >= 8, `${successes}/10`);
  });

  const malformed: [Quirk, RegExp][] = [
    ['no-realm', /401 has no REALM/],
    ['bad-integrity', /fails MESSAGE-INTEGRITY/],
    ['no-integrity', /carries no MESSAGE-INTEGRITY/],
    ['no-relayed', /malformed Allocate success .*no XOR-RELAYED-ADDRESS/],
    ['no-error-code', /malformed error response .*without ERROR-CODE/],
    ['garbage', /^the TURN server at .* answers, but not correctly: .*not STUN/],
  ];
  for (const [quirk, error] of malformed) {
    it(`malformed answer (${String(quirk)}): "unknown" with a reason`, async () => {
      const w = await world(quirk);
      const r = await w.run('alice', 'wonderland', 1500);
      assert.equal(r.value, 'unknown', JSON.stringify(r));
      assert.match(r.error!, error);
      assert.equal(r.relayedAddress, null);
      // An allocation that was made is freed even when its answer is not trusted.
      assert.equal(w.turn.allocations.size, 0);
    });
  }

  const refusals: [{ code: number; reason: string }, RegExp][] = [
    [{ code: 486, reason: 'Allocation Quota Reached' }, /^486 Allocation Quota Reached from the TURN server/],
    [{ code: 508, reason: 'Insufficient Capacity' }, /^508 Insufficient Capacity from the TURN server/],
    [{ code: 441, reason: 'Wrong Credentials' }, /^441 Wrong Credentials from the TURN server/],
    [{ code: 403, reason: 'Forbidden' }, /^403 Forbidden from the TURN server/],
    [{ code: 442, reason: 'Unsupported Transport Protocol' }, /^442 Unsupported Transport Protocol from the TURN server/],
  ];
  for (const [quirk, error] of refusals) {
    it(`${quirk.code}: "no" with the code and what it means`, async () => {
      const w = await world(quirk);
      const r = await w.run();
      assert.equal(r.value, 'no');
      assert.match(r.error!, error);
    });
  }

  it('437 Allocation Mismatch once: retries from a new local port and succeeds', async () => {
    const w = await world('mismatch-once');
    const r = await w.run();
    assert.equal(r.value, 'yes', JSON.stringify(r));
    assert.ok(w.logs.some((l) => /437/.test(l)));
  });

  it('a server without authentication: "yes", and the allocation is still freed', async () => {
    const w = await world('no-auth');
    const r = await w.run();
    assert.equal(r.value, 'yes');
    assert.equal(r.released, false, 'our fake refuses an unauthenticated Refresh: reported, not hidden');
  });
});
