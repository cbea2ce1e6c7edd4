import assert from 'node:assert/strict';
import type { Endpoint, UdpSocket, UdpSocketFactory } from '../../../src/engine/net/udp';
import type { SessionKeys } from '../../../src/engine/punch/code';
import { DEFAULT_LOW_TTL, NORMAL_TTL, type PunchProgress, runPunch } from '../../../src/engine/punch/punch';
import type { OwnMapping, PunchResult } from '../../../src/engine/punch/result';
import { startReflector } from '../../../src/engine/server/reflector';
import { Rendezvous } from '../../../src/engine/server/rendezvous';
import { Method, decodeMessage } from '../../../src/engine/stun';
import { prngUint32 } from '../../support/prng';
import { VirtualClock, VirtualNetwork, natModels, type NatModel, type VirtualHost } from '../../support/vnet';
import { MANY_SOCKETS, MAX_PROBES } from '../../../src/engine/punch/punch';

const SERVER: Endpoint = { address: '198.51.100.1', port: 3478 };
const ALTERNATE: Endpoint = { address: '198.51.100.2', port: 3479 };
const KEYS: SessionKeys = { sessionId: new Uint8Array(16).fill(0x51), checkKey: new Uint8Array(32).fill(0x52) };

type Profile = 'open' | 'full cone' | 'restricted' | 'port-restricted' | 'symmetric';

function model(profile: Exclude<Profile, 'open'>, publicAddress: string): NatModel {
  if (profile === 'full cone') return natModels.fullCone(publicAddress);
  if (profile === 'restricted') return natModels.restrictedCone(publicAddress);
  if (profile === 'port-restricted') return natModels.portRestrictedCone(publicAddress);
  return natModels.symmetric(publicAddress);
}

interface Sent {
  readonly to: Endpoint;
  readonly ttl: number;
  readonly at: number;
  readonly kind: 'check' | 'answer' | 'other';
}

/**
 * The virtual network has no TTL; this records the TTL each datagram was written with, and
 * treats one written with a small TTL as expired on the way: it is not sent at all. That is
 * harsher than the real thing (where it still opens our own NAT), so a path found here was found
 * by the checks that follow the small-TTL start.
 */
function recording(factory: UdpSocketFactory, clock: VirtualClock, log: Sent[], ttlBlind = false): UdpSocketFactory {
  return {
    bind: async (options) => {
      const socket = await factory.bind(options);
      let ttl = NORMAL_TTL;
      const wrapped: UdpSocket = {
        family: socket.family,
        localEndpoint: () => socket.localEndpoint(),
        onMessage: (h) => socket.onMessage(h),
        close: () => socket.close(),
        setTtl: (t) => {
          ttl = t;
        },
        send: (data, to) => {
          const m = decodeMessage(data);
          const kind = m.ok && m.value.method === Method.Binding ? (m.value.cls === 'request' ? 'check' : 'answer') : 'other';
          log.push({ to, ttl, at: clock.now(), kind });
          return ttl < NORMAL_TTL && !ttlBlind ? Promise.resolve() : socket.send(data, to);
        },
      };
      return wrapped;
    },
  };
}

async function punchPair(a: Profile, b: Profile, options: { sameLan?: boolean; budgetMs?: number; delayJoinB?: number; alternate?: boolean; ttlBlind?: boolean; peerMappings?: [OwnMapping, OwnMapping] } = {}) {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 11 });
  net.setDefaultLink({ delayMs: 5 });
  const server = net.addHost({ addresses: [SERVER.address, ALTERNATE.address], name: 'server' });
  const rendezvous = new Rendezvous({ now: () => clock.now() });
  await startReflector({ factory: server, clock, primary: SERVER, ...(options.alternate ? { alternate: ALTERNATE } : {}), software: 'natprobe', rendezvous });
  let hostA: VirtualHost;
  let hostB: VirtualHost;
  if (options.sameLan) {
    const nat = net.addNat(model('port-restricted', '203.0.113.1'), { name: 'nat' });
    hostA = net.addHost({ addresses: ['192.168.1.10'], behind: nat, name: 'a' });
    hostB = net.addHost({ addresses: ['192.168.1.20'], behind: nat, name: 'b' });
  } else {
    const natA = a === 'open' ? undefined : net.addNat(model(a, '203.0.113.1'), { name: 'natA' });
    const natB = b === 'open' ? undefined : net.addNat(model(b, '203.0.113.2'), { name: 'natB' });
    hostA = net.addHost({ addresses: [natA ? '192.168.1.10' : '192.0.2.10'], ...(natA ? { behind: natA } : {}), name: 'a' });
    hostB = net.addHost({ addresses: [natB ? '10.0.2.20' : '192.0.2.20'], ...(natB ? { behind: natB } : {}), name: 'b' });
  }
  const sentA: Sent[] = [];
  const sentB: Sent[] = [];
  const progress: PunchProgress[] = [];
  const ports = prngUint32(99);
  const common = { clock, rendezvous: SERVER, keys: KEYS, budgetMs: options.budgetMs ?? 5000, randomPort: () => 1024 + (ports() % 64512) };
  const pa = runPunch({ ...common, reportedPeerMapping: options.peerMappings?.[0], factory: recording(hostA, clock, sentA, options.ttlBlind), hostAddresses: [options.sameLan || a !== 'open' ? '192.168.1.10' : '192.0.2.10'], onProgress: (e) => progress.push(e) });
  const pb = (async () => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, options.delayJoinB ?? 1000));
    return runPunch({ ...common, reportedPeerMapping: options.peerMappings?.[1], factory: recording(hostB, clock, sentB, options.ttlBlind), hostAddresses: [options.sameLan ? '192.168.1.20' : b !== 'open' ? '10.0.2.20' : '192.0.2.20'] });
  })();
  const [ra, rb] = await clock.run(Promise.all([pa, pb]), { maxMs: 120_000 });
  return { ra, rb, sentA, sentB, progress, rendezvous };
}

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
