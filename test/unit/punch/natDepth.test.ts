import assert from 'node:assert/strict';
import type { Endpoint } from '../../../src/engine/net/udp';
import { DEFAULT_LOW_TTL, MAX_TTL, MAX_WAIT_MS, type DepthProbe, chooseLowTtl, probeNatDepth } from '../../../src/engine/punch/natDepth';
import { NORMAL_TTL, SendBudget } from '../../../src/engine/punch/sender';
import { startReflector } from '../../../src/engine/server/reflector';
import { Attr, Method, decodeMessage, encodeMessage, encodeXorAddress } from '../../../src/engine/stun';
import { type PacketEvent, VirtualClock, VirtualNetwork, type VirtualNat, natModels } from '../../support/vnet';
import { ALTERNATE, SERVER, punchPair } from './punchScene';

type Where = 'public' | 'port-restricted' | 'restricted' | 'full cone' | 'symmetric' | 'router, then port-restricted' | 'port-restricted, then carrier-grade';

/** A client placed as `where` says, the rendezvous (an RFC 5780 server on two addresses) 3 routers away from a client behind one NAT; 5 ms a link, so a 30 ms RTT. */
async function scene(where: Where, server: 'reflector' | ((net: VirtualNetwork) => Promise<void>) = 'reflector') {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 5 });
  net.setDefaultLink({ delayMs: 5 });
  if (server === 'reflector') {
    const host = net.addHost({ addresses: [SERVER.address, ALTERNATE.address], name: 'server' });
    await startReflector({ factory: host, clock, primary: SERVER, alternate: ALTERNATE, software: 'natprobe' });
  } else await server(net);
  let behind: VirtualNat | undefined;
  if (where === 'port-restricted' || where === 'router, then port-restricted') behind = net.addNat(natModels.portRestrictedCone('203.0.113.1'), { name: 'nat' });
  if (where === 'restricted') behind = net.addNat(natModels.restrictedCone('203.0.113.1'), { name: 'nat' });
  if (where === 'full cone') behind = net.addNat(natModels.fullCone('203.0.113.1'), { name: 'nat' });
  if (where === 'symmetric') behind = net.addNat(natModels.symmetric('203.0.113.1'), { name: 'nat' });
  if (where === 'router, then port-restricted') behind = net.addNat(natModels.router(), { behind, name: 'inner' });
  if (where === 'port-restricted, then carrier-grade') {
    const cgn = net.addNat(natModels.portRestrictedCone('100.64.0.1'), { name: 'cgn' });
    behind = net.addNat(natModels.portRestrictedCone('100.64.1.2'), { behind: cgn, name: 'home' });
  }
  const client = net.addHost({ addresses: [behind ? '192.168.1.10' : '192.0.2.10'], ...(behind ? { behind } : {}), name: 'client' });
  const budget = new SendBudget(4000);
  const started = clock.now();
  const probe = await clock.run(probeNatDepth({ factory: client, clock, budget, primary: SERVER, alternate: ALTERNATE, rttMs: 30 }));
  return { probe, budget, ms: clock.now() - started, net };
}

describe('the depth of our NAT (natDepth.ts): the smallest TTL that opens it, read from RFC 5780 answers', () => {
  it('behind one port-restricted NAT: depth 2 (TTL 1 dies on the NAT router, 2 gets through), the rendezvous 3 hops away; the first checks go with TTL 2', async () => {
    const { probe, budget, ms } = await scene('port-restricted');
    assert.equal(probe.depth, 2);
    assert.equal(probe.hops, 3);
    assert.equal(probe.open, false);
    const choice = chooseLowTtl(probe, 'endpoint-independent');
    assert.deepEqual({ value: choice.value, source: choice.source, natDepth: choice.natDepth, hops: choice.hops }, { value: 2, source: 'measured', natDepth: 2, hops: 3 });
    assert.match(choice.reason, /TTL 2 opened our outermost NAT, one with TTL 1 did not; the rendezvous is 3 hops away/);
    // Bounded: one wait of 2 RTT + 50 ms; MAX_TTL + 1 sockets, two datagrams each but the control's one.
    assert.equal(ms, 2 * 30 + 50);
    assert.equal(budget.sent, 2 * MAX_TTL + 1);
    assert.equal(budget.lowTtl, MAX_TTL, 'every probe below the normal TTL counts as a small-TTL datagram');
    // Through the ledger: the rendezvous's two addresses, nothing else.
    assert.deepEqual([...budget.contacted.values()].map((c) => `${c.address}:${c.port} ${c.role} ${c.packets}`).sort(), [`${SERVER.address}:${SERVER.port} rendezvous ${MAX_TTL + 1}`, `${ALTERNATE.address}:${ALTERNATE.port} rendezvous ${MAX_TTL}`]);
  });

  it('behind a restricted-cone NAT (address-dependent filtering): depth 2 as well', async () => {
    const { probe } = await scene('restricted');
    assert.equal(probe.depth, 2);
  });

  it('behind a plain router in front of the NAT: depth 3, the rendezvous 4 hops away', async () => {
    const { probe } = await scene('router, then port-restricted');
    assert.equal(probe.depth, 3);
    assert.equal(probe.hops, 4);
    assert.equal(chooseLowTtl(probe, 'endpoint-independent').value, 3);
  });

  it('behind a home NAT behind a carrier-grade NAT: the outermost one counts, depth 3 (TTL 2 opens only the home NAT)', async () => {
    const { probe } = await scene('port-restricted, then carrier-grade');
    assert.equal(probe.depth, 3);
    assert.equal(chooseLowTtl(probe, 'endpoint-independent').value, 3);
  });

  for (const where of ['full cone', 'public'] as const) {
    it(`${where === 'public' ? 'no NAT at all' : 'a full-cone NAT'}: the control socket's answer came in unasked, nothing of ours needs opening; TTL 1, which cannot reach the peer's router`, async () => {
      const { probe } = await scene(where);
      assert.equal(probe.open, true);
      const choice = chooseLowTtl(probe, 'endpoint-independent');
      assert.equal(choice.value, 1);
      assert.equal(choice.source, 'measured');
      assert.equal(choice.natDepth, undefined);
      assert.match(choice.reason, /nothing on our side filters/);
    });
  }

  it('a symmetric NAT: no answer can come through (each destination gets its own mapping), so it is blind: the default, saying why', async () => {
    const { probe } = await scene('symmetric');
    assert.equal(probe.depth, undefined);
    assert.equal(probe.open, false);
    const choice = chooseLowTtl(probe, 'endpoint-dependent');
    assert.equal(choice.value, DEFAULT_LOW_TTL);
    assert.equal(choice.source, 'default');
    assert.match(choice.reason, /changes per destination .* blind/);
  });

  it('answers that do not add up (opened at TTL 5, the rendezvous reached at 3) are not believed', () => {
    const choice = chooseLowTtl({ open: false, ignoresChange: false, depth: 5, hops: 3 }, 'endpoint-independent');
    assert.equal(choice.source, 'default');
    assert.match(choice.reason, /does not add up/);
  });
});

describe('the depth test against a hostile or broken rendezvous', () => {
  /** A server on both addresses that answers every Binding as `answer` says (the attack), from `answerFrom`. */
  function fakeServer(answer: (id: Uint8Array, from: Endpoint, on: Endpoint) => { data: Uint8Array; via: 'same' | 'other' }[]) {
    return async (net: VirtualNetwork): Promise<void> => {
      const host = net.addHost({ addresses: [SERVER.address, ALTERNATE.address], name: 'server' });
      const primary = await host.bind({ family: 4, address: SERVER.address, port: SERVER.port });
      const other = await host.bind({ family: 4, address: ALTERNATE.address, port: ALTERNATE.port });
      for (const [socket, on] of [[primary, SERVER], [other, ALTERNATE]] as const) {
        socket.onMessage((data, from) => {
          const m = decodeMessage(data);
          if (!m.ok || m.value.method !== Method.Binding) return;
          for (const out of answer(m.value.transactionId, from, on)) void (out.via === 'same' ? socket : socket === primary ? other : primary).send(out.data, from);
        });
      }
    };
  }
  const success = (id: Uint8Array, from: Endpoint): Uint8Array => encodeMessage({ cls: 'success', method: Method.Binding, transactionId: id, attributes: [{ type: Attr.XorMappedAddress, value: encodeXorAddress(from, id) }] }, { fingerprint: true });

  it('a server that answers CHANGE-REQUEST from the address it was sent to (not honouring RFC 5780 §7.2): no depth, the default, and the reason names it', async () => {
    const { probe } = await scene('port-restricted', fakeServer((id, from) => [{ data: success(id, from), via: 'same' }]));
    assert.equal(probe.depth, undefined);
    assert.equal(probe.ignoresChange, true);
    const choice = chooseLowTtl(probe, 'endpoint-independent');
    assert.equal(choice.source, 'default');
    assert.match(choice.reason, /CHANGE-REQUEST from the address it was sent to/);
  });

  it('a silent server: one bounded wait, 17 datagrams, then the default with the reason', async () => {
    const { probe, budget, ms } = await scene('port-restricted', async (net) => {
      net.addHost({ addresses: [SERVER.address, ALTERNATE.address], name: 'server' });
    });
    assert.deepEqual(probe, { open: false, ignoresChange: false } satisfies DepthProbe);
    assert.ok(ms <= MAX_WAIT_MS, `${ms} ms`);
    assert.equal(budget.sent, 2 * MAX_TTL + 1);
    assert.match(chooseLowTtl(probe, 'endpoint-independent').reason, /no answer .* at any TTL up to 8/);
  });

  it('attack: answers with other transaction ids, garbage and a flood of 200 copies per request, all from the right addresses: none counts, the depth is still 2', async () => {
    // The liar answers every request from the other address and port (as CHANGE-REQUEST asks),
    // but with made-up ids, truncated bytes and floods; and only then the true answer. Our NAT
    // admits what it admits; the probe must count only its own transactions.
    const attack = fakeServer((id, from) => {
      const wrong = success(new Uint8Array(12).fill(0x42), from);
      const flood = Array.from({ length: 200 }, () => ({ data: wrong, via: 'other' as const }));
      return [...flood, { data: new Uint8Array(7).fill(0xff), via: 'other' }, { data: success(id, from).slice(0, 20), via: 'other' }, { data: success(id, from), via: 'other' }];
    });
    const { probe, budget } = await scene('port-restricted', attack);
    // Every request was "answered" from the other address, so the TTL-t Bindings that reached
    // the server prove nothing about hops here; the depth still comes from what the NAT let in.
    assert.equal(probe.depth, 2);
    assert.equal(budget.sent, 2 * MAX_TTL + 1, 'no datagram of ours answers the flood');
    assert.ok(budget.received > 1000, `the flood arrived (${budget.received} datagrams) and changed nothing`);
  });

  it('attack: a liar cannot make our NAT look shallower than it is (answers for TTL 1 are dropped by the NAT itself)', async () => {
    // It answers every CHANGE-REQUEST from the other address, and more: a copy to each of the
    // next 20 ports, hoping to hit the TTL-1 socket's mapping. The NAT has no permission for the
    // other address on that mapping (the TTL-1 packet died before it) and drops them.
    const attack = fakeServer((id, from) => Array.from({ length: 21 }, (_, k) => ({ data: success(id, { ...from, port: from.port + k }), via: 'other' as const })));
    const { probe } = await scene('port-restricted', attack);
    assert.equal(probe.depth, 2);
  });
});

describe('punch with the measured TTL (the virtual network takes one off per router)', () => {
  const dropsOf = (events: PacketEvent[]) => events.filter((e) => e.kind === 'drop' && e.reason === 'ttl-exceeded');

  it('port-restricted ↔ port-restricted, B one router deeper: A measures 2, B 3; the first checks open each NAT and die at the next router, before the peer’s; a direct path', async () => {
    const events: PacketEvent[] = [];
    const { ra, rb, sentA, sentB } = await punchPair('port-restricted', 'port-restricted', { alternate: true, realTtl: true, routerBeforeB: true, tap: (e) => events.push(e) });
    assert.deepEqual([ra.ttl.value, ra.ttl.source, ra.ttl.natDepth, ra.ttl.hops], [2, 'measured', 2, 3]);
    assert.deepEqual([rb.ttl.value, rb.ttl.source, rb.ttl.natDepth, rb.ttl.hops], [3, 'measured', 3, 4]);
    assert.equal(ra.direct, 'yes', ra.reason);
    assert.equal(rb.direct, 'yes', rb.reason);
    assert.equal(ra.pair!.kind, 'srflx↔srflx');
    const peerChecks = (sent: typeof sentA, ttl: number) => sent.filter((s) => s.kind === 'check' && s.to.address !== SERVER.address && s.ttl === ttl);
    assert.ok(peerChecks(sentA, 2).length > 0 && peerChecks(sentB, 3).length > 0);
    // Every small-TTL check to the peer expired on "the internet" (the core router), none at a NAT.
    const checkDrops = dropsOf(events).filter((e) => e.to.address === '203.0.113.1' || e.to.address === '203.0.113.2');
    assert.ok(checkDrops.length > 0);
    assert.deepEqual([...new Set(checkDrops.map((e) => e.where))], ['internet']);
    // The test's own datagrams are in the ledger, under the rendezvous, with the punch's.
    assert.equal(ra.contacted.reduce((n, c) => n + c.packets, 0), ra.packets.sent);
  });

  it('the same with --ttl 2 forced on B: its first checks die on its own NAT router and never open it (the lab shows the clash this brings back)', async () => {
    const events: PacketEvent[] = [];
    const { rb } = await punchPair('port-restricted', 'port-restricted', { alternate: true, realTtl: true, routerBeforeB: true, ttlFlags: [undefined, 2], tap: (e) => events.push(e) });
    assert.deepEqual([rb.ttl.value, rb.ttl.source, rb.ttl.reason], [2, 'flag', '2, from --ttl']);
    const bChecks = dropsOf(events).filter((e) => e.to.address === '203.0.113.1' && e.from.address === '10.0.2.20');
    assert.ok(bChecks.length > 0);
    assert.deepEqual([...new Set(bChecks.map((e) => e.where))], ['natB'], 'expired at the NAT, untranslated: no mapping made');
  });

  it('without --alternate on the rendezvous: the default 2, and the reason says the test needs the second address', async () => {
    const { ra } = await punchPair('port-restricted', 'port-restricted', { realTtl: true });
    assert.equal(ra.ttl.value, DEFAULT_LOW_TTL);
    assert.equal(ra.ttl.source, 'default');
    assert.match(ra.ttl.reason, /no second address \(serve --alternate/);
  });

  it('a symmetric end does not run the test (blind there): the default, saying why, and its many sockets still open mappings', async () => {
    const { ra, rb } = await punchPair('port-restricted', 'symmetric', { alternate: true, realTtl: true, budgetMs: 8000 });
    assert.equal(rb.ttl.source, 'default');
    assert.match(rb.ttl.reason, /blind here and is not run/);
    assert.equal(ra.ttl.value, 2);
    assert.equal(rb.packets.lowTtl >= 256, true, `${rb.packets.lowTtl} small-TTL datagrams from the many sockets`);
    assert.equal(ra.direct, 'yes', ra.reason);
  });

  it('no NAT on one end: TTL 1 there (it has nothing to open), and the path forms', async () => {
    const { ra, rb } = await punchPair('open', 'port-restricted', { alternate: true, realTtl: true });
    assert.equal(ra.ttl.value, 1);
    assert.match(ra.ttl.reason, /nothing on our side filters/);
    assert.equal(rb.ttl.value, 2);
    assert.equal(ra.direct, 'yes', ra.reason);
    assert.equal(rb.direct, 'yes', rb.reason);
  });

  it('--ttl given: no depth test at all (not one datagram to the rendezvous beyond phase 0 and the joins)', async () => {
    const { ra } = await punchPair('port-restricted', 'port-restricted', { alternate: true, realTtl: true, ttlFlags: [3, 3] });
    assert.equal(ra.ttl.source, 'flag');
    const toRendezvous = ra.contacted.filter((c) => c.role === 'rendezvous');
    assert.equal(toRendezvous.find((c) => c.address === ALTERNATE.address)?.packets, 1, 'only phase 0\'s Binding to the other address');
  });

  it('the test\'s datagrams to the rendezvous go at the normal TTL or at a TTL from 1 to 8, each small one once', async () => {
    const { sentA } = await punchPair('port-restricted', 'port-restricted', { alternate: true, realTtl: true });
    const ttls = sentA.filter((x) => x.to.address === ALTERNATE.address || x.to.address === SERVER.address).map((s) => s.ttl);
    assert.ok(ttls.every((t) => t === NORMAL_TTL || (t >= 1 && t <= MAX_TTL)));
    assert.deepEqual(ttls.filter((t) => t < NORMAL_TTL).sort((x, y) => x - y), Array.from({ length: MAX_TTL }, (_, i) => i + 1));
  });
});
