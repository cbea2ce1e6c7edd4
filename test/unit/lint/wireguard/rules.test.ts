// Every rule, as lint-rules.md states it: it fires on its fixture with the documented severity,
// and stays silent on the valid configs. Probe-aware rules with and without a Report.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintWireGuard } from '../../../../src/lint/wireguard';
import { PAIR, PEER_PUB, PEER_PUB2, fixture, fixtures, ids, lintFixture, only, report } from './helpers';

const ALL_RULES = [
  'WG01', 'WG02', 'WG03', 'WG04', 'WG05', 'WG06', 'WG07', 'WG08', 'WG09', 'WG10', 'WG11', 'WG12', 'WG13', 'WG14', 'WG15', 'WG16', 'WG17',
  'WQ01', 'WQ02', 'WQ03', 'WQ04', 'WQ05', 'WQ07', 'PORT03',
];

describe('WireGuard rules: fixtures', function () {
  for (const f of fixtures()) {
    it(`${f.name} → [${f.expect.ids.join(', ')}]`, function () {
      const r = lintFixture(f.name);
      assert.deepEqual(ids(r), f.expect.ids, r.findings.map((x) => `${x.ruleId} ${x.severity}: ${x.message}`).join('\n'));
      assert.equal(r.truncated, false);
      assert.equal(r.format, 'wireguard');
    });
  }

  it('every rule ID is violated by at least one fixture (WQ08 needs a real file: see below)', function () {
    const seen = new Set(fixtures().flatMap((f) => f.expect.ids));
    for (const id of ALL_RULES) assert.ok(seen.has(id), `no fixture triggers ${id}`);
  });

  it('configs that wg accepts and that we do not fault have no error-severity finding', function () {
    let valid = 0;
    for (const f of fixtures()) {
      if (!f.expect.wgAccepts || f.expect.why) continue;
      const errs = lintFixture(f.name).findings.filter((x) => x.severity === 'error');
      assert.deepEqual(errs, [], f.name);
      valid++;
    }
    assert.ok(valid >= 25, `only ${valid} valid fixtures`);
  });

  it('the traps another linter fell into stay silent', function () {
    const t = `[Interface]
PrivateKey = ${PAIR.priv}
Address = 10.0.0.2
ListenPort = 0
MTU = 9000 # jumbo LAN
SaveConfig = false
DNS = 10.0.0.1, corp.example.com
[Peer]
PublicKey = ${PEER_PUB}
AllowedIPs = 10.0.0.1
Endpoint = 192.0.2.1:51820
PersistentKeepalive = off
`;
    const r = lintWireGuard(t, { report: report({ mapping: 'none' }) });
    assert.deepEqual(ids(r), []);
  });
});

const base = (peerExtra: string, ifExtra = '') => `[Interface]\nPrivateKey = ${PAIR.priv}\n${ifExtra}[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.0/24\n${peerExtra}`;

describe('WireGuard rules: severities and details', function () {
  it('WG01: unknown key suggests the nearest one; a key of the other section says where it belongs', function () {
    const r = lintFixture('wg01-typo.conf');
    const f = only(r, 'WG01')[0];
    assert.equal(f.severity, 'error');
    assert.match(f.message, /PrivateKey\?/);
    assert.equal(f.fixes[0].isPreferred, true);
    const w = only(lintFixture('wg01-wrongsec.conf'), 'WG01')[0];
    assert.match(w.message, /belongs in \[Interface\]/);
    const pub = only(lintWireGuard(`[Interface]\nPrivateKey = ${PAIR.priv}\nPublicKey = ${PAIR.pub}\n`), 'WG01')[0];
    assert.match(pub.message, /derives/);
  });

  it('WG01: a key with spaces inside is a warning (wg accepts it), fix writes the key', function () {
    const f = only(lintFixture('wg01-space.conf'), 'WG01')[0];
    assert.equal(f.severity, 'warning');
    assert.equal(f.fixes[0].edits[0].newText, 'PrivateKey');
  });

  it('WG02: unknown section, `;` comment, BOM are errors', function () {
    for (const n of ['wg02-section.conf', 'wg02-semi.conf', 'wg02-bom.conf', 'wg02-inline.conf']) {
      assert.equal(only(lintFixture(n), 'WG02')[0].severity, 'error', n);
    }
    assert.match(only(lintFixture('wg02-section.conf'), 'WG02')[0].message, /\[Peer\]\?/);
  });

  it('WG03: wg-quick key in [Peer] is an error with a move fix', function () {
    const f = only(lintFixture('wg03.conf'), 'WG03')[0];
    assert.equal(f.severity, 'error');
    assert.equal(f.fixes[0].edits.length, 2);
  });

  it('WG04: length, URL-safe, non-canonical, hex, preshared', function () {
    assert.match(only(lintFixture('wg04-short.conf'), 'WG04')[0].message, /41 characters/);
    const url = only(lintFixture('wg04-urlsafe.conf'), 'WG04')[0];
    assert.match(url.message, /URL-safe/);
    assert.equal(url.fixes[0].isPreferred, true);
    assert.match(only(lintFixture('wg04-noncanon.conf'), 'WG04')[0].message, /canonical/);
    assert.match(only(lintFixture('wg04-hexpriv.conf'), 'WG04')[0].message, /hex/);
    const psk = only(lintFixture('wg04-psk.conf'), 'WG04')[0];
    assert.match(psk.message, /PresharedKey value/);
    assert.notEqual(psk.fixes[0].isPreferred, true, 'a new preshared key is never applied silently');
  });

  it('WG05: [Peer] without PublicKey is an error, [Interface] without PrivateKey a warning, a hook that sets the key counts', function () {
    assert.equal(only(lintFixture('wg05-nopub.conf'), 'WG05')[0].severity, 'error');
    assert.equal(only(lintFixture('wg05-nopriv.conf'), 'WG05')[0].severity, 'warning');
    assert.deepEqual(only(lintFixture('private-hook.conf'), 'WG05'), []);
    const noIf = lintWireGuard(`[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = 192.0.2.1:1\nPersistentKeepalive = 25\n`);
    assert.equal(only(noIf, 'WG05')[0].severity, 'warning');
  });

  it('WG06: repeated key and second [Interface] are warnings, related to the other place', function () {
    const fs6 = only(lintFixture('wg06-dup.conf'), 'WG06');
    assert.equal(fs6.length, 2);
    assert.ok(fs6.every((f) => f.severity === 'warning' && (f.related?.length ?? 0) === 1));
  });

  it('WG07: the same PublicKey in two [Peer] sections is an error', function () {
    const f = only(lintFixture('wg07-dup-peer.conf'), 'WG07')[0];
    assert.equal(f.severity, 'error');
    assert.equal(f.related?.[0].range.start.line, 5);
  });

  it('WG08: a peer with our own public key is an error', function () {
    assert.equal(only(lintFixture('wg08-self.conf'), 'WG08')[0].severity, 'error');
  });

  it('WG09: the same prefix in two peers is a warning on the earlier one (wg accepts it); nested prefixes are information', function () {
    const d = only(lintFixture('wg09-dup.conf'), 'WG09')[0];
    assert.equal(d.severity, 'warning');
    assert.equal(d.range.start.line, 8);
    assert.equal(only(lintFixture('nested.conf'), 'WG09')[0].severity, 'information');
    // same prefix written differently (host bits) is still the same prefix
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 1000\n[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.0/24\n[Peer]\nPublicKey = ${PEER_PUB2}\nAllowedIPs = 10.0.0.7/24\n`;
    assert.equal(only(lintWireGuard(t), 'WG09').filter((f) => f.severity === 'warning').length, 1);
  });

  it('WG10: host names, bad lengths, trailing comma are errors; host bits a warning', function () {
    for (const n of ['wg10-host.conf', 'wg10-cidr.conf', 'wg10-trail.conf']) assert.equal(only(lintFixture(n), 'WG10')[0].severity, 'error', n);
    const hb = only(lintFixture('wg10-hostbits.conf'), 'WG10')[0];
    assert.equal(hb.severity, 'warning');
    assert.equal(hb.fixes[0].edits[0].newText, '10.46.0.0/24');
    assert.equal(only(lintWireGuard(base('', 'Address = 10.0.0.1/33\n')), 'WG10')[0].severity, 'error');
  });

  it('WG11: port above 65535 and Endpoint port 0 are errors; a service name a warning with the number', function () {
    assert.equal(only(lintFixture('wg11-wrap.conf'), 'WG11')[0].severity, 'error');
    assert.equal(only(lintFixture('wg11-port0.conf'), 'WG11')[0].severity, 'error');
    const s = only(lintFixture('wg11-service.conf'), 'WG11')[0];
    assert.equal(s.severity, 'warning');
    assert.equal(s.fixes[0].edits[0].newText, '443');
  });

  it('WG12: no port is an error; IPv6 without brackets a warning; inet_aton forms a warning', function () {
    assert.equal(only(lintFixture('wg12-noport.conf'), 'WG12')[0].severity, 'error');
    const v6 = only(lintFixture('wg12-v6.conf'), 'WG12')[0];
    assert.equal(v6.severity, 'warning');
    assert.equal(v6.fixes[0].edits[0].newText, '[2001:db8:51::1]:51820');
    const oct = only(lintWireGuard(base('Endpoint = 010.0.0.1:51820\nPersistentKeepalive = 25\n')), 'WG12')[0];
    assert.match(oct.message, /8\.0\.0\.1/);
  });

  it('WG13: keepalive with a unit and FwMark out of range are errors', function () {
    assert.equal(only(lintFixture('wg13-ka.conf'), 'WG13')[0].severity, 'error');
    assert.equal(only(lintFixture('wg13-fwmark.conf'), 'WG13')[0].severity, 'error');
    for (const ok of ['0', '25', '65535', 'off', '00025']) assert.deepEqual(only(lintWireGuard(base(`PersistentKeepalive = ${ok}\n`)), 'WG13'), [], ok);
    for (const bad of ['65536', '-1', '+5', '0x19', '25s', '1e3']) assert.equal(only(lintWireGuard(base(`PersistentKeepalive = ${bad}\n`)), 'WG13').length, 1, bad);
  });

  it('WG14 P: without a report a hint; behind NAT a warning with the measured keepalive; no NAT: silent', function () {
    assert.equal(only(lintFixture('wg14.conf'), 'WG14')[0].severity, 'hint');
    const behind = only(lintFixture('wg14.conf', { report: report({ mapping: 'address-and-port-dependent', lifetime: 20 }) }), 'WG14')[0];
    assert.equal(behind.severity, 'warning');
    assert.equal(behind.fixes[0].edits[0].newText, 'PersistentKeepalive = 15\n');
    assert.equal(behind.fixes[0].isPreferred, true);
    assert.equal(only(lintFixture('wg14.conf', { report: report({ mapping: 'endpoint-independent' }) }), 'WG14')[0].fixes[0].edits[0].newText, 'PersistentKeepalive = 25\n');
    assert.deepEqual(only(lintFixture('wg14.conf', { report: report({ mapping: 'none' }) }), 'WG14'), []);
    // UDP blocked: the probe knows nothing about the mapping → hint
    assert.equal(only(lintFixture('wg14.conf', { report: report({ udp: 'no' }) }), 'WG14')[0].severity, 'hint');
    // keepalive explicitly off behind NAT: the fix replaces the value
    const off = only(lintFixture('keepalive-off.conf', { report: report({}) }), 'WG14')[0];
    assert.equal(off.severity, 'warning');
    assert.equal(off.fixes[0].edits[0].newText, '25');
  });

  it('WG15 P: keepalive ≥ measured lifetime is a warning with min(25, T−5); without a probe > 25 is a hint', function () {
    assert.equal(only(lintFixture('wg15.conf'), 'WG15')[0].severity, 'hint');
    const w = only(lintFixture('wg15.conf', { report: report({ lifetime: 30 }) }), 'WG15')[0];
    assert.equal(w.severity, 'warning');
    assert.equal(w.fixes[0].edits[0].newText, '25');
    const short = only(lintWireGuard(base('Endpoint = 192.0.2.1:1\nPersistentKeepalive = 25\n'), { report: report({ lifetime: 20 }) }), 'WG15')[0];
    assert.equal(short.fixes[0].edits[0].newText, '15');
    assert.deepEqual(only(lintWireGuard(base('Endpoint = 192.0.2.1:1\nPersistentKeepalive = 25\n'), { report: report({ lifetime: 120 }) }), 'WG15'), []);
    assert.deepEqual(only(lintWireGuard(base('Endpoint = 192.0.2.1:1\nPersistentKeepalive = 25\n')), 'WG15'), []);
  });

  it('WG16: one family default route without the other is a warning; Table = off silences it', function () {
    const f = only(lintFixture('wg16.conf'), 'WG16')[0];
    assert.equal(f.severity, 'warning');
    assert.equal(f.fixes[0].edits[0].newText, ', ::/0');
    const off = fixture('wg16.conf').text.replace('DNS = 10.56.0.1', 'Table = off');
    assert.deepEqual(only(lintWireGuard(off), 'WG16'), []);
  });

  it('WG16: silent under policy routing (a Table other than auto/main) and with a kill switch for the other family', function () {
    const text = fixture('wg16.conf').text;
    for (const table of ['1234', 'vpn', 'off']) assert.deepEqual(only(lintWireGuard(text.replace('DNS = 10.56.0.1', `Table = ${table}`)), 'WG16'), [], table);
    for (const table of ['auto', 'main', '254']) assert.equal(only(lintWireGuard(text.replace('DNS = 10.56.0.1', `Table = ${table}`)), 'WG16').length, 1, table);
    const hook = (h: string) => only(lintWireGuard(text.replace('DNS = 10.56.0.1', h)), 'WG16').length;
    assert.equal(hook('PostUp = ip6tables -I OUTPUT ! -o %i -j REJECT'), 0);
    assert.equal(hook('PreUp = sysctl -w net.ipv6.conf.all.disable_ipv6=1'), 0);
    assert.equal(hook('PostUp = nft add rule inet filter output oifname != "%i" meta nfproto ipv6 drop'), 0);
    // A rule for the routed family, or one that accepts, is no kill switch for the other.
    assert.equal(hook('PostUp = iptables -I OUTPUT ! -o %i -j REJECT'), 1);
    assert.equal(hook('PostUp = ip6tables -A FORWARD -i %i -j ACCEPT'), 1);
    // The reverse: ::/0 only, with IPv4 refused outside the tunnel.
    const v6 = text.replace('AllowedIPs = 0.0.0.0/0', 'AllowedIPs = ::/0');
    assert.equal(only(lintWireGuard(v6), 'WG16').length, 1);
    assert.deepEqual(only(lintWireGuard(v6.replace('DNS = 10.56.0.1', 'PostUp = iptables -I OUTPUT ! -o %i -j DROP')), 'WG16'), []);
  });

  it('WG17: no Endpoint and no ListenPort is a warning; with a ListenPort (how every server looks) nothing', function () {
    assert.equal(only(lintFixture('wg17.conf'), 'WG17')[0].severity, 'warning');
    assert.deepEqual(only(lintFixture('server.conf'), 'WG17'), []);
  });

  it('WQ01: wg-quick interface names from the file name', function () {
    for (const n of ['My VPN (home).conf', 'office-wireguard-vpn.conf', 'wg0.conf.bak', 'wq01 spaces.conf']) assert.equal(only(lintFixture(n), 'WQ01')[0].severity, 'error', n);
    for (const ok of ['wg0.conf', '/etc/wireguard/a_b=c+d.e-f.conf', 'C:\\wg\\home.conf', '123456789012345.conf']) {
      assert.deepEqual(only(lintWireGuard('[Interface]\n', { fileName: ok }), 'WQ01'), [], ok);
    }
    assert.equal(only(lintWireGuard('[Interface]\n', { fileName: '1234567890123456.conf' }), 'WQ01').length, 1);
    assert.deepEqual(only(lintWireGuard('[Interface]\n'), 'WQ01'), [], 'no file name, no WQ01');
  });

  it('WQ02: `[ Interface ]` is an error with a preferred fix', function () {
    const f = only(lintFixture('wq02.conf'), 'WQ02')[0];
    assert.equal(f.severity, 'error');
    assert.equal(f.fixes[0].edits[0].newText, '[Interface]');
  });

  it('WQ03: SaveConfig not true/false is an error; true is information', function () {
    assert.equal(only(lintFixture('wq03.conf'), 'WQ03')[0].severity, 'error');
    assert.equal(only(lintFixture('saveconfig.conf'), 'WQ03')[0].severity, 'information');
  });

  it('WQ04: MTU < 1280 with an IPv6 Address is an error (not without IPv6)', function () {
    assert.equal(only(lintFixture('wq04.conf'), 'WQ04')[0].severity, 'error');
    assert.deepEqual(only(lintWireGuard(base('', 'Address = 10.0.0.2/24\nMTU = 1200\n')), 'WQ04'), []);
  });

  it('WQ05: MTU above 1420 without a reason is a hint; a comment is a reason', function () {
    assert.equal(only(lintFixture('wq05.conf'), 'WQ05')[0].severity, 'hint');
    assert.deepEqual(only(lintFixture('mtu-jumbo.conf'), 'WQ05'), []);
    assert.deepEqual(only(lintWireGuard(base('', 'MTU = 1500 # no PPPoE here\n')), 'WQ05'), []);
  });

  it('WQ07: `#` inside quotes or glued to a word in a hook is a warning; a real shell comment is not', function () {
    const f = only(lintFixture('wq07.conf'), 'WQ07');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.equal(f[0].range.start.line, 3);
    assert.equal(only(lintWireGuard(base('', 'PostUp = echo ${#x}\n')), 'WQ07').length, 1);
  });

  it('WQ08 P: a real file readable by group/others is a warning; 0600 and missing files are silent', function () {
    // Windows has no POSIX mode bits to read: the rule has nothing to check there.
    if (process.platform === 'win32') this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wq08-'));
    try {
      const file = path.join(dir, 'wg0.conf');
      const text = base('Endpoint = 192.0.2.1:1\nPersistentKeepalive = 25\n');
      fs.writeFileSync(file, text);
      fs.chmodSync(file, 0o644);
      const r = lintWireGuard(text, { fileName: file });
      const f = only(r, 'WQ08');
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'warning');
      assert.match(f[0].message, /0?644/);
      assert.ok(!f[0].message.includes(PAIR.priv));
      fs.chmodSync(file, 0o600);
      assert.deepEqual(only(lintWireGuard(text, { fileName: file }), 'WQ08'), []);
      assert.deepEqual(only(lintWireGuard(text, { fileName: path.join(dir, 'missing.conf') }), 'WQ08'), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PORT03: ListenPort in 32768–60999 is a hint whose fix is never applied silently', function () {
    const f = only(lintFixture('highport.conf'), 'PORT03')[0];
    assert.equal(f.severity, 'hint');
    assert.notEqual(f.fixes[0].isPreferred, true);
    // 51820 is WireGuard's customary port: every peer already names it (see docs/rules/PORT03.md).
    for (const p of ['32767', '61000', '0', '51820x', '51820']) assert.deepEqual(only(lintWireGuard(`[Interface]\nListenPort = ${p}\n`), 'PORT03'), [], p);
    for (const p of ['32768', '60999']) assert.equal(only(lintWireGuard(`[Interface]\nListenPort = ${p}\n`), 'PORT03').length, 1, p);
  });
});
