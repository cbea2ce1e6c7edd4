import assert from 'node:assert/strict';
import { cgnatFirstPass, isSharedAddressSpace } from '../../../src/engine/discovery/cgnat';

describe('CGNAT first pass (RFC 6598 shared address space)', () => {
  it('knows the edges of 100.64.0.0/10', () => {
    assert.equal(isSharedAddressSpace('100.64.0.0'), true);
    assert.equal(isSharedAddressSpace('100.127.255.255'), true);
    assert.equal(isSharedAddressSpace('100.63.255.255'), false);
    assert.equal(isSharedAddressSpace('100.128.0.0'), false);
    assert.equal(isSharedAddressSpace('2001:db8::1'), false);
  });
  it('a local address in 100.64/10 means yes, with the interface named', () => {
    const v = cgnatFirstPass([{ name: 'wwan0', address: '100.72.1.2', family: 4, internal: false }], ['198.51.100.9'], false);
    assert.equal(v.value, 'yes');
    assert.match(v.evidence[0].test, /wwan0/);
  });
  it('VPN tunnels using 100.64/10 (tailscale0, wg0, utun3, tun0) are left out and named', () => {
    const v = cgnatFirstPass(
      ['tailscale0', 'wg0', 'utun3', 'tun0'].map((name, i) => ({ name, address: `100.100.0.${i + 1}`, family: 4 as const, internal: false })),
      ['198.51.100.9'],
      false,
    );
    assert.equal(v.value, 'unknown');
    assert.deepEqual(v.excludedInterfaces, ['tailscale0', 'tun0', 'utun3', 'wg0']);
  });
  it('a reflexive address in 100.64/10 means yes', () => {
    assert.equal(cgnatFirstPass([], ['100.64.3.4'], false).value, 'yes');
  });
  it('no NAT at all means no; otherwise the first pass cannot rule CGNAT out', () => {
    assert.equal(cgnatFirstPass([], ['198.51.100.9'], true).value, 'no');
    const v = cgnatFirstPass([{ name: 'eth0', address: '192.168.1.2', family: 4, internal: false }], ['198.51.100.9'], false);
    assert.equal(v.value, 'unknown');
    assert.match(v.reason, /router/);
  });
});
