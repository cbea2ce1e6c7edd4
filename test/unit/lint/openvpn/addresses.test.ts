// Address syntax the way OpenVPN 2.6 checks it while reading (each case verified with 2.6.14).

import * as assert from 'node:assert/strict';
import { inetAton, isDottedQuad, isIPv6, isIPv6Prefix } from '../../../../src/lint/openvpn/rules/addresses';
import { lint } from './helpers';

describe('OpenVPN address checks', () => {
  it('ifconfig and route-gateway want a plain dotted quad', () => {
    for (const ok of ['10.0.0.1', '10.0.0.01', '255.255.255.255']) assert.ok(isDottedQuad(ok), ok);
    for (const bad of ['10.1', '256.0.0.1', 'vpn.example.com', '10.0.0.1/24', '']) assert.ok(!isDottedQuad(bad), bad);
  });
  it('server, server-bridge and ifconfig-pool take what inet_aton takes', () => {
    assert.equal(inetAton('10.8.0.0'), 0x0a080000);
    assert.equal(inetAton('255.255.0'), 0xffff0000);
    assert.equal(inetAton('0xffffff00'), 0xffffff00);
    assert.equal(inetAton('010.8.0.0'), 0x08080000);
    assert.equal(inetAton('10.8'), 0x0a000008);
    for (const bad of ['255.2/55.255.0', '--10.8.0.0', 'vpn.example.com', '1.2.3.4.5', '256.1.1.1', '']) assert.equal(inetAton(bad), undefined, bad);
  });
  it('IPv6 addresses and prefixes', () => {
    for (const ok of ['fd00::', '::1', '::', 'fd00::1', '2001:db8:0:0:0:0:0:1', '::ffff:192.0.2.1']) assert.ok(isIPv6(ok), ok);
    for (const bad of ['x', 'fd00:::1', '1:2:3:4:5:6:7:8:9', 'fd00::g', '1::2::3']) assert.ok(!isIPv6(bad), bad);
    assert.ok(isIPv6Prefix('fd00::/64', false));
    assert.ok(isIPv6Prefix('fd00::', true));
    assert.ok(!isIPv6Prefix('fd00::', false));
    assert.ok(!isIPv6Prefix('fd00::/129', true));
  });
  it('the rules agree with what openvpn accepts', () => {
    // Reading-stage errors only: OV15 also judges these one-line snippets as whole configs.
    const errors = (t: string) => lint(t).findings.filter((f) => f.severity === 'error' && f.ruleId !== 'OV15').length;
    for (const ok of ['server 10.8.0.0 255.255.0\n', 'server 10.8.0.0 255.255.255.0 nopool\n', 'server-bridge nogw\n', 'server-bridge 10.8.0.4 255.255.255.0 10.8 10.8.0.60\n', 'ifconfig 1.2.3.4 255.255.255.255\n', 'route-gateway dhcp\n', 'ifconfig-ipv6 fd00::1 fd00::2\n', 'ifconfig-ipv6-pool fd00::1000/64\n']) {
      assert.equal(errors(ok), 0, ok);
    }
    for (const bad of ['server 0.0.0.0 255.255.255.0\n', 'server-bridge x y z w\n', 'ifconfig-pool 10.8.0.2 x\n', 'ifconfig 10.1 10.0.0.2\n', 'ifconfig-ipv6 fd00::1/200 fd00::2\n', 'route-ipv6-gateway x\n', 'ifconfig-ipv6-pool x\n']) {
      assert.equal(errors(bad), 1, bad);
    }
  });
});
