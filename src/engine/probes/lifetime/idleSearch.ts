/**
 * The idle-timeout search (module comment of mappingLifetime.ts): scouts walk a grid of idle ages
 * until one is dead; stream sockets, started in between, then have every age inside the bracket
 * and are all checked at once; only when loss spoiled that do fresh rounds bisect what remains.
 * Every verdict goes to the Bracket, which narrows lo/hi.
 */
import { sleep } from '../../clock';
import type { Bracket, Verdict } from './bracket';
import { round1 } from './conclude';
import type { Pacer } from './pacing';
import type { Probe, ProbeSockets } from './probeSockets';

/** Seconds. */
const GRID_FIRST = 2;
const GRID_MIN_STEP = 2;
const GRID_RATIO = 1.15;
const STREAM_FIRST = 1.6;
const STREAM_MIN_STEP = 1.6;
const STREAM_FRACTION = 0.4;
const MAX_ROUNDS = 2;
const ROUND_SOCKETS = 6;

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

/** Ages (s) after t0 at which stream sockets start: 1.6, 3.2, … (spacing 40 % of the age, at least 1.6 s), up to the grid's widest step + 2 s. */
export function streamStarts(grid: readonly number[]): number[] {
  const maxStep = Math.max(GRID_MIN_STEP, ...grid.map((g, i) => (i === 0 ? g : g - grid[i - 1])));
  const starts: number[] = [];
  for (let s = STREAM_FIRST; s <= maxStep + 2; s += Math.max(STREAM_MIN_STEP, STREAM_FRACTION * s)) starts.push(s);
  return starts;
}

export interface IdleSearch {
  readonly sockets: ProbeSockets;
  readonly pacer: Pacer;
  readonly bracket: Bracket;
  /** Is this probe's mapping alive now? (The run's method: RESPONSE-PORT or same-socket.) */
  readonly check: (p: Probe) => Promise<Verdict>;
  readonly log: (line: string) => void;
}

/** Scout i is checked once, at grid[i] s idle, in order, until the bracket closes; then every scout is released. */
export async function walkGrid(s: IdleSearch, grid: readonly number[], scouts: readonly (Probe | undefined)[]): Promise<void> {
  for (let i = 0; i < grid.length; i++) {
    const scout = scouts[i];
    if (!scout) continue;
    if (s.bracket.closed) break;
    await s.pacer.sleepUntil(scout.idleStart + grid[i] * 1000);
    const v = await s.check(scout);
    s.sockets.release(scout);
    s.log(`lifetime: idle ${round1(grid[i])} s: ${v.kind} (${v.detail})`);
    s.bracket.note(v);
  }
  for (const scout of scouts) if (scout && !scout.used) s.sockets.release(scout);
}

/**
 * Once a death closed the bracket: every unused probe whose age now lies inside it, at once; then,
 * while the bracket is wider than wanted, up to MAX_ROUNDS of fresh sockets spread across it.
 */
export async function narrow(s: IdleSearch, probes: readonly Probe[]): Promise<void> {
  const { bracket, sockets } = s;
  const candidates = probes.filter((q) => !q.used && sockets.age(q) > bracket.lo && sockets.age(q) < bracket.hi);
  if (candidates.length > 0) {
    s.log(`lifetime: refining (${round1(bracket.lo)}, ${round1(bracket.hi)}] s with ${candidates.length} sockets`);
    await Promise.all(candidates.map((q) => checkOnce(s, q)));
  }
  for (let roundNo = 1; roundNo <= MAX_ROUNDS && bracket.hi - bracket.lo > bracket.wanted(); roundNo++) {
    const count = Math.min(ROUND_SOCKETS, Math.max(1, Math.ceil((bracket.hi - bracket.lo) / bracket.wanted())));
    s.log(`lifetime: round ${roundNo + 1}: ${count} sockets between ${round1(bracket.lo)} and ${round1(bracket.hi)} s`);
    const fresh = (await Promise.all(Array.from({ length: count }, (_, j) => sockets.newProbe(`round${roundNo}.${j}`)))).filter(
      (q): q is Probe => typeof q !== 'string',
    );
    const jobs = fresh.map(async (q, j) => {
      const target = bracket.lo + ((bracket.hi - bracket.lo) * (j + 1)) / (fresh.length + 1);
      await s.pacer.sleepUntil(q.idleStart + target * 1000);
      if (target <= bracket.lo || target >= bracket.hi) {
        sockets.release(q);
        return;
      }
      await checkOnce(s, q);
    });
    await Promise.all(jobs);
  }
}

async function checkOnce(s: IdleSearch, q: Probe): Promise<void> {
  const v = await s.check(q);
  s.sockets.release(q);
  s.bracket.note(v);
}

/**
 * Background, from t0: opens the stream sockets (streamStarts) and adds each to `into`, until the
 * bracket closes, the idle search ends or `stop` aborts (the first death).
 */
export async function openStreamSockets(
  s: Pick<IdleSearch, 'sockets' | 'pacer' | 'bracket'>,
  at: { readonly t0: number; readonly grid: readonly number[]; readonly stop: AbortSignal; readonly idleDone: () => boolean },
  into: Probe[],
): Promise<void> {
  const { clock } = s.sockets;
  const { signal } = s.pacer;
  let n = 0;
  for (const start of streamStarts(at.grid)) {
    if (signal.aborted || s.bracket.closed) break;
    await sleep(clock, Math.max(0, at.t0 + start * 1000 - clock.now()), AbortSignal.any([signal, at.stop]));
    if (s.bracket.closed || at.idleDone()) break;
    const probe = await s.sockets.newProbe(`stream${n++}`);
    if (typeof probe !== 'string') into.push(probe);
  }
}
