import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Endpoint } from '../../../src/engine/net/udp';
import { type Join, REFUSED, RENDEZVOUS_METHOD, RendezvousAttr, decodeIntroduction, encodeJoin } from '../../../src/engine/punch/rendezvousWire';
import { Rendezvous, SESSION_LIFETIME_MS, isRendezvousMessage } from '../../../src/engine/server/rendezvous';
import { startReflector } from '../../../src/engine/server/reflector';
import { Method, decodeErrorCode, decodeMessage, encodeMessage, getAttribute, newTransactionId, type StunMessage } from '../../../src/engine/stun';
import { VirtualClock, VirtualNetwork } from '../../support/vnet';

const A: Endpoint = { address: '203.0.113.1', port: 40001 };
const B: Endpoint = { address: '198.51.100.7', port: 50002 };
const EVE: Endpoint = { address: '192.0.2.66', port: 6666 };
const LAN_A: Endpoint = { address: '192.168.1.10', port: 40001 };
const LAN_B: Endpoint = { address: '10.0.0.20', port: 50002 };

function join(sessionId: Uint8Array, nonce = new Uint8Array(randomBytes(12)), candidates: Endpoint[] = []): Join {
  return { sessionId, nonce, candidates };
}

function world() {
  let t = 0;
  const rendezvous = new Rendezvous({ now: () => t, maxSessions: 100, maxSessionsPerSource: 4 });
  const send = (j: Join, from: Endpoint) => {
    const out = rendezvous.handle(encodeJoin(j), from);
    if (out.kind === 'dropped') return { kind: 'dropped' as const, why: out.why };
    const decoded = decodeMessage(out.data);
    assert.ok(decoded.ok);
    return { kind: out.kind, message: decoded.value, bytes: out.data };
  };
  return { rendezvous, send, advance: (ms: number) => (t += ms) };
}

function intro(m: StunMessage) {
  assert.equal(m.cls, 'success');
  const d = decodeIntroduction(m);
  assert.ok(d.ok, d.ok ? '' : d.why);
  return d.value;
}

function assertRefused(r: { kind: string; message?: StunMessage }) {
  assert.equal(r.kind, 'refused');
  assert.equal(r.message!.cls, 'error');
  const code = decodeErrorCode(getAttribute(r.message!, 0x0009)!.value);
  assert.ok(code.ok);
  assert.equal(code.value.code, REFUSED.code);
  // A refusal carries the error code and FINGERPRINT, nothing about the session.
  assert.deepEqual(r.message!.attributes.map((a) => a.type), [0x0009, 0x8028]);
}

describe('rendezvous: two clients with the same code are introduced, and nothing else', () => {
  it('the first joiner waits and learns only its own reflexive address', () => {
    const w = world();
    const r = w.send(join(new Uint8Array(16).fill(1), undefined, [LAN_A]), A);
    assert.equal(r.kind, 'reply');
    assert.deepEqual(intro(r.message!), { reflexive: A });
  });

  it('the second joiner learns the first one’s reflexive address and declared candidates, and the first learns the second’s on its next poll', () => {
    const w = world();
    const id = new Uint8Array(16).fill(2);
    const nonceA = new Uint8Array(12).fill(0xa);
    w.send(join(id, nonceA, [LAN_A]), A);
    const b = intro(w.send(join(id, undefined, [LAN_B]), B).message!);
    assert.deepEqual(b, { reflexive: B, peer: { reflexive: A, candidates: [LAN_A] } });
    const a = intro(w.send(join(id, nonceA, [LAN_A]), A).message!);
    assert.deepEqual(a, { reflexive: A, peer: { reflexive: B, candidates: [LAN_B] } });
    assert.equal(w.rendezvous.counters.introduced, 2);
  });

  it('a session is forgotten 60 s after it was created: a late joiner starts a new, empty one', () => {
    const w = world();
    const id = new Uint8Array(16).fill(3);
    w.send(join(id, undefined, [LAN_A]), A);
    w.advance(SESSION_LIFETIME_MS);
    assert.equal(w.rendezvous.size, 0);
    assert.deepEqual(intro(w.send(join(id), B).message!), { reflexive: B });
  });

  it('only rendezvous-method datagrams are taken from the reflector', () => {
    assert.equal(isRendezvousMessage(encodeJoin(join(new Uint8Array(16)))), true);
    assert.equal(isRendezvousMessage(encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] })), false);
    assert.equal(isRendezvousMessage(new Uint8Array([0xff, 0xff, 0, 0])), false);
  });
});

describe('rendezvous attacks: refused, nothing leaked, bounded memory', () => {
  it('a third client presenting a full session’s id is refused and learns nothing of either member', () => {
    const w = world();
    const id = new Uint8Array(16).fill(4);
    w.send(join(id, undefined, [LAN_A]), A);
    w.send(join(id, undefined, [LAN_B]), B);
    const r = w.send(join(id, undefined, []), EVE);
    assertRefused(r);
    const text = Buffer.from(r.bytes!).toString('latin1');
    for (const secret of [A, B, LAN_A, LAN_B]) assert.ok(!text.includes(secret.address));
  });

  it('a third client guessing codes only ever sees its own address: a guess that misses opens an empty session, and nothing tells a hit from a miss until a peer is there', () => {
    const w = world();
    w.send(join(new Uint8Array(16).fill(5), undefined, [LAN_A]), A);
    for (let i = 0; i < 4; i++) {
      const guess = new Uint8Array(randomBytes(16));
      const r = w.send(join(guess), EVE);
      assert.deepEqual(intro(r.message!), { reflexive: EVE });
    }
    // Its fifth open session is one too many for one source.
    assertRefused(w.send(join(new Uint8Array(randomBytes(16))), EVE));
  });

  it('introduced sessions do not count against their creator: ten punches in a minute from one address all meet their peer', () => {
    const w = world();
    for (let i = 0; i < 10; i++) {
      const id = new Uint8Array(16).fill(0x40 + i);
      assert.equal(w.send(join(id), A).kind, 'reply');
      assert.ok(intro(w.send(join(id), B).message!).peer, `punch ${i + 1}`);
    }
  });

  it('a replayed join (the same nonce from another address) is refused; the genuine member still gets its peer', () => {
    const w = world();
    const id = new Uint8Array(16).fill(6);
    const nonceA = new Uint8Array(12).fill(0xa);
    w.send(join(id, nonceA, [LAN_A]), A);
    assertRefused(w.send(join(id, nonceA, [LAN_A]), EVE));
    const b = intro(w.send(join(id, undefined, [LAN_B]), B).message!);
    assert.deepEqual(b.peer?.reflexive, A);
    assertRefused(w.send(join(id, nonceA, [LAN_A]), EVE));
  });

  it('a replayed join of the second member is refused too, even byte for byte', () => {
    const w = world();
    const id = new Uint8Array(16).fill(7);
    w.send(join(id), A);
    const bytes = encodeJoin(join(id, new Uint8Array(12).fill(0xb), [LAN_B]));
    assert.equal(w.rendezvous.handle(bytes, B).kind, 'reply');
    assert.equal(w.rendezvous.handle(bytes, EVE).kind, 'refused');
  });

  it('a flood of joins from many sources fills at most maxSessions, then is refused; memory stays bounded and old sessions expire', () => {
    const w = world();
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const from = { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1000 + (i % 50000) };
      const r = w.send(join(new Uint8Array(randomBytes(16)), undefined, [LAN_A, LAN_B]), from);
      if (r.kind === 'refused') refused++;
    }
    assert.equal(w.rendezvous.size, 100);
    assert.equal(refused, 4900);
    w.advance(SESSION_LIFETIME_MS);
    assert.equal(w.rendezvous.size, 0);
    assert.equal(w.send(join(new Uint8Array(16).fill(8)), A).kind, 'reply');
  });

  it('amplification: no answer is longer than the join it answers, even the fullest introduction to a forged source; a short join gets silence', () => {
    const w = world();
    const id = new Uint8Array(16).fill(0x33);
    const eight = Array.from({ length: 8 }, (_, i) => ({ address: `10.0.0.${i + 1}`, port: 1000 + i }));
    const first = encodeJoin(join(id, undefined, eight));
    const out1 = w.rendezvous.handle(first, A);
    assert.ok(out1.kind !== 'dropped' && out1.data.length <= first.length);
    const second = encodeJoin(join(id));
    const out2 = w.rendezvous.handle(second, B);
    assert.ok(out2.kind === 'reply' && out2.event === 'introduced');
    assert.ok(out2.data.length <= second.length, `${out2.data.length} > ${second.length}`);
    const short = encodeMessage(
      { cls: 'request', method: RENDEZVOUS_METHOD, transactionId: newTransactionId(), attributes: [{ type: RendezvousAttr.Session, value: id }, { type: RendezvousAttr.Nonce, value: new Uint8Array(12) }] },
      { fingerprint: true },
    );
    assert.equal(w.rendezvous.handle(short, EVE).kind, 'dropped');
  });

  it('hostile joins: wrong lengths, too many candidates, unknown attributes, no FINGERPRINT, answers instead of requests', () => {
    const w = world();
    const id = newTransactionId();
    // Padded to the minimum join size, so what is judged is the content, not the length.
    const bad = (attributes: { type: number; value: Uint8Array }[], options = { fingerprint: true }, cls: 'request' | 'success' = 'request') =>
      w.rendezvous.handle(encodeMessage({ cls, method: RENDEZVOUS_METHOD, transactionId: id, attributes: [...attributes, { type: 0x0026, value: new Uint8Array(300) }] }, options), A).kind;
    const session = { type: RendezvousAttr.Session, value: new Uint8Array(16) };
    const nonce = { type: RendezvousAttr.Nonce, value: new Uint8Array(12) };
    const candidate = { type: RendezvousAttr.Candidate, value: new Uint8Array([0, 1, 0, 80, 1, 2, 3, 4]) };
    assert.equal(bad([{ type: RendezvousAttr.Session, value: new Uint8Array(15) }, nonce]), 'refused');
    assert.equal(bad([session, { type: RendezvousAttr.Nonce, value: new Uint8Array(2) }]), 'refused');
    assert.equal(bad([session, nonce, ...Array<typeof candidate>(9).fill(candidate)]), 'refused');
    assert.equal(bad([session, nonce, { type: 0x4e7f, value: new Uint8Array(4) }]), 'refused');
    assert.equal(bad([session, nonce], { fingerprint: false }), 'dropped');
    assert.equal(bad([session, nonce], { fingerprint: true }, 'success'), 'dropped');
    assert.equal(w.rendezvous.handle(new Uint8Array(randomBytes(64)), A).kind, 'dropped');
    assert.equal(w.rendezvous.size, 0);
  });
});

describe('rendezvous on the reflector socket (serve --rendezvous)', () => {
  async function serve(withRendezvous: boolean) {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 3 });
    const server = net.addHost({ addresses: ['198.51.100.1'], name: 'server' });
    const client = net.addHost({ addresses: ['203.0.113.9'], name: 'client' });
    const rendezvous = withRendezvous ? new Rendezvous({ now: () => clock.now() }) : undefined;
    await startReflector({ factory: server, clock, primary: { address: '198.51.100.1', port: 3478 }, software: 'natprobe', rendezvous });
    const socket = await client.bind({ family: 4 });
    const got: Uint8Array[] = [];
    socket.onMessage((d) => got.push(d));
    await socket.send(encodeJoin(join(new Uint8Array(16).fill(9))), { address: '198.51.100.1', port: 3478 });
    await clock.advance(100);
    return got;
  }

  it('answers a join on the STUN port when enabled', async () => {
    const got = await serve(true);
    assert.equal(got.length, 1);
    const m = decodeMessage(got[0]);
    assert.ok(m.ok);
    assert.equal(m.value.method, RENDEZVOUS_METHOD);
    assert.deepEqual(intro(m.value).reflexive.address, '203.0.113.9');
  });

  it('stays silent to a join when not enabled (off by default)', async () => {
    assert.equal((await serve(false)).length, 0);
  });
});
