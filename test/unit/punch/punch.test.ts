import assert from 'node:assert/strict';
import type { SessionKeys } from '../../../src/engine/punch/code';
import { DEFAULT_LOW_TTL, MANY_SOCKETS, MAX_PROBES, NORMAL_TTL, runPunch } from '../../../src/engine/punch/punch';
import type { PunchResult } from '../../../src/engine/punch/result';
import { startReflector } from '../../../src/engine/server/reflector';
import { Rendezvous } from '../../../src/engine/server/rendezvous';
import { VirtualClock, VirtualNetwork, natModels } from '../../support/vnet';
import type { Endpoint } from '../../../src/engine/net/udp';
import { RENDEZVOUS_METHOD, RendezvousAttr } from '../../../src/engine/punch/rendezvousWire';
import { Attr, type StunMessage, decodeMessage, encodeMessage, encodeXorAddress } from '../../../src/engine/stun';
import { ALTERNATE, KEYS, type Profile, SERVER, punchPair } from './punchScene';

function assertDirect(r: PunchResult, pair: RegExp) {
  assert.equal(r.direct, 'yes', r.reason);
  assert.match(r.pair!.kind, pair);
  assert.ok(r.ms! >= 0 && r.rttMs! > 0, `ms ${r.ms} rtt ${r.rttMs}`);
}

describe('punch on the virtual network: the result agrees with the NAT physics', () => {
  it('port-restricted ↔ port-restricted: srflx ↔ srflx, after a small-TTL start', async () => {
    const { ra, rb, sentA, progress } = await punchPair('port-restricted', 'port-restricted');
    assertDirect(ra, /^srflx↔srflx$/);
    assertDirect(rb, /^srflx↔srflx$/);
    assert.deepEqual(progress.map((p) => p.kind), ['waiting', 'introduced', 'connected']);
    // The first checks to the peer went with the small TTL; nothing full-TTL went before them.
    const toPeer = sentA.filter((s) => s.kind === 'check' && s.to.address !== SERVER.address);
    assert.equal(toPeer[0].ttl, DEFAULT_LOW_TTL);
    const firstNormal = toPeer.findIndex((s) => s.ttl === NORMAL_TTL);
    assert.ok(firstNormal > 0 && toPeer.slice(0, firstNormal).every((s) => s.ttl === DEFAULT_LOW_TTL));
    assert.ok(toPeer[firstNormal].at - toPeer[firstNormal - 1].at >= 300, 'a pause of ~300 ms after the small-TTL checks');
    assert.ok(ra.ms! >= 750 + 300, `connected after the small-TTL phase and the pause (${ra.ms} ms)`);
    // Answers always go with the normal TTL, or they would expire before reaching the peer.
    assert.ok(sentA.filter((s) => s.kind === 'answer').every((s) => s.ttl === NORMAL_TTL));
    assert.ok(ra.packets.lowTtl > 0 && ra.packets.sent < 200);
  });

  it('two peers on one LAN connect host ↔ host', async () => {
    const { ra, rb } = await punchPair('port-restricted', 'port-restricted', { sameLan: true });
    assertDirect(ra, /^host↔host$/);
    assertDirect(rb, /^host↔host$/);
  });

  for (const [a, b] of [
    ['full cone', 'full cone'],
    ['restricted', 'port-restricted'],
    ['open', 'port-restricted'],
    ['full cone', 'symmetric'],
    ['restricted', 'symmetric'],
  ] as [Profile, Profile][]) {
    it(`${a} ↔ ${b}: a direct path`, async () => {
      const { ra, rb } = await punchPair(a, b);
      assertDirect(ra, /↔/);
      assertDirect(rb, /↔/);
    });
  }

  it('full cone ↔ symmetric works through the peer-reflexive candidate (the answer goes where the check came from)', async () => {
    const { ra, rb } = await punchPair('full cone', 'symmetric');
    assert.equal(ra.pair!.remote, 'prflx');
    assert.equal(rb.pair!.local, 'prflx');
  });

  it('symmetric ↔ symmetric: no, within the budget and the packet cap, saying what would be needed', async () => {
    const { ra, rb } = await punchPair('symmetric', 'symmetric', { budgetMs: 3000 });
    for (const r of [ra, rb]) {
      assert.equal(r.direct, 'no');
      assert.match(r.reason, /port forward/);
      assert.match(r.reason, /relay \(TURN\)/);
      assert.equal(r.pair, undefined);
      // Two candidates a round, one round per 100 ms, plus the joins while waiting for the peer.
      assert.ok(r.packets.sent <= 2 * (3000 / 100 + 1) + 1000 / 250 + 2, `packets ${r.packets.sent}`);
    }
  });

  it('port-restricted ↔ symmetric (random ports) with a single-address rendezvous: no end can tell its own mapping, so the many-sockets method is not tried; no, and the reason says what it needs', async () => {
    const { ra, rb } = await punchPair('port-restricted', 'symmetric', { budgetMs: 3000 });
    assert.equal(ra.direct, 'no');
    assert.equal(rb.direct, 'no');
    assert.equal(ra.symmetric.ownMapping, 'unknown');
    assert.match(ra.reason, /none of the peer's checks reached us/, ra.reason);
    assert.match(ra.reason, /--alternate/);
  });

  it('port-restricted ↔ symmetric with the rendezvous on two addresses: each end tells its own mapping, and the many-sockets method wins', async () => {
    // The small-TTL checks of the many sockets are let through here (the virtual network has no
    // TTL): they reach the port-restricted NAT, which drops them, as the real path would not.
    const { ra, rb } = await punchPair('port-restricted', 'symmetric', { alternate: true, ttlBlind: true, budgetMs: 8000 });
    assert.equal(ra.symmetric.ownMapping, 'endpoint-independent');
    assert.equal(rb.symmetric.ownMapping, 'endpoint-dependent');
    assert.equal(ra.symmetric.tried, 'random-ports');
    assert.equal(rb.symmetric.tried, 'many-sockets');
    assertDirect(ra, /^srflx↔predicted$/);
    assertDirect(rb, /^prflx↔srflx$/);
    assert.ok(ra.symmetric.packets <= MAX_PROBES && rb.symmetric.packets <= MANY_SOCKETS, `${ra.symmetric.packets} probes, ${rb.symmetric.packets} sockets`);
    // The random ports are one entry, not a thousand.
    assert.equal(ra.contacted.filter((c) => c.role === 'peer (random ports)').length, 1);
  });

  it('symmetric ↔ symmetric with the rendezvous on two addresses: both open their sockets, neither probes, no, and the reason says so', async () => {
    const { ra, rb } = await punchPair('symmetric', 'symmetric', { alternate: true, ttlBlind: true, budgetMs: 3000 });
    for (const r of [ra, rb]) {
      assert.equal(r.direct, 'no');
      assert.equal(r.symmetric.tried, 'many-sockets');
      assert.match(r.reason, /changes per destination/);
      assert.ok(r.packets.sent < MANY_SOCKETS + 200);
    }
  });

  it('port-restricted ↔ symmetric with sequential ports: the symmetric end measures its stride from the rendezvous\'s two addresses, declares its next ports, and the peer\'s check meets one (no sockets, no probes)', async () => {
    const { ra, rb } = await punchPair('port-restricted', 'symmetric sequential', { alternate: true, budgetMs: 5000 });
    assert.equal(rb.symmetric.ownMapping, 'endpoint-dependent');
    assert.equal(rb.symmetric.stride, 1);
    assertDirect(ra, /^srflx↔predicted$/);
    assertDirect(rb, /^predicted↔srflx$/);
    assert.equal(ra.symmetric.tried, undefined, 'found before any random-port probe');
    assert.equal(rb.symmetric.tried, undefined, 'found before the many sockets were opened');
    assert.ok(ra.packets.sent + rb.packets.sent < 150);
  });

  it('symmetric sequential ↔ symmetric sequential: each end\'s first check goes to the other\'s first predicted port, so the two first predictions meet (predicted↔predicted)', async () => {
    const { ra, rb, sentA, sentB } = await punchPair('symmetric sequential', 'symmetric sequential', { alternate: true, budgetMs: 5000 });
    for (const [r, sent, own] of [[ra, sentA, '203.0.113.1'], [rb, sentB, '203.0.113.2']] as const) {
      assert.equal(r.symmetric.stride, 1);
      assertDirect(r, /^predicted↔predicted$/);
      assert.equal(r.symmetric.tried, undefined, 'no sockets opened, no ports probed');
      // The peer declared its next four ports after the one its second Binding got; ours went
      // to the first of them before any other candidate of the peer (each a new destination
      // that would take our predicted port).
      const peer = r.peer!;
      const firstPredicted = peer.candidates.find((c) => c.address === peer.reflexive.address && c.port !== peer.reflexive.port)!;
      const toPeer = sent.filter((s) => s.kind === 'check' && s.to.address !== SERVER.address && s.to.address !== ALTERNATE.address);
      assert.deepEqual(toPeer[0].to, firstPredicted);
      assert.equal(r.pair!.localEndpoint.address, own);
      assert.equal(r.pair!.localEndpoint.port, r.reflexive!.port + 2, 'our mapping towards the peer is the port after the two the rendezvous saw');
    }
    assert.ok(ra.packets.sent + rb.packets.sent < 200, `${ra.packets.sent} + ${rb.packets.sent} packets`);
  });

  it('symmetric sequential ↔ symmetric (random ports): no; the random side\'s port towards us cannot be known, and each probe of ours to another of its ports would leave from a new port of ours', async () => {
    const { ra, rb } = await punchPair('symmetric sequential', 'symmetric', { alternate: true, budgetMs: 3000, peerMappings: ['endpoint-dependent', 'endpoint-dependent'] });
    for (const r of [ra, rb]) {
      assert.equal(r.direct, 'no');
      assert.equal(r.symmetric.ownMapping, 'endpoint-dependent');
      assert.equal(r.symmetric.packets, 0, 'neither the 256 sockets nor the probes, which cannot help here');
      assert.match(r.reason, /relay \(TURN\)/);
    }
    assert.equal(ra.symmetric.stride, 1);
    assert.equal(rb.symmetric.stride, undefined);
    // Each end says why, from what it saw.
    assert.match(ra.reason, /Our NAT counts its ports up \(a step of 1\), so our next ports were declared to the peer, but the peer declared none of its own/);
    assert.match(rb.reason, /The peer's NAT counts its ports up \(it declared its next ports\), but ours changes per destination at random/);
  });

  it('the virtual NAT with sequential ports gives consecutive mappings (the model the prediction is tested on)', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 4 });
    const nat = net.addNat(natModels.symmetric('203.0.113.9', { portAllocation: 'sequential' }));
    const host = net.addHost({ addresses: ['10.0.0.2'], behind: nat });
    const s = await host.bind({ family: 4 });
    for (const port of [1, 2, 3]) await s.send(new Uint8Array([port]), { address: '198.51.100.1', port });
    await clock.advance(10);
    const ports = nat.mappings().map((m) => m.external.port).sort((a, b) => a - b);
    assert.deepEqual(ports, [ports[0], ports[0] + 1, ports[0] + 2]);
  });

  it('with the peer\'s report saying it is symmetric too, the symmetric ends spare their 256 sockets', async () => {
    const { ra, rb } = await punchPair('symmetric', 'symmetric', { alternate: true, ttlBlind: true, budgetMs: 3000, peerMappings: ['endpoint-dependent', 'endpoint-dependent'] });
    for (const r of [ra, rb]) {
      assert.equal(r.direct, 'no');
      assert.equal(r.symmetric.tried, undefined);
      assert.equal(r.symmetric.packets, 0);
    }
  });

  it('with the peer\'s report saying its mapping is endpoint-independent, an endpoint-independent end never probes random ports', async () => {
    const { ra, rb } = await punchPair('port-restricted', 'port-restricted', { alternate: true, budgetMs: 3000, peerMappings: ['endpoint-independent', 'endpoint-independent'] });
    assertDirect(ra, /^srflx↔srflx$/);
    assert.equal(ra.symmetric.tried, undefined);
    assert.equal(rb.symmetric.tried, undefined);
  });

  it('every destination is listed: the rendezvous and the peer’s candidates, each with its packet count', async () => {
    const { ra } = await punchPair('port-restricted', 'port-restricted');
    assert.deepEqual(ra.contacted.map((c) => c.role).sort(), ['peer', 'peer', 'rendezvous']);
    assert.equal(ra.contacted.reduce((n, c) => n + c.packets, 0), ra.packets.sent);
  });
});

describe('punch: the rendezvous side of things', () => {
  it('a rendezvous that never answers is "unreachable" after 5 s, having sent a bounded number of joins', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 2 });
    const host = net.addHost({ addresses: ['192.0.2.10'] });
    const r = await clock.run(runPunch({ factory: host, clock, rendezvous: SERVER, keys: KEYS, budgetMs: 1000, hostAddresses: [] }));
    assert.equal(r.rendezvous, 'unreachable');
    assert.equal(r.direct, 'unknown');
    // Two tries of the mapping test (1 s), then a join every 250 ms for 5 s.
    assert.ok(r.packets.sent <= 2 + 21, `packets ${r.packets.sent}`);
  });

  it('a peer that never joins: unknown, "did not join", after the wait', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 2 });
    const server = net.addHost({ addresses: [SERVER.address] });
    await startReflector({ factory: server, clock, primary: SERVER, software: 'natprobe', rendezvous: new Rendezvous({ now: () => clock.now() }) });
    const host = net.addHost({ addresses: ['192.0.2.10'] });
    const r = await clock.run(runPunch({ factory: host, clock, rendezvous: SERVER, keys: KEYS, budgetMs: 1000, hostAddresses: [], waitMs: 3000 }));
    assert.equal(r.rendezvous, 'reached');
    assert.equal(r.direct, 'unknown');
    assert.match(r.reason, /did not join within 3 s/);
  });

  it('a hostile peer declaring loopback, multicast and port 0 candidates gets none of them contacted', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 2 });
    const server = net.addHost({ addresses: [SERVER.address] });
    await startReflector({ factory: server, clock, primary: SERVER, software: 'natprobe', rendezvous: new Rendezvous({ now: () => clock.now() }) });
    const a = net.addHost({ addresses: ['192.0.2.10'] });
    const b = net.addHost({ addresses: ['192.0.2.20'] });
    const pa = runPunch({ factory: a, clock, rendezvous: SERVER, keys: KEYS, budgetMs: 500, hostAddresses: ['127.0.0.1', '224.0.0.1', '0.0.0.0', '255.255.255.255'] });
    const pb = runPunch({ factory: b, clock, rendezvous: SERVER, keys: KEYS, budgetMs: 500, hostAddresses: [] });
    const [, rb] = await clock.run(Promise.all([pa, pb]));
    assert.deepEqual(rb.peer?.candidates ?? [], []);
    assert.ok(rb.contacted.every((c) => !/^(127|224|0|255)\./.test(c.address)));
  });

  it('a check with the wrong key is neither answered nor counted as success', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 2 });
    const server = net.addHost({ addresses: [SERVER.address] });
    await startReflector({ factory: server, clock, primary: SERVER, software: 'natprobe', rendezvous: new Rendezvous({ now: () => clock.now() }) });
    const a = net.addHost({ addresses: ['192.0.2.10'] });
    const b = net.addHost({ addresses: ['192.0.2.20'] });
    const other: SessionKeys = { sessionId: KEYS.sessionId, checkKey: new Uint8Array(32).fill(0x99) };
    const pa = runPunch({ factory: a, clock, rendezvous: SERVER, keys: KEYS, budgetMs: 1500, hostAddresses: [] });
    const pb = runPunch({ factory: b, clock, rendezvous: SERVER, keys: other, budgetMs: 1500, hostAddresses: [] });
    const [ra, rb] = await clock.run(Promise.all([pa, pb]));
    assert.equal(ra.direct, 'no');
    assert.equal(rb.direct, 'no');
    assert.match(ra.reason, /none of the peer's checks reached us/, ra.reason);
  });
});

describe('punch: a hostile rendezvous', () => {
  /** A "rendezvous" that answers every join with what `craft` makes of it. */
  async function hostile(craft: (join: StunMessage, from: Endpoint) => Uint8Array[]) {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 8 });
    const server = net.addHost({ addresses: [SERVER.address] });
    const socket = await server.bind({ family: 4, address: SERVER.address, port: SERVER.port });
    socket.onMessage((data, from) => {
      const m = decodeMessage(data);
      if (m.ok && m.value.method === RENDEZVOUS_METHOD) for (const out of craft(m.value, from)) void socket.send(out, from);
    });
    const host = net.addHost({ addresses: ['192.0.2.10'] });
    return clock.run(runPunch({ factory: host, clock, rendezvous: SERVER, keys: KEYS, budgetMs: 2000, hostAddresses: [], waitMs: 3000 }));
  }

  it('an introduction naming 50 peer addresses: at most 8 are believed, and the packets stay within the cap', async () => {
    const r = await hostile((join, from) => {
      const id = join.transactionId;
      const attributes = [
        { type: Attr.XorMappedAddress, value: encodeXorAddress(from, id) },
        { type: RendezvousAttr.PeerAddress, value: encodeXorAddress({ address: '203.0.113.50', port: 4000 }, id) },
        ...Array.from({ length: 50 }, (_, i) => ({ type: RendezvousAttr.Candidate, value: encodeXorAddress({ address: `203.0.113.${i + 1}`, port: 5000 + i }, id) })),
      ];
      return [encodeMessage({ cls: 'success', method: RENDEZVOUS_METHOD, transactionId: id, attributes }, { fingerprint: true })];
    });
    assert.equal(r.direct, 'no');
    assert.ok(r.peer!.candidates.length <= 8);
    assert.ok(r.contacted.filter((c) => c.role === 'peer').length <= 9);
    assert.ok(r.packets.sent < 250, `packets ${r.packets.sent}`);
  });

  it('answers with another transaction id, garbage and a flood of copies are ignored: "did not answer", bounded', async () => {
    const r = await hostile((join, from) => {
      const wrongId = encodeMessage({ cls: 'success', method: RENDEZVOUS_METHOD, transactionId: new Uint8Array(12).fill(7), attributes: [{ type: Attr.XorMappedAddress, value: encodeXorAddress(from, new Uint8Array(12).fill(7)) }] });
      return [wrongId, new Uint8Array(3000).fill(0xff), ...Array<Uint8Array>(50).fill(wrongId)];
    });
    assert.equal(r.rendezvous, 'unreachable');
    assert.equal(r.direct, 'unknown');
  });
});
