import assert from 'node:assert/strict';
import { Inbox, VirtualClock, VirtualNetwork, natModels, startReflector, text, whoAmI } from '../../support/vnet';

describe('vnet: links (delay and loss)', () => {
  async function pair(seed: number, clientLink: { delayMs?: number; lossRate?: number }, serverLink = {}) {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed });
    const client = net.addHost({ addresses: ['192.0.2.10'], link: clientLink });
    const server = net.addHost({ addresses: ['198.51.100.1'], link: serverLink });
    const sink = await startReflector(server, clock, { family: 4, port: 9, silent: true });
    const socket = await client.bind({ family: 4 });
    return { clock, net, client, server, sink, socket };
  }

  async function lossOf(seed: number): Promise<number> {
    const { clock, net, sink, socket } = await pair(seed, { lossRate: 0.2 });
    await clock.run(
      (async () => {
        for (let i = 0; i < 2000; i++) await socket.send(text(`#${i}`), { address: '198.51.100.1', port: 9 });
      })(),
    );
    await clock.advance(0);
    assert.equal(net.stats.dropped.loss + sink.seen.length, 2000);
    assert.equal(net.stats.sent, 2000);
    return net.stats.dropped.loss;
  }

  it('20 % loss on an uplink loses between 15 % and 25 % of 2,000 packets', async () => {
    const lost = await lossOf(42);
    assert.ok(lost >= 300 && lost <= 500, `lost ${lost}`);
  });

  it('loss is reproducible for a seed', async () => {
    assert.equal(await lossOf(5), await lossOf(5));
  });

  it('delay adds up over hops: a 50 ms uplink on each side is 100 ms one way, 200 ms round trip', async () => {
    const { clock, sink, socket } = await pair(1, { delayMs: 50 }, { delayMs: 50 });
    await socket.send(text('x'), { address: '198.51.100.1', port: 9 });
    await clock.advance(99);
    assert.equal(sink.seen.length, 0, 'not there at 99 ms');
    await clock.advance(1);
    assert.equal(sink.seen[0].at, 100);

    const clock2 = new VirtualClock();
    const net2 = new VirtualNetwork(clock2);
    const a = net2.addHost({ addresses: ['192.0.2.10'], link: { delayMs: 50 } });
    const b = net2.addHost({ addresses: ['198.51.100.1'], link: { delayMs: 50 } });
    const reflector = await startReflector(b, clock2, { family: 4, port: 3478 });
    const inbox = new Inbox(await a.bind({ family: 4 }), clock2);
    await clock2.run(whoAmI(inbox, { address: '198.51.100.1', port: reflector.endpoint.port }));
    assert.equal(clock2.now(), 200);
  });

  it('every uplink on the path counts: host, home NAT and carrier NAT', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    const carrier = net.addNat(natModels.fullCone('203.0.113.50'), { link: { delayMs: 20 } });
    const home = net.addNat(natModels.fullCone('100.64.0.2'), { behind: carrier, link: { delayMs: 10 } });
    const client = net.addHost({ addresses: ['192.168.1.10'], behind: home, link: { delayMs: 5 } });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const sink = await startReflector(server, clock, { family: 4, port: 9, silent: true });
    await (await client.bind({ family: 4 })).send(text('x'), { address: '198.51.100.1', port: 9 });
    await clock.advance(1000);
    assert.equal(sink.seen[0].at, 35);
  });

  it('setDefaultLink applies to every uplink without its own profile', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    net.setDefaultLink({ delayMs: 25 });
    const nat = net.addNat(natModels.fullCone('203.0.113.1'));
    const client = net.addHost({ addresses: ['192.168.1.10'], behind: nat });
    const server = net.addHost({ addresses: ['198.51.100.1'], link: { delayMs: 0 } });
    const sink = await startReflector(server, clock, { family: 4, port: 9, silent: true });
    await (await client.bind({ family: 4 })).send(text('x'), { address: '198.51.100.1', port: 9 });
    await clock.advance(1000);
    assert.equal(sink.seen[0].at, 50, 'client uplink 25 + NAT uplink 25 + server 0');
  });

  it('a 200 ms-RTT exchange takes no real time', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    const a = net.addHost({ addresses: ['192.0.2.10'], link: { delayMs: 50 } });
    const b = net.addHost({ addresses: ['198.51.100.1'], link: { delayMs: 50 } });
    const reflector = await startReflector(b, clock, { family: 4, port: 3478 });
    const inbox = new Inbox(await a.bind({ family: 4 }), clock);
    const started = performance.now();
    const seen = await clock.run(whoAmI(inbox, { address: '198.51.100.1', port: reflector.endpoint.port }));
    const realMs = performance.now() - started;
    assert.ok(seen);
    assert.equal(clock.now(), 200);
    assert.ok(realMs < 200, `took ${realMs} real ms`);
  });

  it('rejects nonsense link profiles', () => {
    const net = new VirtualNetwork(new VirtualClock());
    assert.throws(() => net.addHost({ addresses: ['192.0.2.1'], link: { lossRate: 1.5 } }), /lossRate/);
    assert.throws(() => net.setDefaultLink({ delayMs: -1 }), /delayMs/);
  });
});
