/**
 * Runs OpenVPN 2.6 up to the end of its option checks and no further:
 *
 *   unshare -n timeout 5 openvpn --config t.conf --verb 3 --management m.sock unix --management-hold
 *
 * in a fresh scratch directory, inside a new network namespace (so nothing it does can reach a
 * network), and stops it by PID as soon as it prints "Need hold release" (= every option check
 * passed; it would now wait for the management interface). rc 1 with an "Options error" line =
 * refused. Files the config names (ca, cert, key, tls-auth, …) are created in the scratch dir
 * with placeholder text: OpenVPN only checks that they exist and are readable before the hold
 * (and pre-loads tls-auth/tls-crypt keys as bytes); their contents are parsed after it.
 * `daemon`, `log`, `log-append` and `syslog` lines are left out of the oracle's copy: they do
 * not take part in option checking, but would fork or hide the output the verdict reads.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options whose first parameter names a file OpenVPN checks for (or reads) before the hold. */
const FILE_OPTIONS = new Set([
  'ca', 'cert', 'key', 'dh', 'extra-certs', 'pkcs12', 'crl-verify', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'secret',
  'auth-user-pass', 'askpass', 'http-proxy-user-pass', 'auth-gen-token-secret', 'ifconfig-pool-persist', 'replay-persist',
  'tls-export-cert', 'status', 'writepid', 'management-client-pf',
]);
const DIR_OPTIONS = new Set(['client-config-dir', 'capath', 'tmp-dir']);
const DROPPED = /^\s*(--)?(daemon|log|log-append|syslog)\b.*$/gm;

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** Installs openvpn as root without letting its service start. Returns why not, or undefined. */
export function ensureOpenVpn(): string | undefined {
  if (which('openvpn')) return undefined;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'openvpn is not installed and installing it needs root';
  if (!which('apt-get')) return 'openvpn is not installed and apt-get is not available';
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  try {
    if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# temporary: no service starts during the lint oracle install\nexit 101\n', { mode: 0o755 });
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'openvpn'], { env, encoding: 'utf8', timeout: 600_000 });
    let r = install();
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { env, encoding: 'utf8', timeout: 600_000 });
      r = install();
    }
    if (r.status !== 0) return `apt-get install openvpn failed: ${(r.stderr || r.stdout || '').trim().split('\n').pop()}`;
  } finally {
    if (ownPolicy && existsSync(policy)) unlinkSync(policy);
  }
  return which('openvpn') ? undefined : 'openvpn still not found after installing';
}

export interface StartupVerdict {
  refused: boolean;
  /** The Options error (or fatal) line when refused. */
  reason?: string;
  /** Everything it printed (for warnings). */
  output: string;
}

export function canIsolate(): string | undefined {
  const r = spawnSync('unshare', ['-n', 'true'], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  return `unshare -n does not work here (${(r.stderr || String(r.error)).trim().split('\n')[0]}); the startup oracle runs only without a network`;
}

/** Creates the files a config names, relative ones only (absolute paths are left alone). */
function placeFiles(dir: string, text: string): void {
  for (const raw of text.split(/\r?\n|\r/)) {
    const m = /^\s*(?:--)?([a-z0-9-]+)\s+("?)([^\s"]+)\2/.exec(raw);
    if (!m) continue;
    const [, name, , file] = m;
    if (file.startsWith('/') || file.includes('..') || file === '[inline]') continue;
    try {
      if (DIR_OPTIONS.has(name)) mkdirSync(join(dir, file), { recursive: true });
      else if (FILE_OPTIONS.has(name)) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), name === 'auth-user-pass' || name === 'http-proxy-user-pass' ? 'user\npass\n' : 'placeholder\n', { mode: 0o600 });
      }
    } catch {
      // A name that cannot be a file here (e.g. a directory of the same name) stays missing.
    }
  }
}

/** Judges one config text; resolves within about 5 seconds whatever happens. */
export function startupVerdict(text: string): Promise<StartupVerdict> {
  const dir = mkdtempSync(join(tmpdir(), 'natprobe-ovstart-'));
  const oracleText = text.replace(DROPPED, '');
  writeFileSync(join(dir, 't.conf'), oracleText);
  placeFiles(dir, oracleText);
  return new Promise((resolve) => {
    // Its own process group: the signal must reach openvpn itself. Signalling only `timeout`
    // (the direct child) could leave openvpn holding for the management interface with our
    // pipes open, so 'close' never came and the suite hung (seen under load).
    const child = spawn('unshare', ['-n', 'timeout', '5', 'openvpn', '--config', 't.conf', '--verb', '3', '--management', join(dir, 'm.sock'), 'unix', '--management-hold'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    // Whatever happens, the group is gone within 10 s, and with it the pipes.
    const hardStop = setTimeout(() => signalGroup('SIGKILL'), 10_000);
    let output = '';
    let held = false;
    const onData = (b: Buffer): void => {
      if (output.length < 200_000) output += b.toString('utf8');
      if (!held && output.includes('Need hold release from management interface')) {
        held = true;
        signalGroup('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(hardStop);
      rmSync(dir, { recursive: true, force: true });
      const reason = output.split('\n').find((l) => /Options error:|Exiting due to fatal error|ERROR:/.test(l));
      const prior = output.split('\n').filter((l) => l.trim()).slice(-3, -1).join(' | ');
      if (held) resolve({ refused: false, output });
      else resolve({ refused: true, reason: reason && /fatal/.test(reason) ? `${prior} ${reason}` : (reason ?? `exit ${code}: ${output.trim().split('\n').pop() ?? ''}`), output });
    });
  });
}
