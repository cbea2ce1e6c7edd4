/**
 * RFC 5780 §4.6: how long a UDP mapping survives. See docs/probes/lifetime.md for the method,
 * the figures and what each answer can and cannot tell.
 *
 * Idle timeout. Probe sockets X each ask the server once (learning their mapping X') and then
 * stay silent. To test "did X' survive T seconds?", a separate socket Y sends a Binding request
 * with RESPONSE-PORT = X'.port: the server answers to Y's public IP (the same as X's) at that
 * port, from the address X talked to, so the answer passes any filter X' has and reaches X only
 * if X' still exists. Y's request refreshes nothing of X', but the answer through X' may (NATs
 * that refresh on inbound), so each X gives exactly one verdict. "Dead" needs silence for an
 * RTT-sized window while Y's own plain request (the control) shows the server answering and Y
 * still on X's public IP.
 *
 * Many X are checked in parallel so the run costs about the lifetime itself:
 *  - scouts, all started at t0, checked at ages on a grid (2, 4, …, 12, 14, then ×1.15 up to
 *    maxSeconds): the first dead one brackets the timeout within one grid step, at a time at
 *    most 1.15 × the timeout (plus an RTT window);
 *  - a stream of sockets started at t0 + 1.6 s, 3.2 s, … (spacing growing with 40 % of their start
 *    time): when the first scout dies at age g, these have every age between the last live grid
 *    age and g, so all of them are checked at once and the bracket shrinks to their spacing
 *    (≤ max(2 s, 10 %)) with no further waiting;
 *  - only when loss spoiled that, a new round of sockets bisects the remaining bracket.
 * Alongside, on their own sockets: K only ever *receives* (Y + RESPONSE-PORT every few seconds):
 * alive past the idle timeout ⇒ inbound traffic refreshes mappings; A sends keepalives every few
 * seconds and is checked between them: dying anyway ⇒ an absolute timeout.
 */
import type { MappingLifetime } from '../../report/report';
import type { Clock } from '../clock';
import type { Member } from '../client/stunRouter';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey } from '../net/udp';
import { Bracket } from './lifetime/bracket';
import { MappingChecks, type Method, methodFromCapability } from './lifetime/checks';
import { type Mode, concludeLifetime, round1 } from './lifetime/conclude';
import { idleGrid, narrow, openStreamSockets, walkGrid } from './lifetime/idleSearch';
import { Cancelled, Pacer } from './lifetime/pacing';
import { type Probe, ProbeSockets } from './lifetime/probeSockets';
import { notMeasurableBySameSocket, nothingToExpire, unknownLifetime } from './lifetime/result';
import { type AbsoluteWatch, type InboundWatch, type WatchContext, watchAbsolute, watchInbound } from './lifetime/watchers';
import { isOwnAddress } from './ownAddress';

export { idleGrid } from './lifetime/idleSearch';

export interface LifetimeProgress {
  /** Longest idle time a mapping was seen to survive so far. */
  readonly lowSeconds: number;
  /** Shortest idle time after which a mapping was seen dead, or null while none has died. */
  readonly highSeconds: number | null;
  readonly elapsedMs: number;
}

export interface MeasureLifetimeOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  /** The server (an RFC 5780 one honouring RESPONSE-PORT for the full measurement). */
  readonly server: Endpoint;
  readonly family: Family;
  /** Longest idle time tested, and the horizon of the absolute-timeout watch. Default 120. */
  readonly maxSeconds?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: LifetimeProgress) => void;
  /** Does the server honour RESPONSE-PORT? false skips straight to the fallback; otherwise it is tested. */
  readonly rfc5780?: boolean;
  /**
   * Keep watching for an absolute timeout until maxSeconds even after the idle timeout is known
   * (default false: the watch lasts as long as the idle measurement, about 1.1-1.2 × the timeout).
   */
  readonly absoluteUpToMax?: boolean;
  /**
   * Make every probe flow two-way and older than 2 s before it idles (a second exchange 2.5 s
   * after the first), as a VPN tunnel's flow is. Linux conntrack, for one, gives such flows
   * nf_conntrack_udp_timeout_stream (120-180 s) instead of nf_conntrack_udp_timeout (30 s).
   * Costs 2.5 s. Default false: a single request/response flow, the pessimistic figure.
   */
  readonly stream?: boolean;
  /** One line per step, for the CLI's verbose log. */
  readonly log?: (line: string) => void;
}

/**
 * Measures how long a UDP mapping survives idle, whether inbound packets alone keep it, and
 * whether it dies after a fixed time whatever the traffic (module comment above).
 */
export async function measureMappingLifetime(opts: MeasureLifetimeOptions): Promise<MappingLifetime> {
  if (opts.signal?.aborted) return unknownLifetime('cancelled');
  const run = new LifetimeRun(opts);
  try {
    return await run.measure();
  } catch (e) {
    if (run.pacer.cancelled(e)) return unknownLifetime('cancelled');
    throw e;
  } finally {
    await run.close();
  }
}

/** The run's first sockets: Y asks about the others, P tests the method, K and A are watched, the scouts walk the grid. */
type Started =
  | { readonly ok: true; readonly y: Member; readonly p: Probe; readonly rest: readonly Promise<Probe | string>[] }
  | { readonly ok: false; readonly result: MappingLifetime };

/** One measurement: the state its phases share (sockets, bracket, watchers' findings, background loops). */
class LifetimeRun {
  readonly pacer: Pacer;
  private readonly sockets: ProbeSockets;
  private readonly bracket: Bracket;
  /** Aborted at the first death: the stream sockets then have every age needed. */
  private readonly streamStop = new AbortController();
  /** K's findings (it watches only when RESPONSE-PORT works). */
  private readonly inbound: InboundWatch = { lastAlive: 0, checks: 0, done: true };
  /** A's findings. */
  private readonly absolute: AbsoluteWatch = { lastAlive: 0, period: Bracket.PERIOD_MIN };
  private readonly background: Promise<unknown>[] = [];
  private readonly clock: Clock;
  private readonly maxSeconds: number;
  private readonly log: (line: string) => void;
  private readonly t0: number;
  private idleDone = false;
  private ticker: unknown;

  constructor(private readonly opts: MeasureLifetimeOptions) {
    this.clock = opts.clock;
    this.maxSeconds = Math.max(1, opts.maxSeconds ?? 120);
    this.log = opts.log ?? (() => undefined);
    this.pacer = new Pacer(opts.clock, opts.signal);
    const { factory, family, server, clock } = opts;
    this.sockets = new ProbeSockets({ factory, family, server, clock, signal: this.pacer.signal, stream: opts.stream ?? false });
    this.t0 = clock.now();
    this.bracket = new Bracket(
      () => this.progress(),
      () => {
        if (!this.streamStop.signal.aborted) this.streamStop.abort(new Cancelled('bracketed'));
        this.pacer.wake();
      },
    );
  }

  async measure(): Promise<MappingLifetime> {
    const { sockets, bracket } = this;
    const grid = idleGrid(this.maxSeconds);
    const started = await this.createMappings(grid.length);
    if (!started.ok) return started.result;
    const { p } = started;
    const checks = new MappingChecks(sockets, started.y);
    const method = await this.chooseMethod(checks, p);
    const ownAddress = await isOwnAddress(this.opts.factory, this.opts.family, p.mapped.address);
    if (method.mode === 'response-port' && p.mapped.port === p.member.local.port) {
      const reached = await this.unusedPortReached(checks, p);
      if (reached !== undefined) {
        await Promise.allSettled(started.rest);
        return nothingToExpire(reached, p.mapped.address, ownAddress);
      }
    }
    const [k, a, ...scouts] = await Promise.all(started.rest);
    if (method.mode === 'same-socket' && ([k, a, ...scouts].some(keepsLocalPort) || ownAddress)) {
      return notMeasurableBySameSocket(method.why, p.mapped.address, ownAddress);
    }

    const search = { sockets, pacer: this.pacer, bracket, check: checks.for(method.mode), log: this.log };
    const probes = scouts.filter(isProbe);
    const idleDone = (): boolean => this.idleDone;
    this.inBackground(openStreamSockets(search, { t0: this.t0, grid, stop: this.streamStop.signal, idleDone }, probes));
    this.startWatchers(method.mode, checks, k, a);
    await walkGrid(search, grid, scouts.map((s) => (isProbe(s) ? s : undefined)));
    if (bracket.closed) await narrow(search, probes);
    return this.conclude(method, probes);
  }

  /** Y first, then P, K, A and one scout per grid age make their mappings at once; waits for Y's and P's answers. */
  private async createMappings(scoutCount: number): Promise<Started> {
    const { sockets, clock } = this;
    const server = endpointKey(this.opts.server);
    const y = await sockets.open('Y');
    if (typeof y === 'string') return { ok: false, result: unknownLifetime(y) };
    this.startTicker();
    const yFirst = sockets.ask(y, sockets.firstContactGiveUp(clock.now()));
    const P = sockets.newProbe('P');
    const rest = [sockets.newProbe('K'), sockets.newProbe('A'), ...Array.from({ length: scoutCount }, (_, i) => sockets.newProbe(`scout${i}`))];
    const yAnswer = await yFirst;
    if (typeof yAnswer === 'string') {
      await Promise.allSettled([P, ...rest]);
      return { ok: false, result: unknownLifetime(`the server ${server} did not answer (${yAnswer})`) };
    }
    const p = await P;
    if (typeof p === 'string') return { ok: false, result: unknownLifetime(`the server ${server} did not answer a probe socket (${p})`) };
    this.log(`lifetime: server ${server} answers in ${Math.round(yAnswer.rtt)} ms; probe P mapped to ${endpointKey(p.mapped)}`);
    return { ok: true, y, p, rest };
  }

  /** Does RESPONSE-PORT work with this server? Asked about P's fresh mapping, which must be alive. P is done after. */
  private async chooseMethod(checks: MappingChecks, p: Probe): Promise<Method> {
    if (this.opts.rfc5780 === false) {
      this.sockets.release(p);
      return { mode: 'same-socket', why: 'the caller said the server does not support RESPONSE-PORT (RFC 5780)' };
    }
    const capability = await checks.responsePort(p);
    this.sockets.release(p);
    const method = methodFromCapability(capability);
    this.log(`lifetime: RESPONSE-PORT ${method.mode === 'response-port' ? 'works' : `unusable: ${method.why}`}`);
    return method;
  }

  /**
   * P's public port is its local one: maybe nothing translates or filters. Then a RESPONSE-PORT
   * answer to a port this host never sent from (a fresh socket Z's) gets through: that port, or undefined.
   */
  private async unusedPortReached(checks: MappingChecks, p: Probe): Promise<number | undefined> {
    const z = await this.sockets.open('Z');
    if (typeof z === 'string') return undefined;
    const probeZ: Probe = { member: z, mapped: { address: p.mapped.address, port: z.local.port }, idleStart: this.clock.now(), used: false };
    const v = await checks.responsePort(probeZ);
    this.sockets.release(probeZ);
    return v.kind === 'alive' ? z.local.port : undefined;
  }

  /** K (inbound refresh; needs RESPONSE-PORT) and A (absolute timeout) watched in the background. */
  private startWatchers(mode: Mode, checks: MappingChecks, k: Probe | string, a: Probe | string): void {
    const { clock, sockets, pacer, inbound } = this;
    const watch: WatchContext = {
      clock,
      bracket: this.bracket,
      mode,
      /** K and A may look a margin past maxSeconds: a death at maxSeconds needs a look after it. */
      horizon: this.maxSeconds * 1.1 + 2,
      maxSeconds: this.maxSeconds,
      absoluteUpToMax: this.opts.absoluteUpToMax ?? false,
      inbound,
      absolute: this.absolute,
      idleDone: () => this.idleDone,
      age: (p, at) => sockets.age(p, at),
      nap: (time) => pacer.nap(time),
      check: checks.responsePort,
      keepalive: (q) => sockets.ask(q.member, () => clock.now() + Math.max(2 * sockets.est.silenceWindow(), 1000)),
      log: this.log,
    };
    if (mode === 'response-port' && isProbe(k)) {
      inbound.done = false;
      this.inBackground(
        watchInbound(watch, k).finally(() => {
          inbound.done = true;
          pacer.wake();
        }),
      );
    } else if (isProbe(k)) {
      sockets.release(k);
    }
    if (isProbe(a)) this.inBackground(watchAbsolute(watch, a));
  }

  /** The idle search is over: the watchers finish their last look, then the observations become the answer. */
  private async conclude(method: Method, probes: readonly Probe[]): Promise<MappingLifetime> {
    const { clock, t0 } = this;
    this.idleDone = true;
    this.progress();
    this.pacer.wake();
    for (const q of probes) if (!q.used) this.sockets.release(q);
    const idleMs = clock.now() - t0;
    await Promise.all(this.background);
    return concludeLifetime({
      mode: method.mode,
      fallbackWhy: method.mode === 'same-socket' ? method.why : '',
      lo: this.bracket.lo,
      hi: this.bracket.hi,
      inbound: this.inbound,
      absolute: this.absolute,
      inboundPeriod: this.bracket.period(),
      margin: this.bracket.margin(),
      maxSeconds: this.maxSeconds,
      absoluteUpToMax: this.opts.absoluteUpToMax ?? false,
      stream: this.opts.stream ?? false,
      socketsUsed: this.sockets.opened,
      idleMs,
      totalMs: clock.now() - t0,
    });
  }

  private progress(): void {
    const { bracket } = this;
    this.opts.onProgress?.({ lowSeconds: round1(bracket.lo), highSeconds: bracket.closed ? round1(bracket.hi) : null, elapsedMs: this.clock.now() - this.t0 });
  }

  /** Progress once a second while the run lasts, beside the reports at each move of the bracket. */
  private startTicker(): void {
    const tick = (): void => {
      this.progress();
      this.ticker = this.clock.setTimeout(tick, 1000);
    };
    this.ticker = this.clock.setTimeout(tick, 1000);
  }

  private inBackground(loop: Promise<unknown>): void {
    this.background.push(this.pacer.quiet(loop));
  }

  async close(): Promise<void> {
    if (this.ticker !== undefined) this.clock.clearTimeout(this.ticker);
    this.pacer.finish();
    await Promise.allSettled(this.background);
    this.sockets.closeAll();
  }
}

function isProbe(p: Probe | string): p is Probe {
  return typeof p !== 'string';
}

/** The NAT gave this socket its local port as the public one. */
function keepsLocalPort(p: Probe | string): boolean {
  return isProbe(p) && p.mapped.port === p.member.local.port;
}
