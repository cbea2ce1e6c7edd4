import assert from 'node:assert/strict';
import { Inbox, VirtualClock, VirtualNetwork, startReflector, text, textOf, whoAmI, type FilteringBehaviour } from '../../support/vnet';
import { NAT_PUBLIC, reaches, scene } from './fixture';

describe('vnet: RFC 4787 §5 filtering behaviour', () => {
  // The client has sent to a1 (Y1:y1) only. Who may then send to its mapping?
  const cases: Array<[FilteringBehaviour, { sameAddrPort: boolean; sameAddrOtherPort: boolean; otherAddr: boolean }]> = [
    ['endpoint-independent', { sameAddrPort: true, sameAddrOtherPort: true, otherAddr: true }],
    ['address-dependent', { sameAddrPort: true, sameAddrOtherPort: true, otherAddr: false }],
    ['address-and-port-dependent', { sameAddrPort: true, sameAddrOtherPort: false, otherAddr: false }],
  ];

  for (const [filtering, expected] of cases) {
    it(`${filtering}: admits ${Object.entries(expected).filter(([, v]) => v).map(([k]) => k).join(', ')}`, async () => {
      const s = await scene({ filtering });
      const mapping = await s.clock.run(whoAmI(s.inbox, s.a1.endpoint));
      assert.ok(mapping);
      const seen = {
        sameAddrPort: await reaches(s, s.a1, mapping),
        sameAddrOtherPort: await reaches(s, s.a2, mapping),
        otherAddr: await reaches(s, s.b1, mapping),
      };
      assert.deepEqual(seen, expected);
      const blocked = Object.values(expected).filter((v) => !v).length;
      assert.equal(s.net.stats.dropped.filtered, blocked);
    });
  }

  it('inbound to a public address with no mapping is dropped, whatever the filtering', async () => {
    const s = await scene({ filtering: 'endpoint-independent' });
    assert.equal(await reaches(s, s.a1, { address: NAT_PUBLIC, port: 40000 }), false);
    assert.equal(s.net.stats.dropped.filtered, 1);
  });

  it('filtering follows the mapping the packets went out on (ADM + ADF)', async () => {
    const s = await scene({ mapping: 'address-dependent', filtering: 'address-dependent' });
    const towardsA = await s.clock.run(whoAmI(s.inbox, s.a1.endpoint));
    const towardsB = await s.clock.run(whoAmI(s.inbox, s.b1.endpoint));
    assert.ok(towardsA && towardsB);
    assert.equal(await reaches(s, s.a2, towardsA), true, 'A may use the mapping made towards A');
    assert.equal(await reaches(s, s.b1, towardsA), false, 'B may not use the mapping made towards A');
    assert.equal(await reaches(s, s.b1, towardsB), true);
  });

  it('a firewall without translation (mapping none) filters the same way', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    const fw = net.addNat({ publicAddresses: [], mapping: 'none', filtering: 'address-and-port-dependent' });
    const host = net.addHost({ addresses: ['192.0.2.77'], behind: fw });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const a1 = await startReflector(server, clock, { family: 4, port: 3478 });
    const a2 = await startReflector(server, clock, { family: 4, port: 3479 });
    const inbox = new Inbox(await host.bind({ family: 4, port: 5555 }), clock);
    const me = { address: '192.0.2.77', port: 5555 };

    await a2.socket.send(text('unsolicited'), me);
    await clock.advance(0);
    assert.equal(inbox.received.length, 0, 'nothing gets in before the host has sent');

    await clock.run(whoAmI(inbox, { address: '198.51.100.1', port: 3478 }));
    await a1.socket.send(text('from a1'), me);
    await a2.socket.send(text('from a2'), me);
    await clock.advance(0);
    assert.deepEqual(inbox.received.map((d) => textOf(d.data)).slice(1), ['from a1']);
    assert.equal(net.stats.dropped.filtered, 2);
  });

  it('a spoofed source that matches the filter gets in (network.inject)', async () => {
    const s = await scene({ filtering: 'address-and-port-dependent' });
    const mapping = await s.clock.run(whoAmI(s.inbox, s.a1.endpoint));
    assert.ok(mapping);
    const before = s.inbox.received.length;
    s.net.inject(s.a1.endpoint, mapping, text('forged as a1'));
    s.net.inject({ address: '192.0.2.66', port: 3478 }, mapping, text('forged as a stranger'));
    await s.clock.advance(0);
    const got = s.inbox.received.slice(before);
    assert.deepEqual(got.map((d) => textOf(d.data)), ['forged as a1']);
    assert.deepEqual(got[0].from, s.a1.endpoint);
    assert.equal(s.a1.seen.length, 1, 'the real a1 never sent it');
  });
});
