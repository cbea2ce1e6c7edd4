import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ReachResult } from '../../engine/reach/types';
import type { Report } from '../../report/report';
import { parseReachRun } from './reachOutput';

// No vscode import: runs `natprobe reach --json` in its own Node process (the probes, their
// crypto and sockets stay out of the extension host and its bundle); tested in plain node.

export interface ReachRequest {
  /** dist/cli.js of this extension. */
  readonly cli: string;
  /** The config as the editor has it (unsaved edits included). */
  readonly text: string;
  /** Its file on disk, when saved and unchanged: key files it names resolve next to it. */
  readonly file?: string;
  /** Its base name (wg0.conf): the live tunnel check looks for an interface named after it. */
  readonly fileName: string;
  readonly format: 'wireguard' | 'openvpn';
  readonly peer?: string;
  readonly remote?: number;
  readonly budgetMs: number;
  readonly report?: Report;
  /** The user confirmed sending despite a live tunnel with this key. */
  readonly confirmed?: boolean;
  readonly signal?: AbortSignal;
}

export interface ReachRun {
  readonly results: readonly ReachResult[];
  readonly notes: readonly string[];
  /** Why nothing was sent: a live tunnel with this key (ask, then run again confirmed). */
  readonly heldBack?: string;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

export async function runReachProcess(request: ReachRequest): Promise<ReachRun> {
  // A private folder: the copy may hold keys, and only this user may read it.
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'natprobe-reach-'));
  try {
    let file = request.file;
    if (!file) {
      file = path.join(dir, path.basename(request.fileName) || 'config.conf');
      await fs.promises.writeFile(file, request.text, { mode: 0o600 });
    }
    const args = [request.cli, 'reach', file, '--json', '--budget', String(Math.round(request.budgetMs)), '--format', request.format];
    if (request.peer !== undefined) args.push('--peer', request.peer);
    if (request.remote !== undefined) args.push('--remote', String(request.remote));
    if (request.confirmed) args.push('--yes');
    if (request.report) {
      const reportFile = path.join(dir, 'report.json');
      await fs.promises.writeFile(reportFile, JSON.stringify(request.report), { mode: 0o600 });
      args.push('--report', reportFile);
    }
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, args, { encoding: 'utf8', maxBuffer: MAX_OUTPUT, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, out, errOut) => {
        resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0, stdout: out, stderr: errOut });
      });
      const onAbort = (): void => void child.kill('SIGINT');
      if (request.signal?.aborted) onAbort();
      else request.signal?.addEventListener('abort', onAbort, { once: true });
      child.once('close', () => request.signal?.removeEventListener('abort', onAbort));
    });
    if (code !== 0 && code !== 1) {
      const line = stderr.split('\n').find((l) => l.startsWith('natprobe: ')) ?? stderr.trim().split('\n').at(-1) ?? '';
      throw new Error(line.replace(/^natprobe: /, '') || `the reach probe ended with exit code ${code}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(stdout);
    } catch {
      throw new Error('the reach probe printed something that is not JSON');
    }
    // Every field checked before diagnostics or the panel see it: the child is another process.
    const parsed = parseReachRun(value);
    if (!parsed.ok) throw new Error(parsed.error === 'no results' ? 'the reach probe printed no results' : `the reach probe printed a malformed result: ${parsed.error}`);
    return parsed.run;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
