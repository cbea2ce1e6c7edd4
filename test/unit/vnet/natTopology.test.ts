import assert from 'node:assert/strict';
import { Inbox, VirtualClock, VirtualNetwork, natModels, startReflector, text, textOf, whoAmI } from '../../support/vnet';
import { NAT_PUBLIC, SERVER_A, reaches, scene } from './fixture';

describe('vnet: RFC 4787 §6 hairpinning', () => {
  async function twoClients(hairpin: boolean) {
    const s = await scene({ hairpin, filtering: 'endpoint-independent' });
    const other = s.net.addHost({ addresses: ['192.168.1.20'], behind: s.nat, name: 'other' });
    const otherInbox = new Inbox(await other.bind({ family: 4, port: 50000 }), s.clock);
    const [mine, theirs] = await s.clock.run(
      (async () => [await whoAmI(s.inbox, s.a1.endpoint), await whoAmI(otherInbox, s.a1.endpoint)])(),
    );
    assert.ok(mine && theirs);
    return { s, otherInbox, mine, theirs };
  }

  it('hairpin on: a packet to a sibling\'s mapping comes back inside, from the sender\'s mapping (REQ-9)', async () => {
    const { s, otherInbox, mine, theirs } = await twoClients(true);
    await s.inbox.socket.send(text('hello neighbour'), theirs);
    const got = await s.clock.run(otherInbox.next(1000));
    assert.ok(got);
    assert.equal(textOf(got.data), 'hello neighbour');
    assert.deepEqual(got.from, mine, 'source translated to the external endpoint, not 192.168.1.10');
  });

  it('hairpin off: the packet is dropped', async () => {
    const { s, otherInbox, theirs } = await twoClients(false);
    await s.inbox.socket.send(text('hello neighbour'), theirs);
    assert.equal(await s.clock.run(otherInbox.next(1000)), undefined);
    assert.equal(s.net.stats.dropped['hairpin-off'], 1);
  });

  it('hosts behind the same NAT reach each other on their private addresses without translation', async () => {
    const { s, otherInbox } = await twoClients(false);
    await s.inbox.socket.send(text('lan'), { address: '192.168.1.20', port: 50000 });
    const got = await s.clock.run(otherInbox.next(1000));
    assert.deepEqual(got?.from, { address: '192.168.1.10', port: 40000 });
  });
});

describe('vnet: blocking', () => {
  it('blockUdp drops all UDP both ways', async () => {
    const s = await scene({ blockUdp: true });
    assert.equal(await s.clock.run(whoAmI(s.inbox, s.a1.endpoint)), undefined);
    assert.equal(s.a1.seen.length, 0);
    s.net.inject(s.a1.endpoint, { address: NAT_PUBLIC, port: 40000 }, text('in'));
    await s.clock.advance(0);
    assert.equal(s.inbox.received.length, 0);
    assert.equal(s.net.stats.dropped.blocked, 2);
  });

  it('dropOutboundPorts drops outbound UDP to those destination ports only', async () => {
    const s = await scene({ dropOutboundPorts: [3478] });
    assert.equal(await s.clock.run(whoAmI(s.inbox, s.a1.endpoint)), undefined);
    assert.equal(await s.clock.run(whoAmI(s.inbox, s.b1.endpoint)), undefined);
    assert.deepEqual(await s.clock.run(whoAmI(s.inbox, s.a2.endpoint)), { address: NAT_PUBLIC, port: 40000 });
    assert.equal(s.net.stats.dropped.blocked, 2);
    assert.equal(await reaches(s, s.a1, { address: NAT_PUBLIC, port: 40000 }), true, 'inbound from port 3478 is not affected');
  });
});

describe('vnet: nested NATs (home NAT behind a carrier-grade NAT)', () => {
  async function cgnat(carrierHairpin = false) {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    const carrier = net.addNat(natModels.portRestrictedCone('203.0.113.50', { hairpin: carrierHairpin }), { name: 'cgn' });
    const home = net.addNat(natModels.portRestrictedCone('100.64.0.2'), { behind: carrier, name: 'home' });
    const client = net.addHost({ addresses: ['192.168.1.10'], behind: home, name: 'client' });
    const server = net.addHost({ addresses: [SERVER_A], name: 'server' });
    const reflector = await startReflector(server, clock, { family: 4, address: SERVER_A, port: 3478 });
    const inbox = new Inbox(await client.bind({ family: 4, port: 40000 }), clock);
    return { clock, net, carrier, home, inbox, reflector };
  }

  it('the server sees the carrier\'s public address; each NAT maps the one below it', async () => {
    const { clock, carrier, home, inbox, reflector } = await cgnat();
    const seen = await clock.run(whoAmI(inbox, reflector.endpoint));
    assert.deepEqual(seen, { address: '203.0.113.50', port: 40000 });
    assert.deepEqual(home.mappings().map((m) => [m.internal, m.external]), [
      [{ address: '192.168.1.10', port: 40000 }, { address: '100.64.0.2', port: 40000 }],
    ]);
    assert.deepEqual(carrier.mappings().map((m) => [m.internal, m.external]), [
      [{ address: '100.64.0.2', port: 40000 }, { address: '203.0.113.50', port: 40000 }],
    ]);
  });

  it('two homes behind one carrier NAT reach each other only if the carrier hairpins', async () => {
    for (const hairpin of [true, false]) {
      const { clock, net, carrier, inbox, reflector } = await cgnat(hairpin);
      const home2 = net.addNat(natModels.fullCone('100.64.0.3'), { behind: carrier });
      const neighbour = net.addHost({ addresses: ['192.168.1.10'], behind: home2 });
      const neighbourInbox = new Inbox(await neighbour.bind({ family: 4, port: 41000 }), clock);
      const theirs = await clock.run(whoAmI(neighbourInbox, reflector.endpoint));
      const mine = await clock.run(whoAmI(inbox, reflector.endpoint));
      assert.ok(theirs && mine);
      // The carrier filters address-and-port-dependently, hairpinned or not: the neighbour
      // opens its side first (that packet itself is filtered by our mapping), then we send.
      await neighbourInbox.socket.send(text('punch'), mine);
      await clock.advance(0);
      await inbox.socket.send(text('hi'), theirs);
      const got = await clock.run(neighbourInbox.next(1000));
      assert.equal(got !== undefined, hairpin, `carrier hairpin ${hairpin}`);
      if (got) assert.deepEqual(got.from, { address: '203.0.113.50', port: 40000 });
    }
  });

  it('the same private address may exist in two realms', async () => {
    const { net, carrier } = await cgnat();
    const other = net.addNat(natModels.fullCone('100.64.0.9'), { behind: carrier });
    assert.doesNotThrow(() => net.addHost({ addresses: ['192.168.1.10'], behind: other }));
    assert.throws(() => net.addHost({ addresses: ['192.168.1.10'], behind: other }), /already used/);
    assert.throws(() => net.addNat(natModels.fullCone('100.64.0.2'), { behind: carrier }), /already used/);
  });
});
