import type { PublicEndpoint, Report, ServerResult, Tristate } from '../../report/report';
import { SCHEMA_VERSION } from '../../report/report';
import type { Clock } from '../clock';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey, normaliseAddress, sameEndpoint } from '../net/udp';
import { RttEstimator } from '../client/rtt';
import { type ExchangeResult, StunSocket, errorText, newPacketStats } from '../client/stunSocket';
import { Attr, type StunMessage, decodeAddress, decodeErrorCode, decodeText, decodeXorAddress, encodeChangeRequest, getAttribute } from '../stun';
import { type LocalInterface, cgnatFirstPass } from './cgnat';
import {
  type FilteringProbe,
  type MappingObservations,
  classifyFiltering,
  classifyMapping,
  classifyUdp,
  deriveNatType,
  portPreservation,
} from './classify';
import type { TcpConnector } from '../net/tcp';
import { type PortSpec, probePorts } from '../probes/ports';
import { type TurnUrl, probeTurn } from '../probes/turn';
import { type PortMappingOptions, type PortMappingResult, probePortMapping } from '../probes/portMapping';
import { combineCgnatEvidence } from '../probes/cgnatEvidence';
import { type LifetimeProgress, measureMappingLifetime } from '../probes/mappingLifetime';
import { probeHairpin } from '../probes/hairpin';
import { nodeHttpRequester } from '../probes/portMapping/http';
import { ContactLedger } from '../net/contactLedger';
import { recommend } from './recommend';
import { type Resolver, resolveWithin } from './resolve';
import type { ServerSpec } from './serverSpec';

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
  /** One TURN Allocate with long-term credentials, freed at once (opt-in). */
  readonly turn?: { readonly url: TurnUrl; readonly username: string; readonly password: string };
  /**
   * Opt-in: ask the default gateway, read-only, whether it speaks NAT-PMP, PCP or UPnP IGD and
   * what it believes its external address is (evidence of a NAT beyond the router). Off by
   * default because the gateway is not a server the user configured.
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

/** How many servers get the (parallel) RFC 5780 filtering tests. */
const MAX_FILTERING_CANDIDATES = 3;

/**
 * Datagrams per test to an address a server announced (OTHER-ADDRESS) until that address has
 * answered like the same server: a server's word alone must not make us flood a third party
 * (ARCHITECTURE, invariants). Two, so one lost datagram does not end the test.
 */
const UNCONFIRMED_ATTEMPTS = 2;
/** StunSocket's own default: the RTT-sized schedule, bounded by the budget. */
const FULL_SCHEDULE = 50;

interface Target {
  readonly spec: ServerSpec;
  readonly endpoint: Endpoint;
  readonly family: Family;
}

interface BindingAnswer {
  readonly from: Endpoint;
  readonly mapped?: Endpoint;
  readonly other?: Endpoint;
  readonly origin?: Endpoint;
  readonly software?: string;
  readonly errorCode?: { code: number; reason: string };
}

interface ServerWork {
  readonly target: Target;
  primary?: BindingAnswer;
  primaryFailure?: string;
  rtts: number[];
  altIp?: BindingAnswer;
  altBoth?: BindingAnswer;
  altPort?: BindingAnswer;
  alternateProblem?: string;
  /** The alternate stayed silent within the bound for unconfirmed addresses: loss cannot be told from a lie. */
  alternateUnheard?: boolean;
  changeBoth?: FilteringProbe;
  changePort?: FilteringProbe;
  filteringMapped: { local: number; mapped: number }[];
  filteringSockets: StunSocket[];
}

/**
 * The whole diagnosis: resolve servers, then every test at once on its own socket:
 *  - one "mapping" socket asks every server (RFC 5780 §4.3 test I, and the multi-server
 *    comparison for servers without RFC 5780), then, as soon as a server reveals its
 *    OTHER-ADDRESS, the alternate addresses (tests II and III);
 *  - two fresh sockets per candidate server run the filtering tests II and III (§4.4), so no
 *    other test's traffic can have opened the filter for them (RFC 5780 §4.4 warns the tests
 *    are sensitive to prior state; erratum 7971 concerns this section).
 * Silence only counts as "filtered" once the path is known to work and an RTT-sized window has
 * passed; every wait is capped by the budget.
 */
export async function diagnose(options: DiagnoseOptions): Promise<Report> {
  const { clock, signal } = options;
  const log = options.log ?? (() => undefined);
  const startedAt = (options.now ?? (() => new Date()))();
  const t0 = clock.now();
  const deadline = t0 + options.budgetMs;
  const stats = newPacketStats();
  // Every socket, connection and HTTP request of the diagnosis goes through the ledger's counters.
  const contacts = new ContactLedger();
  const factory = contacts.udp(options.factory);
  const tcpConnector = options.tcp ? contacts.tcp(options.tcp) : undefined;
  /** Addresses (not ports) that answered like the server that announced them. */
  const confirmedHosts = new Set<string>();
  const est = new RttEstimator();
  let firstAnswerAt: number | undefined;
  const onAnswer = (rtt: number): void => {
    est.sample(rtt);
    firstAnswerAt ??= clock.now();
  };
  /** Silence is final `silenceWindow` after `since`, once any answer proved the path works. */
  const giveUpAfter = (since: number) => (): number =>
    firstAnswerAt === undefined ? deadline : Math.min(deadline, Math.max(since, firstAnswerAt) + est.silenceWindow());
  const rto = (): number => est.probeInterval();

  // 1. Resolve every server, in parallel, within a slice of the budget.
  const resolveBudget = Math.max(100, options.budgetMs * 0.4);
  const resolutions = await Promise.all(
    options.servers.map(async (spec) => ({ spec, result: await resolveWithin(options.resolve, spec.host, clock, resolveBudget, signal) })),
  );
  const serverErrors = new Map<ServerSpec, string>();
  const v4: Target[] = [];
  const v6: Target[] = [];
  for (const { spec, result } of resolutions) {
    if (!result.ok) {
      serverErrors.set(spec, result.error);
      log(`${spec.host}: ${result.error}`);
      continue;
    }
    const a4 = result.addresses.find((a) => a.family === 4);
    const a6 = result.addresses.find((a) => a.family === 6);
    if (a4) v4.push({ spec, endpoint: { address: a4.address, port: spec.port }, family: 4 });
    if (a6) v6.push({ spec, endpoint: { address: a6.address, port: spec.port }, family: 6 });
    for (const a of [a4, a6]) if (a) contacts.declare({ address: a.address, port: spec.port }, 'udp', 'configured server', true);
  }
  const behaviourTargets = v4.length > 0 ? v4 : v6;
  const behaviourFamily: Family = v4.length > 0 ? 4 : 6;
  const works = behaviourTargets.map((target) => ({ target, rtts: [], filteringMapped: [], filteringSockets: [] }) as ServerWork);

  const sockets: StunSocket[] = [];
  const open = async (family: Family): Promise<StunSocket | string> => {
    try {
      const s = new StunSocket(await factory.bind({ family }), clock, stats);
      sockets.push(s);
      return s;
    } catch (err) {
      return `cannot open a UDP socket for IPv${family}: ${errorText(err)}`;
    }
  };

  let sendFailures = 0;
  let sendsAttempted = 0;
  const noteResult = (r: ExchangeResult): void => {
    sendsAttempted++;
    if (!r.ok && r.reason === 'send-failed') sendFailures++;
  };
  const publicEndpoints: PublicEndpoint[] = [];
  const addPublic = (mapped: Endpoint, server: Target): void => {
    const family = mapped.address.includes(':') ? 'IPv6' : 'IPv4';
    if (!publicEndpoints.some((p) => p.address === mapped.address && p.port === mapped.port)) {
      publicEndpoints.push({ family, address: mapped.address, port: mapped.port, server: endpointKey(server.endpoint) });
    }
  };
  let socketProblem: string | undefined;
  const v6Results = new Map<Target, { rttMs: number | null; error?: string }>();
  let mappingLocalPort = 0;

  let ports: Report['ports'];
  let turn: Report['turn'];
  const extras: Promise<void>[] = [];
  if (options.ports && options.ports.length > 0) {
    // The first server as the user gave it (not the fastest): that is the one running serve --ports.
    const first = resolutions[0];
    const target = first && (v4.find((t) => t.spec === first.spec) ?? v6.find((t) => t.spec === first.spec));
    if (!target || !tcpConnector) {
      const why = !target ? `the first server (${first?.spec.host ?? 'none'}) could not be resolved` : 'no TCP connector';
      ports = options.ports.map((p) => ({ protocol: p.protocol, port: p.port, reachable: 'unknown', basis: why }));
    } else {
      log(`testing ports ${options.ports.map((p) => `${p.protocol}/${p.port}`).join(', ')} on ${target.endpoint.address}`);
      // The ports the user asked to test, on the server the user configured.
      for (const p of options.ports) contacts.declare({ address: target.endpoint.address, port: p.port }, p.protocol, 'configured server', true);
      extras.push(
        probePorts({
          udp: factory,
          tcp: tcpConnector,
          clock,
          host: target.endpoint.address,
          ports: options.ports,
          referencePort: target.endpoint.port,
          budgetMs: Math.max(500, deadline - clock.now()),
          signal,
          log,
        }).then(
          (r) => {
            ports = r;
          },
          (err: unknown) => {
            ports = options.ports!.map((p) => ({ protocol: p.protocol, port: p.port, reachable: 'unknown', basis: `the port probe failed: ${errorText(err)}` }));
          },
        ),
      );
    }
  }
  let portMapping: PortMappingResult | undefined;
  let portMappingDone: Promise<void> | undefined;
  if (options.portMapping) {
    log('asking the default gateway (read-only) for NAT-PMP, PCP and UPnP IGD');
    // The gateway is only known once the probe has read the routing table: the reason is
    // attached to its address afterwards (the ledger counts by destination meanwhile).
    const httpGet = contacts.http(options.portMapping.httpGet ?? nodeHttpRequester(clock));
    portMappingDone = probePortMapping({ ...options.portMapping, httpGet, factory, clock, signal }).then(
      (r) => {
        portMapping = r;
        if (r.gateway) contacts.declareHost(r.gateway, 'gateway', true);
        contacts.declareHost(SSDP_GROUP, 'multicast group', true);
      },
      (err: unknown) => log(`port-mapping probe failed: ${errorText(err)}`),
    );
    extras.push(portMappingDone);
  }
  if (options.turn) {
    const { url, username, password } = options.turn;
    extras.push(
      (async () => {
        const resolved = await resolveWithin(options.resolve, url.host, clock, resolveBudget, signal);
        const address = resolved.ok ? (resolved.addresses.find((a) => a.family === 4) ?? resolved.addresses[0]) : undefined;
        if (!resolved.ok || !address) {
          turn = { value: 'unknown', relayedAddress: null, rttMs: null, error: resolved.ok ? 'no address' : resolved.error, released: null };
          return;
        }
        log(`TURN Allocate at ${endpointKey({ address: address.address, port: url.port })} as user ${username}`);
        contacts.declare({ address: address.address, port: url.port }, 'udp', 'TURN server', true);
        const r = await probeTurn({
          factory,
          clock,
          server: { address: address.address, port: url.port },
          username,
          password,
          budgetMs: Math.max(500, deadline - clock.now()),
          signal,
          log,
          software: `natprobe ${options.version}`,
        });
        turn = { value: r.value, relayedAddress: r.relayedAddress, rttMs: r.rttMs === null ? null : round1(r.rttMs), error: r.error, released: r.released };
      })().catch((err: unknown) => {
        turn = { value: 'unknown', relayedAddress: null, rttMs: null, error: `the TURN probe failed: ${errorText(err)}`, released: null };
      }),
    );
  }

  try {
    const mapping = behaviourTargets.length > 0 ? await open(behaviourFamily) : 'no server could be resolved';
    if (typeof mapping === 'string') socketProblem = mapping;
    const tasks: Promise<unknown>[] = [];

    if (typeof mapping !== 'string') {
      const localPort = mapping.localEndpoint().port;
      mappingLocalPort = localPort;
      for (const work of works) {
        const { target } = work;
        log(`binding request to ${endpointKey(target.endpoint)} (${target.spec.host}) from local port ${localPort}`);
        tasks.push(
          mapping.exchange({ to: target.endpoint, giveUpAt: giveUpAfter(t0), rto, signal }).then(async (r) => {
            noteResult(r);
            if (!r.ok) {
              const wrong = [
                r.wrongSource.length ? `${r.wrongSource.length} with our transaction ID came from ${endpointKey(r.wrongSource[0])} instead` : '',
                r.unusable ? `${r.unusable} from it could not be used (a transaction ID we never sent, or not STUN)` : '',
              ].filter(Boolean);
              work.primaryFailure = wrong.length ? `it answers, but not correctly: ${wrong.join('; ')} (${r.detail})` : r.detail;
              return;
            }
            onAnswer(r.rttMs);
            work.rtts.push(r.rttMs);
            work.primary = readAnswer(r.message, r.from);
            if (work.primary.mapped) addPublic(work.primary.mapped, target);
            log(`${endpointKey(target.endpoint)} answered in ${r.rttMs.toFixed(1)} ms: mapped ${work.primary.mapped ? endpointKey(work.primary.mapped) : '(none)'}${work.primary.other ? `, OTHER-ADDRESS ${endpointKey(work.primary.other)}` : ''}`);
            if (work.primary.other) {
              for (const f of work.filteringSockets) f.recheck();
              await alternateTests(work, mapping);
            }
          }),
        );
      }
    }

    // Filtering tests on fresh sockets, started at once, for the first few servers.
    for (const work of works.slice(0, MAX_FILTERING_CANDIDATES)) {
      for (const kind of ['changeBoth', 'changePort'] as const) {
        tasks.push(
          (async () => {
            const s = await open(behaviourFamily);
            if (typeof s === 'string') {
              work[kind] = { state: 'error', detail: s };
              return;
            }
            work.filteringSockets.push(s);
            const started = clock.now();
            const localPort = s.localEndpoint().port;
            const r = await s.exchange({
              to: work.target.endpoint,
              attributes: [{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: kind === 'changeBoth', changePort: true }) }],
              // Accept the primary (a server ignoring CHANGE-REQUEST, caught below) or the
              // alternates it announced to the mapping socket; anything else is held back
              // until the announcement arrives, so a forger cannot fake an open filter.
              expectFrom: (from) => {
                const primary = work.target.endpoint;
                const other = work.primary?.other;
                return (
                  sameEndpoint(from, primary) ||
                  (!!other && (sameEndpoint(from, other) || sameEndpoint(from, { address: primary.address, port: other.port })))
                );
              },
              giveUpAt: giveUpAfter(started),
              rto,
              signal,
            });
            noteResult(r);
            s.close();
            if (!r.ok) {
              work[kind] = { state: r.reason === 'timeout' ? 'silent' : 'error', detail: r.detail };
              return;
            }
            onAnswer(r.rttMs);
            const answer = readAnswer(r.message, r.from);
            if (answer.errorCode) {
              work[kind] = { state: 'error', detail: `error ${answer.errorCode.code} ${answer.errorCode.reason}` };
              return;
            }
            if (answer.mapped) work.filteringMapped.push({ local: localPort, mapped: answer.mapped.port });
            work[kind] = sameEndpoint(r.from, work.target.endpoint)
              ? { state: 'wrong-source', from: r.from }
              : { state: 'answered', from: r.from, mapped: answer.mapped };
          })(),
        );
      }
    }

    // IPv6 public address, when the behaviour tests ran over IPv4 and a server has IPv6.
    if (behaviourFamily === 4 && v6.length > 0) {
      tasks.push(
        (async () => {
          const s6 = await open(6);
          if (typeof s6 === 'string') {
            log(s6);
            for (const t of v6) v6Results.set(t, { rttMs: null, error: s6 });
            return;
          }
          await Promise.all(
            v6.map(async (target) => {
              const r = await s6.exchange({ to: target.endpoint, giveUpAt: giveUpAfter(clock.now()), rto, signal });
              if (r.ok) {
                const a = readAnswer(r.message, r.from);
                if (a.mapped) addPublic(a.mapped, target);
                v6Results.set(target, { rttMs: round1(r.rttMs) });
              } else {
                log(`IPv6 ${endpointKey(target.endpoint)}: ${r.detail}`);
                v6Results.set(target, { rttMs: null, error: r.detail });
              }
            }),
          );
        })(),
      );
    }

    // The extras (ports, TURN, port mapping) keep running: the quick verdict does not wait for them.
    await Promise.all(tasks);
  } finally {
    for (const s of sockets) s.close();
  }

  async function alternateTests(work: ServerWork, socket: StunSocket): Promise<void> {
    const primary = work.target.endpoint;
    const other = work.primary!.other!;
    if (normaliseAddress(other.address) === normaliseAddress(primary.address) || other.port === primary.port) {
      work.alternateProblem = `claims OTHER-ADDRESS ${endpointKey(other)}, which does not differ from ${endpointKey(primary)} in both address and port`;
      return;
    }
    if (other.address.includes(':') !== primary.address.includes(':')) {
      work.alternateProblem = `claims OTHER-ADDRESS ${endpointKey(other)} of another address family`;
      return;
    }
    const tests = [
      ['altIp', { address: other.address, port: primary.port }],
      ['altBoth', other],
      ['altPort', { address: primary.address, port: other.port }],
    ] as const;
    const started = clock.now();
    const announcedBy = endpointKey(primary);
    for (const [, to] of tests) contacts.declare(to, 'udp', 'announced alternate', false, announcedBy);
    // The configured server's own address is trusted on any port; the announced one only once it has answered.
    const bound = (to: Endpoint) => (): number =>
      normaliseAddress(to.address) === normaliseAddress(primary.address) || confirmedHosts.has(normaliseAddress(to.address)) ? FULL_SCHEDULE : UNCONFIRMED_ATTEMPTS;
    await Promise.all(
      tests.map(async ([key, to]) => {
        log(`binding request to alternate ${endpointKey(to)}`);
        const r = await socket.exchange({ to, giveUpAt: giveUpAfter(started), rto, signal, maxAttempts: bound(to) });
        noteResult(r);
        if (!r.ok) {
          const bounded = r.reason === 'timeout' && r.wrongSource.length === 0 && bound(to)() === UNCONFIRMED_ATTEMPTS;
          if (bounded && work.alternateProblem === undefined) work.alternateUnheard = true;
          work.alternateProblem ??=
            r.wrongSource.length > 0
              ? `its alternate address ${endpointKey(to)} answers from ${endpointKey(r.wrongSource[0])}`
              : bounded
                ? `claims OTHER-ADDRESS ${endpointKey(other)}, but ${endpointKey(to)} does not answer the ${UNCONFIRMED_ATTEMPTS} datagrams an address only the server vouches for gets (lost, or not the same server)`
                : `claims OTHER-ADDRESS ${endpointKey(other)}, but ${endpointKey(to)} does not answer (${r.detail})`;
          return;
        }
        onAnswer(r.rttMs);
        work.rtts.push(r.rttMs);
        const a = readAnswer(r.message, r.from);
        if (a.origin && !sameEndpoint(a.origin, to)) {
          work.alternateProblem ??= `${endpointKey(to)} says it answered from ${endpointKey(a.origin)} (RESPONSE-ORIGIN)`;
          return;
        }
        // Answered our transaction, from exactly where we sent, saying so: the same server.
        contacts.confirm(to, 'udp');
        confirmedHosts.add(normaliseAddress(to.address));
        work[key] = a;
      }),
    );
  }

  // 2. Assemble the verdicts.
  const interfaces = options.interfaces();
  const localAddresses = interfaces.filter((i) => !i.internal).map((i) => normaliseAddress(i.address));
  const verified = works.find((w) => w.primary && w.altIp && w.altBoth && w.altPort && !w.alternateProblem);
  const mappedOf = (a: BindingAnswer | undefined, server: Endpoint) => (a?.mapped ? { server, mapped: a.mapped } : undefined);
  const observations: MappingObservations = {
    localPort: mappingLocalPort,
    // Loopback counts as our own too: a server on lo that sees 127.0.0.1 sees no NAT.
    localAddresses: interfaces.map((i) => normaliseAddress(i.address)),
    primary: verified ? mappedOf(verified.primary, verified.target.endpoint) : undefined,
    altIp: verified ? mappedOf(verified.altIp, verified.altIp!.from) : undefined,
    altBoth: verified ? mappedOf(verified.altBoth, verified.altBoth!.from) : undefined,
    altPort: verified ? mappedOf(verified.altPort, verified.altPort!.from) : undefined,
    rfc5780Missing: verified ? undefined : rfc5780MissingReason(),
    others: works.flatMap((w) => mappedOf(w.primary, w.target.endpoint) ?? []),
  };
  const mappingVerdict = classifyMapping(observations);
  const noNat = mappingVerdict.value === 'none';

  const anyAnswer = firstAnswerAt !== undefined;
  const { value: udp, reason: udpReason } = classifyUdp({
    configuredServers: options.servers.length,
    resolveErrors: [...serverErrors.values()],
    asked: behaviourTargets.length,
    elapsedMs: Math.round(clock.now() - t0),
    answered: anyAnswer,
    ipv6Answered: [...v6Results.values()].some((r) => r.rttMs !== null),
    unusable: stats,
    cancelled: signal?.aborted ?? false,
    socketProblem,
    sends: { attempted: sendsAttempted, failed: sendFailures, firstServerFailure: works.map((w) => w.primaryFailure).filter(Boolean)[0] },
  });

  const filteringServer = works.find((w) => w === verified && w.changeBoth && w.changePort);
  const filteringVerdict = classifyFiltering(
    filteringServer
      ? {
          server: { primary: filteringServer.target.endpoint, other: filteringServer.primary!.other! },
          changeBoth: filteringServer.changeBoth,
          changePort: filteringServer.changePort,
        }
      : {
          missing: !anyAnswer
            ? 'no server answered'
            : verified
              ? 'the filtering tests did not run against the RFC 5780 server'
              : `filtering needs a server that answers CHANGE-REQUEST from a second address, and none did: ${rfc5780MissingReason()}`,
        },
  );

  // Opt-in deep probes that need the behaviour verdicts, run side by side after them.
  let mappingLifetime: Report['mappingLifetime'];
  let hairpinning: Report['hairpinning'];
  const deepServer = (verified ?? works.find((w) => w.primary))?.target;
  const deep: Promise<void>[] = [];
  if (options.lifetime) {
    if (!deepServer) {
      mappingLifetime = { value: null, idleSeconds: null, refreshedByInbound: 'unknown', absoluteSeconds: null, reason: 'no server answered, so no mapping could be watched' };
    } else {
      log(`measuring the mapping lifetime against ${endpointKey(deepServer.endpoint)} (up to ${options.lifetime.maxSeconds ?? 120} s)`);
      deep.push(
        measureMappingLifetime({
          factory,
          clock,
          server: deepServer.endpoint,
          family: deepServer.family,
          maxSeconds: options.lifetime.maxSeconds,
          absoluteUpToMax: options.lifetime.full,
          stream: options.lifetime.stream,
          onProgress: options.lifetime.onProgress,
          rfc5780: verified !== undefined,
          signal,
          log,
        }).then(
          (r) => {
            mappingLifetime = r;
          },
          (err: unknown) => {
            mappingLifetime = { value: null, idleSeconds: null, refreshedByInbound: 'unknown', absoluteSeconds: null, reason: `the lifetime probe failed: ${errorText(err)}` };
          },
        ),
      );
    }
  }
  if (options.hairpin) {
    if (!deepServer) {
      hairpinning = { value: 'unknown', reason: 'no server answered, so our public mapping is unknown' };
    } else {
      log('hairpin test: sending to our own public mapping');
      const server = deepServer;
      deep.push(
        // The router's external address is a witness too: wait for it when it was asked for.
        (portMappingDone ?? Promise.resolve())
          .then(() => {
            const agreed = agreedPublicAddress();
            if ('address' in agreed) contacts.declareHost(agreed.address, 'hairpin target', true);
            return probeHairpin({ factory, clock, server: server.endpoint, family: server.family, mapping: mappingVerdict.value, filtering: filteringVerdict.value, agreed, contacts, signal, log });
          })
          .then(
          (r) => {
            hairpinning = r;
          },
          (err: unknown) => {
            hairpinning = { value: 'unknown', reason: `the hairpin probe failed: ${errorText(err)}` };
          },
        ),
      );
    }
  }
  if (options.onQuickVerdict && extras.length + deep.length > 0) options.onQuickVerdict(assemble());
  await Promise.all([...extras, ...deep]);
  return assemble();

  /** The report from what is known now: called once early (the quick verdict) and once at the end. */
  function assemble(): Report {
    const portObservations = [
      ...works.flatMap((w) => [w.primary, w.altIp, w.altBoth, w.altPort]).flatMap((a) => (a?.mapped ? [{ local: mappingLocalPort, mapped: a.mapped.port }] : [])),
      ...works.flatMap((w) => w.filteringMapped),
    ];
    const reflexive = publicEndpoints.filter((p) => p.family === 'IPv4').map((p) => p.address);
    const firstPass = cgnatFirstPass(interfaces, reflexive, noNat);
    let cgnat = firstPass;
    let doubleNat: Report['doubleNat'];
    if (portMapping) {
      const combined = combineCgnatEvidence({
        firstPass,
        routerExternal: portMapping.externalAddresses,
        natPmpNoPublicAddress: portMapping.noPublicAddress.natPmp,
        upnpNoPublicAddress: portMapping.noPublicAddress.upnp,
        stunPublic: reflexive,
      });
      cgnat = { value: combined.value, reason: combined.reason, evidence: combined.evidence, excludedInterfaces: combined.excludedInterfaces };
      doubleNat = { value: combined.doubleNat, reason: combined.doubleNatReason };
    }
    const natType = deriveNatType(udp, mappingVerdict, filteringVerdict);

    const partial: Omit<Report, 'recommendations'> = {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'natprobe' as const, version: options.version },
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(clock.now() - t0),
      // Ranked by measured RTT (what matters for choosing a server), silent ones last.
      servers: rankByRtt([
        ...works.map(serverResult),
        ...(behaviourFamily === 4
          ? v6.map((t) => ({
              host: t.spec.host,
              port: t.spec.port,
              address: t.endpoint.address,
              rttMs: v6Results.get(t)?.rttMs ?? null,
              rfc5780: 'unknown' as Tristate,
              otherAddress: null,
              error: `asked over IPv6 only for the IPv6 public address${v6Results.get(t)?.error ? `: ${v6Results.get(t)?.error}` : ''}`,
            }))
          : []),
        ...[...serverErrors].map(([spec, error]) => ({ host: spec.host, port: spec.port, address: null, rttMs: null, rfc5780: 'unknown' as Tristate, otherAddress: null, error })),
      ]),
      udp,
      udpReason,
      localAddresses,
      publicEndpoints,
      mapping: mappingVerdict,
      filtering: filteringVerdict,
      portPreservation: portPreservation(noNat, portObservations),
      natType,
      cgnat,
      ...(ports ? { ports } : {}),
      ...(turn ? { turn } : {}),
      ...(mappingLifetime ? { mappingLifetime } : {}),
      ...(hairpinning ? { hairpinning } : {}),
      ...(portMapping
        ? { portMapping: { upnp: portMapping.upnp, natPmp: portMapping.natPmp, pcp: portMapping.pcp, gateway: portMapping.gateway, reasons: portMapping.reasons, evidence: portMapping.evidence } }
        : {}),
      ...(doubleNat ? { doubleNat } : {}),
      ignoredPackets: { ...stats },
      contacted: contacts.list(),
    };
    return { ...partial, recommendations: recommend(partial) };
  }

  /**
   * Our public address, when two independent witnesses agree on it: two configured servers at
   * different addresses, or a server and the router (NAT-PMP/UPnP external address). The
   * hairpin probe sends nowhere else.
   */
  function agreedPublicAddress(): { address: string; basis: string } | { problem: string } {
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
        '; a second configured server (or --port-mapping, when the router is the NAT) must agree before packets go to it',
    };
  }

  function rfc5780MissingReason(): string {
    const problems = works
      .filter((w) => w.primary)
      .map((w) => `${w.target.spec.host}: ${w.alternateProblem ?? (w.primary?.other ? 'the alternate-address tests got no answer' : 'no OTHER-ADDRESS in its answer, so no RFC 5780 support')}`);
    return problems.length ? problems.join('; ') : 'no server answered';
  }

  function serverResult(w: ServerWork): ServerResult {
    const median = medianOf(w.rtts);
    const base = { host: w.target.spec.host, port: w.target.spec.port, address: w.target.endpoint.address, rttMs: median === undefined ? null : round1(median) };
    if (!w.primary) return { ...base, rfc5780: 'unknown', otherAddress: null, error: w.primaryFailure ?? 'no answer' };
    const otherAddress = w.primary.other ? endpointKey(w.primary.other) : null;
    const software = w.primary.software;
    const changeProblem = [w.changeBoth, w.changePort].find((p) => p?.state === 'wrong-source' || p?.state === 'error');
    let rfc5780: Tristate = 'no';
    let error: string | undefined;
    if (!w.primary.other) error = 'no OTHER-ADDRESS: the server does not offer RFC 5780 tests';
    else if (w.alternateProblem) {
      error = w.alternateProblem;
      // Two unanswered datagrams cannot tell a lost packet from a lie: not "no".
      if (w.alternateUnheard) rfc5780 = 'unknown';
    }
    else if (!(w.altIp && w.altBoth && w.altPort)) {
      rfc5780 = 'unknown';
      error = 'the alternate-address tests were incomplete';
    } else if (changeProblem) {
      error =
        changeProblem.state === 'wrong-source'
          ? `answers CHANGE-REQUEST from ${endpointKey(changeProblem.from)} instead of its alternate address`
          : `CHANGE-REQUEST failed: ${changeProblem.detail}`;
    } else rfc5780 = 'yes';
    return { ...base, rfc5780, otherAddress, ...(error ? { error } : {}), ...(software ? { software } : {}) };
  }
}

/** SSDP's multicast group (UPnP Device Architecture 2.0 §1.3.2): the UPnP search goes there too. */
const SSDP_GROUP = '239.255.255.250';

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

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function readAnswer(message: StunMessage, from: Endpoint): BindingAnswer {
  const xor = getAttribute(message, Attr.XorMappedAddress);
  const plain = getAttribute(message, Attr.MappedAddress);
  let mapped: Endpoint | undefined;
  if (xor && !message.rfc3489) {
    const d = decodeXorAddress(xor.value, message.transactionId);
    if (d.ok) mapped = { address: d.value.address, port: d.value.port };
  }
  if (!mapped && plain) {
    const d = decodeAddress(plain.value);
    if (d.ok) mapped = { address: d.value.address, port: d.value.port };
  }
  const addr = (type: number): Endpoint | undefined => {
    const a = getAttribute(message, type);
    if (!a) return undefined;
    const d = decodeAddress(a.value);
    return d.ok ? { address: d.value.address, port: d.value.port } : undefined;
  };
  const sw = getAttribute(message, Attr.Software);
  const software = sw ? decodeText(sw.value) : undefined;
  const ec = getAttribute(message, Attr.ErrorCode);
  const errorCode = message.cls === 'error' && ec ? decodeErrorCode(ec.value) : undefined;
  return {
    from,
    mapped,
    other: addr(Attr.OtherAddress) ?? addr(Attr.ChangedAddress),
    origin: addr(Attr.ResponseOrigin) ?? addr(Attr.SourceAddress),
    software: software?.ok ? software.value : undefined,
    errorCode: message.cls === 'error' ? (errorCode?.ok ? errorCode.value : { code: 0, reason: 'malformed ERROR-CODE' }) : undefined,
  };
}
