// The building blocks: keys (encoding.c), addresses (inet_pton/inet_aton), ports, strip, summary.
import * as assert from 'node:assert/strict';
import { lintWireGuard } from '../../../../src/lint/wireguard';
import { classifyHost, formatIp, formatPrefix, isPrefix, parseAllowedIp, parseIPv4, parseIPv6, parseInetAton, splitEndpoint } from '../../../../src/lint/wireguard/addresses';
import { checkKey, derivePublicKey, generatePresharedKey, generatePrivateKey, urlSafeToStandard } from '../../../../src/lint/wireguard/keys';
import { parsePortText } from '../../../../src/lint/wireguard/ports';
import { stripWgQuick } from '../../../../src/lint/wireguard/strip';
import { splitLines } from '../../../../src/lint/text';
import { splitLinesFast } from '../../../../src/lint/wireguard/lines';
import { PAIR, PEER_PUB, fixture, fixtures, lintFixture, prng } from './helpers';

describe('WireGuard keys', function () {
  it('accepts 44 characters of canonical standard base64 ending in `=`', function () {
    assert.equal(checkKey(PAIR.priv), undefined);
    assert.equal(checkKey('A'.repeat(43) + '='), undefined);
  });
  it('rejects wrong length, missing `=`, URL-safe, foreign characters, non-canonical 43rd character', function () {
    assert.equal(checkKey(PAIR.priv.slice(1))?.kind, 'length');
    assert.equal(checkKey(PAIR.priv.slice(0, 43) + 'A')?.kind, 'padding');
    assert.equal(checkKey('-'.repeat(43) + '=')?.kind, 'urlsafe');
    assert.equal(checkKey('*'.repeat(43) + '=')?.kind, 'alphabet');
    assert.equal(checkKey('A'.repeat(42) + 'B=')?.kind, 'noncanonical');
    assert.equal(checkKey('A'.repeat(42) + 'E='), undefined);
    assert.equal(checkKey('ab'.repeat(32))?.kind, 'length');
    assert.equal((checkKey('ab'.repeat(32)) as { hex: boolean }).hex, true);
  });
  it('derives the public key as `wg pubkey` does (X25519)', function () {
    assert.equal(derivePublicKey(PAIR.priv), PAIR.pub);
    assert.equal(derivePublicKey('nope'), undefined);
  });
  it('generated keys are valid and clamped like `wg genkey`', function () {
    for (let i = 0; i < 50; i++) {
      const k = generatePrivateKey();
      assert.equal(checkKey(k), undefined);
      const b = Buffer.from(k, 'base64');
      assert.equal(b[0] & 7, 0);
      assert.equal(b[31] & 0xc0, 0x40);
      assert.equal(checkKey(generatePresharedKey()), undefined);
    }
  });
  it('URL-safe to standard alphabet', function () {
    assert.equal(urlSafeToStandard('a-b_c='), 'a+b/c=');
  });
});

describe('WireGuard addresses', function () {
  it('inet_pton4 is strict: four decimal octets, no leading zeros', function () {
    assert.deepEqual(parseIPv4('192.168.0.1'), [192, 168, 0, 1]);
    for (const bad of ['010.0.0.1', '1.2.3', '1.2.3.4.', '256.1.1.1', '1.2.3.4.5', ' 1.2.3.4', '1..2.3', '0x1.2.3.4']) assert.equal(parseIPv4(bad), undefined, bad);
  });
  it('inet_pton6 with `::`, a dotted tail, and its limits', function () {
    assert.equal(formatIp({ family: 6, bytes: parseIPv6('2001:db8::1')! }), '2001:db8::1');
    assert.equal(formatIp({ family: 6, bytes: parseIPv6('::')! }), '::');
    assert.equal(formatIp({ family: 6, bytes: parseIPv6('::ffff:1.2.3.4')! }), '::ffff:102:304');
    assert.equal(formatIp({ family: 6, bytes: parseIPv6('1:0:0:2:0:0:0:3')! }), '1:0:0:2::3');
    for (const bad of [':1::2', '1:::2', '1::2::3', '12345::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', 'fe80::1%eth0', '1:', 'g::1', '::1.2.3']) assert.equal(parseIPv6(bad), undefined, bad);
    assert.ok(parseIPv6('1:2:3:4:5:6:7:8'));
    assert.ok(parseIPv6('1:2:3:4:5:6:1.2.3.4'));
  });
  it('AllowedIPs prefixes: default lengths, masking, problems', function () {
    const p = parseAllowedIp('10.1.2.3/8');
    assert.ok(isPrefix(p) && p.hostBits && formatPrefix(p) === '10.0.0.0/8');
    const bare = parseAllowedIp('fd00::1');
    assert.ok(isPrefix(bare) && bare.cidr === 128 && !bare.hostBits);
    assert.ok(isPrefix(parseAllowedIp('10.0.0.0/08')));
    assert.deepEqual(parseAllowedIp('10.0.0.0/'), { kind: 'cidr', max: 32 });
    assert.deepEqual(parseAllowedIp('::/129'), { kind: 'cidr', max: 128 });
    assert.deepEqual(parseAllowedIp('+10.0.0.0/8'), { kind: 'incremental' });
    assert.deepEqual(parseAllowedIp('host.example'), { kind: 'hostname' });
    assert.deepEqual(parseAllowedIp(''), { kind: 'empty' });
  });
  it('inet_aton forms that getaddrinfo accepts for a numeric host', function () {
    assert.deepEqual(parseInetAton('10.1'), [10, 0, 0, 1]);
    assert.deepEqual(parseInetAton('010.0.0.1'), [8, 0, 0, 1]);
    assert.deepEqual(parseInetAton('0x7f.1'), [127, 0, 0, 1]);
    assert.deepEqual(parseInetAton('3232235521'), [192, 168, 0, 1]);
    assert.equal(parseInetAton('1.2.3.256'), undefined);
    assert.equal(parseInetAton('08.1.1.1'), undefined);
    assert.equal(classifyHost('1.2.3.256').kind, 'invalid');
    assert.equal(classifyHost('vpn.example.com').kind, 'name');
    assert.equal(classifyHost('bad host').kind, 'invalid');
  });
  it('Endpoint split: brackets, or the last colon', function () {
    assert.deepEqual(splitEndpoint('[::1]:5'), { host: '::1', port: '5', bracketed: true, hostOffset: 1, portOffset: 6 });
    assert.deepEqual(splitEndpoint('a:b:c'), { host: 'a:b', port: 'c', bracketed: false, hostOffset: 0, portOffset: 4 });
    assert.deepEqual(splitEndpoint('[::1]'), { kind: 'no-port' });
    assert.deepEqual(splitEndpoint('[::1:5'), { kind: 'no-bracket-end' });
    assert.deepEqual(splitEndpoint('host'), { kind: 'no-port' });
  });
});

describe('WireGuard ports', function () {
  it('reads ports as glibc getaddrinfo does', function () {
    assert.deepEqual(parsePortText('51820'), { kind: 'number', value: 51820, effective: 51820 });
    assert.deepEqual(parsePortText('+5'), { kind: 'number', value: 5, effective: 5 });
    assert.deepEqual(parsePortText('70000'), { kind: 'number', value: 70000, effective: 4464 });
    assert.equal((parsePortText('99999999999999999999999') as { effective: number }).effective, 65535);
    assert.deepEqual(parsePortText('https'), { kind: 'service', name: 'https', port: 443 });
    assert.equal(parsePortText('HTTPS').kind, 'unknown-service');
    assert.equal(parsePortText('-1').kind, 'invalid');
    assert.equal(parsePortText('0x10').kind, 'invalid');
  });
});

describe('wg-quick strip', function () {
  it('drops wg-quick keys under [Interface], keeps everything else verbatim', function () {
    const t = '# c\n[Interface]\r\nAddress = 10.0.0.1/24\r\nPrivateKey = k\r\n  mtu=1400 # x\n[Peer]\nPublicKey = p\nDNS = 1.1.1.1\n';
    assert.equal(stripWgQuick(t), '# c\n[Interface]\r\nPrivateKey = k\r\n[Peer]\nPublicKey = p\nDNS = 1.1.1.1\n');
  });
  it('a header with `#` after it still counts; a key line without `=` is the key itself', function () {
    assert.equal(stripWgQuick('[Interface] # me\nSaveConfig\nTable\n'), '[Interface] # me\n');
  });
});

describe('WireGuard summary', function () {
  it('listen ports, endpoints, peers and our public key; no secrets', function () {
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 51820\n[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = [2001:db8::1]:51821\n[Peer]\nPublicKey = ${PAIR.pub.replace('h', 'H')}\nAllowedIPs = 10.0.0.2/32\n`;
    const s = lintWireGuard(t).summary;
    assert.equal(s.format, 'wireguard');
    assert.equal(s.ownPublicKey, PAIR.pub);
    assert.deepEqual(s.listenPorts.map((p) => [p.protocol, p.port]), [['udp', 51820]]);
    assert.deepEqual(s.endpoints.map((e) => [e.host, e.port, e.protocol]), [['2001:db8::1', 51821, 'udp']]);
    assert.deepEqual(s.peers.map((p) => [p.publicKey, p.hasEndpoint]), [[PEER_PUB, true], [PAIR.pub.replace('h', 'H'), false]]);
    assert.equal(s.peers[0].range.start.line, 4);
    assert.ok(!JSON.stringify(s).includes(PAIR.priv));
  });
  it('a server fixture lists its peers; ListenPort 0 lists no port', function () {
    const s = lintFixture('server.conf').summary;
    assert.equal(s.peers.length, 3);
    assert.ok(s.peers.every((p) => !p.hasEndpoint));
    assert.deepEqual(lintFixture('listenport0.conf').summary.listenPorts, []);
    assert.equal(lintFixture('hostname.conf').summary.endpoints[0].host, 'vpn6.example.org');
    assert.ok(fixture('hostname.conf'));
  });
});

describe('line splitting', function () {
  it('splitLinesFast gives exactly what splitLines gives (fixtures and 20,000 random texts)', function () {
    for (const f of fixtures()) assert.deepEqual(splitLinesFast(f.text), splitLines(f.text), f.name);
    const rand = prng(99);
    const parts = ['a', 'bc', '\n', '\r', '\r\n', '\n\r', '\uFEFF', ' ', '#', '\r\r\n'];
    for (let i = 0; i < 20_000; i++) {
      let t = '';
      const n = Math.floor(rand() * 12);
      for (let k = 0; k < n; k++) t += parts[Math.floor(rand() * parts.length)];
      assert.deepEqual(splitLinesFast(t), splitLines(t), JSON.stringify(t));
    }
  });
});
