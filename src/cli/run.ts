import * as os from 'node:os';
import { systemClock } from '../engine/clock';
import { DEFAULT_BUDGET_MS, DEFAULT_SERVERS } from '../engine/defaults';
import type { LocalInterface } from '../engine/discovery/cgnat';
import { diagnose } from '../engine/discovery/discover';
import { systemResolver } from '../engine/discovery/resolve';
import { type ServerSpec, parseServerSpec } from '../engine/discovery/serverSpec';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import { nodeTcpConnector } from '../engine/net/tcp';
import { DEFAULT_PORTS_TEXT, type PortSpec, parsePortList } from '../engine/probes/ports';
import { type TurnUrl, parseTurnUrl } from '../engine/probes/turn';
import { describeExtraPorts, startExtraPorts } from '../engine/server/extraPorts';
import { endpointKey } from '../engine/net/udp';
import { startReflector } from '../engine/server/reflector';
import { renderText } from '../report/renderText';
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
  natprobe lint FILE... [--json] [--format auto|wireguard|openvpn] [--report REPORT.json] [--fix]
  natprobe compare A.json B.json [--json]
  natprobe reach FILE [--peer PUBLICKEY | --remote N] [--json] [--budget MS] [--report REPORT.json] [--yes]
  natprobe --version | --help

diagnose  Finds the NAT's mapping and filtering behaviour (RFC 5780), the public address,
          port preservation and signs of carrier-grade NAT. Without --server it asks:
          ${DEFAULT_SERVERS.join(', ')}
          --ports tests VPN ports (e.g. udp:51820,tcp:443; "default" = ${DEFAULT_PORTS_TEXT})
          against the first server, which must run serve --ports. --turn allocates once on a
          TURN server (password from NATPROBE_TURN_PASS) and frees it. --port-mapping asks the
          default gateway, read-only, for NAT-PMP/PCP/UPnP and its external address (CGNAT and
          double-NAT evidence); off by default since the gateway is not a configured server.
          --lifetime measures how long the NAT keeps an idle UDP mapping (takes about that long,
          up to --lifetime-max, default 120 s) for keepalive advice. --hairpin sends one packet to
          our own public mapping (opt-in: some firewalls log it as an attack).
          --stream prints one JSON object per line: {"event":"log"|"lifetime"|"quick"|"report"}.
          SIGINT cancels and still prints the report of what was measured.
          Exit: 0 report produced, 2 bad arguments, 3 nothing could be measured.
serve     An RFC 5780 STUN server. With --alternate (a second IP of this host) it answers
          CHANGE-REQUEST and sends OTHER-ADDRESS, so filtering can be measured against it.
          Ports default to 3478 (primary) and primary+1 (alternate). --ports also answers
          STUN on those UDP/TCP ports, for diagnose --ports.
compare   Predicts from two diagnose --json reports (this machine and a peer) whether a
          direct UDP path will form or traffic must be relayed, and why.
lint      Lints WireGuard and OpenVPN configs as wg and openvpn read them; prints
          file:line:col severity ID message. --report uses a diagnose --json report for the
          probe-aware rules; --fix applies the preferred fixes in place.
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
      io.stderr.write(`natprobe: ${err.message}\nRun "natprobe --help" for usage.\n`);
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
  const emit = (event: StreamEvent): void => {
    io.stdout.write(`${JSON.stringify(event)}\n`);
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
      log: stream ? (line) => emit({ event: 'log', line }) : verbose ? (line) => io.stderr.write(`natprobe: ${line}\n`) : undefined,
      onQuickVerdict: stream ? (report) => emit({ event: 'quick', report }) : undefined,
      ports,
      tcp: nodeTcpConnector(systemClock),
      turn,
      portMapping: args.flags.has('port-mapping') ? {} : undefined,
      lifetime,
      hairpin: args.flags.has('hairpin'),
    });
    if (stream) emit({ event: 'report', report });
    else io.stdout.write(args.flags.has('json') ? JSON.stringify(report, null, 2) + '\n' : renderText(report, { color: !!io.stdout.isTTY && !process.env.NO_COLOR }));
    return report.udp === 'yes' ? EXIT.ok : EXIT.nothingMeasured;
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

async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'primary', takesValue: true },
    { name: 'alternate', takesValue: true },
    { name: 'verbose', takesValue: false },
    { name: 'ports', takesValue: true },
  ]);
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const primaryText = args.values.get('primary')?.[0];
  if (!primaryText) throw new UsageError('serve needs --primary IP[:PORT]');
  const primary = literalEndpoint('--primary', primaryText, 3478);
  const alternateText = args.values.get('alternate')?.[0];
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
  const verbose = args.flags.has('verbose');
  let reflector;
  let extra;
  try {
    reflector = await startReflector({
      factory: nodeUdpFactory,
      primary,
      alternate,
      software: `natprobe ${VERSION}`,
      onEvent: verbose
        ? (e) =>
            io.stderr.write(
              e.kind === 'answered'
                ? `answered ${endpointKey(e.from)} on ${endpointKey(e.on)} via ${endpointKey(e.via)} to ${endpointKey(e.to)}\n`
                : e.kind === 'dropped'
                  ? `dropped from ${endpointKey(e.from)} on ${endpointKey(e.on)}: ${e.why}\n`
                  : `send to ${endpointKey(e.to)} failed: ${e.error}\n`,
            )
        : undefined,
    });
    if (extraPortSpecs.length > 0) {
      extra = await startExtraPorts({ udp: nodeUdpFactory, address: primary.address, ports: extraPortSpecs, software: `natprobe ${VERSION}`, primary });
    }
  } catch (err) {
    reflector?.close();
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'a port is already in use'
        : code === 'EADDRNOTAVAIL'
          ? 'this host does not have that address'
          : code === 'EACCES'
            ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE'
            : String(err);
    io.stderr.write(`natprobe: cannot listen: ${why}\n`);
    return 1;
  }
  if (extra) io.stdout.write(`${describeExtraPorts(extra)}\n`);
  io.stdout.write(
    `natprobe ${VERSION} serving STUN (RFC 5780${alternate ? '' : ', single address: no OTHER-ADDRESS, CHANGE-REQUEST refused'}) on ${reflector.endpoints.map(endpointKey).join(', ')}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Keeps the process alive: sockets alone do not hold the event loop for dgram in some cases.
    setInterval(() => undefined, 1 << 30);
  });
  reflector.close();
  extra?.close();
  io.stdout.write(`stopped after ${reflector.counters.answered} answers, ${reflector.counters.dropped} dropped packets\n`);
  process.exit(0);
}

function literalEndpoint(flag: string, text: string, defaultPort: number): { address: string; port: number } {
  const parsed = parseServerSpec(text);
  if (!parsed.ok) throw new UsageError(`${flag} ${parsed.error}`);
  const { host, port } = parsed.value;
  if (!/^[\d.]+$/.test(host) && !host.includes(':')) throw new UsageError(`${flag} needs an IP address, not a hostname ("${host}")`);
  const explicitPort = /\]:\d+$|^[^:[\]]+:\d+$/.test(text.trim());
  return { address: host, port: explicitPort ? port : defaultPort };
}
