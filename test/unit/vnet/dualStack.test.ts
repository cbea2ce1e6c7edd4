import assert from 'node:assert/strict';
import type { Endpoint, UdpSocket } from '../../../src/engine/net/udp';
import { VirtualClock, VirtualNetwork, natModels } from '../../support/vnet';

/**
 * The dual-stack home router (ipv6Firewall): IPv4 translated as the model says, IPv6 routed
 * untranslated through a stateful firewall filtering by address and port (RFC 6092 REC-11).
 */
describe('vnet: a dual-stack router (NAT for IPv4, stateful firewall for IPv6)', () => {
  async function scene() {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 3 });
    const router = net.addNat(natModels.fullCone('203.0.113.1', { ipv6Firewall: true }), { name: 'home' });
    const inside = net.addHost({ addresses: ['192.168.1.10', '2001:db8:a::10'], behind: router, name: 'inside' });
    const outside = net.addHost({ addresses: ['198.51.100.1', '2001:db8:ff::1'], name: 'outside' });
    const got: { to: string; from: Endpoint; text: string }[] = [];
    const listen = async (host: typeof inside, family: 4 | 6, port: number, name: string): Promise<UdpSocket> => {
      const s = await host.bind({ family, port });
      s.onMessage((data, from) => got.push({ to: name, from, text: Buffer.from(data).toString() }));
      return s;
    };
    const in4 = await listen(inside, 4, 4000, 'in4');
    const in6 = await listen(inside, 6, 6000, 'in6');
    const out4 = await listen(outside, 4, 3478, 'out4');
    const out6 = await listen(outside, 6, 3478, 'out6');
    const out6b = await listen(outside, 6, 3479, 'out6b');
    const settle = () => clock.run(new Promise<void>((r) => clock.setTimeout(r, 100)));
    return { clock, net, in4, in6, out4, out6, out6b, got, settle };
  }

  it('IPv4 leaves translated; IPv6 leaves with the host\'s own global address and port', async () => {
    const s = await scene();
    await s.in4.send(Buffer.from('v4'), { address: '198.51.100.1', port: 3478 });
    await s.in6.send(Buffer.from('v6'), { address: '2001:db8:ff::1', port: 3478 });
    await s.settle();
    assert.deepEqual(s.got.find((g) => g.text === 'v4')?.from.address, '203.0.113.1');
    assert.deepEqual(s.got.find((g) => g.text === 'v6')?.from, { address: '2001:db8:a::10', port: 6000 });
  });

  it('IPv6 from outside: a new flow is dropped, an answer to a flow the inside opened gets in, and only from that address and port (though the IPv4 side is full cone)', async () => {
    const s = await scene();
    const inside6 = { address: '2001:db8:a::10', port: 6000 };
    await s.out6.send(Buffer.from('unasked'), inside6);
    await s.settle();
    assert.equal(s.got.length, 0);
    assert.equal(s.net.stats.dropped.filtered, 1);
    await s.in6.send(Buffer.from('out'), { address: '2001:db8:ff::1', port: 3478 });
    await s.settle();
    await s.out6.send(Buffer.from('answer'), inside6);
    await s.out6b.send(Buffer.from('other port'), inside6);
    await s.settle();
    assert.deepEqual(s.got.filter((g) => g.to === 'in6').map((g) => g.text), ['answer']);
    // Full cone on IPv4: anyone may use the mapping once it exists.
    await s.in4.send(Buffer.from('v4 out'), { address: '198.51.100.1', port: 3478 });
    await s.settle();
    await s.out4.send(Buffer.from('v4 in'), { address: '203.0.113.1', port: 4000 });
    await s.settle();
    assert.ok(s.got.some((g) => g.to === 'in4' && g.text === 'v4 in'));
  });
});
