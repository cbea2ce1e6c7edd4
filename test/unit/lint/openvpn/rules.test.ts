// The rules OV01–OV14, PORT01 and PORT02 (OpenVPN part), as docs/rules/<ID>.md describes them:
// each fires where it should, points at the right characters, stays silent on good configs, and
// its fixes remove the finding.

import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, LintOptions, LintSeverity } from '../../../../src/lint/types';
import type { Report } from '../../../../src/report/report';
import { applyFix, expectation, fixture, fixtureNames, lint, loadReport, only, under } from './helpers';

interface Case {
  readonly title: string;
  readonly text: string;
  readonly rule: string;
  readonly severity: LintSeverity;
  /** The text the finding's range must cover. */
  readonly at: string;
  readonly message?: RegExp;
  /** Title of the preferred fix, when there must be one. */
  readonly preferred?: RegExp;
  /**
   * Title of a fix that must be offered but not preferred (fix-all and --fix leave it alone):
   * it guesses which side is wrong or chooses for the author. No fix of the finding is preferred.
   */
  readonly offered?: RegExp;
  readonly options?: LintOptions;
}

const blocked = loadReport('reports/udp1194-blocked.json');
const noNat = loadReport('reports/no-nat.json');
function withReport(patch: Partial<Report>): Report {
  return { ...blocked, ...patch };
}

const CASES: Case[] = [
  // OV01
  { title: 'unknown option', text: 'client\nnat-detect 1\n', rule: 'OV01', severity: 'error', at: 'nat-detect', message: /does not exist in any OpenVPN release/, preferred: /Delete/ },
  { title: 'typo, nearest name', text: 'remote-cert-tsl server\n', rule: 'OV01', severity: 'error', at: 'remote-cert-tsl', message: /did you mean 'remote-cert-tls'/, preferred: /remote-cert-tls/ },
  { title: 'wrong case', text: 'Nobind\n', rule: 'OV01', severity: 'error', at: 'Nobind', message: /case-sensitive/, preferred: /'nobind'/ },
  { title: 'too few parameters', text: 'dev\n', rule: 'OV01', severity: 'error', at: 'dev', message: /takes 1 parameter, found 0/ },
  { title: 'too many parameters', text: 'remote a 1194 udp extra more\n', rule: 'OV01', severity: 'error', at: 'extra more', message: /takes 1 to 3 parameters, found 5/ },
  { title: 'script without quotes', text: 'up /etc/openvpn/up.sh arg\n', rule: 'OV01', severity: 'error', at: 'arg', message: /quote a value/ },
  { title: 'Windows-only option', text: 'block-outside-dns\n', rule: 'OV01', severity: 'error', at: 'block-outside-dns', message: /Windows/, preferred: /setenv opt/ },
  { title: 'client-config-dir option in a main config', text: 'iroute 10.0.0.0 255.0.0.0\n', rule: 'OV01', severity: 'error', at: 'iroute', message: /client-config-dir/ },
  { title: 'pushed-only option', text: 'push-continuation 2\n', rule: 'OV01', severity: 'error', at: 'push-continuation', preferred: /Delete/ },
  { title: 'option inside <connection>', text: '<connection>\nremote a\nkeepalive 10 60\n</connection>\n', rule: 'OV01', severity: 'error', at: 'keepalive', preferred: /Move/ },
  { title: 'bad keyword', text: 'topology subnett\n', rule: 'OV01', severity: 'error', at: 'subnett', message: /'net30', 'p2p', 'subnet'/ },
  { title: 'keyword case', text: 'remote-cert-tls Server\n', rule: 'OV01', severity: 'error', at: 'Server', preferred: /'server'/ },
  { title: 'redirect-gateway flag', text: 'redirect-gateway def1 bypass-dchp\n', rule: 'OV01', severity: 'error', at: 'bypass-dchp' },
  { title: 'ifconfig needs addresses', text: 'ifconfig 10.0.0.1 peer\n', rule: 'OV01', severity: 'error', at: 'peer' },
  { title: 'auth-gen-token renewal time', text: 'auth-gen-token 3600 0\n', rule: 'OV01', severity: 'error', at: '0', message: /renewal-time above 0/ },
  { title: 'server needs a network', text: 'server vpn.example.com 255.255.255.0\n', rule: 'OV01', severity: 'error', at: 'vpn.example.com' },
  { title: "server's flag", text: 'server 10.8.0.0 255.255.255.0 pool\n', rule: 'OV01', severity: 'error', at: 'pool', message: /nopool/ },
  { title: 'server-ipv6 bits', text: 'server-ipv6 fd00::/129\n', rule: 'OV01', severity: 'error', at: 'fd00::/129' },
  { title: 'route-gateway name', text: 'route-gateway gw.example.net\n', rule: 'OV01', severity: 'error', at: 'gw.example.net' },
  { title: 'ifconfig-pool too large', text: 'ifconfig-pool 10.8 10.8.0.9\n', rule: 'OV01', severity: 'error', at: '10.8.0.9', message: /65536/ },
  { title: 'unknown under setenv opt', text: 'setenv opt blok-outside-dns\n', rule: 'OV01', severity: 'warning', at: 'blok-outside-dns' },
  { title: 'standalone command', text: 'dev tun\nshow-ciphers\n', rule: 'OV01', severity: 'warning', at: 'show-ciphers', preferred: /Delete/ },
  { title: 'build-dependent option', text: 'iproute /sbin/ip\n', rule: 'OV01', severity: 'warning', at: 'iproute' },
  // OV02
  { title: 'tls-remote', text: 'tls-remote vpn.example.com\n', rule: 'OV02', severity: 'error', at: 'tls-remote', message: /removed in OpenVPN 2\.4.*verify-x509-name/ },
  { title: 'client-cert-not-required', text: 'client-cert-not-required\n', rule: 'OV02', severity: 'error', at: 'client-cert-not-required', preferred: /verify-client-cert none/ },
  { title: 'removed under setenv opt', text: 'setenv opt ncp-disable\n', rule: 'OV02', severity: 'warning', at: 'ncp-disable' },
  { title: 'mtu-dynamic stays fatal under setenv opt', text: 'setenv opt mtu-dynamic\n', rule: 'OV02', severity: 'error', at: 'mtu-dynamic', message: /fragment/ },
  // OV03
  { title: 'comp-lzo', text: 'comp-lzo\n', rule: 'OV03', severity: 'warning', at: 'comp-lzo', message: /VORACLE/ },
  { title: 'ns-cert-type', text: 'ns-cert-type server\n', rule: 'OV03', severity: 'warning', at: 'ns-cert-type', preferred: /remote-cert-tls server/ },
  { title: 'ncp-ciphers', text: 'ncp-ciphers AES-256-GCM\n', rule: 'OV03', severity: 'warning', at: 'ncp-ciphers', preferred: /data-ciphers AES-256-GCM/ },
  { title: 'secret', text: '<secret>\nx\n</secret>\n', rule: 'OV03', severity: 'warning', at: '<secret>', message: /static-key/ },
  // OV04
  { title: 'cipher not negotiated', text: 'client\ncipher AES-256-CBC\n', rule: 'OV04', severity: 'warning', at: 'cipher AES-256-CBC', offered: /data-ciphers/ },
  { title: 'cipher case differs', text: 'client\ncipher aes-256-gcm\n', rule: 'OV04', severity: 'warning', at: 'cipher aes-256-gcm', preferred: /AES-256-GCM/ },
  { title: 'cipher missing from an explicit list', text: 'client\ndata-ciphers AES-256-GCM\ncipher AES-128-CBC\n', rule: 'OV04', severity: 'warning', at: 'cipher AES-128-CBC', offered: /Add 'AES-128-CBC' to data-ciphers/ },
  // OV05
  { title: 'bad backslash', text: 'ca "C:\\keys\\ca.crt"\n', rule: 'OV05', severity: 'error', at: '\\k', preferred: /Double/ },
  { title: 'unclosed quote', text: 'auth-user-pass "creds.txt\n', rule: 'OV05', severity: 'error', at: '"creds.txt' },
  { title: 'trailing backslash', text: 'remote a\\', rule: 'OV05', severity: 'error', at: '\\' },
  { title: 'CR-only file', text: 'client\rdev tun\r', rule: 'OV05', severity: 'error', at: '\r', preferred: /LF/ },
  // OV06
  { title: 'missing end tag', text: '<key>\nx\n', rule: 'OV06', severity: 'error', at: '<key>', message: /never closed/ },
  { title: 'not inline', text: '<remote>\nx\n</remote>\n', rule: 'OV06', severity: 'error', at: '<remote>', message: /cannot be given as an inline/ },
  { title: 'repeated block', text: '<ca>\nx\n</ca>\n<ca>\ny\n</ca>\n', rule: 'OV06', severity: 'warning', at: '<ca>', offered: /Delete this <ca> block/ },
  { title: 'the same block twice', text: '<ca>\nx\n</ca>\n<ca>\nx\n</ca>\n', rule: 'OV06', severity: 'warning', at: '<ca>', preferred: /Delete this <ca> block/ },
  { title: 'file then block', text: 'ca ca.crt\n<ca>\ny\n</ca>\n', rule: 'OV06', severity: 'warning', at: 'ca', offered: /Delete this 'ca' line/ },
  { title: 'tag not alone', text: '<ca> ca.crt\n', rule: 'OV06', severity: 'error', at: '<ca> ca.crt' },
  { title: 'stray closing tag', text: 'dev tun\n</ca>\n', rule: 'OV06', severity: 'error', at: '</ca>' },
  { title: 'PEM outside a block', text: '-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n', rule: 'OV06', severity: 'error', at: '-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----' },
  { title: 'connection without remote', text: '<connection>\nport 443\n</connection>\n', rule: 'OV06', severity: 'error', at: '<connection>' },
  // OV07
  { title: 'proto upper case', text: 'proto UDP\n', rule: 'OV07', severity: 'error', at: 'UDP', preferred: /'udp'/ },
  { title: 'remote protocol typo', text: 'remote a 443 tcp-clinet\n', rule: 'OV07', severity: 'error', at: 'tcp-clinet', preferred: /'tcp-client'/ },
  // OV08
  { title: 'port above 65535', text: 'remote a 70000\n', rule: 'OV08', severity: 'error', at: '70000', message: /4464/ },
  { title: 'port 0', text: 'port 0\n', rule: 'OV08', severity: 'error', at: '0' },
  { title: 'not a port', text: 'rport 12ab\n', rule: 'OV08', severity: 'error', at: '12ab' },
  // OV09
  { title: 'resolv-retry forever', text: 'resolv-retry forever\n', rule: 'OV09', severity: 'error', at: 'forever', message: /read as 0/, preferred: /infinite/ },
  { title: 'mssfix abc', text: 'mssfix abc\n', rule: 'OV09', severity: 'error', at: 'abc', message: /clamping off/ },
  { title: 'number with a unit', text: 'ping 10s\n', rule: 'OV09', severity: 'warning', at: '10s', preferred: /'10'/ },
  // OV10
  { title: 'keepalive 0', text: 'keepalive 0 60\n', rule: 'OV10', severity: 'error', at: '0 60', offered: /keepalive 10 60/ },
  { title: 'short timeout', text: 'keepalive 30 40\n', rule: 'OV10', severity: 'error', at: '30 40', message: /twice/, offered: /keepalive 10 60/ },
  { title: 'keepalive with ping-restart', text: 'keepalive 10 60\nping-restart 60\n', rule: 'OV10', severity: 'error', at: 'ping-restart', preferred: /Delete/ },
  // OV11
  { title: 'UDP without keepalive, no report', text: 'tls-client\ndev tun\nproto udp\nremote a 1194\n', rule: 'OV11', severity: 'hint', at: 'proto' },
  { title: 'UDP without keepalive behind NAT', text: 'tls-client\ndev tun\nremote a 1194\n', rule: 'OV11', severity: 'warning', at: 'remote', message: /20 s/, preferred: /keepalive 10 60/, options: { report: blocked } },
  { title: 'client profile behind NAT: the server may push keepalive', text: 'client\ndev tun\nremote a 1194\n', rule: 'OV11', severity: 'hint', at: 'remote', message: /push.*cannot show/, options: { report: blocked } },
  { title: 'short-lived mapping', text: 'tls-client\ndev tun\nremote a 1194\n', rule: 'OV11', severity: 'warning', at: 'remote', preferred: /keepalive 1 60/, options: { report: withReport({ mappingLifetime: { value: 5, idleSeconds: 5, refreshedByInbound: 'yes', absoluteSeconds: null, reason: '' } }) } },
  { title: 'ping interval above the lifetime', text: 'client\ndev tun\nremote a 1194\nkeepalive 25 120\n', rule: 'OV11', severity: 'warning', at: '25', preferred: /interval to 10/, options: { report: blocked } },
  // OV12
  { title: 'fragment over TCP', text: 'dev tun\nproto tcp-client\nremote a 443\nfragment 1300\n', rule: 'OV12', severity: 'error', at: 'fragment', preferred: /Delete/ },
  { title: 'fragment too small', text: 'fragment 60\n', rule: 'OV12', severity: 'error', at: '60' },
  { title: 'explicit-exit-notify over TCP', text: 'proto tcp-client\nremote a 443\nexplicit-exit-notify 2\n', rule: 'OV12', severity: 'information', at: 'explicit-exit-notify' },
  // OV13
  { title: 'lport with nobind', text: 'client\nlport 5000\nnobind\n', rule: 'OV13', severity: 'error', at: 'nobind', offered: /Delete 'nobind'/ },
  { title: 'lport with nobind, either side', text: 'client\nlport 5000\nnobind\n', rule: 'OV13', severity: 'error', at: 'nobind', offered: /Delete 'lport'/ },
  // OV14
  { title: 'tun-mtu 50', text: 'tun-mtu 50\n', rule: 'OV14', severity: 'error', at: '50', message: /minimum of 100/ },
  { title: 'tun-mtu 70000', text: 'tun-mtu 70000\n', rule: 'OV14', severity: 'error', at: '70000' },
  // PORT01
  { title: 'UDP 1194 blocked', text: 'client\nremote vpn.example.com 1194\nkeepalive 10 60\n', rule: 'PORT01', severity: 'error', at: '1194', message: /UDP 1194 blocked.*no answer from the reflector/, offered: /remote vpn\.example\.com 443 tcp-client/, options: { report: blocked } },
  { title: 'port from rport, protocol from proto', text: 'client\nrport 1194\nproto udp4\nremote vpn.example.com\n', rule: 'PORT01', severity: 'error', at: 'vpn.example.com', options: { report: blocked } },
  { title: 'blocked <connection> with a reachable fallback', text: 'client\n<connection>\nremote v 1194 udp\n</connection>\n<connection>\nremote v 443 tcp-client\n</connection>\n', rule: 'PORT01', severity: 'warning', at: '1194', message: /falls back/, options: { report: blocked } },
  { title: 'with fragment the fallback stays on UDP (TCP would refuse fragment)', text: 'client\nremote v 1194\nfragment 1300\n', rule: 'PORT01', severity: 'error', at: '1194', offered: /remote v 443 udp/, options: { report: blocked } },
  { title: 'blocked <connection>, fallback block offered', text: 'client\n<connection>\nremote v 1194 udp\n</connection>\n', rule: 'PORT01', severity: 'error', at: '1194', offered: /<connection> fallback on TCP 443/, options: { report: blocked } },
  // PORT02
  { title: 'UDP 4500', text: 'port 4500\n', rule: 'PORT02', severity: 'warning', at: '4500', message: /IPsec/ },
  { title: 'UDP 500 as lport', text: 'lport 500\n', rule: 'PORT02', severity: 'warning', at: '500', message: /IKE/ },
];

function count(findings: readonly Finding[], f: Finding): number {
  return findings.filter((x) => x.ruleId === f.ruleId && x.message === f.message).length;
}

describe('OpenVPN rules', () => {
  for (const c of CASES) {
    it(`${c.rule} ${c.severity}: ${c.title}`, () => {
      const r = lint(c.text, c.options);
      const found = only(r, c.rule).filter((f) => f.severity === c.severity);
      assert.ok(found.length > 0, `no ${c.severity} ${c.rule}; got ${JSON.stringify(r.findings.map((f) => [f.ruleId, f.severity, f.message]))}`);
      const f = found.find((x) => under(c.text, x.range) === c.at) ?? found[0];
      assert.equal(under(c.text, f.range), c.at, 'range');
      if (c.message) assert.match(f.message, c.message);
      assert.ok(!f.message.includes('\n'), 'one line');
      const preferred = f.fixes.filter((x) => x.isPreferred);
      assert.ok(preferred.length <= 1, 'at most one preferred fix');
      if (c.preferred) {
        assert.equal(preferred.length, 1, 'a preferred fix');
        assert.match(preferred[0].title, c.preferred);
      }
      if (c.offered) {
        assert.ok(f.fixes.some((x) => c.offered!.test(x.title)), `fixes: ${f.fixes.map((x) => x.title).join(', ')}`);
        assert.equal(preferred.length, 0, `no preferred fix, got "${preferred[0]?.title}"`);
      }
      for (const fix of f.fixes) {
        const after = lint(applyFix(c.text, fix), c.options);
        assert.ok(count(after.findings, f) < count(r.findings, f), `fix "${fix.title}" leaves the finding:\n${applyFix(c.text, fix)}`);
      }
    });
  }

  it('every rule ID has a case, a fixture and a doc page', () => {
    const all = ['OV01', 'OV02', 'OV03', 'OV04', 'OV05', 'OV06', 'OV07', 'OV08', 'OV09', 'OV10', 'OV11', 'OV12', 'OV13', 'OV14', 'PORT01', 'PORT02'];
    const withFixture = new Set(fixtureNames().flatMap((n) => [...expectation(n).ids, ...(expectation(n).idsWithReport ?? [])]));
    for (const id of all) {
      assert.ok(CASES.some((c) => c.rule === id), `${id} has no case`);
      assert.ok(withFixture.has(id), `${id} fires on no fixture`);
      assert.ok(existsSync(join(__dirname, '..', '..', '..', '..', 'docs', 'rules', `${id}.md`)), `${id} has no docs/rules page`);
    }
  });

  describe('silent where they should be', () => {
    it('valid fixtures have no error-severity finding', () => {
      for (const name of fixtureNames()) {
        const e = expectation(name);
        if (!e.openvpnAccepts || e.why) continue;
        const errors = lint(fixture(name), { fileName: name }).findings.filter((f) => f.severity === 'error');
        assert.deepEqual(errors, [], name);
      }
    });
    it('OV11 is silent with keepalive, over TCP, and when the probe saw no NAT', () => {
      assert.deepEqual(only(lint('dev tun\nremote a\nkeepalive 10 60\n'), 'OV11'), []);
      assert.deepEqual(only(lint('dev tun\nproto tcp-client\nremote a\n'), 'OV11'), []);
      assert.deepEqual(only(lint('dev tun\nremote a\n', { report: noNat }), 'OV11'), []);
      assert.deepEqual(only(lint('dev tun\nremote a\nkeepalive 10 60\n', { report: blocked }), 'OV11'), []);
    });
    it('OV11 is silent on a client profile without a probe (its server pushes keepalive, which the file cannot show)', () => {
      assert.deepEqual(only(lint('client\ndev tun\nproto udp\nremote a 1194\n'), 'OV11'), []);
      assert.deepEqual(only(lint('pull\ntls-client\ndev tun\nproto udp\nremote a 1194\n'), 'OV11'), []);
    });
    it('OV03 on ncp-ciphers: a hint before data-ciphers (2.4 compatibility), a warning after it (it replaces the list)', () => {
      const compat = only(lint('client\nncp-ciphers AES-256-GCM\nignore-unknown-option data-ciphers\ndata-ciphers AES-256-GCM:CHACHA20-POLY1305\n'), 'OV03');
      assert.deepEqual(compat.map((f) => f.severity), ['hint']);
      assert.deepEqual(compat[0].fixes, []);
      const late = only(lint('client\ndata-ciphers AES-256-GCM:CHACHA20-POLY1305\nncp-ciphers AES-256-GCM\n'), 'OV03');
      assert.deepEqual(late.map((f) => f.severity), ['warning']);
      assert.match(late[0].message, /replaces the data-ciphers list/);
      assert.equal(late[0].fixes.some((f) => f.isPreferred), false);
      assert.deepEqual(only(lint('client\nncp-ciphers AES-256-GCM\n'), 'OV03').map((f) => f.severity), ['warning'], 'alone it is the deprecated name');
    });
    it('PORT01 is silent without port data and for reachable ports', () => {
      assert.deepEqual(only(lint('client\nremote a 1194\n'), 'PORT01'), []);
      assert.deepEqual(only(lint('client\nremote a 1194\n', { report: noNat }), 'PORT01'), []);
      assert.deepEqual(only(lint('client\nremote a 443 tcp-client\n', { report: blocked }), 'PORT01'), []);
      assert.deepEqual(only(lint('client\nremote a 1194 tcp-client\n', { report: blocked }), 'PORT01'), [], 'reachable unknown is not blocked');
    });
    it('PORT01\'s fallback goes before the blocked remote (OpenVPN tries remotes in order), and then the blocked one is only a hint', () => {
      // Offered, never preferred: whether the server listens on the fallback port the file cannot tell.
      const preferredFix = (text: string, report: Report = blocked) => {
        const f = only(lint(text, { report }), 'PORT01')[0];
        assert.ok(f, 'a PORT01 finding');
        assert.equal(f.fixes.filter((x) => x.isPreferred).length, 0, 'no preferred fix');
        const fx = f.fixes.find((x) => /^Add (a <connection> )?fallback/.test(x.title));
        assert.ok(fx, 'the fallback fix');
        return applyFix(text, fx);
      };
      const top = preferredFix('client\nremote vpn.example.com 1194\nkeepalive 10 60\n');
      assert.equal(top, 'client\nremote vpn.example.com 443 tcp-client\nremote vpn.example.com 1194\nkeepalive 10 60\n');
      const block = preferredFix('client\n<connection>\nremote v 1194 udp\n</connection>\n');
      assert.equal(block, 'client\n<connection>\nremote v 443 tcp-client\n</connection>\n<connection>\nremote v 1194 udp\n</connection>\n');
      for (const fixed of [top, block]) {
        const after = only(lint(fixed, { report: blocked }), 'PORT01');
        assert.deepEqual(after.map((f) => f.severity), ['hint'], fixed);
        assert.match(after[0].message, /OpenVPN connects through the reachable remote before it/);
      }
      // A reachable remote only after the blocked one: every connect from here waits out the timeout first.
      const late = only(lint('client\n<connection>\nremote v 1194 udp\n</connection>\n<connection>\nremote v 443 tcp-client\n</connection>\n', { report: blocked }), 'PORT01');
      assert.deepEqual(late.map((f) => f.severity), ['warning']);
      assert.match(late[0].message, /put a reachable remote first/);
      // remote-random shuffles the list: order does not help, the blocked remote stays a warning.
      const shuffled = only(lint('client\nremote-random\nremote v 443 tcp-client\nremote v 1194\n', { report: blocked }), 'PORT01');
      assert.deepEqual(shuffled.map((f) => f.severity), ['warning']);
      assert.match(shuffled[0].message, /remote-random/);
    });
    it('PORT01\'s fallback is never an IPsec port (udp/500, udp/4500: PORT02), whatever the order in the report', () => {
      const ipsec = withReport({
        ports: [
          { protocol: 'udp', port: 1194, reachable: 'no', basis: 'no answer from the reflector' },
          { protocol: 'udp', port: 500, reachable: 'yes', basis: 'answer from the reflector' },
          { protocol: 'udp', port: 4500, reachable: 'yes', basis: 'answer from the reflector' },
          { protocol: 'udp', port: 443, reachable: 'yes', basis: 'answer from the reflector' },
        ],
      });
      const titles = (text: string, report: Report) => only(lint(text, { report }), 'PORT01').flatMap((f) => f.fixes.map((x) => x.title));
      // With fragment the fallback stays on UDP: 443, not the first open UDP port in the list (500).
      assert.deepEqual(titles('client\nremote v 1194\nfragment 1300\n', ipsec), ["Add fallback 'remote v 443 udp'"]);
      assert.deepEqual(titles('client\nremote v 1194\n', ipsec), ["Add fallback 'remote v 443 udp'"], 'a port found open, 443 before the IPsec ports');
      const onlyIpsec = withReport({ ports: ipsec.ports!.slice(0, 3) });
      assert.deepEqual(titles('client\nremote v 1194\nfragment 1300\n', onlyIpsec), [], 'no UDP fallback at all rather than an IPsec port');
    });
    it('PORT02 is silent for TCP 500', () => {
      assert.deepEqual(only(lint('proto tcp-server\nport 500\n'), 'PORT02'), []);
    });
    it('OV04 is silent with data-ciphers-fallback, without pull, and when the cipher is listed', () => {
      assert.deepEqual(only(lint('client\ncipher AES-256-CBC\ndata-ciphers-fallback AES-256-CBC\n'), 'OV04'), []);
      assert.deepEqual(only(lint('tls-client\ncipher AES-256-CBC\n'), 'OV04'), []);
      assert.deepEqual(only(lint('client\ncipher AES-256-GCM\n'), 'OV04'), []);
    });
    it('OV12: fragment after a TCP <connection> block does not reach it; before it does', () => {
      assert.deepEqual(only(lint(fixture('fragment-after-tcp-block.ovpn')), 'OV12'), []);
      assert.equal(only(lint(fixture('fragment-before-tcp-block.ovpn')), 'OV12').length, 1);
    });
    it('OV13: nobind in a client profile is not reported (2.4/2.5 clients bind without it)', () => {
      assert.deepEqual(only(lint('client\nremote a\nnobind\n'), 'OV13'), []);
    });
    it('OV13: port with nobind is fine; tls-client alone binds, so nobind is not redundant', () => {
      assert.deepEqual(only(lint('client\nport 5000\nnobind\n'), 'OV13').filter((f) => f.severity === 'error'), []);
      assert.deepEqual(only(lint('tls-client\nremote a\nnobind\n'), 'OV13'), []);
    });
  });

  describe('fixes on the fixtures', () => {
    it('every fix of every finding on every fixture removes its finding', () => {
      let checked = 0;
      for (const name of fixtureNames()) {
        const e = expectation(name);
        const text = fixture(name);
        for (const options of [{ fileName: name }, ...(e.report ? [{ fileName: name, report: loadReport(e.report) }] : [])]) {
          const r = lint(text, options);
          for (const f of r.findings) {
            for (const fix of f.fixes) {
              const after = lint(applyFix(text, fix), options);
              assert.ok(count(after.findings, f) < count(r.findings, f), `${name}: fix "${fix.title}" for ${f.ruleId} leaves: ${f.message}`);
              checked++;
            }
          }
        }
      }
      assert.ok(checked > 30, `only ${checked} fixes`);
    });
    it('applying every preferred fix leaves no error the fixes address on the fixable fixtures', () => {
      for (const name of ['wrong-case.ovpn', 'bad-backslash.ovpn', 'resolv-retry-forever.ovpn', 'cr-only.ovpn', 'keepalive-conflict.conf', 'lport-nobind.ovpn', 'nat-detect.ovpn']) {
        let text = fixture(name);
        for (let round = 0; round < 5; round++) {
          const r = lint(text);
          const fix = r.findings.flatMap((f) => f.fixes.filter((x) => x.isPreferred))[0];
          if (!fix) break;
          text = applyFix(text, fix);
        }
        const left = lint(text).findings.filter((f) => f.severity === 'error' && f.fixes.some((x) => x.isPreferred));
        assert.deepEqual(left, [], name);
      }
    });
  });
});
