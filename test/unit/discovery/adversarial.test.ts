import assert from 'node:assert/strict';
import { diagnose } from '../../../src/engine/discovery/discover';
import type { Endpoint, UdpSocketFactory } from '../../../src/engine/net/udp';
import { startReflector } from '../../../src/engine/server/reflector';
import {
  Attr,
  Method,
  type StunAttribute,
  decodeMessage,
  encodeAddress,
  encodeMessage,
  encodeXorAddress,
  newTransactionId,
} from '../../../src/engine/stun';
import { VirtualClock, VirtualNetwork, type NatModel, type VirtualHost } from '../../support/vnet';
import { ALTERNATE, PRIMARY, makeWorld } from './world';

/**
 * A dishonest or broken STUN server: answers every Binding request from the address it came
 * in on, ignoring CHANGE-REQUEST, and claims whatever OTHER-ADDRESS / RESPONSE-ORIGIN we say.
 */
async function liarServer(host: VirtualHost, bindings: Endpoint[], claims: { other?: Endpoint; origin?: (on: Endpoint) => Endpoint }): Promise<void> {
  for (const at of bindings) {
    const s = await host.bind({ family: 4, address: at.address, port: at.port });
    s.onMessage((data, from) => {
      const d = decodeMessage(data);
      if (!d.ok || d.value.cls !== 'request') return;
      const attributes: StunAttribute[] = [{ type: Attr.XorMappedAddress, value: encodeXorAddress(from, d.value.transactionId) }];
      if (claims.other) attributes.push({ type: Attr.OtherAddress, value: encodeAddress(claims.other) });
      attributes.push({ type: Attr.ResponseOrigin, value: encodeAddress(claims.origin ? claims.origin(at) : at) });
      void s.send(encodeMessage({ cls: 'success', method: Method.Binding, transactionId: d.value.transactionId, attributes }), from);
    });
  }
}

function setup(nat: Partial<NatModel> = {}) {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 7 });
  const natBox = net.addNat({ publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', ...nat });
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: natBox });
  const run = (servers: (Endpoint | { host: string; port: number })[], factory: UdpSocketFactory = client) =>
    clock.run(
      diagnose({
        servers: servers.map((s) => ('host' in s ? s : { host: s.address, port: s.port })),
        factory,
        clock,
        resolve: async (host) => [{ address: host, family: host.includes(':') ? 6 : 4 }],
        interfaces: () => [{ name: 'eth0', address: '192.168.1.2', family: 4, internal: false }],
        budgetMs: 4000,
        version: 'test',
      }),
    );
  return { clock, net, client, run };
}

describe('servers that cannot be trusted are caught, not believed', () => {
  it('a claimed OTHER-ADDRESS that does not answer: RFC 5780 "unknown" (two datagrams cannot tell loss from a lie), filtering unknown, with the reason', async () => {
    const w = setup();
    const server = w.net.addHost({ addresses: [PRIMARY.address, ALTERNATE.address] });
    await liarServer(server, [PRIMARY], { other: ALTERNATE });
    const report = await w.run([PRIMARY]);
    assert.equal(report.udp, 'yes');
    assert.equal(report.servers[0].rfc5780, 'unknown');
    assert.match(report.servers[0].error ?? '', /does not answer/);
    assert.equal(report.filtering.value, 'unknown');
  });

  it('a server that answers CHANGE-REQUEST from its primary address: filtering unknown, the server named as not honouring it', async () => {
    const w = setup();
    const server = w.net.addHost({ addresses: [PRIMARY.address, ALTERNATE.address] });
    const all = [PRIMARY, { address: PRIMARY.address, port: ALTERNATE.port }, { address: ALTERNATE.address, port: PRIMARY.port }, ALTERNATE];
    await liarServer(server, all, { other: ALTERNATE });
    const report = await w.run([PRIMARY]);
    assert.equal(report.mapping.value, 'endpoint-independent', 'the mapping tests are still valid: the alternates really answer');
    assert.equal(report.filtering.value, 'unknown');
    assert.match(report.filtering.reason, /does not really honour CHANGE-REQUEST/);
    assert.equal(report.servers[0].rfc5780, 'no');
    assert.match(report.servers[0].error ?? '', /answers CHANGE-REQUEST from 198\.51\.100\.1:3478/);
  });

  it('an alternate whose RESPONSE-ORIGIN contradicts where we sent: not trusted', async () => {
    const w = setup();
    const server = w.net.addHost({ addresses: [PRIMARY.address, ALTERNATE.address] });
    const all = [PRIMARY, { address: PRIMARY.address, port: ALTERNATE.port }, { address: ALTERNATE.address, port: PRIMARY.port }, ALTERNATE];
    await liarServer(server, all, { other: ALTERNATE, origin: () => PRIMARY });
    const report = await w.run([PRIMARY]);
    assert.equal(report.servers[0].rfc5780, 'no');
    assert.match(report.servers[0].error ?? '', /RESPONSE-ORIGIN/);
  });

  it('an OTHER-ADDRESS equal to the primary address is refused', async () => {
    const w = setup();
    const server = w.net.addHost({ addresses: [PRIMARY.address] });
    await liarServer(server, [PRIMARY], { other: { address: PRIMARY.address, port: 3479 } });
    const report = await w.run([PRIMARY]);
    assert.equal(report.servers[0].rfc5780, 'no');
    assert.match(report.servers[0].error ?? '', /does not differ/);
  });
});

describe('spoofed and stray replies are ignored and counted', () => {
  it('a forged reply with the right transaction ID from another address, junk, and wrong IDs change nothing', async () => {
    // Full cone, so every forged packet really reaches the client's socket.
    const w = setup({ filtering: 'endpoint-independent' });
    const server = w.net.addHost({ addresses: [PRIMARY.address, ALTERNATE.address] });
    await startReflector({ factory: server, primary: PRIMARY, alternate: ALTERNATE, software: 't' });
    const forger: Endpoint = { address: '192.0.2.66', port: 3478 };
    let forged = 0;
    w.net.onPacket((e) => {
      if (e.kind !== 'arrive' || e.to.address !== PRIMARY.address || forged > 20) return;
      const d = decodeMessage(e.data);
      if (!d.ok || d.value.cls !== 'request') return;
      forged++;
      const target = e.from;
      const txid = d.value.transactionId;
      w.clock.setTimeout(() => {
        const lie = encodeMessage({ cls: 'success', method: Method.Binding, transactionId: txid, attributes: [{ type: Attr.XorMappedAddress, value: encodeXorAddress({ address: '6.6.6.6', port: 666 }, txid) }] });
        w.net.inject(forger, target, lie);
        w.net.inject(PRIMARY, target, Uint8Array.from([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 9, 9, 9]));
        const stray = newTransactionId();
        w.net.inject(PRIMARY, target, encodeMessage({ cls: 'success', method: Method.Binding, transactionId: stray, attributes: [{ type: Attr.XorMappedAddress, value: encodeXorAddress({ address: '6.6.6.6', port: 666 }, stray) }] }));
      }, 0);
    });
    const report = await w.run([PRIMARY]);
    assert.ok(forged > 0);
    assert.equal(report.mapping.value, 'endpoint-independent');
    assert.equal(report.filtering.value, 'endpoint-independent');
    assert.ok(!report.publicEndpoints.some((p) => p.address === '6.6.6.6'), 'a forged mapped address must never be reported');
    assert.ok(report.ignoredPackets.unexpectedSource > 0, JSON.stringify(report.ignoredPackets));
    assert.ok(report.ignoredPackets.wrongTransaction > 0, JSON.stringify(report.ignoredPackets));
    assert.ok(report.ignoredPackets.malformed > 0, JSON.stringify(report.ignoredPackets));
  });
});

describe('public servers without RFC 5780', () => {
  async function twoPlainServers(nat: Partial<NatModel>) {
    const w = setup(nat);
    const a = w.net.addHost({ addresses: ['198.51.100.1'] });
    const b = w.net.addHost({ addresses: ['198.51.100.7'] });
    await startReflector({ factory: a, primary: { address: '198.51.100.1', port: 3478 }, software: 'a' });
    await startReflector({ factory: b, primary: { address: '198.51.100.7', port: 19302 }, software: 'b' });
    return w.run([
      { host: '198.51.100.1', port: 3478 },
      { host: '198.51.100.7', port: 19302 },
    ]);
  }
  it('an endpoint-independent NAT is still found by comparing two server addresses; filtering is plainly unknown', async () => {
    const report = await twoPlainServers({ mapping: 'endpoint-independent' });
    assert.equal(report.mapping.value, 'endpoint-independent');
    assert.equal(report.filtering.value, 'unknown');
    assert.match(report.filtering.reason, /CHANGE-REQUEST/);
    assert.equal(report.natType.value, 'unknown');
    assert.ok(report.recommendations.some((r) => r.id === 'filtering-needs-rfc5780-server'));
    assert.deepEqual(report.servers.map((s) => s.rfc5780), ['no', 'no']);
  });
  it('a symmetric NAT is still called symmetric', async () => {
    const report = await twoPlainServers({ mapping: 'address-and-port-dependent' });
    assert.equal(report.natType.value, 'symmetric');
    assert.ok(report.recommendations.some((r) => r.id === 'symmetric-mapping'));
  });
  it('a dead server next to a live one costs a reason, not the verdict', async () => {
    const w = setup();
    const a = w.net.addHost({ addresses: ['198.51.100.1', '198.51.100.2'] });
    await startReflector({ factory: a, primary: PRIMARY, alternate: ALTERNATE, software: 'a' });
    const report = await w.run([PRIMARY, { host: '198.51.100.99', port: 3478 }]);
    assert.equal(report.natType.value, 'port-restricted-cone');
    assert.equal(report.servers[1].rttMs, null);
    assert.match(report.servers[1].error ?? '', /no answer/);
  });
});

describe('only configured servers are contacted', () => {
  it('every packet the client sends goes to the configured server or the alternate it announced', async () => {
    const world = await makeWorld({});
    const destinations = new Set<string>();
    world.net.onPacket((e) => {
      if (e.kind === 'send' && e.from.address === '192.168.1.2') destinations.add(e.to.address);
    });
    await world.run();
    assert.deepEqual([...destinations].sort(), [PRIMARY.address, ALTERNATE.address]);
  });
});

describe('IPv6', () => {
  it('a client with a public IPv6 address and an IPv6 RFC 5780 server: no NAT, open internet, an IPv6 public endpoint', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 3 });
    const server = net.addHost({ addresses: ['2001:db8::1', '2001:db8::2'] });
    await startReflector({ factory: server, primary: { address: '2001:db8::1', port: 3478 }, alternate: { address: '2001:db8::2', port: 3479 }, software: 'v6' });
    const client = net.addHost({ addresses: ['2001:db8:1::2'] });
    const report = await clock.run(
      diagnose({
        servers: [{ host: '2001:db8::1', port: 3478 }],
        factory: client,
        clock,
        resolve: async (host) => [{ address: host, family: 6 }],
        interfaces: () => [{ name: 'eth0', address: '2001:db8:1::2', family: 6, internal: false }],
        budgetMs: 3000,
        version: 'test',
      }),
    );
    assert.equal(report.mapping.value, 'none');
    assert.equal(report.filtering.value, 'endpoint-independent');
    assert.equal(report.natType.value, 'open-internet');
    assert.deepEqual(report.publicEndpoints.map((p) => [p.family, p.address]), [['IPv6', '2001:db8:1::2']]);
    assert.equal(report.servers[0].otherAddress, '[2001:db8::2]:3479');
  });

  it('a dual-stack server name: behaviour over IPv4, and the IPv6 public address as well', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 4 });
    const server = net.addHost({ addresses: ['198.51.100.1', '198.51.100.2', '2001:db8::1'] });
    await startReflector({ factory: server, primary: PRIMARY, alternate: ALTERNATE, software: 'v4' });
    await startReflector({ factory: server, primary: { address: '2001:db8::1', port: 3478 }, software: 'v6' });
    const client = net.addHost({ addresses: ['203.0.113.9', '2001:db8:1::2'] });
    const report = await clock.run(
      diagnose({
        servers: [{ host: 'dual.example', port: 3478 }],
        factory: client,
        clock,
        resolve: async () => [
          { address: '2001:db8::1', family: 6 },
          { address: '198.51.100.1', family: 4 },
        ],
        interfaces: () => [
          { name: 'eth0', address: '203.0.113.9', family: 4, internal: false },
          { name: 'eth0', address: '2001:db8:1::2', family: 6, internal: false },
        ],
        budgetMs: 3000,
        version: 'test',
      }),
    );
    assert.equal(report.natType.value, 'open-internet');
    assert.deepEqual(report.publicEndpoints.map((p) => p.family).sort(), ['IPv4', 'IPv6']);
    assert.equal(report.servers.length, 2);
    assert.equal(typeof report.servers[1].rttMs, 'number', JSON.stringify(report.servers[1]));
  });
});

describe('server ranking', () => {
  it('servers are listed by measured RTT, silent ones last', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 9 });
    const far = net.addHost({ addresses: ['198.51.100.10'], link: { delayMs: 80 } });
    const near = net.addHost({ addresses: ['198.51.100.20'], link: { delayMs: 5 } });
    await startReflector({ factory: far, primary: { address: '198.51.100.10', port: 3478 }, software: 'far' });
    await startReflector({ factory: near, primary: { address: '198.51.100.20', port: 3478 }, software: 'near' });
    const client = net.addHost({ addresses: ['203.0.113.9'] });
    const report = await clock.run(
      diagnose({
        servers: ['198.51.100.99', '198.51.100.10', '198.51.100.20'].map((host) => ({ host, port: 3478 })),
        factory: client,
        clock,
        resolve: async (host) => [{ address: host, family: 4 }],
        interfaces: () => [{ name: 'eth0', address: '203.0.113.9', family: 4, internal: false }],
        budgetMs: 3000,
        version: 'test',
      }),
    );
    assert.deepEqual(report.servers.map((s) => s.host), ['198.51.100.20', '198.51.100.10', '198.51.100.99']);
    assert.ok(report.servers[0].rttMs! < report.servers[1].rttMs!);
    assert.equal(report.servers[2].rttMs, null);
  });
});
