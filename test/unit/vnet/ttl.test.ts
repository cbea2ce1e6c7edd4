import assert from 'node:assert/strict';
import { type PacketEvent, VirtualClock, VirtualNetwork, natModels, text } from '../../support/vnet';

/** server on the internet; client behind a port-restricted NAT, optionally behind a plain router in front of it. */
async function scene(routerInFront: boolean) {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 3 });
  const server = net.addHost({ addresses: ['198.51.100.1'], name: 'server' });
  const inbox: string[] = [];
  (await server.bind({ family: 4, port: 3478 })).onMessage((data) => inbox.push(Buffer.from(data).toString()));
  const nat = net.addNat(natModels.portRestrictedCone('203.0.113.1'), { name: 'nat' });
  const router = routerInFront ? net.addNat(natModels.router(), { behind: nat, name: 'inner' }) : nat;
  const client = net.addHost({ addresses: ['192.168.1.10'], behind: router, name: 'client' });
  const socket = await client.bind({ family: 4 });
  const events: PacketEvent[] = [];
  net.onPacket((e) => events.push(e));
  const send = async (ttl: number) => {
    socket.setTtl!(ttl);
    await socket.send(text(`ttl ${ttl}`), { address: '198.51.100.1', port: 3478 });
    await clock.advance(50);
  };
  return { net, nat, inbox, events, send, socket };
}

describe('vnet: TTL (every router takes one off, and drops the packet at none before a NAT maps it)', () => {
  it('behind one NAT: TTL 1 dies on the NAT untranslated and leaves no mapping; TTL 2 is mapped and dies on the internet; TTL 3 arrives', async () => {
    const s = await scene(false);
    await s.send(1);
    assert.deepEqual(s.nat.mappings(), []);
    assert.deepEqual(s.events.filter((e) => e.kind === 'drop').map((e) => `${e.where} ${e.reason} ${e.from.address}`), ['nat ttl-exceeded 192.168.1.10']);
    await s.send(2);
    assert.equal(s.nat.mappings().length, 1);
    assert.equal(s.events.filter((e) => e.kind === 'drop').at(-1)?.where, 'internet');
    await s.send(3);
    assert.deepEqual(s.inbox, ['ttl 3']);
    assert.equal(s.net.stats.dropped['ttl-exceeded'], 2);
  });

  it('a plain router in front of the NAT is one more hop: TTL 2 dies on the NAT, 3 on the internet, 4 arrives; the router keeps no state', async () => {
    const s = await scene(true);
    await s.send(2);
    assert.deepEqual(s.nat.mappings(), []);
    await s.send(3);
    assert.deepEqual(s.inbox, []);
    await s.send(4);
    assert.deepEqual(s.inbox, ['ttl 4']);
    assert.deepEqual(s.events.filter((e) => e.kind === 'drop').map((e) => e.where), ['nat', 'internet']);
  });

  it('a TTL out of 1..255 is refused like the kernel refuses it', async () => {
    const s = await scene(false);
    assert.throws(() => s.socket.setTtl!(0), /EINVAL/);
    assert.throws(() => s.socket.setTtl!(256), /EINVAL/);
  });
});
