import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Endpoint } from '../../../src/engine/net/udp';
import {
  type Join,
  MAX_RELAYS,
  MIN_JOIN_BYTES,
  RELAY_MAX_TENTHS,
  RELAY_MEASURING,
  RENDEZVOUS_METHOD,
  type RelayFigure,
  RendezvousAttr,
  decodeIntroduction,
  decodeJoin,
  encodeIntroduction,
  encodeJoin,
} from '../../../src/engine/punch/rendezvousWire';
import { Rendezvous } from '../../../src/engine/server/rendezvous';
import { Attr, decodeMessage, encodeMessage, encodeXorAddress, newTransactionId, type StunMessage } from '../../../src/engine/stun';

// The RELAY attribute (0x4E54): per TURN server, its address:port and this end's RTT to it, so
// both ends of a punch can name the relay with the lowest sum (docs/punch.md).

const A: Endpoint = { address: '203.0.113.1', port: 40001 };
const B: Endpoint = { address: '198.51.100.7', port: 50002 };
const X: Endpoint = { address: '198.51.100.31', port: 3478 };
const Y: Endpoint = { address: '198.51.100.32', port: 3478 };

function joinWith(relays: RelayFigure[] | undefined, sessionId = new Uint8Array(16).fill(0x21), nonce = new Uint8Array(randomBytes(12))): Join {
  return { sessionId, nonce, candidates: [], ...(relays ? { relays } : {}) };
}

function decoded(bytes: Uint8Array): StunMessage {
  const m = decodeMessage(bytes);
  assert.ok(m.ok);
  return m.value;
}

/** A raw RELAY value: an IPv4 XOR address and a 32-bit figure. */
function rawRelay(server: Endpoint, figure: number, id: Uint8Array, length = 12): { type: number; value: Uint8Array } {
  const value = new Uint8Array(length);
  value.set(encodeXorAddress(server, id).subarray(0, Math.min(8, length)), 0);
  if (length >= 12) new DataView(value.buffer).setUint32(8, figure >>> 0);
  return { type: RendezvousAttr.Relay, value };
}

/** A join with the given RELAY attributes, padded past the minimum size so only the content is judged. */
function hostileJoin(relays: (id: Uint8Array) => { type: number; value: Uint8Array }[]): Uint8Array {
  const id = newTransactionId();
  return encodeMessage(
    {
      cls: 'request',
      method: RENDEZVOUS_METHOD,
      transactionId: id,
      attributes: [{ type: RendezvousAttr.Session, value: new Uint8Array(16).fill(0x22) }, { type: RendezvousAttr.Nonce, value: new Uint8Array(12).fill(1) }, ...relays(id), { type: Attr.Padding, value: new Uint8Array(MIN_JOIN_BYTES) }],
    },
    { fingerprint: true },
  );
}

describe('RELAY in the join: each end declares its TURN servers and its RTT to each', () => {
  it('round trip: RTTs in 0.1 ms steps, "failed", "no-rtt" and "measuring" survive encode and decode', () => {
    const relays: RelayFigure[] = [
      { server: X, rttMs: 12.3 },
      { server: Y, rttMs: 'failed' },
      { server: { address: '192.0.2.9', port: 3479 }, rttMs: 'measuring' },
      { server: { address: '192.0.2.10', port: 3479 }, rttMs: 'no-rtt' },
    ];
    const j = decodeJoin(decoded(encodeJoin(joinWith(relays))));
    assert.ok(j.ok, j.ok ? '' : j.why);
    assert.deepEqual(j.value.relays, relays);
  });

  it('an RTT below 0.1 ms (loopback) is carried as 0.1 ms, never as "failed"', () => {
    const j = decodeJoin(decoded(encodeJoin(joinWith([{ server: X, rttMs: 0.02 }]))));
    assert.ok(j.ok);
    assert.deepEqual(j.value.relays, [{ server: X, rttMs: 0.1 }]);
  });

  it('no TURN server configured: no RELAY attribute at all, and none decoded', () => {
    const m = decoded(encodeJoin(joinWith(undefined)));
    assert.equal(m.attributes.filter((a) => a.type === RendezvousAttr.Relay).length, 0);
    const j = decodeJoin(m);
    assert.ok(j.ok);
    assert.equal(j.value.relays, undefined);
  });

  it('an IPv6 TURN server is not put on the wire (the value holds an IPv4 address); the IPv4 ones are', () => {
    const j = decodeJoin(decoded(encodeJoin(joinWith([{ server: { address: '2001:db8::1', port: 3478 }, rttMs: 5 }, { server: X, rttMs: 7 }]))));
    assert.ok(j.ok);
    assert.deepEqual(j.value.relays, [{ server: X, rttMs: 7 }]);
  });

  it('the encoder never writes more than MAX_RELAYS, and the fullest join is still exactly as long as the minimum requires or longer', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ server: { address: `10.1.0.${i + 1}`, port: 3478 }, rttMs: i + 1 }));
    const bytes = encodeJoin(joinWith(many));
    assert.equal(decoded(bytes).attributes.filter((a) => a.type === RendezvousAttr.Relay).length, MAX_RELAYS);
    assert.ok(bytes.length >= MIN_JOIN_BYTES);
  });
});

describe('RELAY hostile input: the rendezvous refuses, the client drops, nothing unbounded', () => {
  const refusedBy = (bytes: Uint8Array): string => {
    const r = new Rendezvous({ now: () => 0 });
    return r.handle(bytes, A).kind;
  };

  it('1000 RELAY attributes: refused (at most 8), in bounded time', () => {
    const t0 = performance.now();
    assert.equal(refusedBy(hostileJoin((id) => Array.from({ length: 1000 }, (_, i) => rawRelay({ address: `10.2.${i >> 8}.${i & 255}`, port: 3478 }, 10, id)))), 'refused');
    assert.ok(performance.now() - t0 < 1000);
  });

  it('a RELAY of the wrong length (11, 13, 24 bytes: an IPv6 address) is refused', () => {
    for (const length of [0, 8, 11, 13, 24]) assert.equal(refusedBy(hostileJoin((id) => [rawRelay(X, 10, id, length)])), 'refused', `${length} bytes`);
  });

  it('an RTT out of range (past one minute, or anything between that and the "measuring" value) is refused', () => {
    for (const figure of [RELAY_MAX_TENTHS + 1, 0x7fff_ffff, RELAY_MEASURING - 2]) assert.equal(refusedBy(hostileJoin((id) => [rawRelay(X, figure, id)])), 'refused', `figure ${figure}`);
    assert.equal(refusedBy(hostileJoin((id) => [rawRelay(X, RELAY_MAX_TENTHS, id)])), 'reply', 'one minute exactly is in range');
  });

  it('amplification: the fullest introduction (8 candidates and 8 relays of the peer) is no longer than the smallest join it answers', () => {
    const rendezvous = new Rendezvous({ now: () => 0 });
    const id = new Uint8Array(16).fill(0x23);
    const eight = Array.from({ length: 8 }, (_, i) => ({ address: `10.0.0.${i + 1}`, port: 1000 + i }));
    const relays = Array.from({ length: 8 }, (_, i) => ({ server: { address: `10.9.0.${i + 1}`, port: 3478 }, rttMs: 100 + i }));
    rendezvous.handle(encodeJoin({ sessionId: id, nonce: new Uint8Array(12).fill(1), candidates: eight, relays }), A);
    const second = encodeJoin({ sessionId: id, nonce: new Uint8Array(12).fill(2), candidates: [] });
    const out = rendezvous.handle(second, B);
    assert.ok(out.kind === 'reply' && out.event === 'introduced');
    assert.ok(out.data.length <= second.length, `${out.data.length} > ${second.length}`);
    const d = decodeIntroduction(decoded(out.data));
    assert.ok(d.ok);
    assert.equal(d.value.peer?.relays?.length, 8);
  });

  it('port 0, or the same server twice, is refused', () => {
    assert.equal(refusedBy(hostileJoin((id) => [rawRelay({ address: X.address, port: 0 }, 10, id)])), 'refused');
    assert.equal(refusedBy(hostileJoin((id) => [rawRelay(X, 10, id), rawRelay(X, 20, id)])), 'refused');
  });

  it('the client drops a hostile RELAY list from the rendezvous whole, and keeps the introduction', () => {
    const request = decoded(encodeJoin(joinWith(undefined)));
    const answer = decoded(encodeIntroduction(request, { reflexive: A, peer: { reflexive: B, candidates: [] } }));
    const forged: StunMessage = { ...answer, attributes: [...answer.attributes, ...Array.from({ length: 1000 }, () => ({ ...rawRelay(X, 10, answer.transactionId), offset: 0 }))] };
    const d = decodeIntroduction(forged);
    assert.ok(d.ok);
    assert.deepEqual(d.value.peer, { reflexive: B, candidates: [] });
    const outOfRange: StunMessage = { ...answer, attributes: [...answer.attributes, { ...rawRelay(X, RELAY_MAX_TENTHS + 5, answer.transactionId), offset: 0 }] };
    const e = decodeIntroduction(outOfRange);
    assert.ok(e.ok);
    assert.equal(e.value.peer?.relays, undefined);
  });
});

describe('the rendezvous stores and forwards each member\'s latest relay figures, with the peer and nothing else', () => {
  function world() {
    const rendezvous = new Rendezvous({ now: () => 0 });
    const send = (j: Join, from: Endpoint) => {
      const out = rendezvous.handle(encodeJoin(j), from);
      assert.equal(out.kind, 'reply');
      const d = decodeIntroduction(decoded((out as { data: Uint8Array }).data));
      assert.ok(d.ok);
      return d.value;
    };
    return { send };
  }

  it('the second end joins while still measuring, joins again once measured: the first end picks up the latest figures on its next poll', () => {
    const w = world();
    const id = new Uint8Array(16).fill(0x31);
    const nonceA = new Uint8Array(12).fill(0xa);
    const nonceB = new Uint8Array(12).fill(0xb);
    w.send(joinWith([{ server: X, rttMs: 10 }, { server: Y, rttMs: 30 }], id, nonceA), A);
    const b1 = w.send(joinWith([{ server: X, rttMs: 'measuring' }, { server: Y, rttMs: 'measuring' }], id, nonceB), B);
    assert.deepEqual(b1.peer?.relays, [{ server: X, rttMs: 10 }, { server: Y, rttMs: 30 }], 'B learns A\'s figures with the introduction');
    assert.deepEqual(w.send(joinWith([{ server: X, rttMs: 10 }, { server: Y, rttMs: 30 }], id, nonceA), A).peer?.relays, [{ server: X, rttMs: 'measuring' }, { server: Y, rttMs: 'measuring' }]);
    w.send(joinWith([{ server: X, rttMs: 100 }, { server: Y, rttMs: 20 }], id, nonceB), B);
    assert.deepEqual(w.send(joinWith([{ server: X, rttMs: 10 }, { server: Y, rttMs: 30 }], id, nonceA), A).peer?.relays, [{ server: X, rttMs: 100 }, { server: Y, rttMs: 20 }]);
  });

  it('a replayed join from another address cannot change a member\'s figures: refused, and the peer still sees the genuine ones', () => {
    const rendezvous = new Rendezvous({ now: () => 0 });
    const id = new Uint8Array(16).fill(0x32);
    const nonceA = new Uint8Array(12).fill(0xa);
    const EVE: Endpoint = { address: '192.0.2.66', port: 6666 };
    assert.equal(rendezvous.handle(encodeJoin(joinWith([{ server: X, rttMs: 10 }], id, nonceA)), A).kind, 'reply');
    // Eve knows A's nonce (a captured join) and claims X is 5,000 ms from A.
    assert.equal(rendezvous.handle(encodeJoin(joinWith([{ server: X, rttMs: 5000 }], id, nonceA)), EVE).kind, 'refused');
    const out = rendezvous.handle(encodeJoin(joinWith(undefined, id)), B);
    assert.equal(out.kind, 'reply');
    const d = decodeIntroduction(decoded((out as { data: Uint8Array }).data));
    assert.ok(d.ok);
    assert.deepEqual(d.value.peer?.relays, [{ server: X, rttMs: 10 }]);
  });

  it('an end without TURN servers gives its peer no RELAY: the peer\'s figures are unknown, not "failed"', () => {
    const w = world();
    const id = new Uint8Array(16).fill(0x33);
    w.send(joinWith(undefined, id), A);
    const b = w.send(joinWith([{ server: X, rttMs: 5 }], id), B);
    assert.ok(b.peer);
    assert.equal(b.peer.relays, undefined);
  });
});
