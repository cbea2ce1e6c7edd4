import assert from 'node:assert/strict';
import {
  Inbox,
  VirtualClock,
  VirtualNetwork,
  natModels,
  startReflector,
  text,
  textOf,
  whoAmI,
  type PacketEvent,
} from '../../support/vnet';
import type { UdpSocketFactory } from '../../../src/engine/net/udp';

function world() {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 3 });
  return { clock, net };
}

describe('vnet: hosts and sockets (UdpSocketFactory)', () => {
  it('a host is a UdpSocketFactory exposing its addresses in canonical form', () => {
    const { net } = world();
    const host = net.addHost({ addresses: ['192.0.2.1', '2001:DB8:0:0::1'] });
    const factory: UdpSocketFactory = host;
    assert.ok(factory);
    assert.deepEqual(host.addresses, ['192.0.2.1', '2001:db8::1']);
  });

  it('port 0 or no port binds an ephemeral port in 49152–65535', async () => {
    const { net } = world();
    const host = net.addHost({ addresses: ['192.0.2.1'] });
    const ports = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const s = await host.bind({ family: 4, port: i % 2 === 0 ? 0 : undefined });
      const { port } = s.localEndpoint();
      assert.ok(port >= 49152 && port <= 65535, `${port}`);
      ports.add(port);
    }
    assert.equal(ports.size, 50);
  });

  it('refuses a port already in use (EADDRINUSE), wildcard and specific alike', async () => {
    const { net } = world();
    const host = net.addHost({ addresses: ['192.0.2.1', '192.0.2.2', '2001:db8::1'] });
    const first = await host.bind({ family: 4, address: '192.0.2.1', port: 5000 });
    await assert.rejects(host.bind({ family: 4, address: '192.0.2.1', port: 5000 }), { code: 'EADDRINUSE' });
    await assert.rejects(host.bind({ family: 4, port: 5000 }), /EADDRINUSE/);
    await host.bind({ family: 4, address: '192.0.2.2', port: 5000 });
    await host.bind({ family: 6, port: 5000 });
    first.close();
    await host.bind({ family: 4, address: '192.0.2.1', port: 5000 });
  });

  it('refuses an address the host does not have (EADDRNOTAVAIL) and a family it lacks', async () => {
    const { net } = world();
    const host = net.addHost({ addresses: ['192.0.2.1'] });
    await assert.rejects(host.bind({ family: 4, address: '192.0.2.9' }), { code: 'EADDRNOTAVAIL' });
    await assert.rejects(host.bind({ family: 6 }), /no IPv6 address/);
    await assert.rejects(host.bind({ family: 4, address: '::1' }), { code: 'EINVAL' });
    await assert.rejects(host.bind({ family: 4, port: 70000 }), { code: 'EINVAL' });
  });

  it('a wildcard socket receives on all the host\'s addresses and sends from the first one', async () => {
    const { clock, net } = world();
    const server = net.addHost({ addresses: ['198.51.100.1', '198.51.100.2'] });
    const client = net.addHost({ addresses: ['192.0.2.10', '192.0.2.11'] });
    const reflector = await startReflector(server, clock, { family: 4, port: 3478 });
    assert.deepEqual(reflector.endpoint, { address: '0.0.0.0', port: 3478 });
    const inbox = new Inbox(await client.bind({ family: 4, port: 7000 }), clock);
    for (const address of ['198.51.100.1', '198.51.100.2']) await inbox.socket.send(text('q'), { address, port: 3478 });
    await clock.advance(0);
    assert.deepEqual(
      reflector.seen.map((d) => d.from),
      [{ address: '192.0.2.10', port: 7000 }, { address: '192.0.2.10', port: 7000 }],
      'both queries arrived and came from the client\'s first address',
    );
    assert.deepEqual(
      inbox.received.map((d) => d.from.address),
      ['198.51.100.1', '198.51.100.1'],
      'the wildcard socket answers from its first address',
    );
    const second = new Inbox(await client.bind({ family: 4, address: '192.0.2.11', port: 7001 }), clock);
    await second.socket.send(text('q'), { address: '198.51.100.2', port: 3478 });
    await clock.advance(0);
    assert.deepEqual(reflector.seen[2].from, { address: '192.0.2.11', port: 7001 }, 'a bound socket sends from its address');
  });

  it('send rejects only local errors: closed socket, family mismatch, invalid address or port', async () => {
    const { net } = world();
    const host = net.addHost({ addresses: ['192.0.2.1'] });
    const socket = await host.bind({ family: 4 });
    await assert.rejects(socket.send(text('x'), { address: '2001:db8::1', port: 1 }), /IPv4 socket/);
    await assert.rejects(socket.send(text('x'), { address: 'example.com', port: 1 }), { code: 'EINVAL' });
    await assert.rejects(socket.send(text('x'), { address: '192.0.2.2', port: 0 }), { code: 'EINVAL' });
    await socket.send(text('x'), { address: '203.0.113.99', port: 1 }); // nobody there: fine
    socket.close();
    await assert.rejects(socket.send(text('x'), { address: '192.0.2.2', port: 1 }), /closed/);
  });

  it('delivery is asynchronous, even with no delay', async () => {
    const { clock, net } = world();
    const a = net.addHost({ addresses: ['192.0.2.1'] });
    const b = net.addHost({ addresses: ['192.0.2.2'] });
    const sink = await startReflector(b, clock, { family: 4, port: 9, silent: true });
    await (await a.bind({ family: 4 })).send(text('x'), { address: '192.0.2.2', port: 9 });
    await new Promise((r) => setImmediate(r));
    assert.equal(sink.seen.length, 0, 'nothing until the clock runs');
    await clock.advance(0);
    assert.equal(sink.seen.length, 1);
  });

  it('packets to an address nobody has, or a port nobody listens on, vanish silently', async () => {
    const { clock, net } = world();
    const a = net.addHost({ addresses: ['192.0.2.1'] });
    net.addHost({ addresses: ['192.0.2.2'] });
    const socket = await a.bind({ family: 4 });
    await socket.send(text('x'), { address: '203.0.113.99', port: 9 });
    await socket.send(text('x'), { address: '192.0.2.2', port: 9 });
    await clock.advance(0);
    assert.equal(net.stats.dropped['no-route'], 1);
    assert.equal(net.stats.dropped['no-listener'], 1);
  });

  it('datagrams arriving before onMessage is set are dropped', async () => {
    const { clock, net } = world();
    const a = net.addHost({ addresses: ['192.0.2.1'] });
    const b = net.addHost({ addresses: ['192.0.2.2'] });
    const receiver = await b.bind({ family: 4, port: 9 });
    const sender = await a.bind({ family: 4 });
    await sender.send(text('early'), { address: '192.0.2.2', port: 9 });
    await clock.advance(0);
    const inbox = new Inbox(receiver, clock);
    await sender.send(text('late'), { address: '192.0.2.2', port: 9 });
    await clock.advance(0);
    assert.deepEqual(inbox.received.map((d) => textOf(d.data)), ['late']);
    assert.equal(net.stats.dropped['no-listener'], 1);
  });

  it('the receiver gets its own copy of the bytes', async () => {
    const { clock, net } = world();
    const a = net.addHost({ addresses: ['192.0.2.1'] });
    const b = net.addHost({ addresses: ['192.0.2.2'] });
    const inbox = new Inbox(await b.bind({ family: 4, port: 9 }), clock);
    const data = text('abc');
    await (await a.bind({ family: 4 })).send(data, { address: '192.0.2.2', port: 9 });
    data[0] = 0x7a;
    await clock.advance(0);
    assert.equal(textOf(inbox.received[0].data), 'abc');
  });

  it('a host can talk to itself over loopback to its own address', async () => {
    const { clock, net } = world();
    const host = net.addHost({ addresses: ['192.0.2.1'], link: { delayMs: 40 } });
    const reflector = await startReflector(host, clock, { family: 4, port: 3478 });
    const inbox = new Inbox(await host.bind({ family: 4 }), clock);
    const seen = await clock.run(whoAmI(inbox, { address: '192.0.2.1', port: reflector.endpoint.port }));
    assert.equal(seen?.address, '192.0.2.1');
    assert.equal(clock.now(), 0, 'no link crossed');
  });
});

describe('vnet: IPv6', () => {
  it('IPv6 hosts without NAT see each other\'s real addresses', async () => {
    const { clock, net } = world();
    const client = net.addHost({ addresses: ['2001:db8:1::10'] });
    const server = net.addHost({ addresses: ['2001:DB8:2:0:0:0:0:1'] });
    const reflector = await startReflector(server, clock, { family: 6, port: 3478 });
    assert.deepEqual(reflector.endpoint, { address: '::', port: 3478 });
    const inbox = new Inbox(await client.bind({ family: 6, port: 6000 }), clock);
    const seen = await clock.run(whoAmI(inbox, { address: '2001:db8:2::1', port: 3478 }));
    assert.deepEqual(seen, { address: '2001:db8:1::10', port: 6000 });
  });

  it('a translating NAT without an IPv6 public address drops IPv6 (no-route)', async () => {
    const { clock, net } = world();
    const nat = net.addNat(natModels.portRestrictedCone('203.0.113.1'));
    const client = net.addHost({ addresses: ['192.168.1.10', '2001:db8:1::10'], behind: nat });
    const server = net.addHost({ addresses: ['198.51.100.1', '2001:db8:2::1'] });
    const r4 = await startReflector(server, clock, { family: 4, port: 3478 });
    const r6 = await startReflector(server, clock, { family: 6, port: 3478 });
    assert.ok(r4 && r6);
    const inbox6 = new Inbox(await client.bind({ family: 6, port: 6000 }), clock);
    // A translating NAT with no IPv6 public address cannot forward IPv6.
    assert.equal(await clock.run(whoAmI(inbox6, { address: '2001:db8:2::1', port: 3478 })), undefined);
    assert.equal(net.stats.dropped['no-route'], 1);
  });

  it('an IPv6 firewall (mapping none) filters without translating', async () => {
    const { clock, net } = world();
    const fw = net.addNat(natModels.firewall());
    const client = net.addHost({ addresses: ['2001:db8:1::10'], behind: fw });
    const server = net.addHost({ addresses: ['2001:db8:2::1'] });
    const reflector = await startReflector(server, clock, { family: 6, port: 3478 });
    const inbox = new Inbox(await client.bind({ family: 6, port: 6000 }), clock);
    net.inject({ address: '2001:db8:2::1', port: 3478 }, { address: '2001:db8:1::10', port: 6000 }, text('early'));
    await clock.advance(0);
    assert.equal(inbox.received.length, 0);
    const seen = await clock.run(whoAmI(inbox, { address: '2001:db8:2::1', port: reflector.endpoint.port }));
    assert.deepEqual(seen, { address: '2001:db8:1::10', port: 6000 });
  });
});

describe('vnet: observation (stats and the packet tap)', () => {
  it('the tap sees each hop in order, with the addresses as they are on that hop', async () => {
    const { clock, net } = world();
    const nat = net.addNat(natModels.fullCone('203.0.113.1'), { name: 'home' });
    const client = net.addHost({ addresses: ['192.168.1.10'], behind: nat, name: 'client' });
    const server = net.addHost({ addresses: ['198.51.100.1'], name: 'server' });
    await startReflector(server, clock, { family: 4, port: 9, silent: true });
    const events: PacketEvent[] = [];
    net.onPacket((e) => events.push(e));
    await (await client.bind({ family: 4, port: 4000 })).send(text('x'), { address: '198.51.100.1', port: 9 });
    await clock.advance(0);
    assert.deepEqual(
      events.map((e) => `${e.kind}@${e.where} ${e.from.address}:${e.from.port}`),
      [
        'send@client 192.168.1.10:4000',
        'arrive@home 192.168.1.10:4000',
        'arrive@internet 203.0.113.1:4000',
        'arrive@server 203.0.113.1:4000',
        'deliver@server 203.0.113.1:4000',
      ],
    );
    assert.deepEqual(net.stats, {
      sent: 1,
      delivered: 1,
      dropped: { loss: 0, filtered: 0, 'no-route': 0, expired: 0, blocked: 0, 'hairpin-off': 0, 'no-listener': 0, 'ttl-exceeded': 0 },
    });
  });

  it('lets a test assert that nothing went to hosts nobody configured', async () => {
    const { clock, net } = world();
    const nat = net.addNat(natModels.symmetric('203.0.113.1'));
    const client = net.addHost({ addresses: ['192.168.1.10'], behind: nat });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const reflector = await startReflector(server, clock, { family: 4, port: 3478 });
    const allowed = new Set(['198.51.100.1', '203.0.113.1']);
    const strays: string[] = [];
    const stop = net.onPacket((e) => {
      if (e.kind === 'arrive' && e.where === 'internet' && !allowed.has(e.to.address)) strays.push(e.to.address);
    });
    const inbox = new Inbox(await client.bind({ family: 4 }), clock);
    await clock.run(whoAmI(inbox, { address: '198.51.100.1', port: reflector.endpoint.port }));
    assert.deepEqual(strays, []);
    await inbox.socket.send(text('oops'), { address: '192.0.2.123', port: 53 });
    await clock.advance(0);
    assert.deepEqual(strays, ['192.0.2.123']);
    stop();
  });

  it('resetStats() zeroes the counters', async () => {
    const { clock, net } = world();
    const a = net.addHost({ addresses: ['192.0.2.1'] });
    await (await a.bind({ family: 4 })).send(text('x'), { address: '192.0.2.99', port: 1 });
    await clock.advance(0);
    assert.equal(net.stats.sent, 1);
    net.resetStats();
    assert.equal(net.stats.sent, 0);
    assert.equal(net.stats.dropped['no-route'], 0);
  });
});

describe('vnet: topology checks', () => {
  it('rejects bad addresses, duplicates in a realm and NATs from another network', () => {
    const { net } = world();
    const other = new VirtualNetwork(new VirtualClock());
    const foreign = other.addNat(natModels.fullCone('203.0.113.1'));
    assert.throws(() => net.addHost({ addresses: [] }), /at least one address/);
    assert.throws(() => net.addHost({ addresses: ['not-an-ip'] }), /not a usable IP/);
    net.addHost({ addresses: ['192.0.2.1'] });
    assert.throws(() => net.addHost({ addresses: ['192.0.2.1'] }), /already used/);
    assert.throws(() => net.addHost({ addresses: ['192.0.2.5'], behind: foreign }), /another network/);
    assert.throws(() => net.addNat({ publicAddresses: [], mapping: 'endpoint-independent', filtering: 'endpoint-independent' }), /public address/);
    assert.throws(() => net.addHost({ addresses: ['192.0.2.7'], name: 'internet' }), /already used/);
  });
});
