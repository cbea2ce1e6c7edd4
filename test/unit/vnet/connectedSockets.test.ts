import assert from 'node:assert/strict';
import { VirtualClock, VirtualNetwork, natModels, type PacketEvent } from '../../support/vnet';

/**
 * Connected sockets (BindOptions.connect) and ICMP port unreachable: what `natprobe reach` reads
 * to tell "nothing listens there" from silence.
 */
function world(serverAnswersIcmp: boolean, behindNat = false) {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 5 });
  net.setDefaultLink({ delayMs: 10 });
  const nat = behindNat ? net.addNat(natModels.portRestrictedCone(['203.0.113.1'])) : undefined;
  const client = net.addHost({ addresses: ['192.168.1.10'], ...(nat ? { behind: nat } : {}), name: 'client' });
  const server = net.addHost({ addresses: ['198.51.100.1'], name: 'server', portUnreachable: serverAnswersIcmp });
  return { clock, net, client, server };
}

describe('vnet: connected sockets and ICMP port unreachable', () => {
  for (const behindNat of [false, true]) {
    it(`a connected socket hears port unreachable from a host that answers it${behindNat ? ' (through a NAT)' : ''}`, async () => {
      const { clock, net, client } = world(true, behindNat);
      const events: PacketEvent[] = [];
      net.onPacket((e) => events.push(e));
      const socket = await client.bind({ family: 4, connect: { address: '198.51.100.1', port: 51820 } });
      let refused = 0;
      socket.onRefused?.(() => refused++);
      await socket.send(new Uint8Array([1]), { address: '198.51.100.1', port: 51820 });
      await clock.advance(100);
      assert.equal(refused, 1);
      assert.ok(events.some((e) => e.kind === 'deliver' && e.where === 'client' && e.icmp === 'port-unreachable'));
      assert.equal(net.stats.delivered, 0, 'an ICMP error is not a datagram');
    });
  }

  it('a host that does not answer ICMP stays silent (the default)', async () => {
    const { clock, client } = world(false);
    const socket = await client.bind({ family: 4, connect: { address: '198.51.100.1', port: 51820 } });
    let refused = 0;
    socket.onRefused?.(() => refused++);
    await socket.send(new Uint8Array([1]), { address: '198.51.100.1', port: 51820 });
    await clock.advance(100);
    assert.equal(refused, 0);
  });

  it('an unconnected socket never hears port unreachable, as with real sockets', async () => {
    const { clock, client } = world(true);
    const socket = await client.bind({ family: 4 });
    let refused = 0;
    socket.onRefused?.(() => refused++);
    await socket.send(new Uint8Array([1]), { address: '198.51.100.1', port: 51820 });
    await clock.advance(100);
    assert.equal(refused, 0);
  });

  it('a listener means no ICMP, and a connected socket takes datagrams from its peer only', async () => {
    const { clock, client, server, net } = world(true);
    const listener = await server.bind({ family: 4, port: 51820 });
    listener.onMessage((data, from) => void listener.send(data, from));
    const other = await server.bind({ family: 4, port: 9999 });
    const socket = await client.bind({ family: 4, connect: { address: '198.51.100.1', port: 51820 } });
    const got: string[] = [];
    let refused = 0;
    socket.onMessage((_d, from) => got.push(`${from.address}:${from.port}`));
    socket.onRefused?.(() => refused++);
    await socket.send(new Uint8Array([7]), { address: '198.51.100.1', port: 51820 });
    await other.send(new Uint8Array([8]), socket.localEndpoint().address === '0.0.0.0'
      ? { address: '192.168.1.10', port: socket.localEndpoint().port }
      : socket.localEndpoint());
    await clock.advance(100);
    assert.deepEqual(got, ['198.51.100.1:51820']);
    assert.equal(refused, 0);
    assert.equal(net.stats.dropped['no-listener'], 1, 'the stranger was dropped');
  });

  it('a connected socket refuses to send elsewhere (EISCONN) and connect needs a valid endpoint', async () => {
    const { client } = world(true);
    const socket = await client.bind({ family: 4, connect: { address: '198.51.100.1', port: 51820 } });
    await assert.rejects(socket.send(new Uint8Array([1]), { address: '198.51.100.1', port: 1 }), { code: 'EISCONN' });
    await assert.rejects(client.bind({ family: 4, connect: { address: '::1', port: 5 } }), { code: 'EINVAL' });
  });
});
