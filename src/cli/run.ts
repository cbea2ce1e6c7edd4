import * as os from 'node:os';
import { systemClock } from '../engine/clock';
import { DEFAULT_BUDGET_MS, DEFAULT_SERVERS } from '../engine/defaults';
import type { LocalInterface } from '../engine/discovery/cgnat';
import { diagnose } from '../engine/discovery/discover';
import { systemResolver } from '../engine/discovery/resolve';
import { type ServerSpec, parseServerSpec } from '../engine/discovery/serverSpec';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import { endpointKey } from '../engine/net/udp';
import { startReflector } from '../engine/server/reflector';
import { renderText } from '../report/renderText';
import { VERSION } from '../version';
import { UsageError, parseArgs } from './args';
import { compareCommand } from './compareCommand';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

export const EXIT = { ok: 0, usage: 2, nothingMeasured: 3 } as const;

const USAGE = `natprobe ${VERSION} — NAT diagnosis for VPNs

Usage:
  natprobe diagnose [--server HOST[:PORT]]... [--json] [--budget MS] [--verbose]
  natprobe serve --primary IP[:PORT] [--alternate IP[:PORT]] [--verbose]
  natprobe compare A.json B.json [--json]
  natprobe --version | --help

diagnose  Finds the NAT's mapping and filtering behaviour (RFC 5780), the public address,
          port preservation and signs of carrier-grade NAT. Without --server it asks:
          ${DEFAULT_SERVERS.join(', ')}
          Exit: 0 report produced, 2 bad arguments, 3 nothing could be measured.
serve     An RFC 5780 STUN server. With --alternate (a second IP of this host) it answers
          CHANGE-REQUEST and sends OTHER-ADDRESS, so filtering can be measured against it.
          Ports default to 3478 (primary) and primary+1 (alternate).
compare   Predicts from two diagnose --json reports (this machine and a peer) whether a
          direct UDP path will form or traffic must be relayed, and why.
`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'diagnose':
        return await diagnoseCommand(rest, io);
      case 'serve':
        return await serveCommand(rest, io);
      case 'compare':
        return await compareCommand(rest, io);
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
    { name: 'budget', takesValue: true },
    { name: 'verbose', takesValue: false },
    { name: 'help', takesValue: false },
  ]);
  if (args.flags.has('help')) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
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
      log: verbose ? (line) => io.stderr.write(`natprobe: ${line}\n`) : undefined,
    });
    io.stdout.write(args.flags.has('json') ? JSON.stringify(report, null, 2) + '\n' : renderText(report, { color: !!io.stdout.isTTY && !process.env.NO_COLOR }));
    return report.udp === 'yes' ? EXIT.ok : EXIT.nothingMeasured;
  } finally {
    process.off('SIGINT', onSignal);
  }
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
  const verbose = args.flags.has('verbose');
  let reflector;
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
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EADDRNOTAVAIL' ? 'this host does not have that address' : String(err);
    io.stderr.write(`natprobe: cannot listen: ${why}\n`);
    return 1;
  }
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
