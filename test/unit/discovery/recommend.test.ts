import assert from 'node:assert/strict';
import { recommend } from '../../../src/engine/discovery/recommend';
import type { Report } from '../../../src/report/report';
import { endpointKey } from '../../../src/engine/net/udp';
import { fakeTcp } from '../../support/fakeTcp';
import { PRIMARY, makeWorld } from './world';

const ids = (r: Report) => recommend(r).map((x) => x.id);
const text = (r: Report, id: string) => recommend(r).find((x) => x.id === id)?.text ?? '';

describe('recommendations per VPN kind', () => {
  let portRestricted: Report;
  let open: Report;
  let symmetric: Report;
  let blocked: Report;
  before(async () => {
    portRestricted = await (await makeWorld({})).run();
    open = await (await makeWorld({ publicClient: '203.0.113.9' })).run();
    symmetric = await (await makeWorld({ nat: { mapping: 'address-and-port-dependent' } })).run();
    // Blocked needs evidence: the server's host answers over TCP while UDP stays silent.
    const blockedWorld = await makeWorld({ nat: { blockUdp: true } });
    blocked = await blockedWorld.run({ budgetMs: 1000, tcp: fakeTcp(blockedWorld.clock, { [endpointKey(PRIMARY)]: 'refused' }) });
  });

  it('behind a NAT without a measured lifetime: PersistentKeepalive = 25 and how to measure', () => {
    assert.match(text(portRestricted, 'wireguard-keepalive'), /PersistentKeepalive = 25.*--lifetime/);
    assert.equal(recommend(portRestricted).find((x) => x.id === 'wireguard-keepalive')?.rfc, 'RFC 4787 REQ-5');
  });
  it('with a measured 30 s lifetime: PersistentKeepalive = min(25, 30 − 5) = 25, OpenVPN keepalive 10', () => {
    const r: Report = { ...portRestricted, mappingLifetime: { value: 30, idleSeconds: 30, refreshedByInbound: 'no', absoluteSeconds: null, reason: 'measured' } };
    assert.match(text(r, 'wireguard-keepalive'), /PersistentKeepalive = 25 \(5 s under the lifetime\)/);
    assert.match(text(r, 'openvpn-keepalive'), /keepalive 10 60/);
  });
  it('with a 10 s lifetime: PersistentKeepalive = 5, OpenVPN keepalive 5', () => {
    const r: Report = { ...portRestricted, mappingLifetime: { value: 10, idleSeconds: 10, refreshedByInbound: 'no', absoluteSeconds: null, reason: 'measured' } };
    assert.match(text(r, 'wireguard-keepalive'), /PersistentKeepalive = 5\b/);
    assert.match(text(r, 'openvpn-keepalive'), /keepalive 5 60/);
  });
  it('an absolute timeout warns that reconnects are unavoidable', () => {
    const r: Report = { ...portRestricted, mappingLifetime: { value: 30, idleSeconds: 30, refreshedByInbound: 'no', absoluteSeconds: 60, reason: 'measured' } };
    assert.match(text(r, 'absolute-timeout'), /60 s even with traffic/);
  });
  it('no NAT, no filter: says no keepalive is needed (saves battery)', () => {
    assert.ok(ids(open).includes('wireguard-no-keepalive-needed'));
    assert.ok(!ids(open).includes('wireguard-keepalive'));
  });
  it('symmetric NAT: a fixed Endpoint or a relay, and relayed peer-to-peer', () => {
    assert.ok(ids(symmetric).includes('symmetric-mapping'));
    assert.ok(ids(symmetric).includes('p2p-relayed'));
  });
  it('UDP blocked: one error, nothing else pretends to know more', () => {
    assert.deepEqual(ids(blocked), ['udp-blocked']);
  });
  it('UDP 51820 and 1194 blocked, TCP 443 open: another WireGuard port, OpenVPN over TCP 443', () => {
    const r: Report = {
      ...portRestricted,
      ports: [
        { protocol: 'udp', port: 51820, reachable: 'no', basis: 'silence' },
        { protocol: 'udp', port: 1194, reachable: 'no', basis: 'silence' },
        { protocol: 'udp', port: 443, reachable: 'yes', basis: 'answer' },
        { protocol: 'tcp', port: 443, reachable: 'yes', basis: 'connected' },
      ],
    };
    assert.match(text(r, 'wireguard-port-blocked'), /51820/);
    assert.match(text(r, 'openvpn-udp-port-blocked'), /remote HOST 443 tcp-client/);
    for (const rec of recommend(r)) assert.ok(rec.text.length > 0 && rec.id.length > 0);
  });
  it('IPsec: NAT-T advice behind NAT, an error when 500/4500 are blocked', () => {
    assert.ok(ids(portRestricted).includes('ipsec-nat-t'));
    const r: Report = { ...portRestricted, ports: [{ protocol: 'udp', port: 4500, reachable: 'no', basis: 'silence' }] };
    assert.match(text(r, 'ipsec-ports-blocked'), /4500 is blocked/);
  });
  it('every item names the evidence it rests on or is plain guidance, and no text is empty', () => {
    for (const r of [portRestricted, open, symmetric, blocked]) for (const rec of recommend(r)) assert.ok(rec.text.trim().length > 20, rec.id);
  });
});
