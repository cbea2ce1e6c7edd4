import { recommend } from '../engine/discovery/recommend';
import { isRoutableLocal, offlineEvidence } from './offline';
import { parseReport } from './parseReport';
import type { MappingLifetime, PortResult, Report } from './report';

/**
 * The results of this machine, per network, so they add up instead of replacing each other.
 * Each run is one of three kinds, and each part of the picture has its own time:
 *  - the behaviour (mapping, filtering, CGNAT, servers…) comes from the latest diagnosis or
 *    lifetime run on that network; a port test (which diagnoses against the ports server only,
 *    often a single-address `natprobe serve`) refreshes it only when it told both mapping and
 *    filtering, so a poorer verdict never replaces a fuller one;
 *  - the mapping lifetime stays until it is measured again on that network;
 *  - each port's result stays until that port is tested again on that network.
 * A cancelled or failed run never replaces a good part; an offline run replaces nothing and
 * only marks the picture "offline" until a run reaches a network again. Pure (no vscode): the
 * extension keeps the state in globalState (lastReport.ts).
 *
 * "The same network", when both runs saw a public address: a public address in common and a
 * local network in common (IPv4 /24, IPv6 /64 of the routable local addresses; "in common", not
 * "equal", so a Docker bridge or a VPN interface coming and going does not make a new network,
 * and a café on 192.168.1.0/24 does not become home: its public address differs). When either
 * run saw no public address (UDP blocked, nothing answered) the public side cannot be compared,
 * and only the very same set of local addresses counts: weaker evidence, stricter test. When in
 * doubt it is a new network, so old ports and lifetimes are never shown as current by mistake.
 */

export type RunKind = 'diagnosis' | 'lifetime' | 'ports';

export interface Run {
  readonly kind: RunKind;
  readonly report: Report;
  /** The user cancelled it: what it measured may be incomplete. */
  readonly cancelled: boolean;
}

export interface NetworkKey {
  /** Public addresses the servers reported, sorted; empty when none answered. */
  readonly publicAddresses: readonly string[];
  /** IPv4 /24 and IPv6 /64 of the routable local addresses, sorted. */
  readonly localNetworks: readonly string[];
  /** The routable local addresses, sorted. */
  readonly localAddresses: readonly string[];
}

export interface Timed<T> {
  readonly value: T;
  /** ISO time of the run that measured it (its startedAt). */
  readonly at: string;
}

export interface NetworkRecord {
  readonly key: NetworkKey;
  /** The run the behaviour comes from (its ports and lifetime are not read: see the parts). */
  readonly behaviour: Timed<Report>;
  readonly lifetime?: Timed<MappingLifetime>;
  readonly ports: readonly Timed<PortResult>[];
}

export interface ResultsState {
  /** Most recently seen network first; networks[0] is the current one. */
  readonly networks: readonly NetworkRecord[];
  /** Set by an offline run, cleared by the next run that reaches a network. */
  readonly offline?: { readonly at: string; readonly reason: string; readonly report: Report };
}

/** What recording a run did, for the log and the notification. */
export type RecordOutcome =
  | { readonly kind: 'offline'; readonly reason: string }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'new-network' }
  | { readonly kind: 'merged'; readonly kept: readonly ('behaviour' | 'lifetime' | 'ports')[] };

/** A handful of networks (home, work, phone hotspot…); the least recently seen goes first. */
export const MAX_NETWORKS = 5;
/** More port rows than this are not a person's VPN ports (natProbe.ports is a short list). */
const MAX_PORT_ROWS = 64;

export const EMPTY_RESULTS: ResultsState = { networks: [] };

const sorted = (items: Iterable<string>): string[] => [...new Set(items)].sort();

/** "192.168.1.0/24", "2001:db8:1:2::/64": the local network an address is on (no prefix length in the report, so the usual ones). */
function localNetwork(address: string): string {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(address);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const groups = expandIPv6(address);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}

/** The eight groups of an IPv6 address, without leading zeros; undefined when it is not one. */
function expandIPv6(address: string): string[] | undefined {
  const text = address.split('%')[0].toLowerCase();
  if (!text.includes(':')) return undefined;
  const [head, tail, ...more] = text.split('::');
  if (more.length) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...Array<string>(Math.max(0, fill)).fill('0'), ...right];
  if (all.length !== 8 || !all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => g.replace(/^0+(?=.)/, ''));
}

export function networkKey(report: Report): NetworkKey {
  const local = report.localAddresses.filter(isRoutableLocal);
  return {
    publicAddresses: sorted(report.publicEndpoints.map((p) => p.address.toLowerCase())),
    localNetworks: sorted(local.map(localNetwork)),
    localAddresses: sorted(local.map((a) => a.toLowerCase())),
  };
}

const overlap = (a: readonly string[], b: readonly string[]) => (a.length === 0 && b.length === 0) || a.some((x) => b.includes(x));
const equal = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function sameNetwork(a: NetworkKey, b: NetworkKey): boolean {
  if (a.publicAddresses.length > 0 && b.publicAddresses.length > 0) return overlap(a.publicAddresses, b.publicAddresses) && overlap(a.localNetworks, b.localNetworks);
  return a.localAddresses.length > 0 && equal(a.localAddresses, b.localAddresses);
}

/**
 * True when `shown` is a report of another network than `current` (this machine's current
 * network's picture, which the status bar and the lint follow): the panel must say so, or an
 * older report from elsewhere reads as this network's. An offline run belongs to no network (its
 * card says offline), and with no current picture there is nothing to contrast it with.
 */
export function fromOtherNetwork(shown: Report, current: Report | undefined): boolean {
  if (!current || shown === current || offlineEvidence(shown).offline || offlineEvidence(current).offline) return false;
  return !sameNetwork(networkKey(shown), networkKey(current));
}

const portId = (p: PortResult) => `${p.protocol}/${p.port}`;

/** The ports of a run worth keeping: a cancelled run's "unknown" rows are not measurements. */
function measuredPorts(run: Run): Timed<PortResult>[] {
  return (run.report.ports ?? []).filter((p) => !run.cancelled || p.reachable !== 'unknown').map((value) => ({ value, at: run.report.startedAt }));
}

/** A lifetime worth keeping: a cancelled run's lifetime counts only when it found a value. */
function measuredLifetime(run: Run): Timed<MappingLifetime> | undefined {
  const l = run.report.mappingLifetime;
  if (!l || (run.cancelled && l.value === null)) return undefined;
  return { value: l, at: run.report.startedAt };
}

/**
 * A finished port test is the new port list (ports no longer in natProbe.ports, or tested against
 * another server, go), except that its "unknown" (the server did not answer, say) never replaces
 * a yes or no of the same port. A cancelled test only adds the answers it got to the old list.
 */
function mergePorts(old: readonly Timed<PortResult>[], fresh: readonly Timed<PortResult>[], cancelled: boolean): Timed<PortResult>[] {
  const before = new Map(old.map((p) => [portId(p.value), p]));
  const kept = (p: Timed<PortResult>) => {
    const was = before.get(portId(p.value));
    return was && was.value.reachable !== 'unknown' && p.value.reachable === 'unknown' ? was : p;
  };
  if (fresh.length > 0 && !cancelled) return fresh.map(kept).slice(0, MAX_PORT_ROWS);
  const byPort = new Map(before);
  for (const p of fresh) byPort.set(portId(p.value), kept(p));
  return [...byPort.values()].slice(-MAX_PORT_ROWS);
}

/** Records one run's results; returns the new state (the old one is not changed) and what happened. */
export function recordRun(state: ResultsState, run: Run): { state: ResultsState; outcome: RecordOutcome } {
  const { report } = run;
  const offline = offlineEvidence(report);
  if (offline.offline) return { state: { ...state, offline: { at: report.startedAt, reason: offline.reason, report } }, outcome: { kind: 'offline', reason: offline.reason } };
  if (report.udp === 'unknown' && report.publicEndpoints.length === 0) {
    // Nothing came back and nothing says which network this is: a failed or cancelled run.
    return { state, outcome: { kind: 'ignored', reason: report.udpReason } };
  }
  const key = networkKey(report);
  const index = state.networks.findIndex((n) => sameNetwork(n.key, key));
  const others = state.networks.filter((_, i) => i !== index);
  const measured = measuredLifetime(run);
  const ports = measuredPorts(run);
  if (index < 0) {
    const lifetime = measured;
    const record: NetworkRecord = { key, behaviour: { value: report, at: report.startedAt }, ...(lifetime ? { lifetime } : {}), ports: mergePorts([], ports, run.cancelled) };
    return { state: { networks: [record, ...others].slice(0, MAX_NETWORKS) }, outcome: { kind: 'new-network' } };
  }
  const old = state.networks[index];
  // A lifetime that found no value (the server stopped answering, say) does not replace one that did.
  const lifetime = measured && (measured.value.value !== null || old.lifetime?.value.value === null || !old.lifetime) ? measured : undefined;
  const complete = report.mapping.value !== 'unknown' && report.filtering.value !== 'unknown';
  const refreshesBehaviour = run.kind === 'ports' ? complete : !(run.cancelled && report.mapping.value === 'unknown');
  const kept: ('behaviour' | 'lifetime' | 'ports')[] = [];
  if (!refreshesBehaviour) kept.push('behaviour');
  if (!lifetime && old.lifetime) kept.push('lifetime');
  const merged = mergePorts(old.ports, ports, run.cancelled);
  if (old.ports.some((p) => merged.includes(p))) kept.push('ports');
  const record: NetworkRecord = {
    key: refreshesBehaviour ? key : old.key,
    behaviour: refreshesBehaviour ? { value: report, at: report.startedAt } : old.behaviour,
    ...((lifetime ?? old.lifetime) ? { lifetime: lifetime ?? old.lifetime } : {}),
    ports: merged,
  };
  return { state: { networks: [record, ...others].slice(0, MAX_NETWORKS) }, outcome: { kind: 'merged', kept } };
}

/** The current network's picture as one report: the behaviour run with the kept lifetime and ports, advice made again from all of it. */
export function picture(state: ResultsState): Report | undefined {
  const current = state.networks[0];
  if (!current) return undefined;
  const { recommendations: _r, ports: _p, mappingLifetime: _l, ...base } = current.behaviour.value;
  const merged: Omit<Report, 'recommendations'> = {
    ...base,
    ...(current.lifetime ? { mappingLifetime: current.lifetime.value } : {}),
    ...(current.ports.length ? { ports: current.ports.map((p) => p.value) } : {}),
  };
  return { ...merged, recommendations: recommend(merged) };
}

/** When each part of the current picture was measured (the panel says so when they differ). */
export interface PartTimes {
  readonly behaviourAt: string;
  readonly lifetimeAt?: string;
  /** The oldest and newest port result. */
  readonly portsAt?: { readonly oldest: string; readonly newest: string };
}

export function partTimes(state: ResultsState): PartTimes | undefined {
  const current = state.networks[0];
  if (!current) return undefined;
  const portTimes = current.ports.map((p) => p.at).sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    behaviourAt: current.behaviour.at,
    ...(current.lifetime ? { lifetimeAt: current.lifetime.at } : {}),
    ...(portTimes.length ? { portsAt: { oldest: portTimes[0], newest: portTimes[portTimes.length - 1] } } : {}),
  };
}

// ---- Saved state: read back from globalState, which survives versions and may be damaged ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v));
const strings = (v: unknown, max: number): string[] | undefined =>
  Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string' && x.length <= 64) ? (v as string[]) : undefined;

function readKey(v: unknown): NetworkKey | undefined {
  if (!isObject(v)) return undefined;
  const publicAddresses = strings(v.publicAddresses, 64);
  const localNetworks = strings(v.localNetworks, 256);
  const localAddresses = strings(v.localAddresses, 256);
  return publicAddresses && localNetworks && localAddresses ? { publicAddresses, localNetworks, localAddresses } : undefined;
}

/** One saved network; undefined (dropped whole) when any part of it is not what we wrote. */
function readRecord(v: unknown): NetworkRecord | undefined {
  if (!isObject(v) || !isObject(v.behaviour) || !isTime(v.behaviour.at)) return undefined;
  const key = readKey(v.key);
  const behaviour = parseReport(v.behaviour.value);
  if (!key || !behaviour.ok) return undefined;
  let lifetime: Timed<MappingLifetime> | undefined;
  if (v.lifetime !== undefined) {
    // A lifetime is checked as the report schema checks it: inside a report.
    const l = isObject(v.lifetime) && isTime(v.lifetime.at) ? parseReport({ ...behaviour.report, mappingLifetime: v.lifetime.value }) : undefined;
    if (!l?.ok || !l.report.mappingLifetime || !isObject(v.lifetime)) return undefined;
    lifetime = { value: l.report.mappingLifetime, at: v.lifetime.at as string };
  }
  if (!Array.isArray(v.ports) || v.ports.length > MAX_PORT_ROWS) return undefined;
  const ports: Timed<PortResult>[] = [];
  for (const p of v.ports as unknown[]) {
    const parsed = isObject(p) && isTime(p.at) ? parseReport({ ...behaviour.report, ports: [p.value] }) : undefined;
    if (!parsed?.ok || !parsed.report.ports?.[0] || !isObject(p)) return undefined;
    ports.push({ value: parsed.report.ports[0], at: p.at as string });
  }
  return { key, behaviour: { value: behaviour.report, at: v.behaviour.at }, ...(lifetime ? { lifetime } : {}), ports };
}

/** The state from what globalState returned: damaged networks are dropped, never half-used. */
export function readResults(saved: unknown): ResultsState {
  if (!isObject(saved) || !Array.isArray(saved.networks)) return EMPTY_RESULTS;
  const networks = (saved.networks as unknown[]).slice(0, MAX_NETWORKS).flatMap((n) => readRecord(n) ?? []);
  let offline: ResultsState['offline'];
  if (isObject(saved.offline) && isTime(saved.offline.at) && typeof saved.offline.reason === 'string') {
    const report = parseReport(saved.offline.report);
    if (report.ok) offline = { at: saved.offline.at, reason: saved.offline.reason.slice(0, 2000), report: report.report };
  }
  return offline ? { networks, offline } : { networks };
}
