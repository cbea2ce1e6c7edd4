// OV15/OV16 against OpenVPN 2.6 past its option checks (see openvpnStartup.ts for how it runs:
// in its own network namespace, stopped by PID at the management hold).
//
// 1. Every config in test/fixtures/openvpn-startup: OpenVPN does what the fixture's header says
//    (refuses with that text, or starts and prints that warning).
// 2. Every config in test/fixtures/openvpn: our verdict (any error-severity finding) equals
//    OpenVPN's, except the differences listed in KNOWN_FIXTURE_DIFFERENCES (each asserted).
// 3. A seeded mutation fuzzer over both fixture sets: delete, duplicate or re-value a line, or add
//    an option that breaks a companion rule; each mutant judged by OpenVPN and by us. Every
//    disagreement must fall into a documented class (DIFFERENCE_CLASSES); the figures are printed.
//
// Needs openvpn and `unshare -n` (root): skipped with a printed reason otherwise, a failure when
// WGORACLE_REQUIRE=1 or NATLAB_REQUIRE=1 (CI).
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintOpenVpn } from '../../src/lint/openvpn';
import { looksBinary } from '../../src/lint/text';
import type { Finding } from '../../src/lint/types';
import { prng } from '../support/prng';
import { canIsolate, ensureOpenVpn, startupVerdict, type StartupVerdict } from './openvpnStartup';

const ROOT = join(__dirname, '..', 'fixtures');
const STARTUP = join(ROOT, 'openvpn-startup');
const READING = join(ROOT, 'openvpn');

/** What the oracle's own command line adds (--management … --management-hold), for our side of the comparison. */
const ORACLE_OPTIONS = '\nmanagement /run/natprobe-oracle.sock unix\nmanagement-hold\n';

/** Fixtures of test/fixtures/openvpn where our error verdict and OpenVPN's startup verdict differ, and why. */
const KNOWN_FIXTURE_DIFFERENCES: Record<string, string> = {
  'port-out-of-range.ovpn': 'OV08: OpenVPN takes port 70000 and silently wraps it to 4464; we call that an error',
  'resolv-retry-forever.ovpn': "OV09: OpenVPN reads 'forever' and 'abc' as 0 without a word; we call that an error",
  'tun-mtu-small.conf': 'OV14: OpenVPN refuses tun-mtu 50 only when it opens the device, after the management hold',
  'quoting.ovpn': 'oracle artifact: the fixture names a Windows absolute path for ca, which the scratch directory cannot hold',
};

interface DifferenceClass {
  readonly why: string;
  readonly matches: (text: string, ours: readonly Finding[], theirs: StartupVerdict) => boolean;
}

const WHOLE_CONFIG = /^\s*(--)?(dev|client|server|server-bridge|server-ipv6|mode|remote|tls-client|tls-server|secret|pull)\b|^\s*<connection>/m;
const errorsOf = (fs: readonly Finding[]) => fs.filter((f) => f.severity === 'error');

/** Disagreements we accept, each with its reason. Anything else fails the test. */
const DIFFERENCE_CLASSES: Record<string, DifferenceClass> = {
  fragment: {
    why: 'no dev, client, server, remote, … at all: we take the file for a fragment (a client-config-dir file or one read with config) and do not judge it as a whole config; OpenVPN, given it alone, wants a dev',
    matches: (text, ours, theirs) => theirs.refused && errorsOf(ours).length === 0 && !WHOLE_CONFIG.test(text),
  },
  silentMisreading: {
    why: 'OV08/OV09/OV14 call a value an error that OpenVPN accepts at this stage (port wrap-around, a word read as 0, tun-mtu checked when the device opens)',
    matches: (_t, ours, theirs) => !theirs.refused && errorsOf(ours).length > 0 && errorsOf(ours).every((f) => ['OV08', 'OV09', 'OV14'].includes(f.ruleId)),
  },
  unreadableFile: {
    why: 'oracle artifact: OpenVPN could not read a file the config names with an absolute path or in a form the scratch directory does not hold (a missing file is not a config error)',
    matches: (_t, _o, theirs) => theirs.refused && /No such file|fails with|Cannot pre-load|Cannot open|Is a directory|Permission denied/.test(theirs.output),
  },
};

/** Option lines a mutant may gain: each valid alone, many breaking a companion rule. */
const ADDITIONS = [
  'client', 'server 10.8.0.0 255.255.255.0', 'server 10.8.0.0 255.255.255.0 nopool', 'server-bridge nogw', 'server-ipv6 fd00:8::/64',
  'mode server', 'tls-server', 'tls-client', 'pull', 'secret static.key', 'nobind', 'bind', 'lport 1195', 'local 127.0.0.1', 'dh none',
  'dh dh.pem', 'ca ca.crt', 'cert c.crt', 'key c.key', 'pkcs12 c.p12', 'capath certs', 'tls-auth ta.key 1', 'tls-crypt tc.key',
  'tls-crypt-v2 v2.key', 'auth-user-pass creds.txt', 'remote other.example.net 1194', 'remote other.example.net 443 tcp-client',
  'http-proxy proxy.example.net 3128', 'socks-proxy socks.example.net 1080', 'client-to-client', 'duplicate-cn', 'client-config-dir ccd',
  'ccd-exclusive', 'ifconfig-pool 10.8.0.50 10.8.0.60', 'ifconfig-pool 10.8.0.50 10.8.0.60 255.255.255.0', 'ifconfig-pool-persist ipp.txt',
  'ifconfig-ipv6-pool fd00:9::1000/64', 'ifconfig-ipv6 fd00:9::1 fd00:9::2', 'verify-client-cert none', 'username-as-common-name',
  'redirect-gateway def1', 'route-delay 2', 'up-delay', 'topology net30', 'topology subnet', 'topology p2p', 'fragment 1300', 'mssfix 1400',
  'explicit-exit-notify 1', 'lladdr 02:00:00:00:00:01', 'tun-mtu 1400', 'link-mtu 1500', 'mtu-test', 'no-replay', 'replay-window 128 30',
  'tls-version-min 1.3', 'tls-version-max 1.2', 'ifconfig 10.4.0.1 10.4.0.2', 'ifconfig 10.4.0.1 10.4.0.1', 'reneg-sec 600',
  'remote-cert-tls server', 'verify-x509-name vpn.example.net name', 'pull-filter ignore "route"', 'tcp-nodelay', 'connect-freq 10 60',
  'auth-gen-token 3600', 'reneg-sec 0', 'stale-routes-check 60', 'hash-size 512 512', 'dev tap', 'dev null', 'dev tun', 'dev-type tap',
  'proto tcp', 'proto tcp-server', 'proto tcp-client', 'proto udp6', 'cipher AES-256-CBC', 'data-ciphers AES-256-GCM',
  'peer-fingerprint 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF',
];

/** Realistic replacement values per option (the first parameter onwards). */
const VALUES: Record<string, string[]> = {
  proto: ['udp', 'tcp', 'tcp-client', 'tcp-server', 'udp6', 'tcp4-server'],
  dev: ['tun', 'tap', 'null', 'tun0', 'tap1'],
  topology: ['net30', 'subnet', 'p2p'],
  server: ['10.8.0.0 255.255.255.0', '10.8.0.0 255.255.255.252', '10.8.0.1 255.255.255.0', '10.0.0.0 255.0.0.0', '10.8.0.0 255.255.255.248'],
  'verify-client-cert': ['none', 'optional', 'require'],
  'tls-version-min': ['1.0', '1.2', '1.3'],
  dh: ['none', 'dh.pem'],
  mode: ['server', 'p2p'],
  'remote-cert-tls': ['server', 'client'],
};

const SKIP = /^\s*-*(config|cd|up|down|plugin|route-up|route-pre-down|ipchange|tls-verify|learn-address|client-connect|client-disconnect|client-crresponse|auth-user-pass-verify|help|version|genkey|mktun|rmtun|test-crypto|show-[a-z0-9-]+|chroot|user|group|iproute|setcon|writepid)\b/m;

function skipOrFail(why: string, ctx: Mocha.Context): void {
  if (process.env.WGORACLE_REQUIRE === '1' || process.env.NATLAB_REQUIRE === '1') throw new Error(`the OpenVPN startup oracle is required here but cannot run: ${why}`);
  console.log(`    SKIP lint-openvpn-postprocess: ${why}`);
  ctx.skip();
}

function header(text: string, key: string): string {
  return (new RegExp(`^# ${key}: (.*)$`, 'm').exec(text) ?? [])[1] ?? '';
}

async function inParallel<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await job(items[i]);
      }
    }),
  );
  return out;
}

describe('OpenVPN linter vs openvpn 2.6 past option checking (OV15, OV16)', function () {
  this.timeout(600_000);

  before(function () {
    const why = ensureOpenVpn() ?? canIsolate();
    if (why) skipOrFail(why, this);
  });

  it('each openvpn-startup fixture: OpenVPN does what its header says, and our verdict matches', async () => {
    const names = readdirSync(STARTUP).filter((f) => f.endsWith('.conf')).sort();
    const texts = names.map((n) => readFileSync(join(STARTUP, n), 'utf8'));
    const verdicts = await inParallel(texts, 4, startupVerdict);
    const problems: string[] = [];
    names.forEach((name, i) => {
      const oracle = header(texts[i], 'oracle');
      const v = verdicts[i];
      const quoted = /"(.*)"/.exec(oracle)?.[1];
      const refuses = oracle.startsWith('refuses');
      if (v.refused !== refuses) problems.push(`${name}: header says ${oracle}, openvpn ${v.refused ? `refuses: ${v.reason}` : 'accepts'}`);
      else if (quoted && !v.output.includes(quoted)) problems.push(`${name}: openvpn did not print "${quoted}" (${v.reason ?? 'accepted'})`);
      const ours = errorsOf(lintOpenVpn(texts[i]).findings).length > 0;
      if (ours !== v.refused) problems.push(`${name}: we say ${ours ? 'error' : 'no error'}, openvpn ${v.refused ? 'refuses' : 'accepts'}`);
    });
    console.log(`    startup fixtures: ${names.length}, ${names.length - problems.length} as recorded`);
    assert.deepEqual(problems, []);
  });

  it('each reading-stage fixture: our verdict equals OpenVPN past option checking, except the listed differences', async () => {
    const names = readdirSync(READING).filter((f) => /\.(ovpn|conf)$/.test(f)).sort();
    const texts = names.map((n) => readFileSync(join(READING, n), 'utf8'));
    const verdicts = await inParallel(texts, 4, startupVerdict);
    const differ: string[] = [];
    names.forEach((name, i) => {
      const ours = errorsOf(lintOpenVpn(texts[i], { fileName: name }).findings).length > 0;
      if (ours !== verdicts[i].refused) differ.push(name);
    });
    console.log(`    reading fixtures at startup: ${names.length}, ${names.length - differ.length} agree, ${differ.length} listed differences`);
    assert.deepEqual(differ, Object.keys(KNOWN_FIXTURE_DIFFERENCES).sort());
  });

  it('seeded mutants of the fixtures: every disagreement falls into a documented class', async () => {
    const seed = Number(process.env.OVPN_POST_SEED ?? 20261202);
    const count = Number(process.env.OVPN_POST_MUTANTS ?? 500);
    const rand = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const sources = [
      ...readdirSync(READING).filter((f) => /\.(ovpn|conf)$/.test(f)).map((f) => readFileSync(join(READING, f), 'utf8')),
      ...readdirSync(STARTUP).filter((f) => f.endsWith('.conf')).map((f) => readFileSync(join(STARTUP, f), 'utf8')),
    ];
    const mutants: string[] = [];
    while (mutants.length < count) {
      const lines = pick(sources).split('\n');
      for (let k = 1 + Math.floor(rand() * 2); k > 0; k--) {
        const at = Math.floor(rand() * lines.length);
        const op = rand();
        const words = (lines[at] ?? '').trim().split(/\s+/);
        if (op < 0.3) lines.splice(at, 1);
        else if (op < 0.4) lines.splice(at, 0, lines[at] ?? '');
        else if (op < 0.6 && VALUES[words[0]]) lines[at] = `${words[0]} ${pick(VALUES[words[0]])}`;
        else lines.splice(at, 0, pick(ADDITIONS));
      }
      const text = lines.join('\n');
      if (SKIP.test(text) || looksBinary(text)) continue;
      mutants.push(text);
    }
    const verdicts = await inParallel(mutants, 8, startupVerdict);
    let agree = 0;
    let refusedByOpenVpn = 0;
    const perClass = new Map<string, number>();
    const unexplained: string[] = [];
    mutants.forEach((text, i) => {
      const theirs = verdicts[i];
      if (theirs.refused) refusedByOpenVpn++;
      const ours = lintOpenVpn(text + ORACLE_OPTIONS).findings;
      if ((errorsOf(ours).length > 0) === theirs.refused) {
        agree++;
        return;
      }
      const cls = Object.entries(DIFFERENCE_CLASSES).find(([, c]) => c.matches(text, ours, theirs));
      if (cls) perClass.set(cls[0], (perClass.get(cls[0]) ?? 0) + 1);
      else unexplained.push(`openvpn ${theirs.refused ? `refuses (${theirs.reason})` : 'accepts'}, we ${errorsOf(ours).map((f) => `${f.ruleId}: ${f.message}`).join(' | ') || 'see no error'}:\n${text}`);
    });
    const classes = [...perClass].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    console.log(`    postprocess differential (seed ${seed}): ${mutants.length} mutants, openvpn refused ${refusedByOpenVpn}; ${agree} agree (${((100 * agree) / mutants.length).toFixed(1)}%), documented differences: ${classes}, unexplained ${unexplained.length}`);
    for (const [k, n] of perClass) if (n > 0) assert.ok(DIFFERENCE_CLASSES[k].why.length > 40, k);
    assert.deepEqual(unexplained.slice(0, 10), []);
  });
});
