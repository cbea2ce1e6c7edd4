import assert from 'node:assert/strict';
import { cgnatFirstPass } from '../../../src/engine/discovery/cgnat';
import { combineCgnatEvidence } from '../../../src/engine/probes/cgnatEvidence';
import type { CgnatVerdict } from '../../../src/report/report';

const unknownFirst: CgnatVerdict = cgnatFirstPass([{ name: 'eth0', address: '192.168.1.2', family: 4, internal: false }], ['198.51.100.254'], false);

describe('CGNAT second pass: router evidence + STUN', () => {
  it('router external address in 100.64/10: cgnat yes and double NAT yes, both naming the router', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [{ protocol: 'upnp', address: '100.64.0.2' }], stunPublic: ['198.51.100.254'] });
    assert.equal(v.value, 'yes');
    assert.equal(v.doubleNat, 'yes');
    assert.match(v.reason, /upnp external address 100\.64\.0\.2 is in 100\.64\.0\.0\/10/);
    assert.ok(v.evidence.some((e) => /router's external address \(upnp\)/.test(e.test)));
  });
  it('router external address private (RFC 1918): double NAT yes, cgnat not decided', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [{ protocol: 'nat-pmp', address: '192.168.0.10' }], stunPublic: ['198.51.100.254'] });
    assert.equal(v.doubleNat, 'yes');
    assert.equal(v.value, 'unknown');
    assert.match(v.reason, /whether that outer NAT is the carrier's is not shown/);
  });
  it('router public address different from what the servers see: double NAT yes', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [{ protocol: 'nat-pmp', address: '203.0.113.9' }], stunPublic: ['198.51.100.254'] });
    assert.equal(v.doubleNat, 'yes');
    assert.match(v.doubleNatReason, /203\.0\.113\.9 differs from the servers' view 198\.51\.100\.254/);
  });
  it('router public address = the servers’ view: no double NAT, no CGNAT', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [{ protocol: 'upnp', address: '198.51.100.254' }], stunPublic: ['198.51.100.254'] });
    assert.deepEqual([v.value, v.doubleNat], ['no', 'no']);
    assert.match(v.reason, /the router itself holds the public address 198\.51\.100\.254/);
  });
  it('NAT-PMP "Network Failure" while STUN works: double NAT yes, cgnat yes (switchable), with the caveat in the reason', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [], natPmpNoPublicAddress: true, stunPublic: ['198.51.100.254'] });
    assert.deepEqual([v.value, v.doubleNat], ['yes', 'yes']);
    assert.match(v.reason, /a second router at home would look the same/);
    const strict = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [], natPmpNoPublicAddress: true, stunPublic: ['198.51.100.254'], noPublicAddressMeansCgnat: false });
    assert.deepEqual([strict.value, strict.doubleNat], ['unknown', 'yes']);
  });
  it('"no public address" without any STUN answer proves nothing (the WAN may be down)', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [], natPmpNoPublicAddress: true, upnpNoPublicAddress: true, stunPublic: [] });
    assert.deepEqual([v.value, v.doubleNat], ['unknown', 'unknown']);
    assert.ok(v.evidence.some((e) => /WAN may simply be down/.test(e.observation)));
  });
  it('servers seeing different public addresses: pooling evidence; cgnat yes only with a NAT beyond the router', () => {
    const alone = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [], stunPublic: ['198.51.100.254', '198.51.100.253'] });
    assert.equal(alone.value, 'unknown');
    assert.ok(alone.evidence.some((e) => /non-paired address pooling/.test(e.observation)));
    const withRouter = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [{ protocol: 'upnp', address: '10.0.0.2' }], stunPublic: ['198.51.100.254', '198.51.100.253'] });
    assert.deepEqual([withRouter.value, withRouter.doubleNat], ['yes', 'yes']);
    assert.match(withRouter.reason, /carrier-grade NAT pool/);
  });
  it('IPv6 and junk in the STUN list and router list are ignored (junk named)', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [{ protocol: 'upnp', address: 'bogus' }], stunPublic: ['2001:db8::1', '::ffff:198.51.100.254', 'x'] });
    assert.equal(v.doubleNat, 'unknown');
    assert.ok(v.evidence.some((e) => /ignored "bogus"/.test(e.observation)));
    assert.ok(!v.evidence.some((e) => /pooling/.test(e.observation)));
  });
  it('conflicting router evidence: double NAT unknown, both named', () => {
    const v = combineCgnatEvidence({
      firstPass: unknownFirst,
      routerExternal: [{ protocol: 'upnp', address: '198.51.100.254' }, { protocol: 'nat-pmp', address: '10.1.1.1' }],
      stunPublic: ['198.51.100.254'],
    });
    assert.equal(v.doubleNat, 'unknown');
    assert.match(v.doubleNatReason, /conflicting/);
    assert.equal(v.value, 'unknown');
  });
  it('keeps the first pass: its yes, its "no NAT at all", its evidence and its tunnel exclusions', () => {
    const first = cgnatFirstPass(
      [
        { name: 'wwan0', address: '100.72.1.2', family: 4, internal: false },
        { name: 'tailscale0', address: '100.100.1.1', family: 4, internal: false },
      ],
      ['198.51.100.9'],
      false,
    );
    const v = combineCgnatEvidence({ firstPass: first, routerExternal: [], stunPublic: ['198.51.100.9'] });
    assert.equal(v.value, 'yes');
    assert.deepEqual(v.excludedInterfaces, ['tailscale0']);
    assert.match(v.evidence[0].test, /wwan0/);
    const noNat = cgnatFirstPass([], ['203.0.113.2'], true);
    const n = combineCgnatEvidence({ firstPass: noNat, routerExternal: [{ protocol: 'upnp', address: '100.64.0.2' }], stunPublic: ['203.0.113.2'] });
    assert.deepEqual([n.value, n.doubleNat], ['no', 'no']);
  });
  it('nothing from the router and one STUN address: unknown, the first pass’s reason kept', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [], stunPublic: ['198.51.100.254'] });
    assert.deepEqual([v.value, v.doubleNat], ['unknown', 'unknown']);
    assert.equal(v.reason, unknownFirst.reason);
  });
});
