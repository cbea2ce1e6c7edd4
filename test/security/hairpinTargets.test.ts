import assert from 'node:assert/strict';
import type { Endpoint } from '../../src/engine/net/udp';
import { startReflector } from '../../src/engine/server/reflector';
import { NAT_PUBLIC, hostileWorld, liarServer } from './hostileWorld';

const LIAR = { address: '198.51.100.1', port: 3478 };
const HONEST = { address: '198.51.100.7', port: 3478 };
/** The address a hostile server passes off as "our public address". */
const VICTIM = '192.0.2.99';

describe('security: --hairpin sends only to a public address two witnesses agree on', () => {
  it('one server naming a third party as our public address: no packet goes there, hairpinning unknown', async () => {
    const w = hostileWorld({ hairpin: true });
    w.net.addHost({ addresses: [VICTIM] });
    await liarServer(w.net.addHost({ addresses: [LIAR.address] }), LIAR, { mapped: (from) => ({ address: VICTIM, port: from.port }) });
    const report = await w.run([LIAR], { hairpin: true });
    assert.equal(w.sentTo.get(VICTIM) ?? 0, 0, 'hairpin packets went to a third party');
    assert.equal(report.hairpinning?.value, 'unknown', report.hairpinning?.reason);
    assert.match(report.hairpinning?.reason ?? '', /no hairpin packet was sent: only 198\.51\.100\.1:3478 reported/);
  });

  it('two servers that disagree on our public address: neither is believed', async () => {
    const w = hostileWorld({ hairpin: true });
    w.net.addHost({ addresses: [VICTIM] });
    await liarServer(w.net.addHost({ addresses: [LIAR.address] }), LIAR, { mapped: (from) => ({ address: VICTIM, port: from.port }) });
    await startReflector({ factory: w.net.addHost({ addresses: [HONEST.address] }), primary: HONEST, software: 'honest' });
    const report = await w.run([LIAR, HONEST], { hairpin: true });
    assert.equal(w.sentTo.get(VICTIM) ?? 0, 0);
    assert.equal(w.sentTo.get(NAT_PUBLIC) ?? 0, 0, 'not even to the honest answer: the witnesses disagree');
    assert.equal(report.hairpinning?.value, 'unknown');
    assert.match(report.hairpinning?.reason ?? '', /disagree/);
  });

  it('a server that agrees at first, then names a third party to the hairpin sockets: the contradiction stops the probe', async () => {
    const w = hostileWorld({ hairpin: true });
    w.net.addHost({ addresses: [VICTIM] });
    let answers = 0;
    // Honest for the behaviour tests (one Binding answer), a liar afterwards.
    await liarServer(w.net.addHost({ addresses: [LIAR.address] }), LIAR, { mapped: (from) => (answers++ < 1 ? from : { address: VICTIM, port: from.port }) });
    await startReflector({ factory: w.net.addHost({ addresses: [HONEST.address] }), primary: HONEST, software: 'honest' });
    const report = await w.run([LIAR, HONEST], { hairpin: true });
    assert.equal(w.sentTo.get(VICTIM) ?? 0, 0);
    assert.equal(report.hairpinning?.value, 'unknown', report.hairpinning?.reason);
    assert.match(report.hairpinning?.reason ?? '', /now says our public address is 192\.0\.2\.99/);
  });

  it('two sockets "mapped" to one public endpoint is flagged, and nothing is sent', async () => {
    const w = hostileWorld({ hairpin: true });
    const fixed: Endpoint = { address: NAT_PUBLIC, port: 40000 };
    await liarServer(w.net.addHost({ addresses: [LIAR.address] }), LIAR, { mapped: () => fixed });
    await startReflector({ factory: w.net.addHost({ addresses: [HONEST.address] }), primary: HONEST, software: 'honest' });
    const report = await w.run([LIAR, HONEST], { hairpin: true });
    assert.equal(w.sentTo.get(NAT_PUBLIC) ?? 0, 0);
    assert.equal(report.hairpinning?.value, 'unknown', report.hairpinning?.reason);
    assert.match(report.hairpinning?.reason ?? '', /both mapped to 203\.0\.113\.5:40000, which no NAT does/);
  });

  it('two honest servers agree: the hairpin packets go to our public address only, listed as the hairpin target', async () => {
    const w = hostileWorld({ hairpin: true });
    const a = { address: '198.51.100.1', port: 3478 };
    await startReflector({ factory: w.net.addHost({ addresses: [a.address] }), primary: a, software: 'a' });
    await startReflector({ factory: w.net.addHost({ addresses: [HONEST.address] }), primary: HONEST, software: 'b' });
    const report = await w.run([a, HONEST], { hairpin: true });
    assert.equal(report.hairpinning?.value, 'yes', report.hairpinning?.reason);
    assert.match(report.hairpinning?.reason ?? '', /independently saw it/);
    assert.deepEqual([...w.sentTo.keys()].sort(), [a.address, HONEST.address, NAT_PUBLIC].sort());
    const targets = (report.contacted ?? []).filter((c) => c.address === NAT_PUBLIC);
    assert.ok(targets.length > 0 && targets.every((c) => c.role === 'hairpin target'), JSON.stringify(report.contacted));
    assert.ok((report.contacted ?? []).every((c) => c.role !== 'undeclared'), JSON.stringify(report.contacted));
  });
});
