import assert from 'node:assert/strict';
import {
  anyIpFormKey,
  inIPv4Prefix,
  ipFamily,
  ipv4Range,
  ipv4ToNumber,
  isAnyIpForm,
  isUnspecified,
  normaliseAddress,
  sameIPv4Subnet,
} from '../../../src/engine/net/ip';

describe('net/ip: the engine\'s one IP module', () => {
  it('ipFamily: strict literals only; hostnames, leading zeros and inet_aton forms are 0', () => {
    const cases: [string, 0 | 4 | 6][] = [
      ['192.0.2.1', 4], ['0.0.0.0', 4], ['2001:db8::1', 6], ['::', 6], ['fe80::1%eth0', 6], ['::ffff:192.0.2.1', 6],
      ['010.0.0.1', 0], ['10.1', 0], ['300.1.1.1', 0], ['1.2.3', 0], ['example.org', 0], ['', 0], ['2001:db8::1::2', 0], ['[::1]', 0],
    ];
    for (const [text, family] of cases) assert.equal(ipFamily(text), family, text);
  });

  it('isUnspecified: 0.0.0.0 and :: in any spelling, nothing else', () => {
    for (const t of ['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::0']) assert.equal(isUnspecified(t), true, t);
    for (const t of ['0.0.0.1', '::1', '::ffff:0.0.0.0', 'any', '0']) assert.equal(isUnspecified(t), false, t);
  });

  it('IPv4 as a number, prefixes and subnets', () => {
    assert.equal(ipv4ToNumber('255.255.255.255'), 0xffffffff);
    assert.equal(ipv4ToNumber('192.0.2.1'), 0xc0000201);
    assert.equal(ipv4ToNumber('192.0.2'), undefined);
    assert.equal(inIPv4Prefix('100.64.0.1', '100.64.0.0', 10), true);
    assert.equal(inIPv4Prefix('100.127.255.255', '100.64.0.0', 10), true);
    assert.equal(inIPv4Prefix('100.128.0.0', '100.64.0.0', 10), false);
    assert.equal(inIPv4Prefix('2001:db8::1', '100.64.0.0', 10), false);
    assert.equal(inIPv4Prefix('8.8.8.8', '0.0.0.0', 0), true);
    assert.equal(sameIPv4Subnet('192.168.1.20', '192.168.1.1', '255.255.255.0'), true);
    assert.equal(sameIPv4Subnet('192.168.2.20', '192.168.1.1', '255.255.255.0'), false);
    assert.equal(sameIPv4Subnet('192.168.1.20', '192.168.01.1', '255.255.255.0'), false);
  });

  it('ipv4Range names the special-purpose ranges', () => {
    assert.equal(ipv4Range('100.64.1.1'), 'carrierGradeNat');
    assert.equal(ipv4Range('10.0.0.1'), 'private');
    assert.equal(ipv4Range('8.8.8.8'), 'unicast');
    assert.equal(ipv4Range('2001:db8::1'), undefined);
  });

  it('normaliseAddress folds IPv4-mapped IPv6 and case', () => {
    assert.equal(normaliseAddress('::FFFF:192.0.2.1'), '192.0.2.1');
    assert.equal(normaliseAddress('2001:DB8::1'), '2001:db8::1');
  });

  it('the loose forms are for redaction only: inet_aton spellings count there', () => {
    assert.equal(isAnyIpForm('010.001.002.003'), true);
    assert.equal(ipFamily('010.001.002.003'), 0);
    assert.equal(anyIpFormKey('2001:DB8:0::1%eth0'), anyIpFormKey('2001:db8::1'));
    assert.equal(anyIpFormKey('not an address'), 'not an address');
  });
});
