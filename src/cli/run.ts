import * as os from 'node:os';
import { systemClock } from '../engine/clock';
import { DEFAULT_BUDGET_MS, DEFAULT_SERVERS } from '../engine/defaults';
import type { LocalInterface } from '../engine/discovery/cgnat';
import { diagnose } from '../engine/discovery/discover';
import { systemResolver } from '../engine/discovery/resolve';
import { type ServerSpec, isIpLiteral, parseServerSpec } from '../engine/discovery/serverSpec';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import { nodeTcpConnector } from '../engine/net/tcp';
import { DEFAULT_PORTS_TEXT, type PortSpec, parsePortList } from '../engine/probes/ports';
import { type TurnUrl, parseTurnUrl } from '../engine/probes/turn';
import { type ExtraPortEvent, ListenerError, describeExtraPorts, startExtraPorts } from '../engine/server/extraPorts';
import { endpointKey } from '../engine/net/udp';
import { type ReflectorEvent, startReflector } from '../engine/server/reflector';
import { SERVE_SOFTWARE } from '../engine/server/reflectorLogic';
import { ServeSummary } from '../engine/server/serveSummary';
import { DEFAULT_BURST, DEFAULT_RATE_PER_SECOND, SourceRateLimiter } from '../engine/server/sourceRateLimit';
import { renderText } from '../report/renderText';
import { safeJson, safeText } from '../report/safeText';
import type { StreamEvent } from '../report/streamEvents';
import { VERSION } from '../version';
import { UsageError, parseArgs } from './args';
import { compareCommand } from './compareCommand';
import { lintCommand } from './lintCommand';
import { reachCommand } from './reachCommand';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

export const EXIT = { ok: 0, usage: 2, nothingMeasured: 3 } as const;


const USAGE = `natprobe ${VERSION} — NAT diagnosis for VPNs

Usage:
  natprobe diagnose [--server HOST[:PORT]]... [--json | --stream] [--budget MS] [--verbose]
                   [--ports LIST|default] [--turn turn:HOST[:PORT] --turn-user U] [--port-mapping]
                   [--lifetime [--lifetime-max S] [--lifetime-full]] [--hairpin]
  natprobe serve --primary IP[:PORT] [--alternate IP[:PORT]] [--ports LIST|default] [--verbose]
                 [--rate N] [--burst N] [--tcp-per-source N] [--log-interval S]
  natprobe lint FILE... [--json] [--format auto|wireguard|openvpn] [--report REPORT.json] [--fix]
                [--disable ID[,ID]]... [--rule ID=off|error|warning|information|hint]...
  natprobe compare A.json B.json [--json]
  natprobe reach FILE [--peer PUBLICKEY | --remote N] [--json] [--budget MS] [--report REPORT.json] [--yes]
  natprobe --version | --help

diagnose  Finds the NAT's mapping and filtering behaviour (RFC 5780), the public address,
          port preservation and signs of carrier-grade NAT. Without --server it asks:
          ${DEFAULT_SERVERS.join(', ')}
          An IPv6 address with a port goes in brackets: --server [2001:db8::1]:3478.
          --ports tests VPN ports (e.g. udp:51820,tcp:443; "default" = ${DEFAULT_PORTS_TEXT})
          against the first server, which must run serve --ports. --turn allocates once on a
          TURN server (password from NATPROBE_TURN_PASS) and frees it. --port-mapping asks the
          default gateway, read-only, for NAT-PMP/PCP/UPnP and its external address (CGNAT and
          double-NAT evidence); off by default since the gateway is not a configured server.
          --lifetime measures how long the NAT keeps an idle UDP mapping (takes about that long,
          up to --lifetime-max, default 120 s) for keepalive advice. --hairpin sends a few packets
          to our own public mapping (opt-in: some firewalls log it as an attack), only when two
          servers (or a server and the router, with --port-mapping) agree on that address.
          --stream prints one JSON object per line: {"event":"log"|"lifetime"|"quick"|"report"}.
          SIGINT cancels and still prints the report of what was measured.
          Exit: 0 report produced, 2 bad arguments, 3 nothing could be measured.
serve     An RFC 5780 STUN server. With --alternate (a second IP of this host) it answers
          CHANGE-REQUEST and sends OTHER-ADDRESS, so filtering can be measured against it.
          Ports default to 3478 (primary) and primary+1 (alternate). --ports also answers
          STUN on those UDP/TCP ports, for diagnose --ports. Each source gets at most --rate
          answers a second (default ${DEFAULT_RATE_PER_SECOND}, bursts of --burst, default ${DEFAULT_BURST}) and
          --tcp-per-source TCP connections (default 4). Logs one summary line per --log-interval
          seconds (default 60) on stderr; --verbose adds up to 20 single events per interval.
compare   Predicts from two diagnose --json reports (this machine and a peer) whether a
          direct UDP path will form or traffic must be relayed, and why.
lint      Lints WireGuard and OpenVPN configs as wg and openvpn read them; prints
          file:line:col severity ID message. --report uses a diagnose --json report for the
          probe-aware rules; --fix applies the preferred fixes in place. --disable turns rules
          off, --rule sets a rule's severity (PARSE cannot be changed); comments in a config
          do the same for one file or line: # natprobe-disable[-next-line] ID[,ID].
          Exit: 1 when any error, 0 otherwise, 2 bad arguments.
reach     Sends the first packet of the config's own protocol, with its own keys, to each
          endpoint (WireGuard: one handshake initiation per [Peer] with an Endpoint; OpenVPN:
          one hard reset per remote) and says what came back: reachable (with the RTT), no
          answer (and what that can mean), refused, or could not resolve. No tunnel, no root;
          key material is never printed. --report narrows what silence means with a diagnose
          --json report. A WireGuard tunnel with this key that is up here is not disturbed
          unless --yes (the server would move that peer's endpoint to the probe).
          Budget per endpoint: --budget ms (default 3000).
          Exit: 0 every endpoint answered, 1 otherwise, 2 bad arguments.
`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'diagnose':
        return await diagnoseCommand(rest, io);
      case 'serve':
        return await serveCommand(rest, io);
      case 'lint':
        return await lintCommand(rest, io);
      case 'compare':
        return await compareCommand(rest, io);
      case 'reach':
        return await reachCommand(rest, io);
      case '--version':
      case 'version':
        io.stdout.write(`${VERSION}\n`);
        return EXIT.ok;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      // The message may quote an argument (or a settings value the extension passed on) as given.
      io.stderr.write(`natprobe: ${safeText(err.message)}\nRun "natprobe --help" for usage.\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

async function diagnoseCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'server', takesValue: true, repeatable: true },
    { name: 'json', takesValue: false },
    { name: 'stream', takesValue: false },
    { name: 'budget', takesValue: true },
    { name: 'verbose', takesValue: false },
    { name: 'help', takesValue: false },
    { name: 'ports', takesValue: true },
    { name: 'turn', takesValue: true },
    { name: 'turn-user', takesValue: true },
    { name: 'turn-pass', takesValue: true },
    { name: 'port-mapping', takesValue: false },
    { name: 'lifetime', takesValue: false },
    { name: 'lifetime-max', takesValue: true },
    { name: 'lifetime-full', takesValue: false },
    { name: 'hairpin', takesValue: false },
  ]);
  if (args.flags.has('help')) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const stream = args.flags.has('stream');
  if (stream && args.flags.has('json')) throw new UsageError('--stream and --json are two output formats: choose one');
  // --stream: one JSON object per line on stdout (log lines, lifetime progress, the quick
  // verdict, the final report), for programs that show results as they arrive (the extension).
  // safeJson: the values are what the servers sent, but no raw control character is in the text.
  const emit = (event: StreamEvent): void => {
    io.stdout.write(`${safeJson(event)}\n`);
  };
  const servers: ServerSpec[] = [];
  for (const text of args.values.get('server') ?? DEFAULT_SERVERS) {
    const parsed = parseServerSpec(text);
    if (!parsed.ok) throw new UsageError(`--server ${parsed.error}`);
    servers.push(parsed.value);
  }
  let budgetMs = DEFAULT_BUDGET_MS;
  const budgetText = args.values.get('budget')?.[0];
  if (budgetText !== undefined) {
    if (!/^\d+$/.test(budgetText) || Number(budgetText) < 100 || Number(budgetText) > 600000) {
      throw new UsageError('--budget must be a whole number of milliseconds from 100 to 600000');
    }
    budgetMs = Number(budgetText);
  }
  let ports: PortSpec[] | undefined;
  const portsText = args.values.get('ports')?.[0];
  if (portsText !== undefined) {
    const parsed = parsePortList(portsText === 'default' ? DEFAULT_PORTS_TEXT : portsText);
    if (!parsed.ok) throw new UsageError(`--ports ${parsed.error}`);
    ports = parsed.value;
  }
  const turn = turnOptions(args.values, io);
  let lifetimeMax: number | undefined;
  const lifetimeMaxText = args.values.get('lifetime-max')?.[0];
  if (lifetimeMaxText !== undefined) {
    if (!/^\d+$/.test(lifetimeMaxText) || Number(lifetimeMaxText) < 5 || Number(lifetimeMaxText) > 3600) {
      throw new UsageError('--lifetime-max must be a whole number of seconds from 5 to 3600');
    }
    if (!args.flags.has('lifetime')) throw new UsageError('--lifetime-max goes with --lifetime');
    lifetimeMax = Number(lifetimeMaxText);
  }
  const lifetime = args.flags.has('lifetime')
    ? {
        maxSeconds: lifetimeMax,
        full: args.flags.has('lifetime-full'),
        // Progress on stderr, so --json output stays one object.
        onProgress: (p: { lowSeconds: number; highSeconds: number | null; elapsedMs: number }) =>
          stream ? emit({ event: 'lifetime', ...p }) : io.stderr.write(`natprobe: mapping lifetime: alive at ${p.lowSeconds} s${p.highSeconds !== null ? `, gone by ${p.highSeconds} s` : ''} (${Math.round(p.elapsedMs / 1000)} s elapsed)\n`),
      }
    : undefined;
  const verbose = args.flags.has('verbose');
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  try {
    const report = await diagnose({
      servers,
      factory: nodeUdpFactory,
      clock: systemClock,
      resolve: systemResolver,
      interfaces: localInterfaces,
      budgetMs,
      signal: controller.signal,
      version: VERSION,
      // Log lines quote servers (SOFTWARE, reason phrases, realms): shown only through safeText.
      log: stream ? (line) => emit({ event: 'log', line: safeText(line) }) : verbose ? (line) => io.stderr.write(`natprobe: ${safeText(line)}\n`) : undefined,
      onQuickVerdict: stream ? (report) => emit({ event: 'quick', report }) : undefined,
      ports,
      tcp: nodeTcpConnector(systemClock),
      turn,
      portMapping: args.flags.has('port-mapping') ? {} : undefined,
      lifetime,
      hairpin: args.flags.has('hairpin'),
    });
    if (stream) emit({ event: 'report', report });
    else io.stdout.write(args.flags.has('json') ? safeJson(report, 2) + '\n' : renderText(report, { color: !!io.stdout.isTTY && !process.env.NO_COLOR }));
    // A server that answers only unusably proves UDP works, but nothing about the NAT was measured.
    return report.udp === 'yes' && report.publicEndpoints.length > 0 ? EXIT.ok : EXIT.nothingMeasured;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function turnOptions(values: Map<string, string[]>, io: CliIo): { url: TurnUrl; username: string; password: string } | undefined {
  const urlText = values.get('turn')?.[0];
  const user = values.get('turn-user')?.[0];
  let pass = values.get('turn-pass')?.[0];
  if (!urlText) {
    if (user !== undefined || pass !== undefined) throw new UsageError('--turn-user and --turn-pass go with --turn turn:HOST[:PORT]');
    return undefined;
  }
  const url = parseTurnUrl(urlText);
  if (!url.ok) throw new UsageError(`--turn ${url.error}`);
  if (!user) throw new UsageError('--turn needs --turn-user USER');
  if (pass === undefined) pass = process.env.NATPROBE_TURN_PASS;
  else io.stderr.write('natprobe: note: --turn-pass is visible to other users in the process list; NATPROBE_TURN_PASS is safer\n');
  if (pass === undefined) throw new UsageError('--turn needs a password: set NATPROBE_TURN_PASS (or --turn-pass)');
  return { url: url.value, username: user, password: pass };
}

export function localInterfaces(): LocalInterface[] {
  const out: LocalInterface[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      out.push({ name, address: a.address, family: a.family === 'IPv6' ? 6 : 4, internal: a.internal });
    }
  }
  return out;
}

/**
 * Why serve could not listen, naming the listener: an extra port from --ports says which
 * (ListenerError); the STUN sockets are UDP, and Node's bind error carries address and port.
 */
function cannotListenReason(err: unknown): string {
  const e = err as { code?: unknown; address?: unknown; port?: unknown } | null;
  const where =
    err instanceof ListenerError
      ? `${err.protocol}/${endpointKey(err.endpoint)}`
      : typeof e?.address === 'string' && typeof e.port === 'number'
        ? `udp/${endpointKey({ address: e.address, port: e.port })}`
        : undefined;
  const code = err instanceof ListenerError ? err.code : e?.code;
  if (code === 'EADDRINUSE') return where ? `${where} is already in use (another process listens there: \`ss -lunp\` or \`ss -ltnp\` shows which)` : 'a port is already in use';
  if (code === 'EADDRNOTAVAIL') return where ? `${where}: this host does not have that address` : 'this host does not have that address';
  if (code === 'EACCES') return `${where ? `${where}: ` : ''}ports below 1024 need CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=+ep on node, or AmbientCapabilities in the systemd unit)`;
  return String(err instanceof ListenerError ? err.message : err);
}

async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'primary', takesValue: true },
    { name: 'alternate', takesValue: true },
    { name: 'verbose', takesValue: false },
    { name: 'ports', takesValue: true },
    { name: 'rate', takesValue: true },
    { name: 'burst', takesValue: true },
    { name: 'tcp-per-source', takesValue: true },
    { name: 'log-interval', takesValue: true },
  ]);
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const primaryText = args.values.get('primary')?.[0];
  if (!primaryText) throw new UsageError('serve needs --primary IP[:PORT]');
  const primary = literalEndpoint('--primary', primaryText, 3478);
  const alternateText = args.values.get('alternate')?.[0];
  if (alternateText && !hasExplicitPort(alternateText) && primary.port === 65535) {
    throw new UsageError('--alternate needs a port (IP:PORT): the default, --primary\'s port + 1, would be 65536');
  }
  const alternate = alternateText ? literalEndpoint('--alternate', alternateText, primary.port + 1) : undefined;
  if (alternate) {
    if (alternate.address === primary.address) throw new UsageError('--alternate must be a different IP address from --primary (RFC 5780 §6)');
    if (alternate.port === primary.port) throw new UsageError('--alternate must use a different port from --primary (RFC 5780 §6)');
    if (alternate.address.includes(':') !== primary.address.includes(':')) throw new UsageError('--primary and --alternate must be the same address family');
  }
  let extraPortSpecs: PortSpec[] = [];
  const servePortsText = args.values.get('ports')?.[0];
  if (servePortsText !== undefined) {
    const parsed = parsePortList(servePortsText === 'default' ? DEFAULT_PORTS_TEXT : servePortsText);
    if (!parsed.ok) throw new UsageError(`--ports ${parsed.error}`);
    extraPortSpecs = parsed.value;
  }
  const ratePerSecond = wholeNumber(args.values, 'rate', 1, 100_000, DEFAULT_RATE_PER_SECOND, 'answers a second per source');
  const burst = wholeNumber(args.values, 'burst', 1, 1_000_000, Math.max(DEFAULT_BURST, ratePerSecond), 'answers');
  const tcpPerSource = wholeNumber(args.values, 'tcp-per-source', 1, 1024, 4, 'connections');
  const logInterval = wholeNumber(args.values, 'log-interval', 1, 86_400, 60, 'seconds');
  const verbose = args.flags.has('verbose');
  const limiter = new SourceRateLimiter({ ratePerSecond, burst }, () => systemClock.now());
  // One bounded summary line per interval; --verbose adds a few single events per interval.
  const summary = new ServeSummary({ detailPerInterval: verbose ? 20 : 0 });
  const log = (line: string | undefined): void => {
    if (line !== undefined) io.stderr.write(`${line}\n`);
  };
  const onEvent = (e: ReflectorEvent): void => {
    if (e.kind === 'send-failed') log(summary.record('send-failed', e.to.address, e.error, () => `send to ${endpointKey(e.to)} failed: ${e.error}`));
    else if (e.kind === 'answered') log(summary.record('answered', e.from.address, undefined, () => `answered ${endpointKey(e.from)} on ${endpointKey(e.on)} via ${endpointKey(e.via)} to ${endpointKey(e.to)}`));
    else if (e.kind === 'rate-limited') log(summary.record('rate-limited', e.from.address, undefined, () => `rate-limited ${endpointKey(e.from)} on ${endpointKey(e.on)}`));
    else log(summary.record('dropped', e.from.address, e.why, () => `dropped from ${endpointKey(e.from)} on ${endpointKey(e.on)}: ${e.why}`));
  };
  const onPortEvent = (e: ExtraPortEvent): void => {
    const where = `${e.protocol}/${endpointKey(e.on)}`;
    if (e.kind === 'dropped') log(summary.record('dropped', e.from.address, e.why, () => `dropped from ${endpointKey(e.from)} on ${where}: ${e.why}`));
    else log(summary.record(e.kind, e.from.address, undefined, () => `${e.kind} ${endpointKey(e.from)} on ${where}`));
  };
  let reflector;
  let extra;
  try {
    reflector = await startReflector({ factory: nodeUdpFactory, clock: systemClock, primary, alternate, software: SERVE_SOFTWARE, limiter, onEvent });
    if (extraPortSpecs.length > 0) {
      extra = await startExtraPorts({
        udp: nodeUdpFactory,
        clock: systemClock,
        address: primary.address,
        ports: extraPortSpecs,
        software: SERVE_SOFTWARE,
        primary,
        limiter,
        maxTcpPerSource: tcpPerSource,
        onEvent: onPortEvent,
      });
    }
  } catch (err) {
    reflector?.close();
    const why = cannotListenReason(err);
    io.stderr.write(`natprobe: cannot listen: ${why}\n`);
    return 1;
  }
  if (extra) io.stdout.write(`${describeExtraPorts(extra)}\n`);
  io.stdout.write(
    `natprobe ${VERSION} serving STUN (RFC 5780${alternate ? '' : ', single address: no OTHER-ADDRESS, CHANGE-REQUEST refused'}) on ${reflector.endpoints.map(endpointKey).join(', ')}; at most ${ratePerSecond} answers/s per source (burst ${burst})\n`,
  );
  let intervalStart = performance.now();
  const ticker = setInterval(() => {
    intervalStart = performance.now();
    log(summary.flush(logInterval));
  }, logInterval * 1000);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Keeps the process alive: sockets alone do not hold the event loop for dgram in some cases.
    setInterval(() => undefined, 1 << 30);
  });
  clearInterval(ticker);
  reflector.close();
  extra?.close();
  // The last, partial interval says how long it really was.
  log(summary.flush(Math.max(1, Math.round((performance.now() - intervalStart) / 1000))));
  const answered = reflector.counters.answered + (extra?.counters.answered ?? 0);
  const dropped = reflector.counters.dropped + (extra?.counters.dropped ?? 0);
  io.stdout.write(`stopped after ${answered} answers, ${dropped} dropped packets, ${limiter.refused} rate-limited\n`);
  process.exit(0);
}

function wholeNumber(values: Map<string, string[]>, flag: string, min: number, max: number, fallback: number, unit: string): number {
  const text = values.get(flag)?.[0];
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${flag} must be a whole number of ${unit} from ${min} to ${max}`);
  }
  return Number(text);
}

function hasExplicitPort(text: string): boolean {
  return /\]:\d+$|^[^:[\]]+:\d+$/.test(text.trim());
}

function literalEndpoint(flag: string, text: string, defaultPort: number): { address: string; port: number } {
  const parsed = parseServerSpec(text);
  if (!parsed.ok) throw new UsageError(`${flag} ${parsed.error}`);
  const { host, port } = parsed.value;
  // An address to listen on must be a literal: "300.1.1.1" looked enough like one to pass a
  // digits-and-dots check and was then handed to the resolver (a DNS lookup, exit 1).
  if (!isIpLiteral(host)) {
    throw new UsageError(/^[\d.]+$/.test(host) ? `${flag} "${host}" is not an IP address` : `${flag} needs an IP address, not a hostname ("${host}")`);
  }
  // RESPONSE-ORIGIN and OTHER-ADDRESS name the address we listen on; "any" cannot be named.
  if (/^0\.0\.0\.0$|^::$/.test(host)) throw new UsageError(`${flag} needs a specific IP address of this host, not the wildcard ${host}`);
  return { address: host, port: hasExplicitPort(text) ? port : defaultPort };
}
