import assert from 'node:assert/strict';
import type { Endpoint, UdpSocketFactory } from '../../../src/engine/net/udp';
import { runPunch } from '../../../src/engine/punch/punch';
import { relayForPair } from '../../../src/engine/punch/relayForPair';
import type { PunchTurnServer } from '../../../src/engine/punch/relays';
import type { PunchResult } from '../../../src/engine/punch/result';
import { startReflector } from '../../../src/engine/server/reflector';
import { Rendezvous } from '../../../src/engine/server/rendezvous';
import type { VirtualClock } from '../../support/vnet';
import { VirtualClock as Clock, VirtualNetwork } from '../../support/vnet';
import { FakeTurn } from '../probes/fakeTurn';
import { KEYS, type Profile, SERVER, model, recording, type Sent } from './punchScene';

// The relay fallback measured by punch itself: both ends allocate on every TURN server (fakeTurn.ts)
// beside the punch, free each allocation, tell each other their RTTs through the rendezvous, and
// name the relay with the lowest sum when no direct path forms.

const X: Endpoint = { address: '198.51.100.31', port: 3478 };
const Y: Endpoint = { address: '198.51.100.32', port: 3478 };

/**
 * The virtual network's delays are per uplink, so every end would rank relays alike. This adds a
 * one-way delay per destination to one end's sends (its RTT to that relay, answers being
 * immediate), the way two ends on two continents see two relays differently.
 */
function delayedTo(factory: UdpSocketFactory, clock: VirtualClock, delays: Record<string, number>): UdpSocketFactory {
  return {
    bind: async (options) => {
      const s = await factory.bind(options);
      return {
        ...s,
        family: s.family,
        localEndpoint: () => s.localEndpoint(),
        onMessage: (h) => s.onMessage(h),
        close: () => s.close(),
        ...(s.setTtl ? { setTtl: (t: number) => s.setTtl!(t) } : {}),
        send: (data, to) => {
          const d = delays[to.address] ?? 0;
          if (d === 0) return s.send(data, to);
          clock.setTimeout(() => void s.send(data, to).catch(() => undefined), d);
          return Promise.resolve();
        },
      };
    },
  };
}

const turnServers = (password = 'wonderland'): PunchTurnServer[] => [
  { url: `turn:${X.address}:${X.port}`, server: X, username: 'alice', password },
  { url: `turn:${Y.address}:${Y.port}`, server: Y, username: 'alice', password },
];

async function relayPunch(a: Profile, b: Profile, delays: { a: Record<string, number>; b: Record<string, number> }, options: { turnA?: boolean; turnB?: boolean; budgetMs?: number } = {}) {
  const clock = new Clock();
  const net = new VirtualNetwork(clock, { seed: 17 });
  net.setDefaultLink({ delayMs: 2 });
  const server = net.addHost({ addresses: [SERVER.address], name: 'server' });
  await startReflector({ factory: server, clock, primary: SERVER, software: 'natprobe', rendezvous: new Rendezvous({ now: () => clock.now() }) });
  const turns: FakeTurn[] = [];
  for (const r of [X, Y]) turns.push(new FakeTurn(await net.addHost({ addresses: [r.address] }).bind({ family: 4, address: r.address, port: r.port }), 'none', r.address));
  const natA = a === 'open' ? undefined : net.addNat(model(a, '203.0.113.1'), { name: 'natA' });
  const natB = b === 'open' ? undefined : net.addNat(model(b, '203.0.113.2'), { name: 'natB' });
  const hostA = net.addHost({ addresses: ['192.168.1.10'], ...(natA ? { behind: natA } : {}), name: 'a' });
  const hostB = net.addHost({ addresses: ['10.0.2.20'], ...(natB ? { behind: natB } : {}), name: 'b' });
  const sentA: Sent[] = [];
  const sentB: Sent[] = [];
  const common = { clock, rendezvous: SERVER, keys: KEYS, budgetMs: options.budgetMs ?? 3000, manySockets: false };
  const pa = runPunch({ ...common, factory: delayedTo(recording(hostA, clock, sentA), clock, delays.a), hostAddresses: ['192.168.1.10'], ...(options.turnA !== false ? { turn: turnServers() } : {}) });
  const pb = (async () => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 1000));
    return runPunch({ ...common, factory: delayedTo(recording(hostB, clock, sentB), clock, delays.b), hostAddresses: ['10.0.2.20'], ...(options.turnB !== false ? { turn: turnServers() } : {}) });
  })();
  const t0 = clock.now();
  const [ra, rb] = await clock.run(Promise.all([pa, pb]), { maxMs: 120_000 });
  return { ra, rb, turns, sentA, sentB, elapsedMs: clock.now() - t0 };
}

function allFreed(turns: FakeTurn[]): void {
  for (const t of turns) {
    assert.ok(t.allocated > 0, `${t.relayAddress} was allocated on`);
    assert.equal(t.freed, t.allocated, `${t.relayAddress}: every allocation freed (Refresh, LIFETIME 0)`);
    assert.equal(t.allocations.size, 0);
  }
}

const turnContacts = (r: PunchResult) => r.contacted.filter((c) => c.role === 'TURN server').map((c) => `${c.address}:${c.port}`).sort();

describe('punch with --turn: the relay for the pair, measured by both ends', function () {
  this.timeout(20_000);

  it('two symmetric NATs, no direct path: each end allocates on both relays, learns the peer\'s RTTs, and both name Y (30 + 20 = 50 ms) although A alone would pick X', async () => {
    // RTTs: A→X 10, A→Y 30; B→X 100, B→Y 20. Sums: X 110, Y 50.
    const { ra, rb, turns } = await relayPunch('symmetric', 'symmetric', { a: { [X.address]: 10, [Y.address]: 30 }, b: { [X.address]: 100, [Y.address]: 20 } });
    assert.equal(ra.direct, 'no', ra.reason);
    assert.equal(rb.direct, 'no', rb.reason);
    assert.deepEqual(ra.relays?.map((t) => [t.url, t.value]), [[`turn:${X.address}:3478`, 'yes'], [`turn:${Y.address}:3478`, 'yes']], 'A ranks X first');
    // The added delay plus 12 ms of links (three 2 ms uplinks each way).
    assert.deepEqual(ra.relays!.map((t) => t.rttMs), [22, 42]);
    assert.deepEqual(ra.peerRelays?.map((f) => f.server.address), [X.address, Y.address]);
    for (const f of ra.peerRelays!) assert.equal(typeof f.rttMs, 'number', 'B\'s figures reached A, measured');
    const ca = relayForPair({ own: ra.relays, peer: ra.peerRelays });
    const cb = relayForPair({ own: rb.relays, peer: rb.peerRelays });
    assert.equal(ca?.url, `turn:${Y.address}:3478`, JSON.stringify(ca));
    assert.equal(cb?.url, `turn:${Y.address}:3478`, JSON.stringify(cb));
    assert.equal(ca?.sumMs, cb?.sumMs, 'both ends add the same two figures');
    assert.match(ca!.reason, /from this end \+ .* ms from the peer = .* ms \(measured by this punch\)/);
    assert.deepEqual(turnContacts(ra), [`${X.address}:3478`, `${Y.address}:3478`], 'the TURN datagrams are in contacted');
    for (const r of [...ra.relays!, ...rb.relays!]) assert.equal(r.released, true);
    allFreed(turns);
  });

  it('the later end is still measuring when introduced (B is 200 ms from X): it joins again once measured, and A picks up the final figure', async () => {
    const { ra, rb, turns, sentB } = await relayPunch('symmetric', 'symmetric', { a: { [X.address]: 10, [Y.address]: 30 }, b: { [X.address]: 200, [Y.address]: 20 } });
    assert.equal(ra.direct, 'no');
    // B's first join (its introduction) went out before X had answered twice (2 × 212 ms): it
    // carried "measuring"; the later joins carried the figure.
    const joinsB = sentB.filter((p) => p.to.address === SERVER.address && p.kind === 'other');
    assert.ok(joinsB.length >= 2, `B joined ${joinsB.length} time(s)`);
    assert.ok(joinsB[0].at - 1000 < 424, `B's first join at ${joinsB[0].at - 1000} ms after it started`);
    const bx = ra.peerRelays?.find((f) => f.server.address === X.address);
    assert.equal(typeof bx?.rttMs, 'number', `A has B's final figure for X: ${JSON.stringify(ra.peerRelays)}`);
    assert.ok((bx!.rttMs as number) >= 200);
    assert.equal(relayForPair({ own: ra.relays, peer: ra.peerRelays })?.url, `turn:${Y.address}:3478`);
    assert.equal(relayForPair({ own: rb.relays, peer: rb.peerRelays })?.url, `turn:${Y.address}:3478`);
    allFreed(turns);
  });

  it('the peer has no --turn: this end names its own fastest and says the peer\'s figure is unknown', async () => {
    const { ra, rb } = await relayPunch('symmetric', 'symmetric', { a: { [X.address]: 10, [Y.address]: 30 }, b: {} }, { turnB: false });
    assert.equal(ra.peerRelays, undefined);
    assert.equal(rb.relays, undefined);
    const c = relayForPair({ own: ra.relays, peer: ra.peerRelays });
    assert.equal(c?.url, `turn:${X.address}:3478`);
    assert.equal(c?.sumMs, null);
    assert.match(c!.reason, /the peer's figure is unknown/);
    // B measured nothing, but has A's figures: it names A's fastest, its own figure unknown.
    const cb = relayForPair({ own: rb.relays, peer: rb.peerRelays });
    assert.equal(cb?.url, `turn:${X.address}:3478`);
    assert.match(cb!.reason, /this end's figure is unknown/);
  });

  it('a direct path forms: the allocations still happen beside it, are freed, and add no time to the path', async () => {
    const withTurn = await relayPunch('port-restricted', 'port-restricted', { a: { [X.address]: 10, [Y.address]: 30 }, b: { [X.address]: 100, [Y.address]: 20 } });
    const without = await relayPunch('port-restricted', 'port-restricted', { a: {}, b: {} }, { turnA: false, turnB: false });
    assert.equal(withTurn.ra.direct, 'yes', withTurn.ra.reason);
    assert.equal(without.ra.direct, 'yes');
    assert.equal(withTurn.ra.ms, without.ra.ms, 'time to the path is the same with and without relays measured');
    assert.equal(withTurn.ra.relays?.length, 2);
    allFreed(withTurn.turns);
  });
});

describe('relayForPair: what the peer says can only change which relay is named', () => {
  const own = [
    { url: `turn:${X.address}:3478`, server: `${X.address}:3478`, value: 'yes' as const, relayedAddress: null, rttMs: 10, error: null, released: true },
    { url: `turn:${Y.address}:3478`, server: `${Y.address}:3478`, value: 'yes' as const, relayedAddress: null, rttMs: 30, error: null, released: true },
  ];

  it('a peer claiming 0.1 ms to X moves the choice to X, nothing more', () => {
    assert.equal(relayForPair({ own, peer: [{ server: X, rttMs: 100 }, { server: Y, rttMs: 20 }] })?.url, `turn:${Y.address}:3478`);
    assert.equal(relayForPair({ own, peer: [{ server: X, rttMs: 0.1 }, { server: Y, rttMs: 20 }] })?.url, `turn:${X.address}:3478`);
  });

  it('a peer naming a relay we do not use (a third party, 0.1 ms) does not displace ours: with no relay in common, this end\'s fastest is named', () => {
    const c = relayForPair({ own, peer: [{ server: { address: '192.0.2.99', port: 9 }, rttMs: 0.1 }] });
    assert.equal(c?.url, `turn:${X.address}:3478`);
    assert.match(c!.reason, /the peer's figure is unknown \(it measured only other relays/);
  });

  it('a relay the peer allocated on without an RTT (every request retransmitted) gives no sum, and is not named over one with a sum', () => {
    assert.equal(relayForPair({ own, peer: [{ server: X, rttMs: 'no-rtt' }, { server: Y, rttMs: 40 }] })?.url, `turn:${Y.address}:3478`);
  });

  it('a relay the peer tried and could not use is never named for the pair; one it was still measuring counts as untested', () => {
    assert.equal(relayForPair({ own, peer: [{ server: X, rttMs: 'failed' }, { server: Y, rttMs: 40 }] })?.url, `turn:${Y.address}:3478`);
    const c = relayForPair({ own, peer: [{ server: X, rttMs: 'measuring' }, { server: Y, rttMs: 'failed' }] });
    assert.equal(c?.url, `turn:${X.address}:3478`);
    assert.equal(c?.sumMs, null);
  });

  it('the reports still count where the punch measured nothing: the peer\'s report gives its figure for X', () => {
    const peerReport = { turnServers: [{ url: `turn:${X.address}:3478`, value: 'yes', relayedAddress: null, rttMs: 5, error: null, released: true }] } as unknown as Parameters<typeof relayForPair>[0]['peerReport'];
    const c = relayForPair({ own, peerReport });
    assert.equal(c?.url, `turn:${X.address}:3478`);
    assert.equal(c?.sumMs, 15);
    assert.match(c!.reason, /and the reports/);
  });
});
