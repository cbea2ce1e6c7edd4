import assert from 'node:assert/strict';
import { Inbox, startReflector, whoAmI, VirtualClock, VirtualNetwork, type MappingBehaviour } from '../../support/vnet';
import type { Endpoint } from '../../../src/engine/net/udp';
import { CLIENT, CLIENT_PORT, NAT_PUBLIC, scene, type Scene } from './fixture';

/** The external endpoints the client's one socket gets towards a1, a2, b1, then a1 again. */
async function mappingsSeen(s: Scene): Promise<[Endpoint, Endpoint, Endpoint, Endpoint]> {
  return s.clock.run(
    (async () => {
      const seen: Endpoint[] = [];
      for (const r of [s.a1, s.a2, s.b1, s.a1]) {
        const m = await whoAmI(s.inbox, r.endpoint);
        assert.ok(m, `no answer from ${r.endpoint.address}:${r.endpoint.port}`);
        seen.push(m);
      }
      return seen as [Endpoint, Endpoint, Endpoint, Endpoint];
    })(),
  );
}

describe('vnet: RFC 4787 §4.1 address and port mapping', () => {
  // X:x → Y1:y1 (a1), Y1:y2 (a2, same address other port), Y2:y1 (b1, other address).

  it('endpoint-independent: the same X1\':x1\' for every destination (REQ-1)', async () => {
    const s = await scene({ mapping: 'endpoint-independent' });
    const [toA1, toA2, toB1, toA1Again] = await mappingsSeen(s);
    assert.deepEqual(toA1, { address: NAT_PUBLIC, port: CLIENT_PORT });
    assert.deepEqual(toA2, toA1);
    assert.deepEqual(toB1, toA1);
    assert.deepEqual(toA1Again, toA1);
    assert.equal(s.nat.mappings().length, 1);
  });

  it('address-dependent: equal for the same destination address, different for another address', async () => {
    const s = await scene({ mapping: 'address-dependent' });
    const [toA1, toA2, toB1, toA1Again] = await mappingsSeen(s);
    assert.deepEqual(toA2, toA1, 'Y1:y1 and Y1:y2 share a mapping');
    assert.notDeepEqual(toB1, toA1, 'Y2 gets its own mapping');
    assert.deepEqual(toA1Again, toA1, 'a mapping is reused while alive');
    assert.deepEqual(
      s.nat.mappings().map((m) => m.destination).sort(),
      ['198.51.100.1', '198.51.100.2'],
    );
  });

  it('address-and-port-dependent: a new mapping for every destination address and port', async () => {
    const s = await scene({ mapping: 'address-and-port-dependent' });
    const [toA1, toA2, toB1, toA1Again] = await mappingsSeen(s);
    assert.notDeepEqual(toA2, toA1, 'Y1:y2 differs from Y1:y1');
    assert.notDeepEqual(toB1, toA1);
    assert.notDeepEqual(toB1, toA2);
    assert.deepEqual(toA1Again, toA1, 'a mapping is reused while alive');
    assert.equal(s.nat.mappings().length, 3);
  });

  it('none (a firewall): the server sees the host\'s own public address', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    const fw = net.addNat({ publicAddresses: [], mapping: 'none', filtering: 'address-and-port-dependent' });
    const host = net.addHost({ addresses: ['192.0.2.77'], behind: fw });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const reflector = await startReflector(server, clock, { family: 4, port: 3478 });
    const inbox = new Inbox(await host.bind({ family: 4, port: 5555 }), clock);
    const seen = await clock.run(whoAmI(inbox, { address: '198.51.100.1', port: reflector.endpoint.port }));
    assert.deepEqual(seen, { address: '192.0.2.77', port: 5555 });
    assert.deepEqual(fw.mappings()[0].external, fw.mappings()[0].internal);
  });
});

describe('vnet: RFC 4787 §4.2.1 port assignment', () => {
  it('port preservation on: the internal port is kept while free, else the next free port', async () => {
    const s = await scene({ portPreservation: true });
    const second = s.net.addHost({ addresses: ['192.168.1.11'], behind: s.nat });
    const secondInbox = new Inbox(await second.bind({ family: 4, port: CLIENT_PORT }), s.clock);
    const [first, other] = await s.clock.run(
      (async () => [await whoAmI(s.inbox, s.a1.endpoint), await whoAmI(secondInbox, s.a1.endpoint)])(),
    );
    assert.deepEqual(first, { address: NAT_PUBLIC, port: CLIENT_PORT });
    assert.deepEqual(other, { address: NAT_PUBLIC, port: CLIENT_PORT + 1 });
  });

  it('port preservation off: the external port differs from the internal one', async () => {
    const s = await scene({ portPreservation: false });
    const m = await s.clock.run(whoAmI(s.inbox, s.a1.endpoint));
    assert.ok(m);
    assert.equal(m.address, NAT_PUBLIC);
    assert.notEqual(m.port, CLIENT_PORT);
    assert.ok(m.port >= 1024 && m.port <= 65535);
  });

  it('the same seed allocates the same ports', async () => {
    const ports = async (seed: number): Promise<number[]> => {
      const s = await scene({ mapping: 'address-and-port-dependent', portPreservation: false }, seed);
      return (await mappingsSeen(s)).map((e) => e.port);
    };
    assert.deepEqual(await ports(3), await ports(3));
  });
});

describe('vnet: RFC 4787 §4.1 IP address pooling', () => {
  const pools = ['203.0.113.1', '203.0.113.2', '203.0.113.3'];

  async function externalAddresses(mapping: MappingBehaviour, pooling: 'paired' | 'arbitrary'): Promise<Set<string>> {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 11 });
    const nat = net.addNat({ publicAddresses: pools, mapping, filtering: 'endpoint-independent', pooling });
    const client = net.addHost({ addresses: [CLIENT], behind: nat });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const reflectors = [];
    for (let port = 3000; port < 3020; port++) reflectors.push(await startReflector(server, clock, { family: 4, port }));
    const inbox = new Inbox(await client.bind({ family: 4 }), clock);
    const seen = new Set<string>();
    await clock.run(
      (async () => {
        for (const r of reflectors) {
          const m = await whoAmI(inbox, { address: '198.51.100.1', port: r.endpoint.port });
          assert.ok(m);
          seen.add(m.address);
        }
      })(),
    );
    return seen;
  }

  it('paired (REQ-2): every mapping of one internal address uses one external address', async () => {
    assert.equal((await externalAddresses('address-and-port-dependent', 'paired')).size, 1);
  });

  it('arbitrary: new mappings may take any external address', async () => {
    assert.ok((await externalAddresses('address-and-port-dependent', 'arbitrary')).size > 1);
  });

  it('paired pooling spreads different internal addresses over the pool', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    const nat = net.addNat({ publicAddresses: pools, mapping: 'endpoint-independent', filtering: 'endpoint-independent' });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const reflector = await startReflector(server, clock, { family: 4, port: 3478 });
    const seen = new Set<string>();
    for (const address of ['192.168.1.10', '192.168.1.11', '192.168.1.12']) {
      const inbox = new Inbox(await net.addHost({ addresses: [address], behind: nat }).bind({ family: 4 }), clock);
      const m = await clock.run(whoAmI(inbox, { address: '198.51.100.1', port: reflector.endpoint.port }));
      assert.ok(m);
      seen.add(m.address);
    }
    assert.deepEqual([...seen].sort(), pools);
  });
});

describe('vnet: NAT inspection', () => {
  it('mappings() reports internal and external endpoints and activity times', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000 });
    await s.clock.advance(1234);
    await s.clock.run(whoAmI(s.inbox, s.a1.endpoint));
    const [m] = s.nat.mappings();
    assert.deepEqual(m.internal, { address: CLIENT, port: CLIENT_PORT });
    assert.deepEqual(m.external, { address: NAT_PUBLIC, port: CLIENT_PORT });
    assert.equal(m.createdAt, 1234);
    assert.equal(m.lastActivity, 1234);
    assert.equal(m.expiresAt, 31_234);
  });

  it('clearMappings() forgets every binding, like a reboot', async () => {
    const s = await scene();
    await s.clock.run(whoAmI(s.inbox, s.a1.endpoint));
    s.nat.clearMappings();
    assert.deepEqual(s.nat.mappings(), []);
  });
});
