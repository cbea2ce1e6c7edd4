import * as os from 'node:os';
import { systemClock } from '../engine/clock';
import { type DirectVerdict, compareReports } from '../engine/compare';
import { resolveWithin, systemResolver } from '../engine/discovery/resolve';
import { parseServerSpec } from '../engine/discovery/serverSpec';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import { isGlobalUnicastIPv6 } from '../engine/net/ip';
import { type Endpoint, endpointKey } from '../engine/net/udp';
import { deriveKeys, newCode, parseCode } from '../engine/punch/code';
import { DEFAULT_BUDGET_MS, DEFAULT_LOW_TTL, runPunch } from '../engine/punch/punch';
import type { OwnMapping, PunchResult } from '../engine/punch/result';
import { relayForPair } from '../engine/punch/relayForPair';
import type { PunchTurnServer } from '../engine/punch/relays';
import { turnUrlText } from '../engine/discovery/optionalProbes';
import { MAX_TURN_SERVERS } from '../engine/probes/turnRank';
import type { Report } from '../report/report';
import type { RelayChoice } from '../engine/relayChoice';
import { safeDeep, safeJson, safeText } from '../report/safeText';
import { type Parsed, UsageError, noPositional, wholeNumber } from './args';
import { type CliIo, EXIT, defineCommand, interruptible } from './command';
import { readReport } from './reportFile';
import { TURN_ENVIRONMENT, TURN_FLAGS, turnOptions } from './turnOptions';

const DEFAULT_RENDEZVOUS_PORT = 3478;

export const punchCommand = defineCommand({
  name: 'punch',
  operands: '--via HOST[:PORT]',
  summary: 'Proves (or disproves) a direct UDP path to a peer with a real hole punch.',
  about:
    'Meets the peer at a rendezvous (natprobe serve --rendezvous) under a six-word code, then both ends send authenticated connectivity checks (STUN Binding with MESSAGE-INTEGRITY keyed from the code, RFC 8445 style) to every address of the other (its public IPv4 address and the host addresses it declares: IPv4, and global IPv6 from an IPv6 socket of its own) until one is answered or the budget ends; the first pair answered wins, and the IPv6 checks, needing no small-TTL start, get there first when both families work. Says whether a direct path formed, over which pair (host↔host on one LAN, srflx↔srflx across NATs, prflx when a NAT changed the port, predicted for a port found by port prediction or the many-sockets method), how long it took, the RTT over it, and compare\'s prediction beside it; a "no" says what would be needed. With --turn, both ends also measure their TURN servers beside the punch and, when no direct path forms, name the relay with the lowest sum of both ends\' RTTs. Only the rendezvous, the addresses it names for the peer and your own --turn servers are contacted; nothing is relayed.',
  flags: [
    { name: 'via', value: 'HOST[:PORT]', description: `Required. The rendezvous: a host running natprobe serve --rendezvous (port ${DEFAULT_RENDEZVOUS_PORT} if none is given). Both ends name the same one.` },
    { name: 'code', value: 'CODE', description: 'Joins the peer that printed this code (other users of this machine can read a command line: NATPROBE_PUNCH_CODE is safer). Without it, a fresh code is printed (on stderr) to give to the peer, and punch waits up to 60 s for it.' },
    { name: 'budget', value: 'MS', range: [1000, 120_000], unit: 'ms', default: DEFAULT_BUDGET_MS, description: 'How long to try once the peer is known, in milliseconds.' },
    { name: 'ttl', value: 'N', range: [0, 32], unit: 'hops', default: `measured (${DEFAULT_LOW_TTL} when it cannot be)`, description: `TTL of the first checks: enough to leave your own NAT(s), too little to reach the peer's. Without it, punch measures the smallest TTL that opens your outermost NAT (needs serve --alternate; ${DEFAULT_LOW_TTL} when it cannot tell, and the result says why); 0 sends every check with the normal TTL.` },
    { name: 'report', value: 'REPORT.json', description: 'This end\'s diagnose --json report; with --peer-report, compare\'s prediction is shown beside the proof.' },
    { name: 'peer-report', value: 'REPORT.json', description: 'The peer\'s diagnose --json report.' },
    { name: 'turn', value: 'turn:HOST[:PORT]', repeatable: true, description: `A TURN server for the fallback: allocated on once while the punch runs (all of them in parallel, up to ${MAX_TURN_SERVERS}), freed at once, ranked by RTT; each server's address and this end's RTT go to the peer through the rendezvous. When no direct path forms, the relay with the lowest sum of both ends' RTTs is named. Needs --turn-user and a password.` },
    ...TURN_FLAGS,
    { name: 'json', description: 'Prints one JSON object: direct, reason, pair (kind, family 4 or 6, local, remote), ms, rttMs, prediction, agrees, packets, symmetric, ttl (the small TTL used: value, source measured/flag/default, natDepth, hops, reason), rendezvous, contacted, relay (when no direct path formed: the relay with the lowest sum of both ends\' RTTs, from --turn on both ends or the two reports), relays (this end\'s TURN servers, ranked), peerRelays (the peer\'s figures).' },
  ],
  environment: [{ name: 'NATPROBE_PUNCH_CODE', meaning: 'The code to join with, instead of --code (kept out of the process list).' }, ...TURN_ENVIRONMENT],
  exits: {
    ok: 'a direct path was made',
    failed: 'no direct path (or the peer did not come, or the rendezvous refused the code)',
    nothingMeasured: 'the rendezvous could not be reached',
  },
  run,
});

async function run(args: Parsed, io: CliIo): Promise<number> {
  noPositional(args);
  const viaText = args.value('via');
  if (!viaText) throw new UsageError('punch needs --via HOST[:PORT] (a host running natprobe serve --rendezvous)');
  const via = parseServerSpec(viaText);
  if (!via.ok) throw new UsageError(`--via ${via.error}`);
  // The code is the session's only secret: from the environment it stays out of the process list.
  const fromEnv = process.env.NATPROBE_PUNCH_CODE?.trim() || undefined;
  if (fromEnv !== undefined && args.value('code') !== undefined) throw new UsageError('--code and NATPROBE_PUNCH_CODE both give a code: choose one');
  const codeText = args.value('code') ?? fromEnv;
  const parsed = codeText === undefined ? undefined : parseCode(codeText);
  if (parsed && !parsed.ok) throw new UsageError(`${fromEnv !== undefined ? 'NATPROBE_PUNCH_CODE' : '--code'}: ${parsed.error}`);
  const budgetMs = wholeNumber(args, 'budget')!;
  const lowTtl = wholeNumber(args, 'ttl');
  const reportFile = args.value('report');
  const peerReportFile = args.value('peer-report');
  if ((reportFile === undefined) !== (peerReportFile === undefined)) throw new UsageError('--report and --peer-report go together (compare needs both ends)');
  const reports = reportFile && peerReportFile ? { own: readReport(reportFile), peer: readReport(peerReportFile) } : undefined;
  const prediction: DirectVerdict = reports
    ? compareReports(reports.own, reports.peer)
    : { direct: 'unknown', reason: 'no prediction: give --report (this end\'s diagnose --json) and --peer-report (the peer\'s) to see compare\'s beside the proof' };
  const json = args.has('json');
  const turn = turnOptions(args, io);

  const [resolved, turnServers] = await Promise.all([resolveWithin(systemResolver, via.value.host, systemClock, 5000), resolveTurn(turn)]);
  if (!resolved.ok) {
    io.stderr.write(`natprobe: ${resolved.error}\n`);
    return EXIT.nothingMeasured;
  }
  const v4 = resolved.addresses.find((a) => a.family === 4);
  if (!v4) {
    io.stderr.write(`natprobe: ${via.value.host} has no IPv4 address; punch meets its peer over IPv4 (the checks may then go over IPv6)\n`);
    return EXIT.nothingMeasured;
  }
  const rendezvous: Endpoint = { address: v4.address, port: via.value.port || DEFAULT_RENDEZVOUS_PORT };
  const code = parsed?.ok ? parsed.code : newCode();
  if (!parsed) {
    const viaShown = viaText.replace(/[^\x21-\x7e]/g, '');
    io.stderr.write(`Code: ${code}\nOn the peer, within 60 s: natprobe punch --via ${viaShown} --code ${code}\n`);
  }
  const keys = deriveKeys(code);
  const result: PunchResult = await interruptible((signal) =>
    runPunch({
      factory: nodeUdpFactory,
      clock: systemClock,
      rendezvous,
      keys,
      // A rendezvous on loopback is a test on one host: no interface address is declared or contacted.
      hostAddresses: rendezvous.address.startsWith('127.') ? [] : hostAddresses(),
      budgetMs,
      lowTtl,
      reportedOwnMapping: reports ? reportedMapping(reports.own) : undefined,
      reportedPeerMapping: reports ? reportedMapping(reports.peer) : undefined,
      turn: turnServers,
      signal,
      onProgress: json
        ? undefined
        : (e) => {
            if (e.kind === 'waiting') io.stderr.write(`Waiting for the peer (our public address as the rendezvous sees it: ${endpointKey(e.reflexive)})…\n`);
            if (e.kind === 'introduced') io.stderr.write(`Peer found at ${endpointKey(e.peer.reflexive)}; checking ${1 + e.peer.candidates.length} address(es)…\n`);
          },
    }),
  );
  // No direct path: the relay with the lowest sum of both ends' RTTs, measured by this punch
  // (ours, and the peer's through the rendezvous) or, where it measured nothing, the reports'.
  const relay =
    result.direct !== 'yes' && result.rendezvous !== 'unreachable'
      ? relayForPair({ own: result.relays, peer: result.peerRelays, ownReport: reports ? safeDeep(reports.own) : undefined, peerReport: reports ? safeDeep(reports.peer) : undefined })
      : undefined;
  io.stdout.write(json ? `${safeJson(toJson(result, prediction, relay), 2)}\n` : renderText(result, prediction, relay));
  if (result.rendezvous === 'unreachable') return EXIT.nothingMeasured;
  return result.direct === 'yes' ? EXIT.ok : EXIT.failed;
}

/** Each --turn host resolved (IPv4 first, like the rest of punch); one that does not resolve is reported, not contacted. */
async function resolveTurn(turn: ReturnType<typeof turnOptions>): Promise<PunchTurnServer[] | undefined> {
  if (!turn) return undefined;
  return Promise.all(
    turn.map(async ({ url, username, password }) => {
      const text = turnUrlText(url);
      const r = await resolveWithin(systemResolver, url.host, systemClock, 5000);
      const address = r.ok ? (r.addresses.find((a) => a.family === 4) ?? r.addresses[0]) : undefined;
      return address ? { url: text, server: { address: address.address, port: url.port }, username, password } : { url: text, unresolved: r.ok ? 'no address' : r.error, username, password };
    }),
  );
}

/** A report's mapping in the terms the many-sockets method needs. */
function reportedMapping(r: Report): OwnMapping {
  const v = r.mapping.value;
  if (v === 'endpoint-independent' || v === 'none') return 'endpoint-independent';
  if (v === 'address-dependent' || v === 'address-and-port-dependent' || r.natType.value === 'symmetric') return 'endpoint-dependent';
  return 'unknown';
}

/**
 * This host's addresses, declared to the peer as host candidates (RFC 8445 §5.1.1.1): every IPv4
 * one, and every global IPv6 one (2000::/3; link-local, unique local and loopback never). Node
 * does not tell temporary (RFC 8981) from stable addresses, nor deprecated ones: all global ones
 * are offered, in the kernel's order, within the engine's bound.
 */
export function hostAddresses(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
  const all = Object.values(interfaces)
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => !!i && !i.internal);
  // Node 18.0-18.3 gave the family as a number.
  const family = (i: os.NetworkInterfaceInfo): string => String(i.family as unknown);
  return [
    ...all.filter((i) => family(i) === 'IPv4' || family(i) === '4').map((i) => i.address),
    ...all.filter((i) => (family(i) === 'IPv6' || family(i) === '6') && isGlobalUnicastIPv6(i.address)).map((i) => i.address),
  ];
}

export function toJson(r: PunchResult, prediction: DirectVerdict, relay?: RelayChoice): object {
  return {
    direct: r.direct,
    reason: r.reason,
    pair: r.pair ? { kind: r.pair.kind, family: r.pair.family, local: endpointKey(r.pair.localEndpoint), remote: endpointKey(r.pair.remoteEndpoint) } : null,
    ms: r.ms ?? null,
    rttMs: r.rttMs ?? null,
    prediction,
    agrees: agreement(r, prediction),
    packets: r.packets,
    symmetric: r.symmetric,
    ttl: r.ttl,
    rendezvous: r.rendezvous,
    contacted: r.contacted,
    relay: relay ?? null,
    relays: r.relays ?? null,
    peerRelays: r.peerRelays ? r.peerRelays.map((f) => ({ server: endpointKey(f.server), rttMs: f.rttMs })) : null,
  };
}

/** yes/no when both the proof and the prediction are known; unknown otherwise. */
function agreement(r: PunchResult, p: DirectVerdict): 'yes' | 'no' | 'unknown' {
  if (r.direct === 'unknown' || p.direct === 'unknown') return 'unknown';
  return r.direct === p.direct ? 'yes' : 'no';
}

export function renderText(r: PunchResult, prediction: DirectVerdict, relay?: RelayChoice): string {
  const lines: string[] = [];
  if (r.direct === 'yes' && r.pair) {
    lines.push(`Direct path: yes, ${r.pair.kind}${r.pair.family === 6 ? ' over IPv6' : ''} (${endpointKey(r.pair.localEndpoint)} ↔ ${endpointKey(r.pair.remoteEndpoint)}) in ${r.ms} ms, RTT ${r.rttMs} ms`);
  } else {
    lines.push(`Direct path: ${r.direct}`);
  }
  lines.push(r.reason);
  lines.push(`Predicted by compare: ${prediction.direct}: ${prediction.reason}`);
  if (agreement(r, prediction) === 'no') lines.push('The proof and the prediction disagree: the proof is what happened on this path; the prediction came from the two reports.');
  if (r.relays?.length) {
    lines.push(`Relays from this end: ${r.relays.map((t) => `${t.url} ${t.value === 'yes' ? (t.rttMs !== null ? `${t.rttMs} ms` : 'yes, no RTT') : `${t.value} (${safeText(t.error ?? '')})`}${t.value === 'yes' && t.released !== true ? ', not confirmed freed' : ''}`).join(', ')}`);
  }
  if (r.peerRelays?.length) lines.push(`Relays from the peer: ${r.peerRelays.map((f) => `${endpointKey(f.server)} ${typeof f.rttMs === 'number' ? `${f.rttMs} ms` : f.rttMs === 'failed' ? 'failed' : f.rttMs === 'no-rtt' ? 'allocated, no RTT' : 'not measured in time'}`).join(', ')}`);
  if (relay) lines.push(`Best relay for this pair: ${relay.url} (${relay.reason})`);
  lines.push(`Small TTL: ${r.ttl.reason}`);
  lines.push(`Packets: ${r.packets.sent} sent (${r.packets.lowTtl} with the small TTL), ${r.packets.received} received`);
  const s = r.symmetric;
  lines.push(
    `Our mapping: ${s.ownMapping}${s.tried === 'many-sockets' ? `; many-sockets method: ${s.packets} sockets opened towards the peer` : s.tried === 'random-ports' ? `; many-sockets method: ${s.packets} probes to random ports of the peer` : ''}`,
  );
  lines.push(`Contacted: ${r.contacted.map((c) => `${endpointKey(c)} (${c.role}, ${c.packets})`).join(', ') || 'nothing'}`);
  return `${lines.join('\n')}\n`;
}
