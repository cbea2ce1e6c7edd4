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
import { setMaxListeners } from 'node:events';
import { type Clock, sleep } from '../clock';
import { RttEstimator } from '../client/rtt';
import { type Member, StunRouter } from '../client/stunRouter';
import { errorText } from '../describe';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey } from '../net/udp';
import { Attr, encodeResponsePort, readBindingAnswer } from '../stun';
import { Bracket, type Verdict } from './lifetime/bracket';
import { type Mode, concludeLifetime, round1 } from './lifetime/conclude';
import { unknownLifetime } from './lifetime/result';
import { type AbsoluteWatch, type InboundWatch, type Probe, type WatchContext, sameIp, watchAbsolute, watchInbound } from './lifetime/watchers';
import { isOwnAddress } from './ownAddress';

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

/** Seconds. */
const GRID_FIRST = 2;
const GRID_MIN_STEP = 2;
const GRID_RATIO = 1.15;
const STREAM_FIRST = 1.6;
const STREAM_MIN_STEP = 1.6;
const STREAM_FRACTION = 0.4;
const STREAM_WARMUP_MS = 2500;
const MAX_ROUNDS = 2;
const ROUND_SOCKETS = 6;

class Cancelled extends Error {}

// Still about 380 lines: the phases (sockets and mappings, the RESPONSE-PORT test, the idle
// search and its refinement) share the run's router, RTT estimate, abort signal and sockets
// through closures. The bracket, the watchers and the reading of the result are already out
// (lifetime/); the phases are next, as methods of a per-run class.
export async function measureMappingLifetime(opts: MeasureLifetimeOptions): Promise<MappingLifetime> {
  const { clock, server, family } = opts;
  const maxSeconds = Math.max(1, opts.maxSeconds ?? 120);
  const log = opts.log ?? (() => undefined);
  const stop = new AbortController();
  // Every pending transaction and sleep listens to it: dozens at once by design.
  setMaxListeners(0, stop.signal);
  const onOuterAbort = (): void => stop.abort(new Cancelled('cancelled'));
  if (opts.signal?.aborted) return unknownLifetime('cancelled');
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = stop.signal;
  const router = new StunRouter(clock);
  const est = new RttEstimator();
  const t0 = clock.now();
  const sec = (ms: number): number => ms / 1000;
  const background: Promise<unknown>[] = [];
  let ticker: unknown;

  // ---- shared state ---------------------------------------------------------------------
  let idleDone = false;
  let socketsUsed = 0;
  const inbound: InboundWatch = {
    lastAlive: 0,
    checks: 0,
    done: true,
  };
  const absolute: AbsoluteWatch = { lastAlive: 0, period: Bracket.PERIOD_MIN };

  const progress = (): void =>
    opts.onProgress?.({ lowSeconds: round1(bracket.lo), highSeconds: bracket.closed ? round1(bracket.hi) : null, elapsedMs: clock.now() - t0 });
  const streamStop = new AbortController();
  const bracket = new Bracket(progress, () => {
    if (!streamStop.signal.aborted) streamStop.abort(new Cancelled('bracketed'));
    wake();
  });
  const period = (): number => bracket.period();
  const margin = (): number => bracket.margin();
  /** K and A may look a margin past maxSeconds: a death at maxSeconds needs a look after it. */
  const horizon = maxSeconds * 1.1 + 2;
  const sleepUntil = async (time: number): Promise<void> => {
    await sleep(clock, Math.max(0, time - clock.now()), signal);
  };
  /** The K and A loops sleep until their next step, or until the bracket changes (then they re-plan). */
  let wakers: (() => void)[] = [];
  const wake = (): void => {
    const w = wakers;
    wakers = [];
    for (const f of w) f();
  };
  const nap = (time: number): Promise<void> => {
    if (signal.aborted) return Promise.reject(new Cancelled('cancelled'));
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        clock.clearTimeout(timer);
        reject(new Cancelled('cancelled'));
      };
      const timer = clock.setTimeout(done, Math.max(0, time - clock.now()));
      signal.addEventListener('abort', onAbort, { once: true });
      wakers.push(done);
    });
  };
  const quiet = <T>(p: Promise<T>): Promise<T | undefined> =>
    p.catch((e: unknown) => {
      if (e instanceof Cancelled || signal.aborted) return undefined;
      throw e;
    });

  // ---- sockets ----------------------------------------------------------------------------
  const open = async (name: string): Promise<Member | string> => {
    try {
      socketsUsed++;
      return await router.open(opts.factory, family, name);
    } catch (err) {
      return `cannot open a UDP socket: ${errorText(err)}`;
    }
  };
  const firstContactGiveUp = (start: number) => (): number =>
    est.measured ? start + Math.max(2000, 2 * est.silenceWindow()) : start + 5000;
  /** One Binding exchange from `m`; updates the RTT estimate. */
  const ask = async (m: Member, giveUpAt: () => number): Promise<{ mapped: Endpoint; at: number; rtt: number } | string> => {
    const r = await router.transact({ from: m, to: server, giveUpAt, interval: () => est.probeInterval(), signal });
    if (signal.aborted) throw new Cancelled('cancelled');
    if (!r.ok) return r.detail;
    const rtt = r.delivery.at - r.delivery.sentAt;
    est.sample(rtt);
    if (r.delivery.message.cls !== 'success') return `error response from ${endpointKey(server)}`;
    const { mapped } = readBindingAnswer(r.delivery.message, r.delivery.from);
    if (!mapped) return `no mapped address in the answer from ${endpointKey(server)}`;
    return { mapped, at: r.delivery.at, rtt };
  };
  /** Opens a probe socket and creates its mapping (twice, 2.5 s apart, in stream mode). Never rejects. */
  const newProbe = async (name: string): Promise<Probe | string> => {
    const m = await open(name);
    if (typeof m === 'string') return m;
    try {
      let a = await ask(m, firstContactGiveUp(clock.now()));
      if (typeof a !== 'string' && opts.stream) {
        await sleep(clock, STREAM_WARMUP_MS, signal);
        a = await ask(m, firstContactGiveUp(clock.now()));
      }
      if (typeof a === 'string') {
        router.close(m);
        return a;
      }
      return { member: m, mapped: a.mapped, idleStart: a.at - a.rtt / 2, used: false };
    } catch (e) {
      router.close(m);
      if (e instanceof Cancelled || signal.aborted) return 'cancelled';
      return errorText(e);
    }
  };
  const age = (p: Probe, at = clock.now()): number => sec(at - p.idleStart);
  const release = (p: Probe): void => {
    p.used = true;
    router.close(p.member);
  };

  // ---- the checks -------------------------------------------------------------------------
  let Y: Member | undefined;
  let control: { startedAt: number; result: Promise<Endpoint | undefined> } | undefined;
  /** Y's plain Binding: is the server answering now, and which public address does Y have? */
  const controlNow = (): Promise<Endpoint | undefined> => {
    const now = clock.now();
    if (control && now - control.startedAt < 1000) return control.result;
    const y = Y as Member;
    const result = ask(y, () => now + est.silenceWindow()).then(
      (a) => (typeof a === 'string' ? undefined : a.mapped),
      () => undefined,
    );
    control = { startedAt: now, result };
    return result;
  };
  /** Is `p`'s mapping alive now? Via Y + RESPONSE-PORT. */
  const responsePortCheck = async (p: Probe): Promise<Verdict> => {
    const start = clock.now();
    const ctl = controlNow();
    const r = await router.transact({
      from: Y as Member,
      to: server,
      attributes: [{ type: Attr.ResponsePort, value: encodeResponsePort(p.mapped.port) }],
      giveUpAt: () => start + est.silenceWindow(),
      interval: () => est.probeInterval(),
      signal,
    });
    const c = await ctl;
    if (signal.aborted) throw new Cancelled('cancelled');
    if (r.ok) {
      const d = r.delivery;
      est.sample(d.at - d.sentAt);
      if (d.by === p.member && d.message.cls === 'success') return { kind: 'alive', age: age(p, d.at), detail: 'answer arrived' };
      if (d.by !== p.member && d.by !== Y) {
        return { kind: 'dead', age: age(p, start + (est.smoothed ?? 0)), detail: `its public port now reaches another socket (${d.by.name})` };
      }
      const seen = readBindingAnswer(d.message, d.from).mapped;
      if (d.by === Y && seen && seen.port === p.mapped.port && sameIp(seen, p.mapped)) {
        return { kind: 'dead', age: age(p, start + (est.smoothed ?? 0)), detail: 'its public port was given to a new mapping' };
      }
      return { kind: 'unknown', detail: 'the server answered to the requesting socket: RESPONSE-PORT ignored' };
    }
    if (r.reason === 'aborted') throw new Cancelled('cancelled');
    if (!c) return { kind: 'unknown', detail: 'the server did not answer the control request either' };
    if (!sameIp(c, p.mapped)) {
      return { kind: 'unknown', detail: `the control socket is on ${c.address}, the probe on ${p.mapped.address}` };
    }
    return { kind: 'dead', age: age(p, start + (est.smoothed ?? 0)), detail: `no answer in ${r.attempts} tries over ${Math.round(clock.now() - start)} ms` };
  };
  /** Fallback: `p` asks again itself; a changed public port means the mapping had expired. */
  const sameSocketCheck = async (p: Probe): Promise<Verdict> => {
    const start = clock.now();
    const a = await ask(p.member, () => start + Math.max(2 * est.silenceWindow(), 1000));
    if (typeof a === 'string') return { kind: 'unknown', detail: a };
    const at = age(p, a.at - a.rtt / 2);
    if (a.mapped.port === p.mapped.port && sameIp(a.mapped, p.mapped)) {
      return { kind: 'alive', age: at, detail: `same public port ${a.mapped.port}` };
    }
    return { kind: 'dead', age: at, detail: `public port changed ${endpointKey(p.mapped)} → ${endpointKey(a.mapped)}` };
  };

  const cleanup = async (): Promise<void> => {
    if (ticker !== undefined) clock.clearTimeout(ticker);
    if (!stop.signal.aborted) stop.abort(new Cancelled('done'));
    opts.signal?.removeEventListener('abort', onOuterAbort);
    await Promise.allSettled(background);
    router.closeAll();
  };

  try {
    // ---- phase 0: sockets and mappings ------------------------------------------------------
    const grid = idleGrid(maxSeconds);
    const y = await open('Y');
    if (typeof y === 'string') return unknownLifetime(y);
    Y = y;
    const tick = (): void => {
      progress();
      ticker = clock.setTimeout(tick, 1000);
    };
    ticker = clock.setTimeout(tick, 1000);
    const yFirst = ask(y, firstContactGiveUp(clock.now()));
    const P = newProbe('P');
    const K = newProbe('K');
    const A = newProbe('A');
    const scoutsP = grid.map((_, i) => newProbe(`scout${i}`));
    const yAnswer = await yFirst;
    if (typeof yAnswer === 'string') {
      await Promise.allSettled([P, K, A, ...scoutsP]);
      return unknownLifetime(`the server ${endpointKey(server)} did not answer (${yAnswer})`);
    }
    const p = await P;
    if (typeof p === 'string') return unknownLifetime(`the server ${endpointKey(server)} did not answer a probe socket (${p})`);
    log(`lifetime: server ${endpointKey(server)} answers in ${Math.round(yAnswer.rtt)} ms; probe P mapped to ${endpointKey(p.mapped)}`);

    // ---- phase 1: does RESPONSE-PORT work here? Is there anything to expire at all? -----------
    let mode: Mode = 'same-socket';
    let fallbackWhy = 'the caller said the server does not support RESPONSE-PORT (RFC 5780)';
    if (opts.rfc5780 !== false) {
      const capability = await responsePortCheck(p);
      release(p);
      if (capability.kind === 'alive') mode = 'response-port';
      else if (capability.kind === 'unknown') fallbackWhy = `RESPONSE-PORT does not work with this server (${capability.detail})`;
      else fallbackWhy = `a RESPONSE-PORT request for a fresh mapping got no answer there (${capability.detail}): the server ignores or drops RESPONSE-PORT`;
      log(`lifetime: RESPONSE-PORT ${mode === 'response-port' ? 'works' : `unusable: ${fallbackWhy}`}`);
    } else {
      release(p);
    }
    const ownAddress = await isOwnAddress(opts.factory, family, p.mapped.address);
    if (mode === 'response-port' && p.mapped.port === p.member.local.port) {
      // Maybe nothing translates or filters: then a packet to a port nobody used gets through.
      const z = await open('Z');
      if (typeof z !== 'string') {
        const probeZ: Probe = { member: z, mapped: { address: p.mapped.address, port: z.local.port }, idleStart: clock.now(), used: false };
        const open = await responsePortCheck(probeZ);
        release(probeZ);
        if (open.kind === 'alive') {
          await Promise.allSettled([K, A, ...scoutsP]);
          return unknownLifetime(
              `no mapping to expire: a packet to port ${z.local.port}, which this host never sent from, reached it ` +
              (ownAddress
                ? `(${p.mapped.address} is this host's own address: no NAT, no stateful firewall)`
                : '(no NAT, or a router forwarding every port to this host)'),
          );
        }
      }
    }

    const [k, a, ...scouts] = await Promise.all([K, A, ...scoutsP]);
    const scoutList = scouts.map((s) => (typeof s === 'string' ? undefined : s));
    const allProbes: Probe[] = [...scoutList.filter((s): s is Probe => !!s)];

    if (mode === 'same-socket') {
      const preserved = [k, a, ...scouts].some((s) => typeof s !== 'string' && s.mapped.port === s.member.local.port);
      if (preserved || ownAddress) {
        return unknownLifetime(
            `not measurable: ${fallbackWhy}, so the fallback would ask again from the same socket after idling and compare ` +
            `public ports; but ${ownAddress ? `${p.mapped.address} is this host's own address (no NAT)` : 'the NAT keeps the local port as the public port'}, ` +
            'so a mapping that expired and was re-created looks exactly like one that survived. ' +
            'Use a server that honours RESPONSE-PORT (natprobe serve, or coturn with two addresses).',
        );
      }
    }
    const check = mode === 'response-port' ? responsePortCheck : sameSocketCheck;

    // ---- background: stream sockets for the refinement ----------------------------------------
    const streamProbes: Probe[] = [];
    const maxStep = Math.max(GRID_MIN_STEP, ...grid.map((g, i) => (i === 0 ? g : g - grid[i - 1])));
    background.push(
      quiet(
        (async () => {
          let s = STREAM_FIRST;
          let n = 0;
          while (!signal.aborted && !bracket.closed && s <= maxStep + 2) {
            await sleep(clock, Math.max(0, t0 + s * 1000 - clock.now()), AbortSignal.any([signal, streamStop.signal]));
            if (bracket.closed || idleDone) break;
            const probe = await newProbe(`stream${n++}`);
            if (typeof probe !== 'string') {
              streamProbes.push(probe);
              allProbes.push(probe);
            }
            s += Math.max(STREAM_MIN_STEP, STREAM_FRACTION * s);
          }
        })(),
      ),
    );

    // ---- background: K, refreshed only by inbound packets; A, kept alive by keepalives ----------
    const watch: WatchContext = {
      clock,
      bracket,
      mode,
      horizon,
      maxSeconds,
      absoluteUpToMax: opts.absoluteUpToMax ?? false,
      inbound,
      absolute,
      idleDone: () => idleDone,
      age,
      nap,
      check: responsePortCheck,
      keepalive: (q) => ask(q.member, () => clock.now() + Math.max(2 * est.silenceWindow(), 1000)),
      log,
    };
    if (mode === 'response-port' && typeof k !== 'string') {
      inbound.done = false;
      background.push(
        quiet(
          watchInbound(watch, k).finally(() => {
            inbound.done = true;
            wake();
          }),
        ),
      );
    } else if (typeof k !== 'string') {
      release(k);
    }
    if (typeof a !== 'string') background.push(quiet(watchAbsolute(watch, a)));

    // ---- the idle search ---------------------------------------------------------------------
    for (let i = 0; i < grid.length; i++) {
      const scout = scoutList[i];
      if (!scout) continue;
      if (bracket.closed) break;
      await sleepUntil(scout.idleStart + grid[i] * 1000);
      const v = await check(scout);
      release(scout);
      log(`lifetime: idle ${round1(grid[i])} s: ${v.kind} (${v.detail})`);
      bracket.note(v);
    }
    for (const s of scoutList) if (s && !s.used) release(s);

    if (bracket.closed) {
      // Refinement: every unused socket whose age now lies inside the bracket, at once.
      const candidates = allProbes.filter((q) => !q.used && age(q) > bracket.lo && age(q) < bracket.hi);
      await refine(candidates, check);
      for (let roundNo = 1; roundNo <= MAX_ROUNDS && bracket.hi - bracket.lo > bracket.wanted(); roundNo++) {
        const count = Math.min(ROUND_SOCKETS, Math.max(1, Math.ceil((bracket.hi - bracket.lo) / bracket.wanted())));
        log(`lifetime: round ${roundNo + 1}: ${count} sockets between ${round1(bracket.lo)} and ${round1(bracket.hi)} s`);
        const fresh = (await Promise.all(Array.from({ length: count }, (_, j) => newProbe(`round${roundNo}.${j}`)))).filter(
          (q): q is Probe => typeof q !== 'string',
        );
        const jobs = fresh.map(async (q, j) => {
          const target = bracket.lo + ((bracket.hi - bracket.lo) * (j + 1)) / (fresh.length + 1);
          await sleepUntil(q.idleStart + target * 1000);
          if (target <= bracket.lo || target >= bracket.hi) {
            release(q);
            return;
          }
          const v = await check(q);
          release(q);
          bracket.note(v);
        });
        await Promise.all(jobs);
      }
    }
    idleDone = true;
    progress();
    wake();
    for (const q of allProbes) if (!q.used) release(q);
    const idleMs = clock.now() - t0;
    await Promise.all(background);
    return concludeLifetime({
      mode,
      fallbackWhy,
      lo: bracket.lo,
      hi: bracket.hi,
      inbound,
      absolute,
      inboundPeriod: period(),
      margin: margin(),
      maxSeconds,
      absoluteUpToMax: opts.absoluteUpToMax ?? false,
      stream: opts.stream ?? false,
      socketsUsed,
      idleMs,
      totalMs: clock.now() - t0,
    });
  } catch (e) {
    if (e instanceof Cancelled || signal.aborted) return unknownLifetime('cancelled');
    throw e;
  } finally {
    await cleanup();
  }

  async function refine(candidates: Probe[], check: (p: Probe) => Promise<Verdict>): Promise<void> {
    if (candidates.length === 0) return;
    log(`lifetime: refining (${round1(bracket.lo)}, ${round1(bracket.hi)}] s with ${candidates.length} sockets`);
    await Promise.all(
      candidates.map(async (q) => {
        const v = await check(q);
        release(q);
        bracket.note(v);
      }),
    );
  }
}

/** 2, 4, …, 14, then ×1.15 (at least +2 s) up to and including maxSeconds. */
export function idleGrid(maxSeconds: number): number[] {
  const grid: number[] = [];
  let g = GRID_FIRST;
  while (g < maxSeconds) {
    grid.push(g);
    g = round1(Math.max(g + GRID_MIN_STEP, g * GRID_RATIO));
  }
  grid.push(maxSeconds);
  return grid;
}
