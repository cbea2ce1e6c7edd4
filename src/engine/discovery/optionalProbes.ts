import type { BehaviourVerdict, Report, TurnServerResult } from '../../report/report';
import { errorText } from '../client/stunSocket';
import { endpointKey, normaliseAddress } from '../net/udp';
import { probeHairpin } from '../probes/hairpin';
import { unknownLifetime } from '../probes/lifetime/result';
import { measureMappingLifetime } from '../probes/mappingLifetime';
import { type PortMappingResult, probePortMapping } from '../probes/portMapping';
import { nodeHttpRequester } from '../probes/portMapping/http';
import { probePorts } from '../probes/ports';
import { type TurnUrl, probeTurn } from '../probes/turn';
import { MAX_TURN_SERVERS, rankTurnServers } from '../probes/turnRank';
import { type ServerWork, round1 } from './behaviourTests';
import type { DiagnoseOptions, TurnServerOption } from './discover';
import type { DiagnosisRun, Target } from './diagnosisRun';
import { resolveWithin } from './resolve';
import type { ServerSpec } from './serverSpec';

/** What the opt-in probes add to the report, by the report's own field names (the gateway's raw result). */
export interface OptionalResults {
  readonly ports: NonNullable<Report['ports']>;
  /** The best TURN server (the report's `turn`) and all of them, ranked (`turnServers`). */
  readonly turn: { readonly best: NonNullable<Report['turn']>; readonly ranked: TurnServerResult[] };
  readonly portMapping: PortMappingResult;
  readonly mappingLifetime: NonNullable<Report['mappingLifetime']>;
  readonly hairpinning: NonNullable<Report['hairpinning']>;
}
type Key = keyof OptionalResults;

/** An opt-in probe: what runs, and what the report says instead when it throws. */
interface Probe<K extends Key> {
  readonly key: K;
  readonly run: () => Promise<OptionalResults[K]>;
  readonly fallback: (err: unknown) => OptionalResults[K] | undefined;
}
/** A probe that was asked for but cannot run: its answer (with the reason) is known at once. */
interface Settled<K extends Key> {
  readonly key: K;
  readonly result: OptionalResults[K];
}
type Plan = { [K in Key]: Probe<K> | Settled<K> }[Key];

/**
 * The opt-in probes of one diagnosis. Their results fill in as they finish, so a report can be
 * assembled at any time (the quick verdict) from what is known.
 */
export class OptionalProbes {
  readonly results: { -readonly [K in Key]?: OptionalResults[K] } = {};
  private readonly pending = new Map<Key, Promise<void>>();
  private readonly over = new Set<Key>();

  start(plan: Plan | undefined): void {
    if (!plan) return;
    if ('result' in plan) this.results[plan.key] = plan.result as never;
    else this.pending.set(plan.key, this.settle(plan));
  }

  /** Probes still running (not those settled at once, nor those already over). */
  get running(): number {
    return this.pending.size - this.over.size;
  }

  /** Resolves when `key`'s probe is over (at once when it was not started). */
  done(key: Key): Promise<void> {
    return this.pending.get(key) ?? Promise.resolve();
  }

  async all(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  private settle<K extends Key>(probe: Probe<K>): Promise<void> {
    return probe.run().then(
      (r) => {
        this.results[probe.key] = r;
        this.over.add(probe.key);
      },
      (err: unknown) => {
        this.results[probe.key] = probe.fallback(err);
        this.over.add(probe.key);
      },
    );
  }
}

/** SSDP's multicast group (UPnP Device Architecture 2.0 §1.3.2): the UPnP search goes there too. */
const SSDP_GROUP = '239.255.255.250';

/** The servers as resolved, as the early probes need them. */
export interface ResolvedServers {
  /** The first server as the user gave it, resolved or not. */
  readonly first?: ServerSpec;
  readonly v4: readonly Target[];
  readonly v6: readonly Target[];
  readonly resolveBudgetMs: number;
}

/** VPN ports, on the first server as the user gave it (not the fastest): that is the one running serve --ports. */
export function portsProbe(options: DiagnoseOptions, run: DiagnosisRun, servers: ResolvedServers): Plan | undefined {
  const wanted = options.ports;
  if (!wanted || wanted.length === 0) return undefined;
  const { first } = servers;
  const target = first && (servers.v4.find((t) => t.spec === first) ?? servers.v6.find((t) => t.spec === first));
  const tcp = run.tcp;
  if (!target || !tcp) {
    const why = !target ? `the first server (${first?.host ?? 'none'}) could not be resolved` : 'no TCP connector';
    return { key: 'ports', result: wanted.map((p) => ({ protocol: p.protocol, port: p.port, reachable: 'unknown', basis: why })) };
  }
  return {
    key: 'ports',
    run: () => {
      run.log(`testing ports ${wanted.map((p) => `${p.protocol}/${p.port}`).join(', ')} on ${target.endpoint.address}`);
      // The ports the user asked to test, on the server the user configured.
      for (const p of wanted) run.contacts.declare({ address: target.endpoint.address, port: p.port }, p.protocol, 'configured server', true);
      return probePorts({
        udp: run.factory,
        tcp,
        clock: run.clock,
        host: target.endpoint.address,
        ports: wanted,
        referencePort: target.endpoint.port,
        budgetMs: Math.max(500, run.deadline - run.clock.now()),
        signal: run.signal,
        log: run.log,
      });
    },
    fallback: (err) => wanted.map((p) => ({ protocol: p.protocol, port: p.port, reachable: 'unknown', basis: `the port probe failed: ${errorText(err)}` })),
  };
}

/**
 * The router, asked read-only on every diagnosis unless turned off (see DiagnoseOptions). Its
 * UDP tries stop when `behaviourDone` fires, so a silent router adds no wall time.
 */
export function portMappingProbe(options: DiagnoseOptions, run: DiagnosisRun, behaviourDone?: AbortSignal): Plan | undefined {
  const asked = options.portMapping;
  if (!asked) return undefined;
  return {
    key: 'portMapping',
    run: async () => {
      run.log('asking the default gateway (read-only) for NAT-PMP, PCP and UPnP IGD');
      // The gateway is only known once the probe has read the routing table: the reason is
      // attached to its address afterwards (the ledger counts by destination meanwhile).
      const httpGet = run.contacts.http(asked.httpGet ?? nodeHttpRequester(run.clock));
      const r = await probePortMapping({ ...asked, httpGet, factory: run.factory, clock: run.clock, signal: run.signal, lastTry: asked.lastTry ?? behaviourDone });
      if (r.gateway) run.contacts.declareHost(r.gateway, 'gateway', true);
      run.contacts.declareHost(SSDP_GROUP, 'multicast group', true);
      run.log(`router: NAT-PMP ${r.natPmp}, PCP ${r.pcp}, UPnP ${r.upnp}${r.externalAddresses.length ? `; external address ${r.externalAddresses.map((e) => `${e.address} (${e.protocol})`).join(', ')}` : ''} (${Math.round(r.durationMs)} ms)`);
      return r;
    },
    fallback: (err) => {
      run.log(`port-mapping probe failed: ${errorText(err)}`);
      return undefined;
    },
  };
}

/** The TURN servers of one diagnosis, as DiagnoseOptions gives them (one, or a list). */
export function turnServerList(turn: DiagnoseOptions['turn']): readonly TurnServerOption[] {
  if (!turn) return [];
  return 'url' in turn ? [turn] : (turn as readonly TurnServerOption[]);
}

/** turn:HOST:PORT as the report names a server (never with the user name). */
export function turnUrlText(url: TurnUrl): string {
  return `turn:${url.host.includes(':') ? `[${url.host}]` : url.host}:${url.port}`;
}

/**
 * One TURN Allocate with long-term credentials on every configured server, in parallel, each
 * freed at once; ranked by the RTT to the relay (turnRank.ts). Each has the same budget, so a
 * silent server costs no more wall time than one server did.
 */
export function turnProbe(options: DiagnoseOptions, run: DiagnosisRun, servers: ResolvedServers): Plan | undefined {
  const list = turnServerList(options.turn).slice(0, MAX_TURN_SERVERS);
  if (list.length === 0) return undefined;
  const failed = (url: string, error: string): TurnServerResult => ({ url, value: 'unknown', relayedAddress: null, rttMs: null, error, released: null });
  const one = async ({ url, username, password }: TurnServerOption): Promise<TurnServerResult> => {
    const text = turnUrlText(url);
    try {
      const resolved = await resolveWithin(options.resolve, url.host, run.clock, servers.resolveBudgetMs, run.signal);
      const address = resolved.ok ? (resolved.addresses.find((a) => a.family === 4) ?? resolved.addresses[0]) : undefined;
      if (!resolved.ok || !address) return failed(text, resolved.ok ? 'no address' : resolved.error);
      run.log(`TURN Allocate at ${endpointKey({ address: address.address, port: url.port })} as user ${username}`);
      run.contacts.declare({ address: address.address, port: url.port }, 'udp', 'TURN server', true);
      const r = await probeTurn({
        factory: run.factory,
        clock: run.clock,
        server: { address: address.address, port: url.port },
        username,
        password,
        budgetMs: Math.max(500, run.deadline - run.clock.now()),
        signal: run.signal,
        log: run.log,
        software: `natprobe ${options.version}`,
      });
      return { url: text, value: r.value, relayedAddress: r.relayedAddress, rttMs: r.rttMs === null ? null : round1(r.rttMs), error: r.error, released: r.released };
    } catch (err) {
      return failed(text, `the TURN probe failed: ${errorText(err)}`);
    }
  };
  return {
    key: 'turn',
    run: async () => {
      const ranked = rankTurnServers(await Promise.all(list.map(one)));
      if (list.length > 1) run.log(`TURN relays ranked by RTT: ${ranked.map((t) => `${t.url} ${t.value === 'yes' ? (t.rttMs !== null ? `${t.rttMs} ms` : 'yes') : t.value}`).join(', ')}`);
      const { url: _url, ...best } = ranked[0];
      return { best, ranked };
    },
    fallback: (err) => {
      const error = `the TURN probe failed: ${errorText(err)}`;
      return { best: { value: 'unknown', relayedAddress: null, rttMs: null, error, released: null }, ranked: list.map((t) => failed(turnUrlText(t.url), error)) };
    },
  };
}

/** What the deep probes need of the behaviour verdicts. */
export interface DeepContext {
  /** The server the deep probes watch our mapping through: the verified RFC 5780 one, else the first that answered. */
  readonly server?: Target;
  readonly rfc5780: boolean;
  readonly mapping: BehaviourVerdict;
  readonly filtering: BehaviourVerdict;
  readonly works: readonly ServerWork[];
}

/** RFC 5780 §4.6: the NAT's idle mapping lifetime; takes about the lifetime itself, outside the budget. */
export function lifetimeProbe(options: DiagnoseOptions, run: DiagnosisRun, deep: DeepContext): Plan | undefined {
  const asked = options.lifetime;
  if (!asked) return undefined;
  const server = deep.server;
  if (!server) {
    return {
      key: 'mappingLifetime',
      result: unknownLifetime('no server answered, so no mapping could be watched'),
    };
  }
  return {
    key: 'mappingLifetime',
    run: () => {
      run.log(`measuring the mapping lifetime against ${endpointKey(server.endpoint)} (up to ${asked.maxSeconds ?? 120} s)`);
      return measureMappingLifetime({
        factory: run.factory,
        clock: run.clock,
        server: server.endpoint,
        family: server.family,
        maxSeconds: asked.maxSeconds,
        absoluteUpToMax: asked.full,
        stream: asked.stream,
        onProgress: asked.onProgress,
        rfc5780: deep.rfc5780,
        signal: run.signal,
        log: run.log,
      });
    },
    fallback: (err) => unknownLifetime(`the lifetime probe failed: ${errorText(err)}`),
  };
}

/** A packet to our own public mapping, only to an address two witnesses agree on. */
export function hairpinProbe(options: DiagnoseOptions, run: DiagnosisRun, deep: DeepContext, probes: OptionalProbes): Plan | undefined {
  if (!options.hairpin) return undefined;
  const server = deep.server;
  if (!server) return { key: 'hairpinning', result: { value: 'unknown', reason: 'no server answered, so our public mapping is unknown' } };
  return {
    key: 'hairpinning',
    run: async () => {
      run.log('hairpin test: sending to our own public mapping');
      // The router's external address is a witness too: wait for it when it was asked for.
      await probes.done('portMapping');
      const agreed = agreedPublicAddress(deep.works, probes.results.portMapping);
      if ('address' in agreed) run.contacts.declareHost(agreed.address, 'hairpin target', true);
      return probeHairpin({
        factory: run.factory,
        clock: run.clock,
        server: server.endpoint,
        family: server.family,
        mapping: deep.mapping.value,
        filtering: deep.filtering.value,
        agreed,
        contacts: run.contacts,
        signal: run.signal,
        log: run.log,
      });
    },
    fallback: (err) => ({ value: 'unknown', reason: `the hairpin probe failed: ${errorText(err)}` }),
  };
}

/**
 * Our public address, when two independent witnesses agree on it: two configured servers at
 * different addresses, or a server and the router (NAT-PMP/UPnP external address). The
 * hairpin probe sends nowhere else.
 */
function agreedPublicAddress(works: readonly ServerWork[], portMapping: PortMappingResult | undefined): { address: string; basis: string } | { problem: string } {
  const witnesses = new Map<string, { servers: Set<string>; named: string[] }>();
  for (const w of works) {
    if (!w.primary?.mapped) continue;
    const address = normaliseAddress(w.primary.mapped.address);
    const entry = witnesses.get(address) ?? { servers: new Set<string>(), named: [] };
    if (!entry.servers.has(normaliseAddress(w.target.endpoint.address))) entry.named.push(endpointKey(w.target.endpoint));
    entry.servers.add(normaliseAddress(w.target.endpoint.address));
    witnesses.set(address, entry);
  }
  if (witnesses.size === 0) return { problem: 'no server reported our public address' };
  if (witnesses.size > 1) {
    const said = [...witnesses].map(([address, e]) => `${e.named.join(' and ')} say ${address}`).join(', ');
    return { problem: `the servers disagree on our public address (${said}), so none of them is taken at its word` };
  }
  const [[address, entry]] = [...witnesses];
  if (entry.servers.size >= 2) return { address, basis: `${entry.named.join(' and ')} independently saw it as our public address` };
  const router = (portMapping?.externalAddresses ?? []).map((e) => normaliseAddress(e.address));
  if (router.includes(address)) return { address, basis: `${entry.named[0]} saw it as our public address and the router reports it as its external address` };
  return {
    problem:
      `only ${entry.named[0]} reported our public address (${address})` +
      (portMapping ? `, and the router reports ${router.length ? router.join(', ') : 'no external address'}` : '') +
      '; a second configured server (or the router, when it is the NAT and reports that address) must agree before packets go to it',
  };
}
