import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintText } from '../src/lint';

const REPO = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_EXTENSION_RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function build(production: boolean): void {
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), ...(production ? ['--production'] : [])], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

/** A 2,000-line WireGuard hub config (Interface + 333 peers), as someone would be editing. */
function wireGuard2000(): string {
  const key = () => crypto.randomBytes(32).toString('base64');
  const lines = ['[Interface]', `PrivateKey = ${key()}`, 'ListenPort = 51820', 'Address = 10.0.0.1/16'];
  for (let i = 0; lines.length < 2000; i++) lines.push('', `# peer ${i}`, '[Peer]', `PublicKey = ${key()}`, `AllowedIPs = 10.0.${i >> 8}.${i & 255}/32`, `Endpoint = peer${i}.example.net:51820`);
  return lines.slice(0, 2000).join('\n');
}

/** A 2,000-line OpenVPN server config: options, routes, and an inline CA. */
function openVpn2000(): string {
  const lines = ['port 1194', 'proto udp', 'dev tun', 'server 10.8.0.0 255.255.0.0', 'keepalive 10 120', 'persist-key', 'persist-tun', 'verb 3'];
  for (let i = 0; lines.length < 1500; i++) lines.push(`push "route 10.${(i >> 8) & 255}.${i & 255}.0 255.255.255.0"`);
  lines.push('<ca>', '-----BEGIN CERTIFICATE-----');
  while (lines.length < 1998) lines.push(crypto.randomBytes(48).toString('base64'));
  lines.push('-----END CERTIFICATE-----', '</ca>');
  return lines.join('\n');
}

/**
 * The extension's budgets: bundle sizes of the production build (what the .vsix ships),
 * activation measured inside a real extension host (runner 2; the extension reports bundle
 * evaluation + activate()), and the lint that runs on each edit of a 2,000-line config (after
 * the 200 ms debounce), measured here in node since it is the same pure code.
 */
export async function benchExtension(): Promise<{ ok: boolean; lines: string[] }> {
  const lines = ['Extension (production build)'];
  let ok = true;
  const row = (label: string, value: string, pass: boolean | undefined): void => {
    if (pass === false) ok = false;
    lines.push(`  ${label.padEnd(52)} ${value.padStart(12)}  ${pass === undefined ? '' : pass ? 'yes' : 'NO'}`);
  };
  build(true);
  try {
    const size = (f: string) => fs.statSync(path.join(REPO, 'dist', f)).size;
    row('extension bundle dist/extension.js (target < 200 KB)', `${(size('extension.js') / 1024).toFixed(1)} KB`, size('extension.js') < 200 * 1024);
    row('webview bundle dist/webview.js (target < 150 KB)', `${(size('webview.js') / 1024).toFixed(1)} KB`, size('webview.js') < 150 * 1024);
    row('linter dist/lint.js (loaded at the first lint)', `${(size('lint.js') / 1024).toFixed(1)} KB`, undefined);
    row('key/option docs dist/docs.js (loaded at first hover)', `${(size('docs.js') / 1024).toFixed(1)} KB`, undefined);
    row('probe engine + CLI dist/cli.js (its own process)', `${(size('cli.js') / 1024).toFixed(1)} KB`, undefined);

    if (process.env.BENCH_SKIP_EXTENSION_HOST) {
      lines.push('  activation: skipped (BENCH_SKIP_EXTENSION_HOST)');
    } else {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-bench-')), 'activation.jsonl');
      const failures: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'vscode', 'run-integration.mjs'), '--no-build'], {
          cwd: REPO,
          encoding: 'utf8',
          env: { ...process.env, NATPROBE_TEST_GREP: 'activation, bundle load included', NATPROBE_BENCH_OUT: out },
        });
        if (r.status !== 0) failures.push((r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | '));
      }
      type Activation = { activationMs: number; loadMs: number; activateMs: number };
      const figures = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Activation) : [];
      const values = figures.map((f) => f.activationMs);
      if (values.length === 0) {
        lines.push(`  activation: could not run the extension host (${failures[0] ?? 'no figure'})`);
        ok = false;
      } else {
        const m = median(values);
        row(`activation in the extension host, median of ${values.length} (target < 15 ms)`, `${m.toFixed(1)} ms`, m < 15);
        lines.push(`    runs (bundle evaluation + activate()): ${figures.map((f) => `${f.activationMs.toFixed(1)} (${f.loadMs.toFixed(1)} + ${f.activateMs.toFixed(1)})`).join(', ')} ms`);
      }
    }
  } finally {
    build(false);
  }

  for (const [label, text, format] of [
    ['lint on type, WireGuard 2,000 lines (target < 10 ms)', wireGuard2000(), 'wireguard'],
    ['lint on type, OpenVPN 2,000 lines (target < 10 ms)', openVpn2000(), 'openvpn'],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      // Each edit changes the text, as typing does (no cache can answer from the last run).
      const edited = `${text}\n# edit ${i}`;
      const t = performance.now();
      lintText(edited, { format });
      if (i >= 10) times.push(performance.now() - t);
    }
    const m = median(times);
    row(label, `${m.toFixed(2)} ms`, m < 10);
  }
  return { ok, lines };
}
