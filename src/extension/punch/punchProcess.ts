import { spawn } from 'node:child_process';
import { parseCode } from '../../engine/punch/code';
import { type PunchOutput, parsePunchOutput } from './punchOutput';

// No vscode import: runs `natprobe punch --json` in its own Node process (the sockets, the scrypt
// of the code and the checks stay out of the extension host); tested in plain node.

export interface PunchRequest {
  /** dist/cli.js of this extension. */
  readonly cli: string;
  /** HOST[:PORT] of the rendezvous (natProbe.rendezvous). */
  readonly via: string;
  /** Join the peer that shows this code; absent: start, and get a fresh code through onCode. */
  readonly code?: string;
  /** The Node to run the CLI with (default: the extension host's own, as Node). */
  readonly node?: string;
  /** Called once with the fresh code the child printed (start only), checked to be a code. */
  readonly onCode?: (code: string) => void;
  readonly signal?: AbortSignal;
  /** `--report … --peer-report …` (punchReportFiles.ts), so the child puts compare's prediction beside the proof. */
  readonly reportArgs?: readonly string[];
}

export type PunchRun = { readonly kind: 'done'; readonly output: PunchOutput } | { readonly kind: 'cancelled' };

/** One JSON object of a few hundred bytes; stderr carries two lines. Past these it is not punch. */
const MAX_STDOUT = 256 * 1024;
const MAX_STDERR = 64 * 1024;

/**
 * Runs the punch and returns what it found, or `cancelled`. Throws with a sentence for the user
 * when the child could not run, refused its arguments, could not reach the rendezvous, or
 * printed anything but one well-formed result.
 */
export async function runPunchProcess(request: PunchRequest): Promise<PunchRun> {
  if (request.code !== undefined) {
    // Checked here too, before it goes to the child.
    const parsed = parseCode(request.code);
    if (!parsed.ok) throw new Error(parsed.error);
  }
  const args = [request.cli, 'punch', '--via', request.via, '--json', ...(request.reportArgs ?? [])];
  const { code, stdout, stderr, aborted } = await new Promise<{ code: number | null; stdout: string; stderr: string; aborted: boolean }>((resolve, reject) => {
    // The code goes in the child's environment, not its arguments: other users of this machine
    // can read every process's command line.
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', NATPROBE_PUNCH_CODE: request.code ?? '' };
    const child = spawn(request.node ?? process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    let overflow = false;
    let codeSeen = false;
    let aborted = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.length > MAX_STDOUT && !overflow) {
        overflow = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      if (err.length > MAX_STDERR && !overflow) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      // "Code: maple-otter-…": only a line that parses as a code is passed on (it is shown and copied).
      if (!codeSeen && request.onCode) {
        const line = err.split('\n').find((l) => l.startsWith('Code: '));
        const parsed = line === undefined ? undefined : parseCode(line.slice(6).trim());
        if (parsed?.ok) {
          codeSeen = true;
          request.onCode(parsed.code);
        }
      }
    });
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGINT');
    };
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (e) => {
      request.signal?.removeEventListener('abort', onAbort);
      reject(new Error(`the punch could not start: ${e.message}`));
    });
    child.once('close', (exitCode) => {
      request.signal?.removeEventListener('abort', onAbort);
      if (overflow) reject(new Error('the punch printed far more than one result; refused'));
      else resolve({ code: exitCode, stdout: out, stderr: err, aborted });
    });
  });
  if (aborted) return { kind: 'cancelled' };
  const lastLine = (): string => (stderr.split('\n').find((l) => l.startsWith('natprobe: ')) ?? stderr.trim().split('\n').at(-1) ?? '').replace(/^natprobe: /, '').slice(0, 300);
  if (code === 2) throw new Error(lastLine() || 'the punch refused its arguments');
  // Exit 3 with nothing on stdout: the rendezvous's name did not resolve (or had no IPv4 address).
  if (code === 3 && stdout.trim() === '') throw new Error(`the rendezvous could not be reached: ${lastLine() || 'no reason given'}`);
  if (code !== 0 && code !== 1 && code !== 3) throw new Error(lastLine() || `the punch ended with exit code ${code ?? 'none (killed)'}`);
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new Error('the punch printed something that is not JSON');
  }
  const parsed = parsePunchOutput(value);
  if (!parsed.ok) throw new Error(`the punch printed a malformed result: ${parsed.error}`);
  // The exit code and the result must tell the same story (0: a path; 3: no rendezvous).
  if ((code === 0) !== (parsed.output.direct === 'yes')) throw new Error(`the punch printed a malformed result: exit code ${code} with direct ${parsed.output.direct}`);
  if ((code === 3) !== (parsed.output.rendezvous === 'unreachable')) throw new Error(`the punch printed a malformed result: exit code ${code} with the rendezvous ${parsed.output.rendezvous}`);
  return { kind: 'done', output: parsed.output };
}
