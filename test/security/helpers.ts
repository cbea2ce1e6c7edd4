// Shared by the security suite: the built CLI (NATPROBE_CLI points at another build to show a
// test failing on it), throwaway directories, keys, and "does this output carry key material".
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CLI = process.env.NATPROBE_CLI ?? path.resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function natprobe(args: readonly string[], opts: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60000, ...opts });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs the CLI through sh, for limits (ulimit) that only a shell sets. */
export function natprobeInShell(prefix: string, args: readonly string[]): CliResult {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('sh', ['-c', `${prefix}; exec ${quoted}`], { encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-security-'));
}

export function keyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    privateKey: Buffer.from(jwk.d!, 'base64url').toString('base64'),
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
  };
}

export function presharedKey(): string {
  return crypto.randomBytes(32).toString('base64');
}

/** A key that needs the URL-safe fix (at least one - or _ in it). */
export function urlSafe(key: string): string {
  for (;;) {
    const k = key.replace(/\+/g, '-').replace(/\//g, '_');
    if (k !== key) return k;
    key = presharedKey();
  }
}

/**
 * Every 44-character base64 (or URL-safe base64) key written in `out` that is not one of the
 * `allowed` public keys: any such key is a private or preshared key, given or generated.
 */
export function keysIn(out: string, allowed: readonly string[] = []): string[] {
  return [...out.matchAll(/[A-Za-z0-9+/_-]{43}=/g)].map((m) => m[0]).filter((k) => !allowed.includes(k));
}

/** A stack trace line, as node prints one. */
export const STACK_LINE = /^[ \t]+at [^\n]*:\d+:\d+\)?$/m;
