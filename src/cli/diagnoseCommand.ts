import * as os from 'node:os';
import { systemClock } from '../engine/clock';
import { DEFAULT_BUDGET_MS, DEFAULT_SERVERS, MAX_BUDGET_MS, MIN_BUDGET_MS } from '../engine/defaults';
import type { LocalInterface } from '../engine/discovery/cgnat';
import { diagnose } from '../engine/discovery/discover';
import { systemResolver } from '../engine/discovery/resolve';
import { type ServerSpec, parseServerSpec } from '../engine/discovery/serverSpec';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import { nodeTcpConnector } from '../engine/net/tcp';
import { DEFAULT_PORTS_TEXT } from '../engine/probes/ports';
import { MAX_TURN_SERVERS } from '../engine/probes/turnRank';
import { renderText } from '../report/renderText';
import { safeJson, safeText } from '../report/safeText';
import type { StreamEvent } from '../report/streamEvents';
import { VERSION } from '../version';
import { type Parsed, UsageError, noPositional, portList, wholeNumber } from './args';
import { type CliIo, EXIT, defineCommand, interruptible } from './command';
import { TURN_ENVIRONMENT, TURN_FLAGS, turnOptions } from './turnOptions';

export const diagnoseCommand = defineCommand({
  name: 'diagnose',
  summary: "Finds the NAT's mapping and filtering behaviour (RFC 5780), the public address and signs of carrier-grade NAT.",
  about: "Finds the NAT's mapping and filtering behaviour (RFC 5780), the public address, port preservation and signs of carrier-grade NAT, and says what it means for a VPN. SIGINT cancels and still prints the report of what was measured.",
  flags: [
    { name: 'server', value: 'HOST[:PORT]', repeatable: true, default: DEFAULT_SERVERS.join(', '), description: 'A STUN server to ask (an RFC 5780 one, such as natprobe serve, also measures filtering). An IPv6 address with a port goes in brackets: [2001:db8::1]:3478.' },
    { name: 'json', description: 'Prints the report as one JSON object.' },
    { name: 'stream', description: 'Prints one JSON object per line: {"event":"log"|"lifetime"|"quick"|"report"}. Not with --json.' },
    { name: 'budget', value: 'MS', range: [MIN_BUDGET_MS, MAX_BUDGET_MS], unit: 'milliseconds', default: DEFAULT_BUDGET_MS, description: 'Time for the behaviour tests; the optional probes add their own.' },
    { name: 'verbose', description: 'Logs each step on stderr.' },
    { name: 'ports', value: 'LIST|default', description: `Tests VPN ports, e.g. udp:51820,tcp:443 ("default" = ${DEFAULT_PORTS_TEXT}) against the first server, which must run serve --ports.` },
    { name: 'turn', value: 'turn:HOST[:PORT]', repeatable: true, description: `Allocates once on a TURN server and frees it; repeat it (up to ${MAX_TURN_SERVERS}) to allocate on each in parallel and rank the relays by RTT. Needs --turn-user and a password.` },
    ...TURN_FLAGS,
    { name: 'no-port-mapping', description: 'Does not ask the default gateway. By default it is asked, read-only (NAT-PMP opcode 0, PCP ANNOUNCE, UPnP IGD GetExternalIPAddress; nothing is created), for its external address: the CGNAT and double-NAT evidence. It runs beside the tests, so a silent router costs no time.' },
    { name: 'port-mapping', description: 'The default now (kept so existing scripts work): the router is asked unless --no-port-mapping.' },
    { name: 'lifetime', description: 'Measures how long the NAT keeps an idle UDP mapping, for keepalive advice; takes about that long.' },
    { name: 'lifetime-max', value: 'S', range: [5, 3600], unit: 'seconds', default: 120, description: 'With --lifetime: the longest idle time tested.' },
    { name: 'lifetime-full', description: 'With --lifetime: keeps watching for an absolute timeout up to --lifetime-max after the idle timeout is known (otherwise about 1.2 × that timeout).' },
    { name: 'hairpin', description: 'Sends a few packets to our own public mapping (opt-in: some firewalls log it as an attack), only when two servers, or a server and the router, agree on that address.' },
  ],
  environment: [
    ...TURN_ENVIRONMENT,
    { name: 'NO_COLOR', meaning: 'Set (to anything): no colour in the text report. Colour is used only on a terminal.' },
  ],
  exits: { ok: 'a report with a measured public address', nothingMeasured: 'a report, but nothing about the NAT could be measured (no server answered usably)' },
  run,
});

async function run(args: Parsed, io: CliIo): Promise<number> {
  noPositional(args);
  const stream = args.has('stream');
  if (stream && args.has('json')) throw new UsageError('--stream and --json are two output formats: choose one');
  // --stream: one JSON object per line on stdout (log lines, lifetime progress, the quick
  // verdict, the final report), for programs that show results as they arrive (the extension).
  // safeJson: the values are what the servers sent, but no raw control character is in the text.
  const emit = (event: StreamEvent): void => {
    io.stdout.write(`${safeJson(event)}\n`);
  };
  const servers: ServerSpec[] = [];
  for (const text of args.all('server').length ? args.all('server') : DEFAULT_SERVERS) {
    const parsed = parseServerSpec(text);
    if (!parsed.ok) throw new UsageError(`--server ${parsed.error}`);
    servers.push(parsed.value);
  }
  const budgetMs = wholeNumber(args, 'budget')!;
  const ports = portList(args);
  const turn = turnOptions(args, io);
  const lifetimeMax = wholeNumber(args, 'lifetime-max')!;
  if (!args.has('lifetime')) {
    if (args.value('lifetime-max') !== undefined) throw new UsageError('--lifetime-max goes with --lifetime');
    if (args.has('lifetime-full')) throw new UsageError('--lifetime-full goes with --lifetime');
  }
  const lifetime = args.has('lifetime')
    ? {
        maxSeconds: lifetimeMax,
        full: args.has('lifetime-full'),
        // Progress on stderr, so --json output stays one object.
        onProgress: (p: { lowSeconds: number; highSeconds: number | null; elapsedMs: number }) =>
          stream ? emit({ event: 'lifetime', ...p }) : io.stderr.write(`natprobe: mapping lifetime: alive at ${p.lowSeconds} s${p.highSeconds !== null ? `, gone by ${p.highSeconds} s` : ''} (${Math.round(p.elapsedMs / 1000)} s elapsed)\n`),
      }
    : undefined;
  if (args.has('port-mapping') && args.has('no-port-mapping')) throw new UsageError('--port-mapping and --no-port-mapping contradict each other: choose one');
  const askRouter = !args.has('no-port-mapping');
  const verbose = args.has('verbose');
  return interruptible(async (signal) => {
    const report = await diagnose({
      servers,
      factory: nodeUdpFactory,
      clock: systemClock,
      resolve: systemResolver,
      interfaces: localInterfaces,
      budgetMs,
      signal,
      version: VERSION,
      // Log lines quote servers (SOFTWARE, reason phrases, realms): shown only through safeText.
      log: stream ? (line) => emit({ event: 'log', line: safeText(line) }) : verbose ? (line) => io.stderr.write(`natprobe: ${safeText(line)}\n`) : undefined,
      onQuickVerdict: stream ? (report) => emit({ event: 'quick', report }) : undefined,
      ports,
      tcp: nodeTcpConnector(systemClock),
      turn,
      portMapping: askRouter ? {} : undefined,
      lifetime,
      hairpin: args.has('hairpin'),
    });
    if (stream) emit({ event: 'report', report });
    else io.stdout.write(args.has('json') ? safeJson(report, 2) + '\n' : renderText(report, { color: !!io.stdout.isTTY && !process.env.NO_COLOR }));
    // A server that answers only unusably proves UDP works, but nothing about the NAT was measured.
    return report.udp === 'yes' && report.publicEndpoints.length > 0 ? EXIT.ok : EXIT.nothingMeasured;
  });
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
