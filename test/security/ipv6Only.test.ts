import assert from 'node:assert/strict';
import { diagnose } from '../../src/engine/discovery/discover';
import { startReflector } from '../../src/engine/server/reflector';
import { VirtualClock, VirtualNetwork } from '../support/vnet';

describe('security: an answer over IPv6 is an answer', () => {
  it('IPv4 silent, IPv6 answering: UDP "yes" (IPv6 only), not "blocked"', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 5 });
    // The server's IPv4 address is up but nothing listens on it; its IPv6 address answers.
    const server = net.addHost({ addresses: ['198.51.100.1', '2001:db8::1'] });
    await startReflector({ factory: server, primary: { address: '2001:db8::1', port: 3478 }, software: 'v6' });
    const client = net.addHost({ addresses: ['203.0.113.9', '2001:db8:1::2'] });
    const report = await clock.run(
      diagnose({
        servers: [{ host: 'dual.example', port: 3478 }],
        factory: client,
        clock,
        resolve: async () => [
          { address: '198.51.100.1', family: 4 },
          { address: '2001:db8::1', family: 6 },
        ],
        interfaces: () => [
          { name: 'eth0', address: '203.0.113.9', family: 4, internal: false },
          { name: 'eth0', address: '2001:db8:1::2', family: 6, internal: false },
        ],
        budgetMs: 3000,
        version: 'test',
      }),
    );
    assert.deepEqual(report.publicEndpoints.map((p) => p.family), ['IPv6']);
    assert.equal(report.udp, 'yes', report.udpReason);
    assert.match(report.udpReason, /IPv6/);
    assert.ok(!report.recommendations.some((r) => r.id === 'udp-blocked'), JSON.stringify(report.recommendations));
  });
});
