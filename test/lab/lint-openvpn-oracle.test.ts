// The OpenVPN linter against the real thing. For every fixture in test/fixtures/openvpn:
//
//   openvpn --config FILE --genkey secret /dev/null      (cwd = a temp dir holding only FILE)
//
// reads the whole config the way OpenVPN does and stops before options_postprocess: rc 0 means
// "parsed", rc 1 with "Options error: …" (or "ERROR: Endtag … missing") means "rejected".
// Missing key and certificate files (ca ca.crt) do not matter at that stage, so every fixture
// behaves the same in an empty directory. What does matter (checked with 2.6.14): `config` and
// `cd` act while reading, and script options (up, down, route-up, tls-verify, client-connect, …)
// and plugins must name an existing file even under --genkey ("--up script fails with …:
// No such file or directory"); fixtures therefore use /bin/true as their script. Our verdict ("has an error-severity finding") must match, except
// where the fixture's expect.json says why (errors OpenVPN only finds when it starts, or later);
// then both facts are checked, and the startup check below backs the "why" where it can:
//
//   openvpn --config FILE [--verb 4] --management SOCK unix --management-hold
//
// runs options_postprocess and then waits for the management hold (rc 124 from `timeout`):
// "rejects" = rc 1 with the given Options error; "accepts" = still waiting when killed.
//
// A third part feeds seeded mutations of the fixtures to both and compares the reading-stage
// verdict: the errors of OV01, OV02, OV05, OV06, OV07 and OV12's "fragment below 68" against
// what --genkey says.
//
// A second part checks the option table (src/lint/openvpn/options.ts) against the binary:
// parameter counts, inline and <connection> permissions, option by option.
//
// Needs the openvpn binary: installed with apt-get when running as root (without starting the
// service), skipped with a printed line otherwise.

import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintOpenVpn } from '../../src/lint/openvpn';
import { looksBinary } from '../../src/lint/text';
import { OPTIONS, REMOVED, acceptsCount } from '../../src/lint/openvpn/options';
import { prng } from '../support/prng';
import { ensureOpenVpn } from './openvpnStartup';

const FIXTURES = join(__dirname, '..', 'fixtures', 'openvpn');

interface Expect {
  ids: string[];
  openvpnAccepts: boolean;
  why?: string;
  oracleArtifact?: string;
  startup?: { rejects?: string; accepts?: boolean; shows?: string[] };
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs openvpn with cwd = a fresh temp dir holding only the file. */
function runOpenVpn(file: string, args: (dir: string) => string[], seconds: number): RunResult {
  const dir = mkdtempSync(join(tmpdir(), 'natprobe-ovpn-'));
  try {
    const name = file.split('/').pop() as string;
    copyFileSync(file, join(dir, name));
    const r = spawnSync('timeout', [String(seconds), 'openvpn', '--config', name, ...args(dir)], { cwd: dir, encoding: 'utf8' });
    return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function genkeyOracle(file: string): RunResult {
  return runOpenVpn(file, () => ['--genkey', 'secret', '/dev/null'], 10);
}

function startupOracle(file: string, verbose: boolean): RunResult {
  return runOpenVpn(file, (dir) => [...(verbose ? ['--verb', '4'] : []), '--management', join(dir, 'm.sock'), 'unix', '--management-hold'], 3);
}

function rejectionLine(output: string): string | undefined {
  return output.split('\n').find((l) => /Options (error|warning):|ERROR:|REMOVED OPTION/.test(l));
}

let unavailable: string | undefined;

describe('OpenVPN linter vs openvpn 2.6 (oracle)', function () {
  this.timeout(900_000);

  before(function () {
    unavailable = ensureOpenVpn();
    if (unavailable) {
      console.log(`    SKIP lint-openvpn-oracle: ${unavailable}`);
      this.skip();
    }
    const v = spawnSync('openvpn', ['--version'], { encoding: 'utf8' });
    console.log(`    using ${(v.stdout || '').split('\n')[0]}`);
  });

  describe('fixtures', () => {
    const files = readdirSync(FIXTURES)
      .filter((f) => /\.(ovpn|conf)$/.test(f))
      .sort();
    let agree = 0;
    let explained = 0;

    it('has at least 40 fixtures, each with an expect.json', () => {
      assert.ok(files.length >= 40, `only ${files.length} fixtures`);
      for (const f of files) assert.ok(existsSync(join(FIXTURES, f.replace(/\.(ovpn|conf)$/, '.expect.json'))), `${f} has no expect.json`);
    });

    for (const f of files) {
      it(f, () => {
        const path = join(FIXTURES, f);
        const expect = JSON.parse(readFileSync(path.replace(/\.(ovpn|conf)$/, '.expect.json'), 'utf8')) as Expect;
        const result = genkeyOracle(path);
        assert.ok(result.code === 0 || result.code === 1, `openvpn exited ${result.code}:\n${result.output}`);
        const accepted = result.code === 0;
        const reason = rejectionLine(result.output);
        if (!accepted) assert.ok(reason, `rejected without an error line:\n${result.output}`);
        assert.equal(accepted, expect.openvpnAccepts, `openvpn ${accepted ? 'accepts' : `rejects (${reason})`} but expect.json says openvpnAccepts=${expect.openvpnAccepts}`);

        const ours = lintOpenVpn(readFileSync(path, 'utf8'), { fileName: f });
        const errors = ours.findings.filter((x) => x.severity === 'error');
        const oursRejects = errors.length > 0;
        if (oursRejects === !accepted) {
          agree++;
          assert.equal(expect.why, undefined, 'expect.json explains a disagreement that does not exist');
        } else {
          explained++;
          assert.ok(expect.why && expect.why.length > 20, `we say ${oursRejects ? 'error' : 'no error'}, openvpn ${accepted ? 'accepts' : 'rejects'}; expect.json must say why`);
          if (expect.oracleArtifact) {
            assert.ok(!accepted && reason?.includes(expect.oracleArtifact), `expected the oracle to stop with "${expect.oracleArtifact}", got: ${reason}`);
          } else {
            assert.ok(oursRejects && accepted, 'the only documented disagreements are errors OpenVPN finds after reading (or oracle artifacts)');
          }
        }
        if (expect.startup) {
          const s = startupOracle(path, (expect.startup.shows ?? []).length > 0);
          if (expect.startup.rejects) {
            assert.equal(s.code, 1, `startup should fail:\n${s.output.slice(-2000)}`);
            assert.ok(s.output.includes(expect.startup.rejects), `startup failed differently:\n${rejectionLine(s.output)}`);
          }
          if (expect.startup.accepts) assert.equal(s.code, 124, `startup should wait at the management hold:\n${rejectionLine(s.output) ?? s.output.slice(-1000)}`);
          for (const text of expect.startup.shows ?? []) assert.ok(s.output.includes(text), `startup output lacks "${text}"`);
        }
      });
    }

    after(() => {
      if (unavailable) return;
      console.log(`    oracle: ${files.length} fixtures, ${agree} agree outright, ${explained} differ with a checked reason in expect.json`);
    });
  });

  describe('option table vs the binary', () => {
    // Values that pass an option's own validation, so only the count is judged.
    const SAMPLE: Record<string, string[]> = {
      'route-ipv6-gateway': ['2001:db8::1'],
      'compat-mode': ['2.4.0', 'x'],
      'verify-hash': ['AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD', 'SHA1', 'x'],
      providers: ['default'],
      'auth-gen-token': ['1', '2', 'external-auth', 'x'],
      'crl-verify': ['x', 'dir'],
      'keying-material-exporter': ['EXPORTER-x', '32'],
      'key-derivation': ['tls-ekm'],
      dns: ['search-domains', 'a.example', 'b.example'],
    };
    // Known quirks of 2.6.14, where the binary is looser than the table on purpose:
    // help prints the usage whatever follows; these accept any inline block because they
    // skip the permission check (or fail on the sample value first).
    const SKIP_COUNTS = new Set(['help']);
    const SKIP_INLINE = new Set(['help', 'disable-dco', 'prng', 'max-routes', 'route-ipv6-gateway', 'providers', 'compat-mode', 'verify-hash']);

    function params(name: string, n: number): string {
      if (name === 'server-bridge' && n === 1) return ' nogw';
      let out = '';
      for (let i = 0; i < n; i++) out += ' ' + (SAMPLE[name]?.[i] ?? '1');
      return out;
    }
    function classify(out: string): 'count' | 'context' | 'noinline' | 'ok' {
      if (/Unrecognized option or missing or extra|should have at most|requires a second parameter|is missing window size|--dns: unknown option type/.test(out)) return 'count';
      if (out.includes('cannot be used in this context')) return 'context';
      if (out.includes('is not expected to be inline')) return 'noinline';
      return 'ok';
    }
    function run(text: string): Promise<string> {
      const dir = mkdtempSync(join(tmpdir(), 'natprobe-ovopt-'));
      writeFileSync(join(dir, 't.conf'), text);
      return new Promise((resolve) => {
        execFile('timeout', ['10', 'openvpn', '--config', 't.conf', '--genkey', 'secret', '/dev/null'], { cwd: dir }, (_e, stdout, stderr) => {
          rmSync(dir, { recursive: true, force: true });
          resolve(`${stdout}${stderr}`);
        });
      });
    }

    it('every option, parameter count, inline and <connection> permission matches openvpn', async () => {
      const jobs: { key: string; text: string }[] = [];
      for (const spec of OPTIONS.values()) {
        const hi = Math.min(spec.max + 1, 15);
        for (let n = 0; n <= hi; n++) jobs.push({ key: `${spec.name}|count|${n}`, text: `${spec.name}${params(spec.name, n)}\n` });
        jobs.push({ key: `${spec.name}|inline`, text: `<${spec.name}>\n${spec.name === 'connection' ? 'remote a' : '1'}\n</${spec.name}>\n` });
        jobs.push({ key: `${spec.name}|conn`, text: `<connection>\nremote a\n${spec.name}${params(spec.name, spec.min)}\n</connection>\n` });
      }
      for (const name of REMOVED.keys()) jobs.push({ key: `${name}|removed`, text: `${name}\n` });
      const results = new Map<string, string>();
      let next = 0;
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          while (next < jobs.length) {
            const job = jobs[next++];
            results.set(job.key, await run(job.text));
          }
        }),
      );
      const problems: string[] = [];
      for (const spec of OPTIONS.values()) {
        // Build-dependent options (iproute, setcon, gremlin…) may or may not exist in this build.
        if (spec.buildDependent) continue;
        const unknownHere = spec.windowsOnly;
        const hi = Math.min(spec.max + 1, 15);
        if (!SKIP_COUNTS.has(spec.name)) {
          for (let n = 0; n <= hi; n++) {
            const c = classify(results.get(`${spec.name}|count|${n}`) as string);
            if (unknownHere) {
              if (c !== 'count') problems.push(`${spec.name}: table says unknown on this build, openvpn accepts ${n} parameters`);
            } else if (spec.scope !== 'config') {
              if (c !== 'context' && c !== 'count') problems.push(`${spec.name}: table says not allowed in a config file, openvpn says ${c} for ${n}`);
            } else if ((c === 'ok') !== acceptsCount(spec, n)) {
              problems.push(`${spec.name}: ${n} parameters: table ${acceptsCount(spec, n) ? 'accepts' : 'rejects'}, openvpn ${c === 'ok' ? 'accepts' : 'rejects'}`);
            }
          }
        }
        if (unknownHere || spec.scope !== 'config') continue;
        if (!SKIP_INLINE.has(spec.name)) {
          const c = classify(results.get(`${spec.name}|inline`) as string);
          // A one-parameter count error also means "not inline" (the block is one parameter).
          if ((c !== 'noinline' && c !== 'count') !== spec.inline) problems.push(`${spec.name}: inline: table ${spec.inline}, openvpn ${c}`);
        }
        const cc = classify(results.get(`${spec.name}|conn`) as string);
        if ((cc !== 'context' && cc !== 'count') !== spec.connection) problems.push(`${spec.name}: <connection>: table ${spec.connection}, openvpn ${cc}`);
      }
      for (const name of REMOVED.keys()) {
        const out = results.get(`${name}|removed`) as string;
        if (!/Options error|REMOVED OPTION|ERROR/.test(out)) problems.push(`${name}: table says removed, openvpn accepts it`);
      }
      console.log(`    option table: ${OPTIONS.size} options, ${jobs.length} openvpn runs, ${problems.length} mismatches`);
      assert.deepEqual(problems, []);
    });
  });

  describe('differential: seeded mutations of the fixtures', () => {
    // Errors OpenVPN finds while reading the file (the ones --genkey sees).
    const READING = new Set(['OV01', 'OV02', 'OV05', 'OV06', 'OV07', 'PARSE']);
    // Left out: static keys (the oracle's own --genkey secret conflicts), options that read or
    // run files at reading time (config, cd, scripts and plugins are checked for existence),
    // and standalone commands.
    const SKIP = /secret|^\s*-*(config|cd|up|down|plugin|route-up|route-pre-down|ipchange|tls-verify|learn-address|client-connect|client-disconnect|auth-user-pass-verify|client-crresponse|help|version|genkey|mktun|rmtun|test-crypto|show-[a-z0-9-]+)\b/m;

    function runText(text: string): Promise<number> {
      const dir = mkdtempSync(join(tmpdir(), 'natprobe-ovdiff-'));
      writeFileSync(join(dir, 't.conf'), text);
      return new Promise((resolve) => {
        execFile('timeout', ['10', 'openvpn', '--config', 't.conf', '--genkey', 'secret', '/dev/null'], { cwd: dir }, (e) => {
          rmSync(dir, { recursive: true, force: true });
          resolve(e ? Number((e as { code?: number }).code ?? 1) : 0);
        });
      });
    }

    it('our reading-stage verdict equals openvpn --genkey on 400 mutated configs', async () => {
      const rand = prng(Number(process.env.OVPN_DIFF_SEED ?? 20260115));
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
      const sources = readdirSync(FIXTURES)
        .filter((f) => /\.(ovpn|conf)$/.test(f))
        .map((f) => readFileSync(join(FIXTURES, f), 'utf8').split('\n'));
      const noise = ['"', "'", '\\', '#', ';', '<', '>', '/', '\t', ' ', '\uFEFF', 'é', '-', '--', '0', '\r'];
      const inserts = ['<ca>', '</ca>', '<connection>', '</connection>', '<tls-auth>', '</tls-auth>', 'remote a 1194 tcp', 'proto tcp-client', 'proto udp4', 'setenv opt', 'ignore-unknown-option remote', 'setenv FORWARD_COMPATIBLE 1', '-----BEGIN CERTIFICATE-----', 'x'.repeat(250), 'server 10.8.0.0 255.255.255.0', 'ifconfig 10.1.0.1 10.1.0.2', 'server-ipv6 fd00::/64', 'route-gateway 10.0.0.1', 'ifconfig-pool 10.8.0.10 10.8.0.20', 'server-bridge nogw', 'verify-x509-name x name', 'tls-version-min 1.2 or-highest', 'mssfix 1400 mtu', 'compress lz4-v2', 'comp-lzo no', 'redirect-gateway def1', 'topology subnet', 'key-direction 1', 'status-version 2'];
      const cases: string[] = [];
      while (cases.length < 400) {
        const lines = pick(sources);
        const from = Math.floor(rand() * lines.length);
        let text = lines.slice(from, from + 1 + Math.floor(rand() * 12)).join('\n') + '\n';
        for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
          const at = Math.floor(rand() * (text.length + 1));
          const op = rand();
          if (op < 0.5) text = text.slice(0, at) + pick(noise) + text.slice(at);
          else if (op < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 10));
          else text = text.slice(0, at) + '\n' + pick(inserts) + '\n' + text.slice(at);
        }
        if (SKIP.test(text) || looksBinary(text)) continue;
        cases.push(text);
      }
      const mismatches: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          while (next < cases.length) {
            const text = cases[next++];
            const ours = lintOpenVpn(text).findings.some((f) => f.severity === 'error' && (READING.has(f.ruleId) || (f.ruleId === 'OV12' && /below 68/.test(f.message))));
            const theirs = (await runText(text)) !== 0;
            if (ours !== theirs) mismatches.push(`ours ${ours ? 'error' : 'fine'}, openvpn ${theirs ? 'rejects' : 'accepts'}: ${JSON.stringify(text)}`);
          }
        }),
      );
      console.log(`    differential: ${cases.length} mutated configs, ${cases.length - mismatches.length} agree`);
      assert.deepEqual(mismatches, []);
    });
  });
});
