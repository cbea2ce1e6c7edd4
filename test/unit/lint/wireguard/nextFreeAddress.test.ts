// The next free address of an interface's subnet (WG09's "give this peer the next free
// address"): the lowest host address that no Address and no AllowedIPs uses.
import * as assert from 'node:assert/strict';
import { formatIp, parseInterfaceAddress } from '../../../../src/lint/wireguard/addresses';
import { type AddressBlock, blockInside, nextFreeAddress } from '../../../../src/lint/wireguard/nextFreeAddress';

function block(text: string): AddressBlock {
  const p = parseInterfaceAddress(text);
  assert.ok('ip' in p, text);
  return { family: p.ip.family, bytes: p.ip.bytes, cidr: p.cidr };
}
function next(subnet: string, used: string[]): string | undefined {
  const ip = nextFreeAddress(block(subnet), used.map(block));
  return ip && formatIp(ip);
}

describe('next free address in the interface subnet', function () {
  it('skips the network address, the interface and every peer /32', function () {
    assert.equal(next('10.0.0.1/24', ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32']), '10.0.0.4');
  });

  it('takes a gap left by a removed peer before the end of the list', function () {
    assert.equal(next('10.0.0.1/24', ['10.0.0.1/32', '10.0.0.3/32', '10.0.0.2/32', '10.0.0.5/32']), '10.0.0.4');
  });

  it('a peer routing a whole block inside the subnet takes all of it', function () {
    assert.equal(next('10.0.0.1/24', ['10.0.0.1/32', '10.0.0.0/28']), '10.0.0.16');
  });

  it('a route covering the whole subnet (a hub, a default route) gives no address away', function () {
    assert.equal(next('10.0.0.1/24', ['10.0.0.1/32', '0.0.0.0/0', '10.0.0.0/24', '10.0.0.0/16']), '10.0.0.2');
  });

  it('never offers the IPv4 broadcast address: a /30 with both hosts used is full', function () {
    assert.equal(next('10.0.0.1/30', ['10.0.0.1/32']), '10.0.0.2');
    assert.equal(next('10.0.0.1/30', ['10.0.0.1/32', '10.0.0.2/32']), undefined);
  });

  it('a /31 is point-to-point (RFC 3021): both addresses are hosts', function () {
    assert.equal(next('10.0.0.0/31', ['10.0.0.0/32']), '10.0.0.1');
  });

  it('an interface address of /32 has no subnet to give from', function () {
    assert.equal(next('10.0.0.1/32', []), undefined);
    assert.equal(next('fd00::1/128', []), undefined);
  });

  it('a full subnet: nothing', function () {
    const used = Array.from({ length: 254 }, (_, i) => `192.168.7.${i + 1}/32`);
    assert.equal(next('192.168.7.1/24', used), undefined);
  });

  it('IPv6: skips the Subnet-Router anycast address, works in a /64 and past a 16-bit boundary', function () {
    assert.equal(next('fd00::1/64', ['fd00::1/128', 'fd00::2/128']), 'fd00::3');
    assert.equal(next('fd00::1/112', ['fd00::/113']), 'fd00::8000');
    assert.equal(next('fd00::1/64', ['fd00::1/128', 'fd00::2/127']), 'fd00::4');
  });

  it('IPv6 /127 (RFC 6164): both addresses are usable', function () {
    assert.equal(next('fd00::/127', ['fd00::/128']), 'fd00::1');
  });

  it('ignores the other family and addresses outside the subnet', function () {
    assert.equal(next('10.0.0.1/24', ['10.0.0.1/32', 'fd00::2/128', '10.0.1.2/32', '192.0.2.1/32']), '10.0.0.2');
  });

  it('a server with 10,000 peers, listed out of order: the first address after them', function () {
    const used = ['10.8.0.1/32', ...Array.from({ length: 10000 }, (_, i) => `10.8.${(i + 2) >> 8}.${(i + 2) & 255}/32`).reverse()];
    assert.equal(next('10.8.0.1/16', used), '10.8.39.18');
  });

  it('blockInside: same family, at least as long, same network bits', function () {
    assert.equal(blockInside(block('10.0.0.7/32'), block('10.0.0.1/24')), true);
    assert.equal(blockInside(block('10.0.1.7/32'), block('10.0.0.1/24')), false);
    assert.equal(blockInside(block('10.0.0.0/16'), block('10.0.0.1/24')), false);
    assert.equal(blockInside(block('::ffff:10.0.0.7/128'), block('10.0.0.1/24')), false);
  });
});
