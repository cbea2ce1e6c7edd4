/**
 * The two mappings watched beside the idle search (module comment of mappingLifetime.ts):
 * K only ever receives (RESPONSE-PORT answers every few seconds), so if it outlives the idle
 * timeout, inbound packets refresh mappings; A sends keepalives and is checked between them, so
 * if it dies anyway, there is an absolute timeout. Each loop sleeps until its next step or until
 * the bracket moves (`nap` wakes early; the loop then re-plans).
 */
import type { Clock } from '../../clock';
import { type Endpoint, endpointKey, normaliseAddress } from '../../net/udp';
import type { Bracket, Verdict } from './bracket';
import { type Mode, round1 } from './conclude';
import type { Answer, Probe } from './probeSockets';

export interface InboundWatch {
  lastAlive: number;
  deadAt?: number;
  gapBeforeDeath?: number;
  checks: number;
  done: boolean;
}

export interface AbsoluteWatch {
  lastAlive: number;
  deadAt?: number;
  how?: string;
  period: number;
}

export interface WatchContext {
  readonly clock: Clock;
  readonly bracket: Bracket;
  readonly mode: Mode;
  /** K and A may look a margin past maxSeconds: a death at maxSeconds needs a look after it. */
  readonly horizon: number;
  readonly maxSeconds: number;
  readonly absoluteUpToMax: boolean;
  readonly inbound: InboundWatch;
  readonly absolute: AbsoluteWatch;
  idleDone(): boolean;
  /** Idle age of `p` (s) at clock time `at` (default now). */
  age(p: Probe, at?: number): number;
  /** Sleeps until clock time `time`, or less when the bracket moves. */
  nap(time: number): Promise<void>;
  /** Is `p`'s mapping alive now? (RESPONSE-PORT from another socket.) */
  check(p: Probe): Promise<Verdict>;
  /** One keepalive exchange from `p`'s own socket: its mapping as the server sees it, or why not. */
  keepalive(p: Probe): Promise<Answer | string>;
  log(line: string): void;
}

/** K: checked until it outlives the idle deaths by a margin, dies, or the horizon passes. */
export async function watchInbound(ctx: WatchContext, k: Probe): Promise<void> {
  const { bracket, inbound } = ctx;
  let lastTried = 0;
  for (;;) {
    let next = Math.max(ctx.age(k), inbound.lastAlive + bracket.period(), lastTried + 0.5);
    if (bracket.closed) {
      const decisive = bracket.hi + bracket.margin();
      if (inbound.lastAlive >= decisive) return;
      next = Math.min(next, Math.max(decisive, ctx.age(k)));
    } else if (ctx.idleDone()) return;
    if (next > ctx.horizon) return;
    await ctx.nap(k.idleStart + next * 1000);
    if (ctx.age(k) < next - 0.001) continue; // woken early: re-plan
    lastTried = ctx.age(k);
    const v = await ctx.check(k);
    inbound.checks++;
    ctx.log(`lifetime: inbound-only mapping K at ${round1(ctx.age(k))} s: ${v.kind} (${v.detail})`);
    if (v.kind === 'alive') {
      inbound.lastAlive = v.age;
      if (bracket.closed && v.age >= bracket.hi + bracket.margin()) return;
    } else if (v.kind === 'dead') {
      inbound.deadAt = v.age;
      inbound.gapBeforeDeath = v.age - inbound.lastAlive;
      return;
    }
  }
}

/** A: kept alive every `period` s and, with RESPONSE-PORT, checked between keepalives. */
export async function watchAbsolute(ctx: WatchContext, a: Probe): Promise<void> {
  const { clock, bracket, inbound, absolute } = ctx;
  let keptAt = a.idleStart;
  let checkedAt = a.idleStart;
  // A must outlive the idle deaths (else they were absolute ones) and K's death (else
  // K may have met the absolute timeout, not the idle one).
  const decisiveAge = (): number => (bracket.closed ? Math.max(bracket.hi + bracket.margin(), inbound.deadAt ?? 0) : Infinity);
  for (;;) {
    const pd = bracket.period();
    absolute.period = Math.max(absolute.period, pd);
    const finished =
      ctx.age(a) >= (ctx.absoluteUpToMax ? ctx.maxSeconds : ctx.horizon) ||
      (!ctx.absoluteUpToMax && ctx.idleDone() && inbound.done && (!bracket.closed || absolute.lastAlive >= decisiveAge()));
    if (finished) return;
    const nextKeep = keptAt + pd * 1000;
    let nextCheck = Infinity;
    if (ctx.mode === 'response-port') {
      // Between keepalives, and once at the age that separates idle from absolute expiry.
      nextCheck = Math.max(checkedAt, keptAt) + pd * 500;
      if (absolute.lastAlive < decisiveAge()) nextCheck = Math.min(nextCheck, Math.max(a.idleStart + decisiveAge() * 1000, checkedAt + 500));
    }
    if (nextCheck <= nextKeep) {
      await ctx.nap(nextCheck);
      if (clock.now() < nextCheck - 0.001) continue; // woken early: re-plan
      checkedAt = clock.now();
      const v = await ctx.check(a);
      ctx.log(`lifetime: kept-alive mapping A at ${round1(ctx.age(a))} s: ${v.kind} (${v.detail})`);
      if (v.kind === 'alive') absolute.lastAlive = Math.max(absolute.lastAlive, v.age);
      else if (v.kind === 'dead') {
        absolute.deadAt = v.age;
        absolute.how = `a RESPONSE-PORT check found it gone (${v.detail})`;
        return;
      }
      continue;
    }
    await ctx.nap(nextKeep);
    if (clock.now() < nextKeep - 0.001) continue;
    const ka = await ctx.keepalive(a);
    if (typeof ka === 'string') {
      keptAt = clock.now();
      continue;
    }
    keptAt = ka.at - ka.rtt / 2;
    const at = (keptAt - a.idleStart) / 1000;
    if (ka.mapped.port !== a.mapped.port || !sameIp(ka.mapped, a.mapped)) {
      absolute.deadAt = at;
      absolute.how = `its public port changed ${endpointKey(a.mapped)} → ${endpointKey(ka.mapped)} although it sent every ${round1(pd)} s`;
      return;
    }
    if (ctx.mode === 'same-socket') absolute.lastAlive = at;
  }
}

export function sameIp(a: Endpoint, b: Endpoint): boolean {
  return normaliseAddress(a.address) === normaliseAddress(b.address);
}
