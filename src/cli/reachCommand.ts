import { systemClock } from '../engine/clock';
import { systemResolver } from '../engine/discovery/resolve';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import { nodeTcpConnector } from '../engine/net/tcp';
import { reachConfig, type ReachResult } from '../engine/reach';
import { keyFileReader } from '../engine/reach/openvpn/keyFiles';
import { detectFormat } from '../lint/detectFormat';
import { type Parsed, UsageError, configFormat, configFormatFlag, wholeNumber } from './args';
import { type CliIo, EXIT, defineCommand, interruptible } from './command';
import { checkLiveTunnel } from './liveTunnel';
import { readNamedFile } from './readRegularFile';
import { reportOption } from './reportFile';

/** A VPN config is a few KB; anything this large is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;
export const DEFAULT_REACH_BUDGET_MS = 3000;

const WORDS: Record<ReachResult['outcome'], string> = {
  reachable: 'reachable',
  'no-answer': 'no answer',
  refused: 'refused',
  unresolved: 'could not resolve',
  'not-tested': 'not tested',
  error: 'unexpected answer',
};

export const reachCommand = defineCommand({
  name: 'reach',
  operands: 'FILE',
  summary: 'Tests whether a VPN config\'s endpoints answer, with the config\'s own first packet.',
  about:
    'Sends the first packet of the config\'s own protocol, with its own keys, to each endpoint (WireGuard: one handshake initiation per [Peer] with an Endpoint; OpenVPN: one hard reset per remote) and says what came back: reachable (with the RTT), no answer (and what that can mean), refused, or could not resolve. No tunnel, no root; key material is never printed. A WireGuard tunnel with this key that is up here is not disturbed unless --yes.',
  flags: [
    { name: 'peer', value: 'PUBLICKEY', description: 'WireGuard: tests only the [Peer] whose PublicKey starts with this (at least 4 characters).' },
    { name: 'remote', value: 'N', description: 'OpenVPN: tests only the Nth remote line, 1 for the first.' },
    { name: 'json', description: 'Prints the results as JSON (file, format, results, notes).' },
    { name: 'budget', value: 'MS', range: [100, 60000], unit: 'ms', default: DEFAULT_REACH_BUDGET_MS, description: 'How long to wait for each endpoint, in milliseconds.' },
    { name: 'report', value: 'REPORT.json', description: 'A diagnose --json report: narrows what silence from an endpoint can mean.' },
    configFormatFlag('How to read FILE; auto tells from the content.'),
    { name: 'yes', description: 'Sends even when a WireGuard tunnel with this key is up here (the server would move that peer\'s endpoint to the probe).' },
  ],
  exits: { ok: 'every endpoint answered', failed: 'an endpoint did not answer, was refused or could not be resolved, or there was nothing to test' },
  run,
});

/** `natprobe reach FILE [--peer PUBLICKEY|--remote N] [--json] [--budget MS] [--report R.json] [--yes]` */
async function run(args: Parsed, io: CliIo): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('reach needs exactly one FILE');
  const file = args.positional[0];
  const budgetMs = wholeNumber(args, 'budget')!;
  const peer = args.value('peer');
  const remoteText = args.value('remote');
  if (peer !== undefined && remoteText !== undefined) throw new UsageError('--peer (WireGuard) and --remote (OpenVPN) exclude each other');
  if (peer !== undefined && !/^[A-Za-z0-9+/=]{4,44}$/.test(peer)) throw new UsageError('--peer takes a peer PublicKey (or its first characters, at least 4)');
  const remote = remoteText === undefined ? undefined : Number(remoteText);
  if (remote !== undefined && (!Number.isInteger(remote) || remote < 1)) throw new UsageError('--remote takes a remote line number, 1 for the first');
  const formatOption = configFormat(args, 'format');
  const report = reportOption(args, 'report');

  const text = readNamedFile(file, MAX_CONFIG_BYTES, 'too large for a VPN config').toString('utf8');
  const format = formatOption === 'auto' ? detectFormat(text, file) : formatOption;
  if (!format) throw new UsageError(`${file}: neither a WireGuard nor an OpenVPN config as far as can be told; say which with --format`);
  if (format === 'wireguard' && remote !== undefined) throw new UsageError('--remote is for OpenVPN configs; a WireGuard peer is chosen with --peer');
  if (format === 'openvpn' && peer !== undefined) throw new UsageError('--peer is for WireGuard configs; an OpenVPN remote is chosen with --remote');

  const notes: string[] = [];
  let heldBack: string | undefined;
  let results: ReachResult[];
  try {
    results = await interruptible((signal) =>
      reachConfig(text, format, {
        env: { udp: nodeUdpFactory, tcp: nodeTcpConnector(systemClock), clock: systemClock, resolve: systemResolver, budgetMs, signal },
        ...(peer !== undefined ? { peer } : {}),
        ...(remote !== undefined ? { remote } : {}),
        ...(report ? { report } : {}),
        liveTunnel: async (ownPublicKey) => {
          if (args.has('yes')) return undefined;
          const check = await checkLiveTunnel(file, ownPublicKey);
          if (check.note) notes.push(check.note);
          heldBack = check.reason;
          return check.reason ? `Not sent: ${check.reason}.` : undefined;
        },
        readFile: keyFileReader(file),
      }),
    );
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
  if (results.length === 0) {
    const what = peer !== undefined ? `no [Peer] with PublicKey starting ${peer} has an Endpoint` : format === 'wireguard' ? 'no [Peer] has an Endpoint' : 'no remote line';
    if (args.has('json')) io.stdout.write(JSON.stringify({ file, format, results: [], notes: [what, ...notes] }, null, 2) + '\n');
    else io.stdout.write(`${file}: nothing to test: ${what}.\n`);
    return EXIT.failed;
  }

  if (args.has('json')) {
    // heldBack: why nothing was sent (a live tunnel with this key); --yes sends anyway.
    io.stdout.write(JSON.stringify({ file, format, results, notes, ...(heldBack ? { heldBack } : {}) }, null, 2) + '\n');
  } else {
    for (const n of notes) io.stdout.write(`note: ${n}\n`);
    for (const r of results) io.stdout.write(renderResult(r));
  }
  return results.every((r) => r.outcome === 'reachable') ? EXIT.ok : EXIT.failed;
}

export function renderResult(r: ReachResult): string {
  const t = r.target;
  const at = `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}/${t.transport}`;
  const rtt = r.rttMs !== undefined ? ` (${r.rttMs} ms)` : '';
  const lines = [`${t.label} ${at}: ${WORDS[r.outcome]}${rtt} — ${r.summary}`];
  for (const e of r.evidence) lines.push(`    · ${e}`);
  if (r.possibleCauses && r.possibleCauses.length > 0 && r.outcome !== 'reachable') {
    lines.push(`    possible causes: ${r.possibleCauses.join('; ')}`);
  }
  if (r.nextStep) lines.push(`    next: ${r.nextStep}`);
  return lines.join('\n') + '\n';
}
