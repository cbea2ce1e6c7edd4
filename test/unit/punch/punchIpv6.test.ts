// IPv6 in natprobe punch: each end declares its global IPv6 addresses as host candidates beside
// the IPv4 ones, checks them from an IPv6 socket of its own, and a direct IPv6 path forms through
// two stateful firewalls (no NAT) by simultaneous sending, even where IPv4 cannot (two symmetric
// NATs). The virtual network's dual-stack router (ipv6Firewall) translates IPv4 and routes IPv6
// through a firewall that admits only answers (address and port), as home routers do.
import assert from 'node:assert/strict';
import { DEFAULT_LOW_TTL, LOW_TTL_PHASE_MS, NORMAL_TTL, runPunch } from '../../../src/engine/punch/punch';
import { shareRoom } from '../../../src/engine/punch/punchRun';
import { MAX_CANDIDATES, MIN_JOIN_BYTES, MIN_JOIN_BYTES_IPV4, RENDEZVOUS_METHOD, RendezvousAttr, decodeIntroduction, decodeJoin, encodeIntroduction, encodeJoin } from '../../../src/engine/punch/rendezvousWire';
import { Rendezvous } from '../../../src/engine/server/rendezvous';
import type { Endpoint } from '../../../src/engine/net/udp';
import { isGlobalUnicastIPv6 } from '../../../src/engine/net/ip';
import { hostAddresses, renderText, toJson } from '../../../src/cli/punchCommand';
import { Attr, type StunMessage, decodeMessage, encodeMessage, encodeXorAddress, newTransactionId } from '../../../src/engine/stun';
import { VirtualClock, VirtualNetwork } from '../../support/vnet';
import { KEYS, SERVER, V6_A, V6_B, punchPair } from './punchScene';

const isV6 = (e: Endpoint): boolean => e.address.includes(':');

describe('punch over IPv6: global addresses behind stateful firewalls', () => {
  it('symmetric ↔ symmetric (no over IPv4 alone, punch.test.ts), but with IPv6 on both sides the path forms host↔host over IPv6', async () => {
    const { ra, rb } = await punchPair('symmetric', 'symmetric', { ipv6: ['firewall', 'firewall'] });
    for (const [r, mine, theirs] of [[ra, V6_A, V6_B], [rb, V6_B, V6_A]] as const) {
      assert.equal(r.direct, 'yes', r.reason);
      assert.equal(r.pair!.kind, 'host↔host');
      assert.equal(r.pair!.family, 6);
      assert.equal(r.pair!.localEndpoint.address, mine);
      assert.equal(r.pair!.remoteEndpoint.address, theirs);
    }
    // No small-TTL start over IPv6: the path forms within the first rounds, long before IPv4's normal checks.
    assert.ok(ra.ms! < LOW_TTL_PHASE_MS && rb.ms! < LOW_TTL_PHASE_MS, `ms ${ra.ms} / ${rb.ms}`);
  });

  it('port-restricted ↔ port-restricted with IPv6 on both: both families could work, IPv6 wins (it needs no small-TTL start)', async () => {
    const { ra, rb, sentA } = await punchPair('port-restricted', 'port-restricted', { ipv6: ['firewall', 'firewall'] });
    assert.equal(ra.pair?.family, 6, ra.reason);
    assert.equal(rb.pair?.family, 6, rb.reason);
    assert.equal(ra.pair!.kind, 'host↔host');
    // Every check to the peer's IPv6 address went with the full hop limit; the IPv4 ones began small.
    const toV6 = sentA.filter((s) => s.kind === 'check' && isV6(s.to));
    const toV4Peer = sentA.filter((s) => s.kind === 'check' && !isV6(s.to) && s.to.address !== SERVER.address);
    assert.ok(toV6.length > 0 && toV6.every((s) => s.ttl === NORMAL_TTL));
    assert.equal(toV4Peer[0].ttl, DEFAULT_LOW_TTL);
    assert.ok(ra.contacted.some((c) => c.address === V6_B && c.role === 'peer'));
    // The IPv6 socket took the IPv4 socket's port number (free here): one port to allow in a firewall.
    const declared = rb.peer!.candidates;
    assert.equal(declared.length, 2);
    assert.equal(declared.find(isV6)!.port, declared.find((c) => !isV6(c))!.port);
  });

  it('the same pair without IPv6 on either side still connects over IPv4 (srflx↔srflx, family 4)', async () => {
    const { ra } = await punchPair('port-restricted', 'port-restricted');
    assert.equal(ra.pair?.kind, 'srflx↔srflx', ra.reason);
    assert.equal(ra.pair!.family, 4);
  });

  it('B declares an IPv6 address its network drops entirely: the IPv6 checks go unanswered and IPv4 connects, cleanly', async () => {
    const { ra, rb } = await punchPair('port-restricted', 'port-restricted', { ipv6: ['firewall', 'broken'] });
    for (const r of [ra, rb]) {
      assert.equal(r.direct, 'yes', r.reason);
      assert.equal(r.pair!.kind, 'srflx↔srflx');
      assert.equal(r.pair!.family, 4);
    }
    assert.ok(ra.contacted.some((c) => c.address === V6_B), 'A did try B\'s IPv6 address');
  });

  it('only A has IPv6: nothing is sent over IPv6, and IPv4 connects', async () => {
    const { ra, rb } = await punchPair('port-restricted', 'port-restricted', { ipv6: ['firewall', undefined] });
    assert.equal(ra.pair?.family, 4, ra.reason);
    assert.equal(rb.pair?.family, 4, rb.reason);
    assert.ok(ra.contacted.every((c) => !isV6(c)));
    // B has no IPv6 socket, so A's declared IPv6 address is not usable there.
    assert.ok(rb.contacted.every((c) => !isV6(c)));
  });

  it('two symmetric NATs, only one side with IPv6: no path, as over IPv4 alone', async () => {
    const { ra, rb } = await punchPair('symmetric', 'symmetric', { ipv6: ['firewall', undefined], budgetMs: 3000 });
    assert.equal(ra.direct, 'no');
    assert.equal(rb.direct, 'no');
  });
});

describe('punch over IPv6: which addresses are declared', () => {
  it('only global unicast IPv6 (2000::/3) counts: not link-local, unique local, loopback, multicast or IPv4-mapped', () => {
    for (const a of ['2001:db8::1', '2a00:1450::5', '3fff::1']) assert.equal(isGlobalUnicastIPv6(a), true, a);
    for (const a of ['fe80::1', 'fe80::1%eth0', 'fd00::1', 'fc00::1', '::1', '::', 'ff02::1', '::ffff:192.0.2.1', '64:ff9b::c000:201', '192.0.2.1', 'nonsense']) assert.equal(isGlobalUnicastIPv6(a), false, a);
  });

  it('the CLI gathers every external IPv4 address and the global IPv6 ones, nothing internal', () => {
    const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) });
    const got = hostAddresses({
      lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
      eth0: [iface('192.168.1.10', 'IPv4'), iface('fe80::1', 'IPv6'), iface('2001:db8:a::10', 'IPv6'), iface('fd12::3', 'IPv6')],
    } as never);
    assert.deepEqual(got, ['192.168.1.10', '2001:db8:a::10']);
  });

  it('the 8 declared addresses are shared: each family gets half the room when it has that many, and the rest when the other has fewer', () => {
    const v4 = (n: number) => Array.from({ length: n }, (_, i) => ({ address: `192.168.1.${i + 1}`, port: 1 }));
    const v6 = (n: number) => Array.from({ length: n }, (_, i) => ({ address: `2001:db8::${i + 1}`, port: 1 }));
    const count = (l: Endpoint[]) => [l.filter((e) => !isV6(e)).length, l.filter(isV6).length];
    assert.deepEqual(count(shareRoom(v4(10), v6(10), 8)), [4, 4]);
    assert.deepEqual(count(shareRoom(v4(1), v6(10), 8)), [1, 7]);
    assert.deepEqual(count(shareRoom(v4(10), v6(1), 8)), [7, 1]);
    assert.deepEqual(count(shareRoom(v4(3), v6(3), 4)), [2, 2], 'with four predicted ports declared, four host addresses remain');
    assert.deepEqual(count(shareRoom(v4(0), v6(0), 8)), [0, 0]);
  });

  it('an end with no global IPv6 address opens no IPv6 socket and checks none of the peer\'s IPv6 addresses', async () => {
    const { ra } = await punchPair('port-restricted', 'port-restricted', { ipv6: [undefined, 'firewall'] });
    assert.ok(ra.peer!.candidates.some(isV6), 'B declared its IPv6 address');
    assert.ok(ra.contacted.every((c) => !isV6(c)));
  });
});

describe('punch over IPv6: what the CLI prints', () => {
  it('the text says "over IPv6" and the JSON pair carries family 6 with bracketed addresses', async () => {
    const { ra } = await punchPair('symmetric', 'symmetric', { ipv6: ['firewall', 'firewall'] });
    const prediction = { direct: 'unknown' as const, reason: 'no prediction' };
    assert.match(renderText(ra, prediction), /^Direct path: yes, host↔host over IPv6 \(\[2001:db8:a::10\]:\d+ ↔ \[2001:db8:b::20\]:\d+\)/);
    const json = toJson(ra, prediction) as { pair: { kind: string; family: number; local: string; remote: string } };
    assert.equal(json.pair.family, 6);
    assert.match(json.pair.remote, /^\[2001:db8:b::20\]:\d+$/);
    const { ra: v4 } = await punchPair('port-restricted', 'port-restricted');
    assert.doesNotMatch(renderText(v4, prediction), /over IPv6/);
    assert.equal((toJson(v4, prediction) as { pair: { family: number } }).pair.family, 4);
  });
});

describe('punch over IPv6: the rendezvous wire', () => {
  const id = newTransactionId();
  const session = new Uint8Array(16).fill(0x51);
  const nonce = new Uint8Array(12).fill(3);
  const v6s = Array.from({ length: MAX_CANDIDATES }, (_, i) => ({ address: `2001:db8:1::${i + 1}`, port: 40000 + i }));

  it('CANDIDATE carries IPv6 (its family byte says so) and serve stores and forwards it unchanged', () => {
    const rv = new Rendezvous({ now: () => 0 });
    const from1 = { address: '203.0.113.1', port: 1000 };
    const from2 = { address: '203.0.113.2', port: 2000 };
    const j1 = encodeJoin({ sessionId: session, nonce, candidates: v6s });
    assert.equal(j1.length, MIN_JOIN_BYTES);
    assert.equal(rv.handle(j1, from1).kind, 'reply');
    const out = rv.handle(encodeJoin({ sessionId: session, nonce: new Uint8Array(12).fill(4), candidates: [{ address: '192.168.1.2', port: 5 }] }), from2);
    assert.equal(out.kind, 'reply');
    const intro = decodeIntroduction((decodeMessage((out as { data: Uint8Array }).data) as { ok: true; value: StunMessage }).value);
    assert.ok(intro.ok);
    assert.deepEqual(intro.value.peer!.candidates, v6s);
  });

  it('the largest introduction, every address IPv6, is no longer than a join (no amplification)', () => {
    const msg = (decodeMessage(encodeJoin({ sessionId: session, nonce, candidates: [] }, id)) as { ok: true; value: StunMessage }).value;
    const relays = Array.from({ length: 8 }, (_, i) => ({ server: { address: `198.51.100.${i + 1}`, port: 3478 }, rttMs: 1 }));
    const biggest = encodeIntroduction(msg, { reflexive: { address: '2001:db8::1', port: 1 }, peer: { reflexive: { address: '2001:db8::2', port: 2 }, candidates: v6s, relays } });
    assert.equal(biggest.length, MIN_JOIN_BYTES);
  });

  /** A join built by hand, padded past the bound, with the CANDIDATE values given. */
  function rawJoin(candidateValues: Uint8Array[], pad = MIN_JOIN_BYTES): Uint8Array {
    const attributes = [
      { type: RendezvousAttr.Session, value: session },
      { type: RendezvousAttr.Nonce, value: nonce },
      ...candidateValues.map((value) => ({ type: RendezvousAttr.Candidate, value })),
      { type: Attr.Padding, value: new Uint8Array(pad) },
    ];
    return encodeMessage({ cls: 'request', method: RENDEZVOUS_METHOD, transactionId: id, attributes }, { fingerprint: true });
  }

  it('malformed IPv6 CANDIDATEs are refused by serve: family IPv6 with an IPv4 length, IPv4 with an IPv6 length, 19 bytes, port 0, family 3', () => {
    const good = encodeXorAddress({ address: '2001:db8::1', port: 4000 }, id);
    const cases: [string, Uint8Array][] = [
      ['IPv6 family, 8 bytes', Uint8Array.from([0, 2, ...good.subarray(2, 8)])],
      ['IPv4 family, 20 bytes', Uint8Array.from([0, 1, ...good.subarray(2)])],
      ['19 bytes', good.subarray(0, 19)],
      ['port 0', encodeXorAddress({ address: '2001:db8::1', port: 0 }, id)],
      ['family 3', Uint8Array.from([0, 3, ...good.subarray(2)])],
    ];
    for (const [what, value] of cases) {
      const join = rawJoin([value]);
      const msg = (decodeMessage(join) as { ok: true; value: StunMessage }).value;
      assert.equal(decodeJoin(msg).ok, false, what);
      const rv = new Rendezvous({ now: () => 0 });
      const out = rv.handle(join, { address: '203.0.113.9', port: 9 });
      assert.equal(out.kind, 'refused', what);
      assert.equal(rv.size, 0, `${what}: nothing stored`);
    }
  });

  it('the client drops a malformed IPv6 CANDIDATE from an introduction and keeps the good ones', () => {
    const good = encodeXorAddress({ address: '2001:db8::1', port: 4000 }, id);
    const attributes = [
      { type: Attr.XorMappedAddress, value: encodeXorAddress({ address: '192.0.2.1', port: 1 }, id) },
      { type: RendezvousAttr.PeerAddress, value: encodeXorAddress({ address: '192.0.2.2', port: 2 }, id) },
      { type: RendezvousAttr.Candidate, value: Uint8Array.from([0, 2, ...good.subarray(2, 8)]) },
      { type: RendezvousAttr.Candidate, value: good },
    ];
    const msg = (decodeMessage(encodeMessage({ cls: 'success', method: RENDEZVOUS_METHOD, transactionId: id, attributes }, { fingerprint: true })) as { ok: true; value: StunMessage }).value;
    const intro = decodeIntroduction(msg);
    assert.ok(intro.ok);
    assert.deepEqual(intro.value.peer!.candidates, [{ address: '2001:db8::1', port: 4000 }]);
  });

  it('a join padded to the old all-IPv4 bound is still served, but never answered with more bytes than it has: a peer\'s IPv6 addresses make that a refusal', () => {
    const rv = new Rendezvous({ now: () => 0 });
    assert.equal(rv.handle(encodeJoin({ sessionId: session, nonce, candidates: v6s }), { address: '203.0.113.1', port: 1 }).kind, 'reply');
    // An older client: its join is as long as the IPv4 bound, no more.
    const old = rawJoin([], 0);
    const padded = rawJoin([], MIN_JOIN_BYTES_IPV4 - old.length);
    assert.equal(padded.length, MIN_JOIN_BYTES_IPV4);
    const out = rv.handle(padded, { address: '203.0.113.2', port: 2 });
    assert.equal(out.kind, 'refused');
    assert.ok(out.kind === 'refused' && out.data.length < padded.length);
    assert.equal(rv.handle(padded.subarray(0, 0), { address: '203.0.113.3', port: 3 }).kind, 'dropped');
  });
});

describe('punch over IPv6: a hostile peer', () => {
  it('a peer declaring 8 IPv6 addresses of third parties (and useless ones): only the declared global ones are checked, bounded', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 8 });
    const server = net.addHost({ addresses: [SERVER.address] });
    const socket = await server.bind({ family: 4, address: SERVER.address, port: SERVER.port });
    const thirdParties = Array.from({ length: 6 }, (_, i) => ({ address: `2001:db8:dead::${i + 1}`, port: 443 + i }));
    const useless = [{ address: 'fe80::1', port: 5 }, { address: 'fd00::1', port: 6 }, { address: 'ff02::1', port: 7 }, { address: '::1', port: 8 }];
    socket.onMessage((data, from) => {
      const m = decodeMessage(data);
      if (!m.ok || m.value.method !== RENDEZVOUS_METHOD) return;
      const tid = m.value.transactionId;
      const attributes = [
        { type: Attr.XorMappedAddress, value: encodeXorAddress(from, tid) },
        { type: RendezvousAttr.PeerAddress, value: encodeXorAddress({ address: '203.0.113.50', port: 4000 }, tid) },
        // 10 declared: the client believes the first 8 at most.
        ...[...thirdParties, ...useless].map((c) => ({ type: RendezvousAttr.Candidate, value: encodeXorAddress(c, tid) })),
      ];
      void socket.send(encodeMessage({ cls: 'success', method: RENDEZVOUS_METHOD, transactionId: tid, attributes }, { fingerprint: true }), from);
    });
    const host = net.addHost({ addresses: ['192.0.2.10', '2001:db8:a::10'] });
    const r = await clock.run(runPunch({ factory: host, clock, rendezvous: SERVER, keys: KEYS, budgetMs: 2000, hostAddresses: ['192.0.2.10', '2001:db8:a::10'], waitMs: 3000 }));
    assert.equal(r.direct, 'no');
    const v6Contacted = r.contacted.filter((c) => isV6(c)).map((c) => c.address).sort();
    assert.deepEqual(v6Contacted, thirdParties.map((c) => c.address).sort(), 'the six declared global addresses, nothing else of IPv6');
    assert.ok(r.contacted.every((c) => !/^(fe80|fd00|ff02|::1)/.test(c.address)));
    assert.ok(r.packets.sent < 250, `packets ${r.packets.sent}`);
  });
});
