import type { BehaviourVerdict, Report, ServerResult, Tristate } from '../../report/report';
import { SCHEMA_VERSION } from '../../report/report';
import type { Clock } from '../clock';
import { isLoopback } from '../net/ip';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey, normaliseAddress } from '../net/udp';
import type { TcpConnector } from '../net/tcp';
import { combineCgnatEvidence, routerSilence } from '../probes/cgnatEvidence';
import type { BindingAnswer } from '../stun';
import type { LifetimeProgress } from '../probes/mappingLifetime';
import type { PortMappingOptions } from '../probes/portMapping';
import type { PortSpec } from '../probes/ports';
import type { TurnUrl } from '../probes/turn';
import { type BehaviourObservations, type ServerWork, isVerified, round1, runBehaviourTests } from './behaviourTests';
import { type LocalInterface, cgnatFirstPass } from './cgnat';
import { type MappingObservations, classifyFiltering, classifyMapping, classifyUdp, deriveNatType, pickFiltering, portPreservation, sequentialPorts } from './classify';
import { DiagnosisRun, type Target } from './diagnosisRun';
import { tcpAnswerWords } from './tcpRoundTrip';
import {
  type OptionalResults,
  OptionalProbes,
  type ResolvedServers,
  hairpinProbe,
  lifetimeProbe,
  portMappingProbe,
  portsProbe,
  turnProbe,
} from './optionalProbes';
import { recommend } from './recommend';
import { type Resolver, resolveWithin } from './resolve';
import type { ServerSpec } from './serverSpec';

/** A TURN server to allocate on; the password only derives the key (RFC 8489 §9.2.2), it is never shown. */
export interface TurnServerOption {
  readonly url: TurnUrl;
  readonly username: string;
  readonly password: string;
}

export interface DiagnoseOptions {
  readonly servers: readonly ServerSpec[];
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly resolve: Resolver;
  readonly interfaces: () => LocalInterface[];
  /** Wall-clock budget for the whole diagnosis. */
  readonly budgetMs: number;
  readonly signal?: AbortSignal;
  readonly version: string;
  readonly now?: () => Date;
  /** One line per thing sent or learnt: the "what was sent where" log. Never carries secrets. */
  readonly log?: (line: string) => void;
  /** VPN ports to test against the first server (which runs `natprobe serve --ports`). */
  readonly ports?: readonly PortSpec[];
  readonly tcp?: TcpConnector;
  /** A TURN Allocate with long-term credentials on each server (in parallel), freed at once (opt-in). */
  readonly turn?: TurnServerOption | readonly TurnServerOption[];
  /**
   * Ask the default gateway, read-only (NAT-PMP opcode 0, PCP ANNOUNCE, UPnP IGD
   * GetExternalIPAddress), what it believes its external address is: the CGNAT and double-NAT
   * evidence. The CLI and the extension ask on every diagnosis (it is the user's own router and
   * nothing is created); `--no-port-mapping` / `natProbe.askRouter: false` leave this undefined.
   * It runs beside the behaviour tests and sends no further try once they are done.
   */
  readonly portMapping?: Partial<Omit<PortMappingOptions, 'factory' | 'clock' | 'signal'>>;
  /**
   * Opt-in: measure the NAT's idle mapping lifetime (RFC 5780 §4.6). Takes about the lifetime
   * itself (up to maxSeconds), outside the budget, after the behaviour tests.
   */
  readonly lifetime?: { readonly maxSeconds?: number; readonly full?: boolean; readonly stream?: boolean; readonly onProgress?: (p: LifetimeProgress) => void };
  /** Opt-in: send a packet to our own public mapping (some firewalls log this as an attack). */
  readonly hairpin?: boolean;
  /**
   * Called once with the behaviour verdict as soon as it stands, before the slower probes
   * (ports, TURN, port mapping, lifetime, hairpin) finish; only when any of them runs.
   */
  readonly onQuickVerdict?: (report: Report) => void;
}

/**
 * The whole diagnosis: ask the router and resolve the servers; run the behaviour tests
 * (behaviourTests.ts) while the probes that need no verdict run beside them; turn what was seen into verdicts
 * (classify.ts); run the opt-in deep probes that need those verdicts; assemble the report,
 * once early as the quick verdict when slower probes are still running, and once at the end.
 * Silence only counts as "filtered" once the path is known to work and an RTT-sized window has
 * passed; every wait of the behaviour tests is capped by the budget.
 */
export async function diagnose(options: DiagnoseOptions): Promise<Report> {
  const startedAt = (options.now ?? (() => new Date()))();
  const run = new DiagnosisRun(options.clock, options.budgetMs, { factory: options.factory, tcp: options.tcp }, options.log ?? (() => undefined), options.signal);

  const servers = await resolveServers(options, run);

  const probes = new OptionalProbes();
  // The router is asked beside the behaviour tests; its tries stop when they are done.
  const behaviourDone = new AbortController();
  const routerNotAsked = options.portMapping ? routerOffPath(servers) : undefined;
  if (routerNotAsked) run.log(`the router is not asked: ${routerNotAsked}`);
  else probes.start(portMappingProbe(options, run, behaviourDone.signal));
  probes.start(portsProbe(options, run, servers));
  probes.start(turnProbe(options, run, servers));

  const seen = await runBehaviourTests(run, servers.behaviourTargets, servers.behaviourFamily, servers.v6);
  // A silent router then costs at most the try already under way, not its full retry budget.
  behaviourDone.abort();

  const verdicts = judge(options, run, servers, seen);

  const deep = {
    server: (verdicts.verified ?? seen.works.find((w) => w.primary))?.target,
    rfc5780: verdicts.verified !== undefined,
    mapping: verdicts.mapping,
    filtering: verdicts.filtering,
    works: seen.works,
  };
  probes.start(lifetimeProbe(options, run, deep));
  probes.start(hairpinProbe(options, run, deep, probes));

  const diagnosis: Diagnosis = { options, run, startedAt, servers, seen, verdicts, routerNotAsked };
  if (options.onQuickVerdict && probes.running > 0) options.onQuickVerdict(assemble(diagnosis, probes.results));
  await probes.all();
  return assemble(diagnosis, probes.results);
}

interface Servers extends ResolvedServers {
  /** Why each server that could not be resolved failed. */
  readonly errors: ReadonlyMap<ServerSpec, string>;
  /** The family the behaviour tests run over (IPv4 when any server has it), and its servers. */
  readonly behaviourFamily: Family;
  readonly behaviourTargets: readonly Target[];
}

/** Every server, in parallel, within a slice of the budget; each resolved address is declared a contact. */
async function resolveServers(options: DiagnoseOptions, run: DiagnosisRun): Promise<Servers> {
  const resolveBudgetMs = Math.max(100, options.budgetMs * 0.4);
  const resolutions = await Promise.all(
    options.servers.map(async (spec) => ({ spec, result: await resolveWithin(options.resolve, spec.host, run.clock, resolveBudgetMs, run.signal) })),
  );
  const errors = new Map<ServerSpec, string>();
  const v4: Target[] = [];
  const v6: Target[] = [];
  for (const { spec, result } of resolutions) {
    if (!result.ok) {
      errors.set(spec, result.error);
      run.log(`${spec.host}: ${result.error}`);
      continue;
    }
    const a4 = result.addresses.find((a) => a.family === 4);
    const a6 = result.addresses.find((a) => a.family === 6);
    if (a4) v4.push({ spec, endpoint: { address: a4.address, port: spec.port }, family: 4 });
    if (a6) v6.push({ spec, endpoint: { address: a6.address, port: spec.port }, family: 6 });
    for (const a of [a4, a6]) if (a) run.contacts.declare({ address: a.address, port: spec.port }, 'udp', 'configured server', true);
  }
  return {
    first: resolutions[0]?.spec,
    v4,
    v6,
    resolveBudgetMs,
    errors,
    behaviourFamily: v4.length > 0 ? 4 : 6,
    behaviourTargets: v4.length > 0 ? v4 : v6,
  };
}

interface Verdicts {
  readonly interfaces: LocalInterface[];
  readonly localAddresses: string[];
  /** The server whose RFC 5780 alternate-address tests all answered correctly, if any. */
  readonly verified?: ServerWork;
  readonly mapping: BehaviourVerdict;
  readonly filtering: BehaviourVerdict;
  readonly udp: { readonly value: Tristate; readonly reason: string };
}

/** The behaviour verdicts from what the tests saw: the rules themselves are in classify.ts. */
function judge(options: DiagnoseOptions, run: DiagnosisRun, servers: Servers, seen: BehaviourObservations): Verdicts {
  const { works } = seen;
  const interfaces = options.interfaces();
  const localAddresses = interfaces.filter((i) => !i.internal).map((i) => normaliseAddress(i.address));
  const verified = works.find(isVerified);
  const mappedOf = (a: BindingAnswer | undefined, server: Endpoint) => (a?.mapped ? { server, mapped: a.mapped } : undefined);
  const observations: MappingObservations = {
    localPort: seen.mappingLocalPort,
    // Loopback counts as our own too: a server on lo that sees 127.0.0.1 sees no NAT.
    localAddresses: interfaces.map((i) => normaliseAddress(i.address)),
    primary: verified ? mappedOf(verified.primary, verified.target.endpoint) : undefined,
    altIp: verified ? mappedOf(verified.altIp, verified.altIp!.from) : undefined,
    altBoth: verified ? mappedOf(verified.altBoth, verified.altBoth!.from) : undefined,
    altPort: verified ? mappedOf(verified.altPort, verified.altPort!.from) : undefined,
    // Each server's own problem is in its entry of the server list; the verdict says it once.
    rfc5780Missing: verified ? undefined : works.some((w) => w.primary) ? 'no server passed the RFC 5780 checks' : 'no usable answer came back',
    others: works.flatMap((w) => mappedOf(w.primary, w.target.endpoint) ?? []),
  };
  const mapping = classifyMapping(observations);

  const udp = classifyUdp({
    configuredServers: options.servers.length,
    resolveErrors: [...servers.errors.values()],
    asked: servers.behaviourTargets.length,
    elapsedMs: run.elapsedMs(),
    answered: run.answered,
    ipv6Answered: [...seen.v6Results.values()].some((r) => r.rttMs !== null),
    unusable: run.stats,
    cancelled: run.signal?.aborted ?? false,
    socketProblem: seen.socketProblem,
    sends: { attempted: run.sendsAttempted, failed: run.sendFailures, firstServerFailure: works.map((w) => w.primaryFailure).filter(Boolean)[0] },
    refused: works.filter((w) => w.refused).map((w) => endpointKey(w.target.endpoint)),
    silent: works.filter((w) => !w.primary && !w.refused).map((w) => endpointKey(w.target.endpoint)),
    tcp: run.tcp ? works.flatMap((w) => w.tcp ?? []) : undefined,
    window: seen.silenceWindow,
  });

  // Every server that passed the RFC 5780 checks and ran both filtering tests has a say; the
  // verdict with proof of the most open filter wins (pickFiltering), so a server that is down,
  // slow, or silent on CHANGE-REQUEST costs nothing next to one that answers.
  const trusted = works.filter((w) => isVerified(w) && w.changeBoth && w.changePort);
  const filtering = trusted.length
    ? pickFiltering(
        trusted.map((w) => ({
          server: serverName(w),
          verdict: classifyFiltering({ server: { primary: w.target.endpoint, other: w.primary!.other! }, changeBoth: w.changeBoth, changePort: w.changePort }),
        })),
      )
    : classifyFiltering({
        missing: !works.some((w) => w.primary)
          ? 'no usable answer came back'
          : verified
            ? 'the filtering tests did not run against the RFC 5780 server'
            : `none of the servers that answered passed the RFC 5780 checks (CHANGE-REQUEST answered from a second address), so filtering could not be measured`,
      });
  return { interfaces, localAddresses, verified, mapping, filtering, udp };
}

interface Diagnosis {
  readonly options: DiagnoseOptions;
  readonly run: DiagnosisRun;
  readonly startedAt: Date;
  readonly servers: Servers;
  readonly seen: BehaviourObservations;
  readonly verdicts: Verdicts;
  /** Why the router was not asked although asking was on (no server off this machine). */
  readonly routerNotAsked?: string;
}

/**
 * The router is on the path only to a server off this machine: with loopback servers alone (a
 * local `natprobe serve`, the tests) or none resolved, it is not asked and says so.
 */
function routerOffPath(servers: Servers): string | undefined {
  const targets = [...servers.v4, ...servers.v6];
  if (targets.length === 0) return 'no server could be resolved, so there is no public address to compare its answer with';
  if (targets.every((t) => isLoopback(t.endpoint.address))) return 'every server is on this machine (loopback), so the router is not on the path';
  return undefined;
}

/** The report from what is known now: called once early (the quick verdict) and once at the end. */
function assemble(d: Diagnosis, optional: Partial<OptionalResults>): Report {
  const { run, servers, seen, verdicts } = d;
  const { works } = seen;
  const { ports, turn, portMapping, mappingLifetime, hairpinning } = optional;
  const noNat = verdicts.mapping.value === 'none';
  const portObservations = [
    ...works.flatMap((w) => [w.primary, w.altIp, w.altBoth, w.altPort]).flatMap((a) => (a?.mapped ? [{ local: seen.mappingLocalPort, mapped: a.mapped.port }] : [])),
    ...works.flatMap((w) => w.filteringMapped),
  ];
  const reflexive = run.publicEndpoints.filter((p) => p.family === 'IPv4').map((p) => p.address);
  const firstPass = cgnatFirstPass(verdicts.interfaces, reflexive, noNat);
  let cgnat = firstPass;
  let doubleNat: Report['doubleNat'];
  if (portMapping) {
    const combined = combineCgnatEvidence({
      firstPass,
      routerExternal: portMapping.externalAddresses,
      natPmpNoPublicAddress: portMapping.noPublicAddress.natPmp,
      upnpNoPublicAddress: portMapping.noPublicAddress.upnp,
      stunPublic: reflexive,
      routerSilent: routerSilence(portMapping),
    });
    cgnat = { value: combined.value, reason: combined.reason, evidence: combined.evidence, excludedInterfaces: combined.excludedInterfaces };
    doubleNat = { value: combined.doubleNat, reason: combined.doubleNatReason };
  } else if (firstPass.value === 'unknown') {
    cgnat = { ...firstPass, reason: `${firstPass.reason} (the router was not asked${d.routerNotAsked ? `: ${d.routerNotAsked}` : ''})` };
  }
  const udp = verdicts.udp.value;
  const natType = deriveNatType(udp, verdicts.mapping, verdicts.filtering);

  const partial: Omit<Report, 'recommendations'> = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'natprobe' as const, version: d.options.version },
    startedAt: d.startedAt.toISOString(),
    durationMs: run.elapsedMs(),
    // Ranked by measured RTT (what matters for choosing a server), silent ones last.
    servers: rankByRtt([
      ...works.map(serverResult),
      ...(servers.behaviourFamily === 4
        ? servers.v6.map((t) => ({
            host: t.spec.host,
            port: t.spec.port,
            address: t.endpoint.address,
            rttMs: seen.v6Results.get(t)?.rttMs ?? null,
            rfc5780: 'unknown' as Tristate,
            otherAddress: null,
            error: `asked over IPv6 only for the IPv6 public address${seen.v6Results.get(t)?.error ? `: ${seen.v6Results.get(t)?.error}` : ''}`,
          }))
        : []),
      ...[...servers.errors].map(([spec, error]) => ({ host: spec.host, port: spec.port, address: null, rttMs: null, rfc5780: 'unknown' as Tristate, otherAddress: null, error })),
    ]),
    udp,
    udpReason: verdicts.udp.reason,
    udpSilenceWindow: seen.silenceWindow,
    localAddresses: verdicts.localAddresses,
    publicEndpoints: run.publicEndpoints,
    mapping: verdicts.mapping,
    filtering: verdicts.filtering,
    portPreservation: portPreservation(noNat, portObservations),
    sequentialPorts: sequentialPorts(verdicts.mapping, portObservations.map((o) => o.mapped)),
    natType,
    cgnat,
    ...(ports ? { ports } : {}),
    ...(turn ? { turn: turn.best, turnServers: turn.ranked } : {}),
    ...(mappingLifetime ? { mappingLifetime } : {}),
    ...(hairpinning ? { hairpinning } : {}),
    ...(portMapping
      ? {
          portMapping: {
            upnp: portMapping.upnp,
            natPmp: portMapping.natPmp,
            pcp: portMapping.pcp,
            gateway: portMapping.gateway,
            reasons: portMapping.reasons,
            evidence: portMapping.evidence,
            externalAddresses: portMapping.externalAddresses,
            noPublicAddress: portMapping.noPublicAddress.natPmp || portMapping.noPublicAddress.upnp,
          },
        }
      : {}),
    ...(doubleNat ? { doubleNat } : {}),
    ignoredPackets: { ...run.stats },
    contacted: run.contacts.list(),
  };
  return { ...partial, recommendations: recommend(partial) };
}

/** A server as the report's server list names it. */
function serverName(w: ServerWork): string {
  return `${w.target.spec.host}:${w.target.spec.port}`;
}

function serverResult(w: ServerWork): ServerResult {
  const median = medianOf(w.rtts);
  const base = { host: w.target.spec.host, port: w.target.spec.port, address: w.target.endpoint.address, rttMs: median === undefined ? null : round1(median) };
  if (!w.primary) return { ...base, rfc5780: 'unknown', otherAddress: null, error: silentServerError(w) };
  const otherAddress = w.primary.other ? endpointKey(w.primary.other) : null;
  const software = w.primary.software;
  const changeProblem = [w.changeBoth, w.changePort].find((p) => p?.state === 'wrong-source' || p?.state === 'error');
  let rfc5780: Tristate = 'no';
  let error: string | undefined;
  if (!w.primary.other) error = 'no OTHER-ADDRESS in its answer';
  else if (w.alternateProblem) {
    error = w.alternateProblem;
    // Two unanswered datagrams cannot tell a lost packet from a lie: not "no".
    if (w.alternateUnheard) rfc5780 = 'unknown';
  }
  else if (!(w.altIp && w.altBoth && w.altPort)) {
    rfc5780 = 'unknown';
    error = w.unfinished ? 'its tests were stopped unfinished: another server had already settled the verdict' : 'the alternate-address tests were incomplete';
  } else if (changeProblem) {
    error =
      changeProblem.state === 'wrong-source'
        ? `answers CHANGE-REQUEST from ${endpointKey(changeProblem.from)} instead of its alternate address`
        : `CHANGE-REQUEST failed: ${changeProblem.detail}`;
  } else rfc5780 = 'yes';
  return { ...base, rfc5780, otherAddress, ...(error ? { error } : {}), ...(software ? { software } : {}) };
}

/** Why a server gave no usable UDP answer: refused, silent (with what TCP showed), or wrong. */
function silentServerError(w: ServerWork): string {
  if (w.refused) return `nothing listens on udp ${endpointKey(w.target.endpoint)}: its host answered ICMP port unreachable`;
  const failure = w.primaryFailure ?? 'no answer';
  if (!w.tcp) return failure;
  // Over TCP the host answered (it is there, so UDP is what is missing) or not: said beside the UDP silence.
  const answered = tcpAnswerWords(w.tcp);
  return answered ? `${failure}; over TCP its host answers (${answered})` : `${failure}; ${w.tcp.detail}`;
}

function rankByRtt(servers: ServerResult[]): ServerResult[] {
  // A stable sort keeps the user's order among equals and among the silent.
  return [...servers].sort((a, b) => (a.rttMs ?? Infinity) - (b.rttMs ?? Infinity));
}

function medianOf(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
