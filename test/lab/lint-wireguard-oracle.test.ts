// The WireGuard linter against the real `wg` (wireguard-tools): for every fixture, "the linter
// reports an error" must equal "`wg setconf` rejects the wg-quick-stripped text", except where
// the fixture's expect.json says wg accepts something we call an error, and why (wg-quick-only
// errors, semantics wg silently accepts). The fixture's `wgAccepts` is checked against wg too.
//
// `WG_ENDPOINT_RESOLUTION_RETRIES=0 wg setconf IFNAME FILE` parses the whole file before it
// talks to the kernel, so no interface is needed and none is created: the exit code is always
// 1; stderr "Protocol not supported" / "No such device" = parsed, "Configuration parsing error"
// / "Invalid configuration" = rejected. wg resolves Endpoint host names while parsing: the
// fixtures' names are mapped to documentation addresses in a private /etc/hosts (a bind mount
// in a private mount namespace, `unshare -m`), so no DNS query leaves the machine.
//
// Also checked: our wg-quick stripping (src/lint/wireguard/strip.ts) equals what the real
// `wg-quick strip` prints, and no interface is left behind.
//
// Needs Linux, root and wireguard-tools; installs wireguard-tools with apt-get when root and
// `wg` is missing; otherwise skips with a printed reason (WGORACLE_REQUIRE=1 makes it fail).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitLines } from '../../src/lint/text';
import type { Finding } from '../../src/lint/types';
import { lintWireGuard } from '../../src/lint/wireguard';
import { classifyHost } from '../../src/lint/wireguard/addresses';
import { parseWireGuard } from '../../src/lint/wireguard/parser';
import { stripWgQuick } from '../../src/lint/wireguard/strip';
import { prng } from '../support/prng';
import { fixtures as wireGuardFixtures } from '../unit/lint/wireguard/helpers';

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** Makes sure `wg` is there; returns why not when it cannot be. */
function ensureWg(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (have('wg')) return undefined;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return '`wg` is missing and we are not root (apt-get install wireguard-tools)';
  const install = (): boolean =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'wireguard-tools'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { encoding: 'utf8', timeout: 300_000 });
    install();
  }
  return have('wg') ? undefined : 'apt-get could not install wireguard-tools';
}

type Verdict = { kind: 'parsed' | 'rejected'; stderr: string };

const TOKENS = ['[', ']', '=', '#', ';', ',', ' ', '\t', '\n', ':', '/', '.', '-', '+', '0', '1', '9', 'a', 'Z', '[Peer]\n', '[Interface]\n', 'AllowedIPs = ', 'Endpoint = ', 'PublicKey = ', 'ListenPort = ', 'FwMark = ', 'PersistentKeepalive = ', 'Address = ', 'DNS = ', '0.0.0.0/0', '::', '65536', '0x', 'off', '\r'];

/**
 * Errors we report on purpose although wg accepts the text: wg-quick's own keys (their lines
 * never reach wg), file-level wg-quick rules, semantics wg does not check (duplicate peers,
 * our own key as a peer, a port that wraps or is 0; a prefix in two peers is only a warning), and lines an
 * editor shows differently from wg because of a lone CR.
 */
function wgBlind(text: string, f: Finding): boolean {
  if (/^WQ0/.test(f.ruleId) || ['WG07', 'WG08'].includes(f.ruleId)) return true;
  if (f.ruleId === 'WG11' && /wraps|port is 0/.test(f.message)) return true;
  if (/\r(?!\n)/.test(text)) return true;
  const parsed = parseWireGuard(splitLines(text));
  return parsed.entries.some((e) => e.consumedByWgQuick && e.line === f.range.start.line);
}

describe('lab oracle: WireGuard linter vs wg setconf', function () {
  this.timeout(600_000);
  const fixtures = wireGuardFixtures();
  const ifname = `ntp${randomBytes(4).toString('hex').slice(0, 7)}`;
  let tmp = '';
  let hostsFile = '';
  let useNamespace = false;
  const verdicts = new Map<string, Verdict>();

  before(function () {
    const why = ensureWg();
    if (why) {
      console.log(`      SKIP lint-wireguard oracle: ${why}`);
      if (process.env.WGORACLE_REQUIRE === '1') throw new Error(why);
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wg-oracle-'));
    // Every host name any fixture's Endpoint uses, mapped to a documentation address.
    const names = new Set<string>();
    for (const f of fixtures) {
      for (const e of lintWireGuard(f.text).summary.endpoints) if (classifyHost(e.host).kind === 'name') names.add(e.host.replace(/\.$/, ''));
    }
    hostsFile = path.join(tmp, 'hosts');
    fs.writeFileSync(hostsFile, ['127.0.0.1 localhost', '::1 localhost', ...[...names].map((n, i) => `192.0.2.${i + 1} ${n}`)].join('\n') + '\n');
    const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /etc/hosts && cat /etc/hosts', hostsFile], { encoding: 'utf8' });
    useNamespace = probe.status === 0 && (names.size === 0 || probe.stdout.includes('192.0.2.'));
    if (!useNamespace) console.log('      note: no private mount namespace (unshare -m); host names in Endpoint resolve through the system resolver');
    console.log(`      wg: ${spawnSync('wg', ['--version'], { encoding: 'utf8' }).stdout.trim()}; interface name ${ifname}; ${names.size} host names mapped`);
  });

  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (!ifname) return;
    const link = spawnSync('ip', ['link', 'show', ifname], { encoding: 'utf8' });
    if (link.status === 0) {
      spawnSync('ip', ['link', 'delete', ifname]);
      throw new Error(`interface ${ifname} was left behind (deleted it now)`);
    }
  });

  function runWg(file: string): Verdict {
    const env = { ...process.env, WG_ENDPOINT_RESOLUTION_RETRIES: '0' };
    const r = useNamespace
      ? spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec wg setconf "$1" "$2"', hostsFile, ifname, file], { encoding: 'utf8', env, timeout: 30_000 })
      : spawnSync('wg', ['setconf', ifname, file], { encoding: 'utf8', env, timeout: 30_000 });
    const stderr = `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
    if (/Configuration parsing error|Invalid configuration/.test(stderr)) return { kind: 'rejected', stderr };
    if (/Protocol not supported|No such device/.test(stderr)) return { kind: 'parsed', stderr };
    throw new Error(`cannot read wg's verdict (exit ${r.status}): ${stderr}`);
  }

  for (const [i, f] of fixtures.entries()) {
    it(`${f.name}: our error verdict matches wg${f.expect.why ? ' (or the documented difference)' : ''}`, function () {
      const file = path.join(tmp, `f${i}.conf`);
      fs.writeFileSync(file, stripWgQuick(f.text));
      const v = runWg(file);
      verdicts.set(f.name, v);
      const wgAccepts = v.kind === 'parsed';
      assert.equal(wgAccepts, f.expect.wgAccepts, `expect.json says wgAccepts=${f.expect.wgAccepts}, wg says: ${v.stderr.trim()}`);
      const ours = lintWireGuard(f.text, { fileName: f.name });
      const errors = ours.findings.filter((x) => x.severity === 'error');
      if (f.expect.why && wgAccepts) {
        // A documented difference: we flag an error wg does not see.
        assert.ok(errors.length > 0, `expect.json explains an error wg accepts, but we report none (${f.expect.why})`);
        return;
      }
      assert.equal(
        errors.length > 0,
        !wgAccepts,
        `wg ${wgAccepts ? 'accepts' : 'rejects'} it (${v.stderr.trim()}); we report ${errors.map((e) => `${e.ruleId}: ${e.message}`).join(' | ') || 'no error'}`,
      );
    });
  }

  it('agreement summary', function () {
    let agree = 0;
    let documented = 0;
    for (const f of fixtures) {
      const v = verdicts.get(f.name);
      if (!v) continue;
      const ourError = lintWireGuard(f.text, { fileName: f.name }).findings.some((x) => x.severity === 'error');
      if (ourError === (v.kind === 'rejected')) agree++;
      else if (f.expect.why) documented++;
    }
    console.log(`      ${verdicts.size} fixtures checked against wg: ${agree} agree, ${documented} differ as documented in expect.json (why)`);
    assert.equal(agree + documented, verdicts.size);
  });

  it('differential fuzz: seeded mutations of the fixtures, wg vs our error verdict', function () {
    const cases = Number(process.env.WGORACLE_FUZZ ?? 300);
    const rand = prng(20240917);
    const counts = { agree: 0, blind: 0, dns: 0 };
    for (let i = 0; i < cases; i++) {
      const base = fixtures[Math.floor(rand() * fixtures.length)];
      let t = base.text;
      for (let k = 1 + Math.floor(rand() * 2); k > 0; k--) {
        const pos = Math.floor(rand() * t.length);
        t = rand() < 0.6 ? t.slice(0, pos) + TOKENS[Math.floor(rand() * TOKENS.length)] + t.slice(pos) : t.slice(0, pos) + t.slice(pos + 1 + Math.floor(rand() * 3));
      }
      const file = path.join(tmp, `z${i}.conf`);
      fs.writeFileSync(file, stripWgQuick(t));
      const v = runWg(file);
      const errors = lintWireGuard(t).findings.filter((x) => x.severity === 'error');
      const show = `case ${i} from ${base.name}: wg says ${v.stderr.trim().split('\n')[0]}; we say ${errors.map((e) => `${e.ruleId}: ${e.message}`).join(' | ') || 'no error'}\n${JSON.stringify(t)}`;
      if ((v.kind === 'rejected') === errors.length > 0) counts.agree++;
      else if (v.kind === 'rejected') {
        // Only name resolution can fail where we see nothing: a well-formed host name that does not resolve.
        const names = lintWireGuard(t).summary.endpoints.filter((e) => classifyHost(e.host).kind === 'name');
        assert.ok(/Name or service not known|Temporary failure in name resolution|No address associated/.test(v.stderr) && names.length > 0, `wg rejects what we accept: ${show}`);
        counts.dns++;
      } else {
        assert.ok(errors.every((e) => wgBlind(t, e)), `we flag an error wg accepts and that is not a known wg-blind kind: ${show}`);
        counts.blind++;
      }
    }
    console.log(`      differential fuzz: ${cases} cases; ${counts.agree} agree; ${counts.blind} errors wg cannot see by design (wg-quick keys, semantics, lone CR); ${counts.dns} unresolvable host names`);
  });

  it('our wg-quick stripping equals `wg-quick strip` on every fixture wg-quick reads', function () {
    if (!have('wg-quick') || process.getuid?.() !== 0) this.skip();
    let compared = 0;
    for (const [i, f] of fixtures.entries()) {
      const dir = path.join(tmp, `q${i}`);
      fs.mkdirSync(dir, { mode: 0o700 });
      const file = path.join(dir, `wgq${i}.conf`);
      fs.writeFileSync(file, f.text, { mode: 0o600 });
      const r = spawnSync('wg-quick', ['strip', file], { encoding: 'utf8', timeout: 30_000 });
      if (r.status !== 0) {
        // wg-quick stops on a SaveConfig that is neither true nor false (WQ03): nothing to compare.
        assert.match(r.stderr, /is neither true nor false/, `${f.name}: wg-quick strip failed: ${r.stderr}`);
        continue;
      }
      // `read -r` drops leading/trailing blanks of each line and echo adds a final newline.
      const norm = (s: string): string[] => {
        const lines = s.split('\n').map((l) => l.replace(/^[ \t]+|[ \t]+$/g, ''));
        while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
        return lines;
      };
      assert.deepEqual(norm(stripWgQuick(f.text)), norm(r.stdout), f.name);
      compared++;
    }
    console.log(`      stripping compared with wg-quick strip on ${compared} fixtures`);
    assert.ok(compared >= fixtures.length - 3);
  });
});
