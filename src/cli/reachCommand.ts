import * as fs from 'node:fs';
import { systemClock } from '../engine/clock';
import { systemResolver } from '../engine/discovery/resolve';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import { nodeTcpConnector } from '../engine/net/tcp';
import { reachConfig, type ReachResult } from '../engine/reach';
import { keyFileReader } from '../engine/reach/openvpn/keyFiles';
import { detectFormat } from '../lint/detectFormat';
import type { Report } from '../report/report';
import { UsageError, parseArgs } from './args';
import { readReport } from './compareCommand';
import { checkLiveTunnel } from './liveTunnel';
import type { CliIo } from './run';

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

/** `natprobe reach FILE [--peer PUBLICKEY|--remote N] [--json] [--budget MS] [--report R.json] [--yes]` */
export async function reachCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'peer', takesValue: true },
    { name: 'remote', takesValue: true },
    { name: 'json', takesValue: false },
    { name: 'budget', takesValue: true },
    { name: 'report', takesValue: true },
    { name: 'format', takesValue: true },
    { name: 'yes', takesValue: false },
  ]);
  if (args.positional.length !== 1) throw new UsageError('reach needs exactly one FILE');
  const file = args.positional[0];
  const budgetText = args.values.get('budget')?.[0];
  const budgetMs = budgetText === undefined ? DEFAULT_REACH_BUDGET_MS : Number(budgetText);
  if (!Number.isInteger(budgetMs) || budgetMs < 100 || budgetMs > 60000) throw new UsageError('--budget must be a whole number of ms from 100 to 60000');
  const peer = args.values.get('peer')?.[0];
  const remoteText = args.values.get('remote')?.[0];
  if (peer !== undefined && remoteText !== undefined) throw new UsageError('--peer (WireGuard) and --remote (OpenVPN) exclude each other');
  if (peer !== undefined && !/^[A-Za-z0-9+/=]{4,44}$/.test(peer)) throw new UsageError('--peer takes a peer PublicKey (or its first characters, at least 4)');
  const remote = remoteText === undefined ? undefined : Number(remoteText);
  if (remote !== undefined && (!Number.isInteger(remote) || remote < 1)) throw new UsageError('--remote takes a remote line number, 1 for the first');
  const formatText = args.values.get('format')?.[0] ?? 'auto';
  if (!['auto', 'wireguard', 'openvpn'].includes(formatText)) throw new UsageError('--format must be auto, wireguard or openvpn');
  let report: Report | undefined;
  const reportFile = args.values.get('report')?.[0];
  if (reportFile !== undefined) {
    try {
      report = readReport(reportFile);
    } catch (err) {
      throw err instanceof UsageError ? new UsageError(`--report ${err.message}`) : err;
    }
  }

  const text = readConfig(file);
  const format = formatText === 'auto' ? detectFormat(text, file) : (formatText as 'wireguard' | 'openvpn');
  if (!format) throw new UsageError(`${file}: neither a WireGuard nor an OpenVPN config as far as can be told; say which with --format`);
  if (format === 'wireguard' && remote !== undefined) throw new UsageError('--remote is for OpenVPN configs; a WireGuard peer is chosen with --peer');
  if (format === 'openvpn' && peer !== undefined) throw new UsageError('--peer is for WireGuard configs; an OpenVPN remote is chosen with --remote');

  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  const notes: string[] = [];
  let heldBack: string | undefined;
  let results: ReachResult[];
  try {
    results = await reachConfig(text, format, {
      env: { udp: nodeUdpFactory, tcp: nodeTcpConnector(systemClock), clock: systemClock, resolve: systemResolver, budgetMs, signal: abort.signal },
      ...(peer !== undefined ? { peer } : {}),
      ...(remote !== undefined ? { remote } : {}),
      ...(report ? { report } : {}),
      liveTunnel: async (ownPublicKey) => {
        if (args.flags.has('yes')) return undefined;
        const check = await checkLiveTunnel(file, ownPublicKey);
        if (check.note) notes.push(check.note);
        heldBack = check.reason;
        return check.reason ? `Not sent: ${check.reason}.` : undefined;
      },
      readFile: keyFileReader(file),
    });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (results.length === 0) {
    const what = peer !== undefined ? `no [Peer] with PublicKey starting ${peer} has an Endpoint` : format === 'wireguard' ? 'no [Peer] has an Endpoint' : 'no remote line';
    if (args.flags.has('json')) io.stdout.write(JSON.stringify({ file, format, results: [], notes: [what, ...notes] }, null, 2) + '\n');
    else io.stdout.write(`${file}: nothing to test: ${what}.\n`);
    return 1;
  }

  if (args.flags.has('json')) {
    // heldBack: why nothing was sent (a live tunnel with this key); --yes sends anyway.
    io.stdout.write(JSON.stringify({ file, format, results, notes, ...(heldBack ? { heldBack } : {}) }, null, 2) + '\n');
  } else {
    for (const n of notes) io.stdout.write(`note: ${n}\n`);
    for (const r of results) io.stdout.write(renderResult(r));
  }
  return results.every((r) => r.outcome === 'reachable') ? 0 : 1;
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

function readConfig(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!stat.isFile()) throw new UsageError(`${file} is not a file`);
  if (stat.size > MAX_CONFIG_BYTES) throw new UsageError(`${file} is larger than 1 MB: not a VPN config`);
  return fs.readFileSync(file, 'utf8');
}
