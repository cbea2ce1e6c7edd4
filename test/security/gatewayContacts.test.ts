import assert from 'node:assert/strict';
import { startReflector } from '../../src/engine/server/reflector';
import { hostileWorld } from './hostileWorld';

const SERVER = { address: '198.51.100.1', port: 3478 };

describe('security: --port-mapping contacts only the gateway (and the SSDP group), and says so', () => {
  it('every datagram of the gateway probe is in contacted[] as gateway or multicast group', async () => {
    const w = hostileWorld();
    await startReflector({ factory: w.net.addHost({ addresses: [SERVER.address] }), primary: SERVER, software: 't' });
    const report = await w.run([SERVER], {
      portMapping: {
        gateway: '192.168.1.1',
        localAddress: '192.168.1.2',
        httpGet: async () => {
          throw new Error('no HTTP in this test');
        },
      },
    });
    const contacted = report.contacted ?? [];
    assert.ok(contacted.every((c) => c.role !== 'undeclared'), JSON.stringify(contacted));
    const gateway = contacted.filter((c) => c.role === 'gateway');
    assert.ok(gateway.length > 0 && gateway.every((c) => c.address === '192.168.1.1'), JSON.stringify(contacted));
    const others = contacted.filter((c) => c.role !== 'gateway' && c.role !== 'configured server');
    assert.ok(others.every((c) => c.role === 'multicast group' && c.address === '239.255.255.250'), JSON.stringify(others));
    const sum = (a: string) => contacted.filter((c) => c.address === a).reduce((n, c) => n + c.packets, 0);
    assert.equal(sum('192.168.1.1'), w.sentTo.get('192.168.1.1') ?? 0);
  });
});
