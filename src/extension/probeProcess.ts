import { type ChildProcess, fork } from 'node:child_process';
import type { ServerSpec } from '../engine/discovery/serverSpec';
import type { PortSpec } from '../engine/probes/portList';
import type { TurnUrl } from '../engine/probes/turnUrl';
import type { Report } from '../report/report';
import { parseStreamEvent } from '../report/streamEvents';

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
  /** TURN servers to allocate on (each freed at once), ranked by RTT in the report. */
  readonly turn?: TurnCredential | readonly TurnCredential[];
  readonly signal?: AbortSignal;
  readonly onLog?: (line: string) => void;
  /** One line about something the probe printed that was dropped (malformed), or a callback that threw. */
  readonly onWarning?: (line: string) => void;
  readonly onQuickVerdict?: (report: Report) => void;
  readonly onLifetime?: (p: { lowSeconds: number; highSeconds: number | null; elapsedMs: number }) => void;
}

export interface TurnCredential {
  readonly url: TurnUrl;
  readonly username: string;
  readonly password: string;
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

/**
 * A stream line longer than this (in characters) is not ours: the run is stopped rather than
 * buffering without end. The longest line is the final report, about 10 KB (32 ports at most).
 */
const MAX_LINE = 1024 * 1024;
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
    // Only the passwords of this run reach the child, whatever the extension host inherited.
    for (const name of Object.keys(env)) if (/^NATPROBE_TURN_PASS(_\d+)?$/.test(name)) delete env[name];
    const turns = !request.turn ? [] : 'url' in request.turn ? [request.turn] : (request.turn as readonly TurnCredential[]);
    turns.forEach(({ url: { host, port }, username, password }, i) => {
      args.push('--turn', `turn:${host.includes(':') ? `[${host}]` : host}:${port}`, '--turn-user', username);
      // The password goes by environment, never on the command line (visible in ps): one variable per server.
      env[i === 0 ? 'NATPROBE_TURN_PASS' : `NATPROBE_TURN_PASS_${i + 1}`] = password;
    });
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
    let overflowed = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;

    // A callback that throws (a progress or panel gone) must not take the extension host down:
    // this runs in a stream's data handler, where a throw is an uncaught exception.
    const warn = (line: string): void => {
      try {
        request.onWarning?.(line);
      } catch {
        /* nowhere left to say it */
      }
    };
    const call = (what: string, fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        warn(`the probe's ${what} event could not be shown: ${err instanceof Error ? err.message : String(err)}`);
      }
    };

    const onLine = (line: string): void => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        problem ??= `the probe printed something that is not a stream event: ${line.slice(0, 120)}`;
        return;
      }
      // Every event checked at every depth before a callback sees it (the child is another
      // process, and its lines quote servers): a malformed one is dropped, with one log line.
      const parsed = parseStreamEvent(value);
      if (!parsed.ok) {
        warn(`the probe printed a malformed stream event (dropped): ${parsed.error.slice(0, 200)}`);
        // Without its final report the run has nothing to show: that is why it failed.
        if (parsed.event === 'report') problem ??= `the probe's report is malformed: ${parsed.error.slice(0, 200)}`;
        return;
      }
      const event = parsed.event;
      switch (event.event) {
        case 'log':
          return call('log', () => request.onLog?.(event.line));
        case 'lifetime':
          return call('lifetime', () => request.onLifetime?.(event));
        case 'quick':
          return call('quick', () => request.onQuickVerdict?.(event.report));
        case 'report':
          final = event.report;
          return;
      }
    };

    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      // After an overflow the child is being killed; what is still in the pipe is not kept.
      if (overflowed) return;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
      if (pending.length > MAX_LINE) {
        overflowed = true;
        problem = `the probe printed a line longer than ${MAX_LINE / (1024 * 1024)} MB: stopped`;
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
