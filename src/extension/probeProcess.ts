import { type ChildProcess, fork } from 'node:child_process';
import type { ServerSpec } from '../engine/discovery/serverSpec';
import type { PortSpec } from '../engine/probes/portList';
import type { TurnUrl } from '../engine/probes/turnUrl';
import { parseReport } from '../report/parseReport';
import type { Report } from '../report/report';
import type { StreamEvent } from '../report/streamEvents';

// No vscode import: this runs the bundled CLI and is tested in plain node (test/cli).

export interface ProbeProcessRequest {
  /** dist/cli.js of this extension. */
  readonly cli: string;
  readonly servers: readonly ServerSpec[];
  readonly budgetMs: number;
  /** Ask the default gateway read-only (the CLI's default); false passes --no-port-mapping. */
  readonly askRouter?: boolean;
  readonly ports?: readonly PortSpec[];
  readonly lifetime?: boolean;
  readonly turn?: { readonly url: TurnUrl; readonly username: string; readonly password: string };
  readonly signal?: AbortSignal;
  readonly onLog?: (line: string) => void;
  readonly onQuickVerdict?: (report: Report) => void;
  readonly onLifetime?: (p: { lowSeconds: number; highSeconds: number | null; elapsedMs: number }) => void;
}

/** Cancelled before the probe had anything to report (it was still starting). */
export class ProbeCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'ProbeCancelled';
  }
}

/** The line of stderr that says what went wrong: the CLI's own message, or Node's error line. */
function stderrReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => l.startsWith('natprobe: ')) ?? lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1) ?? '';
  return line.replace(/^natprobe: /, '');
}

/** A stream line longer than this is not ours: the run is stopped rather than buffering without end. */
const MAX_LINE = 8 * 1024 * 1024;
/** After a cancel the CLI still prints the report of what it measured; it gets this long. */
const CANCEL_GRACE_MS = 5000;

/**
 * Runs `natprobe diagnose --stream` in its own Node process and follows its lines. The probe's
 * sockets and timers stay out of the extension host (which also runs everyone else's
 * extensions), the engine ships once (in dist/cli.js, shared with the CLI), and a cancel is a
 * SIGINT: the CLI stops and reports what it had measured.
 */
export function runProbeProcess(request: ProbeProcessRequest): Promise<Report> {
  return new Promise<Report>((resolve, reject) => {
    const args = ['diagnose', '--stream', '--budget', String(Math.round(request.budgetMs))];
    for (const s of request.servers) args.push('--server', s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`);
    if (request.askRouter === false) args.push('--no-port-mapping');
    if (request.ports?.length) args.push('--ports', request.ports.map((p) => `${p.protocol}:${p.port}`).join(','));
    if (request.lifetime) args.push('--lifetime');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NATPROBE_TURN_PASS;
    if (request.turn) {
      const { host, port } = request.turn.url;
      args.push('--turn', `turn:${host.includes(':') ? `[${host}]` : host}:${port}`, '--turn-user', request.turn.username);
      // The password goes by environment, never on the command line (visible in ps).
      env.NATPROBE_TURN_PASS = request.turn.password;
    }
    let child: ChildProcess;
    try {
      child = fork(request.cli, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env, execArgv: [] });
    } catch (err) {
      reject(new Error(`could not start the probe (${request.cli}): ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    let final: Report | undefined;
    let problem: string | undefined;
    let stderr = '';
    let pending = '';
    let killTimer: ReturnType<typeof setTimeout> | undefined;

    const onLine = (line: string): void => {
      if (!line.trim()) return;
      let event: StreamEvent;
      try {
        event = JSON.parse(line) as StreamEvent;
      } catch {
        problem ??= `the probe printed something that is not a stream event: ${line.slice(0, 120)}`;
        return;
      }
      switch (event?.event) {
        case 'log':
          if (typeof event.line === 'string') request.onLog?.(event.line);
          return;
        case 'lifetime':
          if (typeof event.lowSeconds === 'number') request.onLifetime?.(event);
          return;
        case 'quick':
        case 'report': {
          const parsed = parseReport(event.report);
          if (!parsed.ok) {
            problem ??= `the probe's ${event.event} report is malformed: ${parsed.error}`;
            return;
          }
          if (event.event === 'quick') request.onQuickVerdict?.(parsed.report);
          else final = parsed.report;
          return;
        }
        default:
          return; // a newer CLI's event: ignored
      }
    };

    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
      if (pending.length > MAX_LINE) {
        problem ??= 'the probe printed a line longer than 8 MB';
        pending = '';
        child.kill('SIGKILL');
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (stderr.length < 64 * 1024) stderr += chunk;
    });

    const onAbort = (): void => {
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
    };
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });

    child.once('error', (err) => {
      problem ??= `the probe process failed: ${err.message}`;
    });
    child.once('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      request.signal?.removeEventListener('abort', onAbort);
      if (pending) onLine(pending);
      if (final) return resolve(final);
      if (request.signal?.aborted) return reject(new ProbeCancelled());
      reject(new Error(problem ?? (stderrReason(stderr) || `the probe ended (${signal ?? `exit code ${code}`}) without a report`)));
    });
  });
}
