import { systemClock } from '../engine/clock';
import { parseServerSpec } from '../engine/discovery/serverSpec';
import { ipFamily, isUnspecified } from '../engine/net/ip';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import { endpointKey } from '../engine/net/udp';
import { DEFAULT_PORTS_TEXT } from '../engine/probes/ports';
import { type ExtraPortEvent, ListenerError, describeExtraPorts, startExtraPorts } from '../engine/server/extraPorts';
import { type ReflectorEvent, startReflector } from '../engine/server/reflector';
import { Rendezvous, SESSION_LIFETIME_MS } from '../engine/server/rendezvous';
import { SERVE_SOFTWARE } from '../engine/server/reflectorLogic';
import { ServeSummary } from '../engine/server/serveSummary';
import { DEFAULT_BURST, DEFAULT_GLOBAL_RATE_PER_SECOND, DEFAULT_RATE_PER_SECOND, SourceRateLimiter } from '../engine/server/sourceRateLimit';
import { VERSION } from '../version';
import { type Parsed, UsageError, noPositional, portList, wholeNumber } from './args';
import { type CliIo, EXIT, defineCommand } from './command';

const DEFAULT_STUN_PORT = 3478;

export const serveCommand = defineCommand({
  name: 'serve',
  operands: '--primary IP[:PORT]',
  summary: 'Runs an RFC 5780 STUN server, for diagnose --server (and --ports).',
  about: 'Runs an RFC 5780 STUN server. With --alternate (a second IP address of this host) it answers CHANGE-REQUEST and sends OTHER-ADDRESS, so filtering can be measured against it. Runs until SIGINT or SIGTERM, then prints what it answered.',
  flags: [
    { name: 'primary', value: 'IP[:PORT]', description: `Required. The address to answer on: an IP address of this host (not a hostname, not 0.0.0.0 or ::); port ${DEFAULT_STUN_PORT} if none is given. IPv6 with a port in brackets: [2001:db8::1]:3478.` },
    { name: 'alternate', value: 'IP[:PORT]', description: "A second IP address of this host (same family): then CHANGE-REQUEST is answered and OTHER-ADDRESS sent, so diagnose can measure filtering. Its port defaults to --primary's + 1." },
    { name: 'ports', value: 'LIST|default', description: `Also answers STUN on these UDP/TCP ports of --primary, for diagnose --ports ("default" = ${DEFAULT_PORTS_TEXT}).` },
    { name: 'rate', value: 'N', range: [1, 100_000], unit: 'answers a second per source', default: DEFAULT_RATE_PER_SECOND, description: 'Answers a second to one source (an IPv6 /64 counts as one).' },
    { name: 'burst', value: 'N', range: [1, 1_000_000], unit: 'answers', default: `the larger of ${DEFAULT_BURST} and --rate`, description: 'Answers one source may get at once before --rate applies.' },
    {
      name: 'global-rate',
      value: 'N',
      range: [1, 1_000_000],
      unit: 'answers a second, all sources together',
      default: DEFAULT_GLOBAL_RATE_PER_SECOND,
      description: 'Caps answers across all sources (at least --rate), so requests forged from many sources cannot each get a burst; also the most answered at once.',
    },
    { name: 'tcp-per-source', value: 'N', range: [1, 1024], unit: 'connections', default: 4, description: 'TCP connections one source may hold open (with --ports).' },
    { name: 'log-interval', value: 'S', range: [1, 86_400], unit: 'seconds', default: 60, description: 'Logs one summary line per interval on stderr.' },
    { name: 'rendezvous', description: `Also introduces two natprobe punch clients that present the same code to each other (their public and declared local addresses only; nothing is relayed; a session is forgotten after ${SESSION_LIFETIME_MS / 1000} s).` },
    { name: 'verbose', description: 'Adds up to 20 single events per interval to the log.' },
  ],
  exits: { ok: 'stopped by SIGINT or SIGTERM', failed: 'cannot listen (a port in use, an address this host does not have, a port below 1024 without the privilege)' },
  run,
});

async function run(args: Parsed, io: CliIo): Promise<number> {
  noPositional(args);
  const primaryText = args.value('primary');
  if (!primaryText) throw new UsageError('serve needs --primary IP[:PORT]');
  const primary = literalEndpoint('--primary', primaryText, DEFAULT_STUN_PORT);
  const alternateText = args.value('alternate');
  if (alternateText && !hasExplicitPort(alternateText) && primary.port === 65535) {
    throw new UsageError('--alternate needs a port (IP:PORT): the default, --primary\'s port + 1, would be 65536');
  }
  const alternate = alternateText ? literalEndpoint('--alternate', alternateText, primary.port + 1) : undefined;
  if (alternate) {
    if (alternate.address === primary.address) throw new UsageError('--alternate must be a different IP address from --primary (RFC 5780 §6)');
    if (alternate.port === primary.port) throw new UsageError('--alternate must use a different port from --primary (RFC 5780 §6)');
    if (alternate.address.includes(':') !== primary.address.includes(':')) throw new UsageError('--primary and --alternate must be the same address family');
  }
  const extraPortSpecs = portList(args) ?? [];
  const ratePerSecond = wholeNumber(args, 'rate')!;
  const burst = wholeNumber(args, 'burst', Math.max(DEFAULT_BURST, ratePerSecond))!;
  const globalPerSecond = wholeNumber(args, 'global-rate')!;
  if (globalPerSecond < ratePerSecond) throw new UsageError(`--global-rate ${globalPerSecond} must be at least --rate (${ratePerSecond}): one source alone would meet the cap`);
  const tcpPerSource = wholeNumber(args, 'tcp-per-source')!;
  const logInterval = wholeNumber(args, 'log-interval')!;
  const verbose = args.has('verbose');
  const rendezvous = args.has('rendezvous') ? new Rendezvous({ now: () => systemClock.now() }) : undefined;
  const limiter = new SourceRateLimiter({ ratePerSecond, burst, globalPerSecond }, () => systemClock.now());
  // One bounded summary line per interval; --verbose adds a few single events per interval.
  const summary = new ServeSummary({ detailPerInterval: verbose ? 20 : 0 });
  const log = (line: string | undefined): void => {
    if (line !== undefined) io.stderr.write(`${line}\n`);
  };
  const onEvent = (e: ReflectorEvent): void => {
    if (e.kind === 'send-failed') log(summary.record('send-failed', e.to.address, e.error, () => `send to ${endpointKey(e.to)} failed: ${e.error}`));
    else if (e.kind === 'answered') log(summary.record('answered', e.from.address, undefined, () => `answered ${endpointKey(e.from)} on ${endpointKey(e.on)} via ${endpointKey(e.via)} to ${endpointKey(e.to)}`));
    else if (e.kind === 'rate-limited' || e.kind === 'global-limited') log(summary.record(e.kind, e.from.address, undefined, () => `${e.kind} ${endpointKey(e.from)} on ${endpointKey(e.on)}`));
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
    reflector = await startReflector({ factory: nodeUdpFactory, clock: systemClock, primary, alternate, software: SERVE_SOFTWARE, limiter, onEvent, rendezvous });
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
    return EXIT.failed;
  }
  // Listening for the signals before saying "serving": a supervisor may stop us the moment it reads that.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  if (extra) io.stdout.write(`${describeExtraPorts(extra)}\n`);
  io.stdout.write(
    `natprobe ${VERSION} serving STUN (RFC 5780${alternate ? '' : ', single address: no OTHER-ADDRESS, CHANGE-REQUEST refused'}) on ${reflector.endpoints.map(endpointKey).join(', ')}${rendezvous ? ', with the punch rendezvous' : ''}; at most ${ratePerSecond} answers/s per source (burst ${burst}), ${globalPerSecond} answers/s in all\n`,
  );
  let intervalStart = performance.now();
  const ticker = setInterval(() => {
    intervalStart = performance.now();
    log(summary.flush(logInterval));
  }, logInterval * 1000);
  // Keeps the process alive: sockets alone do not hold the event loop for dgram in some cases.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await stopped;
  clearInterval(keepAlive);
  clearInterval(ticker);
  reflector.close();
  extra?.close();
  // The last, partial interval says how long it really was.
  log(summary.flush(Math.max(1, Math.round((performance.now() - intervalStart) / 1000))));
  const answered = reflector.counters.answered + (extra?.counters.answered ?? 0);
  const dropped = reflector.counters.dropped + (extra?.counters.dropped ?? 0);
  const introduced = rendezvous ? `, ${rendezvous.counters.introduced} rendezvous introductions (${rendezvous.counters.refused} joins refused)` : '';
  io.stdout.write(`stopped after ${answered} answers, ${dropped} dropped packets, ${limiter.refused} rate-limited, ${limiter.refusedGlobal} over the global cap${introduced}\n`);
  return EXIT.ok;
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

function hasExplicitPort(text: string): boolean {
  return /\]:\d+$|^[^:[\]]+:\d+$/.test(text.trim());
}

function literalEndpoint(flag: string, text: string, defaultPort: number): { address: string; port: number } {
  const parsed = parseServerSpec(text);
  if (!parsed.ok) throw new UsageError(`${flag} ${parsed.error}`);
  const { host, port } = parsed.value;
  // An address to listen on must be a literal: "300.1.1.1" looked enough like one to pass a
  // digits-and-dots check and was then handed to the resolver (a DNS lookup, exit 1).
  if (!ipFamily(host)) {
    throw new UsageError(/^[\d.]+$/.test(host) ? `${flag} "${host}" is not an IP address` : `${flag} needs an IP address, not a hostname ("${host}")`);
  }
  // RESPONSE-ORIGIN and OTHER-ADDRESS name the address we listen on; "any" cannot be named.
  if (isUnspecified(host)) throw new UsageError(`${flag} needs a specific IP address of this host, not the wildcard ${host}`);
  return { address: host, port: hasExplicitPort(text) ? port : defaultPort };
}
