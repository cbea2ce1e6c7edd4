import assert from 'node:assert/strict';
import { cgnatFirstPass } from '../../../src/engine/discovery/cgnat';
import { combineCgnatEvidence, routerSilence, type RouterAnswers } from '../../../src/engine/probes/cgnatEvidence';
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
    assert.match(v.reason, /your router's own external address 198\.51\.100\.254 \(upnp\) is the public address the servers see: no NAT above it/);
  });
  it('NAT-PMP "Network Failure" while STUN works: double NAT yes, cgnat yes (switchable), with the caveat in the reason', () => {
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [], natPmpNoPublicAddress: true, stunPublic: ['198.51.100.254'] });
    assert.deepEqual([v.value, v.doubleNat], ['yes', 'yes']);
    // What was seen is a NAT above the router: the words name no RFC 6598 space and keep the caveat.
    assert.match(v.reason, /your router reports no public address of its own.*a NAT sits above it.*a second router of your own would look the same/);
    assert.doesNotMatch(v.reason, /6598|100\.64/);
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
  it('a silent router: unknown, and the reason says the router could not tell (not the first pass alone)', () => {
    const silent = routerSilence(ROUTER);
    assert.match(silent ?? '', /the router \(192\.168\.1\.1\) answered none of NAT-PMP, PCP and UPnP IGD/);
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [], stunPublic: ['198.51.100.254'], routerSilent: silent });
    assert.deepEqual([v.value, v.doubleNat], ['unknown', 'unknown']);
    assert.equal(v.reason, 'no local or reflexive address in 100.64.0.0/10, and the router did not tell its own external address');
    assert.equal(v.doubleNatReason, silent);
  });
  it('why the router could not tell: no gateway, a protocol without an address, garbage; nothing when it told', () => {
    assert.match(routerSilence({ ...ROUTER, gateway: null, reasons: { upnp: 'x', natPmp: 'no default gateway to ask: no IPv4 default route', pcp: 'x' } }) ?? '', /could not be asked \(no default gateway/);
    assert.match(routerSilence({ ...ROUTER, upnp: 'yes', reasons: { ...ROUTER.reasons, upnp: 'the gateway offers UPnP IGD (it refused the external-address request)' } }) ?? '', /speaks UPnP IGD but did not tell its external address \(the gateway offers UPnP IGD \(it refused/);
    assert.match(routerSilence({ ...ROUTER, natPmp: 'unknown', reasons: { ...ROUTER.reasons, natPmp: 'NAT-PMP: something answered from the gateway, but not in NAT-PMP format' } }) ?? '', /gave no usable answer/);
    assert.equal(routerSilence({ ...ROUTER, externalAddresses: [{ protocol: 'upnp', address: '198.51.100.254' }] }), undefined);
    assert.equal(routerSilence({ ...ROUTER, noPublicAddress: { natPmp: true, upnp: false } }), undefined);
  });
  it('a router that contradicts itself (NAT-PMP: our public address; UPnP: no public address) gets no "no"', () => {
    // Attack: a lying or confused router claims the servers' address on one protocol only.
    const v = combineCgnatEvidence({ firstPass: unknownFirst, routerExternal: [{ protocol: 'nat-pmp', address: '198.51.100.254' }], upnpNoPublicAddress: true, stunPublic: ['198.51.100.254'] });
    assert.equal(v.doubleNat, 'unknown');
    assert.notEqual(v.value, 'no');
  });
  it('a router claiming our public address cannot outvote an RFC 6598 address on this machine', () => {
    const first = cgnatFirstPass([{ name: 'wwan0', address: '100.72.1.2', family: 4, internal: false }], ['198.51.100.9'], false);
    const v = combineCgnatEvidence({ firstPass: first, routerExternal: [{ protocol: 'upnp', address: '198.51.100.9' }], stunPublic: ['198.51.100.9'] });
    assert.equal(v.value, 'yes');
  });
});

const ROUTER: RouterAnswers = {
  gateway: '192.168.1.1',
  upnp: 'no',
  natPmp: 'no',
  pcp: 'no',
  externalAddresses: [],
  noPublicAddress: { natPmp: false, upnp: false },
  reasons: { upnp: 'UPnP: no answer', natPmp: 'NAT-PMP: no answer', pcp: 'PCP: no answer' },
};
