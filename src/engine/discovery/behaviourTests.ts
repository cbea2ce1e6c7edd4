import type { StunSocket } from '../client/stunSocket';
import { type Endpoint, type Family, endpointKey, normaliseAddress, sameEndpoint } from '../net/udp';
import { Attr, type BindingAnswer, encodeChangeRequest, readBindingAnswer } from '../stun';
import { type FilteringProbe, classifyFiltering } from './classify';
import type { DiagnosisRun, Target } from './diagnosisRun';
import { Pace } from './pace';

/**
 * How many servers get the RFC 5780 filtering tests at once, before anything is known about
 * them (enough for every default server); a server further down the list gets them as soon as
 * its answer announces an OTHER-ADDRESS. Each test costs one socket and a few datagrams.
 */
const MAX_FILTERING_CANDIDATES = 6;

/**
 * Datagrams per test to an address a server announced (OTHER-ADDRESS) until that address has
 * answered like the same server: a server's word alone must not make us flood a third party
 * (ARCHITECTURE, invariants). Two, so one lost datagram does not end the test.
 */
const UNCONFIRMED_ATTEMPTS = 2;
/** StunSocket's own default: the RTT-sized schedule, bounded by the budget. */
const FULL_SCHEDULE = 50;

/** What the tests learnt about one server of the behaviour family. */
export interface ServerWork {
  readonly target: Target;
  primary?: BindingAnswer;
  primaryFailure?: string;
  /** Clock time of the primary's answer: the server's own silence windows count from here. */
  primaryAnsweredAt?: number;
  /** The filtering tests II and III have been started against this server. */
  filteringStarted?: boolean;
  rtts: number[];
  altIp?: BindingAnswer;
  altBoth?: BindingAnswer;
  altPort?: BindingAnswer;
  alternateProblem?: string;
  /** The alternate stayed silent within the bound for unconfirmed addresses: loss cannot be told from a lie. */
  alternateUnheard?: boolean;
  /** Its tests were stopped unfinished because another server had already settled the verdict. */
  unfinished?: boolean;
  changeBoth?: FilteringProbe;
  changePort?: FilteringProbe;
  filteringMapped: { local: number; mapped: number }[];
  filteringSockets: StunSocket[];
}

export interface BehaviourObservations {
  readonly works: readonly ServerWork[];
  /** The mapping socket's local port (0 when it could not be opened). */
  readonly mappingLocalPort: number;
  readonly socketProblem?: string;
  /** The IPv6 servers asked only for our IPv6 public address (when the tests ran over IPv4). */
  readonly v6Results: ReadonlyMap<Target, { rttMs: number | null; error?: string }>;
}

/**
 * Every behaviour test at once, each on its own socket:
 *  - one "mapping" socket asks every server (RFC 5780 §4.3 test I, and the multi-server
 *    comparison for servers without RFC 5780), then, as soon as a server reveals its
 *    OTHER-ADDRESS, the alternate addresses (tests II and III);
 *  - two fresh sockets per candidate server run the filtering tests II and III (§4.4), so no
 *    other test's traffic can have opened the filter for them (RFC 5780 §4.4 warns the tests
 *    are sensitive to prior state; erratum 7971 concerns this section);
 *  - when the tests run over IPv4, one more socket asks the IPv6 servers for our IPv6 address.
 */
export async function runBehaviourTests(
  run: DiagnosisRun,
  targets: readonly Target[],
  family: Family,
  v6: readonly Target[],
): Promise<BehaviourObservations> {
  const works = targets.map((target): ServerWork => ({ target, rtts: [], filteringMapped: [], filteringSockets: [] }));
  const v6Results = new Map<Target, { rttMs: number | null; error?: string }>();
  let socketProblem: string | undefined;
  let mappingLocalPort = 0;
  const pace = new Pace(run.signal, () => filteringSettled(works));
  try {
    const mapping = targets.length > 0 ? await run.open(family) : 'no server could be resolved';
    if (typeof mapping === 'string') socketProblem = mapping;
    const tasks: Promise<unknown>[] = [];
    const startFiltering = (work: ServerWork): Promise<unknown> => {
      work.filteringStarted = true;
      return Promise.all((['changeBoth', 'changePort'] as const).map((kind) => filteringTest(run, pace, work, kind, family)));
    };
    if (typeof mapping !== 'string') {
      mappingLocalPort = mapping.localEndpoint().port;
      for (const work of works) tasks.push(askServer(run, pace, work, mapping, startFiltering));
    }
    // Filtering tests on fresh sockets, started at once, for the first few servers.
    for (const work of works.slice(0, MAX_FILTERING_CANDIDATES)) tasks.push(startFiltering(work));
    // IPv6 public address, when the behaviour tests ran over IPv4 and a server has IPv6.
    if (family === 4 && v6.length > 0) tasks.push(askIpv6(run, v6, v6Results));
    // The extras (ports, TURN, port mapping) keep running: the quick verdict does not wait for them.
    await Promise.all(tasks);
  } finally {
    pace.release();
    run.closeSockets();
  }
  return { works, mappingLocalPort, socketProblem, v6Results };
}

/** The RFC 5780 checks passed: every announced alternate answered like the server, from where we sent, saying so. */
export function isVerified(w: ServerWork): boolean {
  return !!(w.primary && w.altIp && w.altBoth && w.altPort && !w.alternateProblem);
}

/**
 * Nothing the tests still running could show would change the filtering verdict: a server that
 * passed the RFC 5780 checks saw a reply from its other address and port get through
 * (endpoint-independent filtering, the most open there is, so no other server's silence can
 * outweigh it; see pickFiltering). Every other verdict rests on a silence window that the
 * slowest server's tests need anyway, so nothing is stopped early for them.
 */
function filteringSettled(works: readonly ServerWork[]): boolean {
  return works.some(
    (w) =>
      isVerified(w) &&
      !!w.changeBoth &&
      !!w.changePort &&
      classifyFiltering({ server: { primary: w.target.endpoint, other: w.primary!.other! }, changeBoth: w.changeBoth, changePort: w.changePort }).value === 'endpoint-independent',
  );
}

/**
 * Test I on the mapping socket; the alternate-address tests follow when the answer names
 * OTHER-ADDRESS (and the filtering tests, for a server too far down the list to have had them).
 */
async function askServer(run: DiagnosisRun, pace: Pace, work: ServerWork, mapping: StunSocket, startFiltering: (work: ServerWork) => Promise<unknown>): Promise<void> {
  const { target } = work;
  run.log(`binding request to ${endpointKey(target.endpoint)} (${target.spec.host}) from local port ${mapping.localEndpoint().port}`);
  const r = await mapping.exchange({ to: target.endpoint, giveUpAt: run.giveUpAfter(run.t0), rto: run.rto, signal: pace.signal });
  run.noteResult(r);
  if (pace.stoppedEarly(r)) {
    work.primaryFailure = `no answer in ${Math.round(r.ok ? 0 : r.elapsedMs)} ms, and the verdict was complete without it`;
    return;
  }
  if (!r.ok) {
    const wrong = [
      r.wrongSource.length ? `${r.wrongSource.length} with our transaction ID came from ${endpointKey(r.wrongSource[0])} instead` : '',
      r.unusable ? `${r.unusable} from it could not be used (a transaction ID we never sent, or not STUN)` : '',
    ].filter(Boolean);
    work.primaryFailure = wrong.length ? `it answers, but not correctly: ${wrong.join('; ')} (${r.detail})` : r.detail;
    return;
  }
  run.onAnswer(r.rttMs);
  work.rtts.push(r.rttMs);
  work.primaryAnsweredAt = run.clock.now();
  work.primary = readBindingAnswer(r.message, r.from);
  if (work.primary.mapped) run.addPublic(work.primary.mapped, target);
  run.log(
    `${endpointKey(target.endpoint)} answered in ${r.rttMs.toFixed(1)} ms: mapped ${work.primary.mapped ? endpointKey(work.primary.mapped) : '(none)'}${work.primary.other ? `, OTHER-ADDRESS ${endpointKey(work.primary.other)}` : ''}`,
  );
  if (work.primary.other) {
    for (const f of work.filteringSockets) f.recheck();
    await Promise.all([alternateTests(run, pace, work, mapping), work.filteringStarted ? undefined : startFiltering(work)]);
  }
}

/**
 * When silence from one server is final: a silence window after that server itself answered,
 * sized by its own round trip as well as the run's. The run's window follows the fastest
 * servers; a slower RFC 5780 server next to them would otherwise have its filtered-looking
 * silence judged before its replies could arrive (a false "filtered"). Before it answers, its
 * own Binding request decides: once that has failed, the server's silence proves nothing.
 */
function giveUpForServer(run: DiagnosisRun, work: ServerWork, since: number): () => number {
  return () => {
    if (work.primaryFailure !== undefined) return since;
    if (work.primaryAnsweredAt === undefined) return run.deadline;
    return Math.min(run.deadline, Math.max(since, work.primaryAnsweredAt) + run.silenceWindowFor(work.rtts));
  };
}

/** Retransmission interval towards one server: about eight tries per its silence window (see RttEstimator.probeInterval). */
function rtoForServer(run: DiagnosisRun, work: ServerWork): () => number {
  return () => (work.primaryAnsweredAt === undefined ? run.rto() : Math.max(run.rto(), run.silenceWindowFor(work.rtts) / 8));
}

/** RFC 5780 §4.4 test II (changeBoth) or III (changePort), from a socket of its own. */
async function filteringTest(run: DiagnosisRun, pace: Pace, work: ServerWork, kind: 'changeBoth' | 'changePort', family: Family): Promise<void> {
  await filteringExchange(run, pace, work, kind, family);
  pace.progress();
}

async function filteringExchange(run: DiagnosisRun, pace: Pace, work: ServerWork, kind: 'changeBoth' | 'changePort', family: Family): Promise<void> {
  const s = await run.open(family);
  if (typeof s === 'string') {
    work[kind] = { state: 'error', detail: s };
    return;
  }
  work.filteringSockets.push(s);
  const started = run.clock.now();
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
      return sameEndpoint(from, primary) || (!!other && (sameEndpoint(from, other) || sameEndpoint(from, { address: primary.address, port: other.port })));
    },
    giveUpAt: giveUpForServer(run, work, started),
    rto: rtoForServer(run, work),
    signal: pace.signal,
  });
  run.noteResult(r);
  s.close();
  if (pace.stoppedEarly(r)) {
    work.unfinished = true;
    return;
  }
  if (!r.ok) {
    work[kind] = { state: r.reason === 'timeout' ? 'silent' : 'error', detail: r.detail };
    return;
  }
  run.onAnswer(r.rttMs);
  const answer = readBindingAnswer(r.message, r.from);
  if (answer.errorCode) {
    work[kind] = { state: 'error', detail: `error ${answer.errorCode.code} ${answer.errorCode.reason}` };
    return;
  }
  if (answer.mapped) work.filteringMapped.push({ local: localPort, mapped: answer.mapped.port });
  work[kind] = sameEndpoint(r.from, work.target.endpoint) ? { state: 'wrong-source', from: r.from } : { state: 'answered', from: r.from, mapped: answer.mapped };
}

/** RFC 5780 §4.3 tests II and III, to the addresses the server announced, bounded until they prove to be the same server. */
async function alternateTests(run: DiagnosisRun, pace: Pace, work: ServerWork, socket: StunSocket): Promise<void> {
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
  const started = run.clock.now();
  const announcedBy = endpointKey(primary);
  for (const [, to] of tests) run.contacts.declare(to, 'udp', 'announced alternate', false, announcedBy);
  // The configured server's own address is trusted on any port; the announced one only once it has answered.
  const bound = (to: Endpoint) => (): number =>
    normaliseAddress(to.address) === normaliseAddress(primary.address) || run.confirmedHosts.has(normaliseAddress(to.address)) ? FULL_SCHEDULE : UNCONFIRMED_ATTEMPTS;
  await Promise.all(
    tests.map(async ([key, to]) => {
      run.log(`binding request to alternate ${endpointKey(to)}`);
      // While only the server vouches for the address, each of its few datagrams waits at least
      // the server's own retransmission timeout (RFC 6298 §2, from its RTT samples): the
      // exchange ends one interval after the last datagram, and at the run's pace (set by the
      // fastest servers) a far server's answer could not have come back by then.
      const unconfirmed = () => bound(to)() === UNCONFIRMED_ATTEMPTS;
      const rto = () => (unconfirmed() ? Math.max(rtoForServer(run, work)(), run.rtoFor(work.rtts)) : rtoForServer(run, work)());
      const r = await socket.exchange({ to, giveUpAt: giveUpForServer(run, work, started), rto, signal: pace.signal, maxAttempts: bound(to) });
      run.noteResult(r);
      if (pace.stoppedEarly(r)) {
        work.unfinished = true;
        return;
      }
      if (!r.ok) {
        const bounded = r.reason === 'timeout' && r.wrongSource.length === 0 && unconfirmed();
        if (bounded && work.alternateProblem === undefined) work.alternateUnheard = true;
        work.alternateProblem ??=
          r.wrongSource.length > 0
            ? `its alternate address ${endpointKey(to)} answers from ${endpointKey(r.wrongSource[0])}`
            : bounded
              ? `claims OTHER-ADDRESS ${endpointKey(other)}, but ${endpointKey(to)} does not answer the ${UNCONFIRMED_ATTEMPTS} datagrams an address only the server vouches for gets (lost, or not the same server)`
              : `claims OTHER-ADDRESS ${endpointKey(other)}, but ${endpointKey(to)} does not answer (${r.detail})`;
        return;
      }
      run.onAnswer(r.rttMs);
      work.rtts.push(r.rttMs);
      const a = readBindingAnswer(r.message, r.from);
      if (a.origin && !sameEndpoint(a.origin, to)) {
        work.alternateProblem ??= `${endpointKey(to)} says it answered from ${endpointKey(a.origin)} (RESPONSE-ORIGIN)`;
        return;
      }
      // Answered our transaction, from exactly where we sent, saying so: the same server.
      run.contacts.confirm(to, 'udp');
      run.confirmedHosts.add(normaliseAddress(to.address));
      work[key] = a;
      pace.progress();
    }),
  );
}

/** Our IPv6 public address, asked on a socket of its own while the behaviour tests run over IPv4. */
async function askIpv6(run: DiagnosisRun, v6: readonly Target[], results: Map<Target, { rttMs: number | null; error?: string }>): Promise<void> {
  const s6 = await run.open(6);
  if (typeof s6 === 'string') {
    run.log(s6);
    for (const t of v6) results.set(t, { rttMs: null, error: s6 });
    return;
  }
  await Promise.all(
    v6.map(async (target) => {
      const r = await s6.exchange({ to: target.endpoint, giveUpAt: run.giveUpAfter(run.clock.now()), rto: run.rto, signal: run.signal });
      if (r.ok) {
        const a = readBindingAnswer(r.message, r.from);
        if (a.mapped) run.addPublic(a.mapped, target);
        results.set(target, { rttMs: round1(r.rttMs) });
      } else {
        run.log(`IPv6 ${endpointKey(target.endpoint)}: ${r.detail}`);
        results.set(target, { rttMs: null, error: r.detail });
      }
    }),
  );
}

/** Milliseconds to one decimal, as the report gives them. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
