import assert from 'node:assert/strict';
import { startReflector } from '../../src/engine/server/reflector';
import { probeHairpin } from '../../src/engine/probes/hairpin';
import { NAT_PUBLIC, hostileWorld, liarServer } from './hostileWorld';

const SERVER = { address: '198.51.100.1', port: 3478 };
/** Someone the user never configured, named by the server as its "alternate". */
const VICTIM = { address: '192.0.2.77', port: 3479 };

describe('security: an announced OTHER-ADDRESS cannot aim the client at a third party', () => {
  it('a third party named as OTHER-ADDRESS gets at most two datagrams per test, and the report lists it as unconfirmed', async () => {
    const w = hostileWorld();
    await liarServer(w.net.addHost({ addresses: [SERVER.address] }), SERVER, { other: VICTIM });
    const victimHost = w.net.addHost({ addresses: [VICTIM.address] });
    let arrived = 0;
    w.net.onPacket((e) => {
      if (e.kind === 'arrive' && e.to.address === VICTIM.address && e.where === victimHost.name) arrived++;
    });
    const report = await w.run([SERVER]);
    const sent = w.sentTo.get(VICTIM.address) ?? 0;
    // RFC 5780 §4.3 tests II and III are the ones aimed at the alternate's IP: two tests, two datagrams each.
    assert.ok(sent > 0, 'the alternate address is still tried (RFC 5780 needs it)');
    assert.ok(sent <= 4, `${sent} datagrams went to a third party`);
    assert.ok(arrived <= 4, `${arrived} arrived at the third party`);
    const listed = (report.contacted ?? []).filter((c) => c.address === VICTIM.address);
    assert.ok(listed.length > 0, JSON.stringify(report.contacted));
    for (const c of listed) {
      assert.equal(c.role, 'announced alternate');
      assert.equal(c.announcedBy, '198.51.100.1:3478');
      assert.equal(c.confirmed, false);
    }
    assert.equal(listed.reduce((n, c) => n + c.packets, 0), sent, 'the report counts exactly the datagrams the network saw');
    assert.equal(report.servers[0].rfc5780, 'unknown');
    assert.match(report.servers[0].error ?? '', /does not answer the 2 datagrams an address only the server vouches for gets/);
  });

  it('a real RFC 5780 server: its alternate answers, is confirmed, and the tests still pass', async () => {
    const w = hostileWorld();
    const alt = { address: '198.51.100.2', port: 3479 };
    await startReflector({ factory: w.net.addHost({ addresses: [SERVER.address, alt.address] }), primary: SERVER, alternate: alt, software: 't' });
    const report = await w.run([SERVER]);
    assert.equal(report.servers[0].rfc5780, 'yes', report.servers[0].error);
    assert.equal(report.mapping.value, 'endpoint-independent');
    const alternates = (report.contacted ?? []).filter((c) => c.role === 'announced alternate');
    assert.equal(alternates.length, 3, JSON.stringify(report.contacted));
    assert.ok(alternates.every((c) => c.confirmed), JSON.stringify(alternates));
  });

  it('every datagram of a diagnosis is in contacted[], each with a declared reason', async () => {
    const w = hostileWorld();
    const alt = { address: '198.51.100.2', port: 3479 };
    await startReflector({ factory: w.net.addHost({ addresses: [SERVER.address, alt.address] }), primary: SERVER, alternate: alt, software: 't' });
    const report = await w.run([SERVER]);
    const contacted = report.contacted ?? [];
    assert.ok(contacted.every((c) => c.role !== 'undeclared'), JSON.stringify(contacted));
    const byAddress = new Map<string, number>();
    for (const c of contacted) byAddress.set(c.address, (byAddress.get(c.address) ?? 0) + c.packets);
    assert.deepEqual([...byAddress].sort(), [...w.sentTo].sort());
    assert.ok(contacted.some((c) => c.role === 'configured server' && c.address === SERVER.address && c.confirmed));
  });
});

describe('security: the hairpin probe bounds an unconfirmed OTHER-ADDRESS too', () => {
  it('asked for the mapping behaviour, it sends at most two datagrams to the announced address', async () => {
    const w = hostileWorld({ hairpin: false });
    await liarServer(w.net.addHost({ addresses: [SERVER.address] }), SERVER, { other: VICTIM });
    w.net.addHost({ addresses: [VICTIM.address] });
    const result = await w.clock.run(
      probeHairpin({ factory: w.client, clock: w.clock, server: SERVER, family: 4, agreed: { address: NAT_PUBLIC, basis: 'the test says so' } }),
    );
    const sent = w.sentTo.get(VICTIM.address) ?? 0;
    assert.ok(sent >= 1 && sent <= 2, `${sent} datagrams to the announced address`);
    assert.equal(result.value, 'unknown', result.reason);
  });
});
