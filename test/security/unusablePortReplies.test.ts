import assert from 'node:assert/strict';
import { probePorts } from '../../src/engine/probes/ports';
import { startReflector } from '../../src/engine/server/reflector';
import { hostileWorld, liarServer } from './hostileWorld';

const SERVER = { address: '198.51.100.1', port: 3478 };

describe('security: a VPN port that answers, but not correctly, is not "blocked"', () => {
  it('udp/51820 answering with wrong transaction IDs: reachable "yes", said so; a silent port is still "no"', async () => {
    const w = hostileWorld();
    const host = w.net.addHost({ addresses: [SERVER.address] });
    await startReflector({ factory: host, primary: SERVER, software: 't' });
    await liarServer(host, { address: SERVER.address, port: 51820 }, { wrongTransaction: true });
    const results = await w.clock.run(
      probePorts({
        udp: w.client,
        tcp: { connect: async () => ({ error: 'refused' }) },
        clock: w.clock,
        host: SERVER.address,
        ports: [
          { protocol: 'udp', port: 51820 },
          { protocol: 'udp', port: 1194 },
        ],
        referencePort: SERVER.port,
        budgetMs: 4000,
      }),
    );
    const [wg, ovpn] = results;
    assert.equal(wg.reachable, 'yes', wg.basis);
    assert.match(wg.basis, /answers, but not correctly/);
    assert.equal(ovpn.reachable, 'no', ovpn.basis);
  });
});
