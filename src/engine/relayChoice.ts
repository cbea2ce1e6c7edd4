import type { Report, TurnServerResult } from '../report/report';
import { type Translate, english } from './translate';

/**
 * When no direct path forms, which relay should the two ends share? The one with the lowest
 * sum of both ends' RTTs to it: relayed traffic goes A → relay → B, so that sum is the one-way
 * path's round trip, measured rather than guessed from where the servers are said to be.
 */
export interface RelayChoice {
  /** The TURN server, as both reports name it (turn:HOST:PORT). */
  readonly url: string;
  /** Each end's RTT to the relay (its authenticated Allocate); null when that end did not measure it. */
  readonly rttMs: { readonly a: number | null; readonly b: number | null };
  /** a + b when both ends measured it, else null. */
  readonly sumMs: number | null;
  readonly reason: string;
}

/** A URL as both ends may have written it (host case, brackets). */
function key(url: string): string {
  return url.trim().toLowerCase();
}

/**
 * One end's outcome with one relay, as the choice needs it: `key` says which relay (two ends'
 * entries with one key are the same relay), `rttMs` is null when the end tried it and could not
 * use it (or has no RTT for it).
 */
export interface RelayTried {
  readonly key: string;
  readonly url: string;
  readonly rttMs: number | null;
}

/** The choice before it is put in words: `only` names the one end that measured it when there is no sum. */
export interface RelayPick {
  readonly url: string;
  readonly rttMs: { readonly a: number | null; readonly b: number | null };
  readonly sumMs: number | null;
  readonly only?: 'A' | 'B';
}

/**
 * The relay both ends could allocate on with the lowest sum of their RTTs; failing that, the
 * fastest one that one end measured and the other did not try (one the other end tried and could
 * not use is no choice at all); with preferA, one A measured before any only B did (A's own
 * figures are the ones it can vouch for). Undefined when there is neither.
 */
export function pickRelay(a: readonly RelayTried[], b: readonly RelayTried[], options: { readonly preferA?: boolean } = {}): RelayPick | undefined {
  const working = (list: readonly RelayTried[]): Map<string, RelayTried> => {
    const m = new Map<string, RelayTried>();
    for (const t of list) if (t.rttMs !== null && Number.isFinite(t.rttMs) && !m.has(t.key)) m.set(t.key, t);
    return m;
  };
  const [wa, wb] = [working(a), working(b)];
  let best: RelayPick | undefined;
  for (const [k, ta] of wa) {
    const tb = wb.get(k);
    if (!tb) continue;
    const sum = Math.round((ta.rttMs! + tb.rttMs!) * 10) / 10;
    if (best && best.sumMs! <= sum) continue;
    best = { url: ta.url, rttMs: { a: ta.rttMs, b: tb.rttMs }, sumMs: sum };
  }
  if (best) return best;
  const [triedA, triedB] = [new Set(a.map((t) => t.key)), new Set(b.map((t) => t.key))];
  const candidates = [
    ...[...wa.values()].filter((t) => !triedB.has(t.key)).map((t) => ({ t, side: 'A' as const })),
    ...[...wb.values()].filter((t) => !triedA.has(t.key)).map((t) => ({ t, side: 'B' as const })),
  ].sort((x, y) => (options.preferA ? Number(x.side === 'B') - Number(y.side === 'B') : 0) || x.t.rttMs! - y.t.rttMs!);
  const one = candidates[0];
  if (!one) return undefined;
  return { url: one.t.url, rttMs: one.side === 'A' ? { a: one.t.rttMs, b: null } : { a: null, b: one.t.rttMs }, sumMs: null, only: one.side };
}

/** A report's relays as the choice reads them: only a "yes" with an RTT is a working relay. */
function triedIn(r: Report): RelayTried[] {
  return (r.turnServers ?? []).map((t: TurnServerResult) => ({ key: key(t.url), url: t.url, rttMs: t.value === 'yes' && t.rttMs !== null && Number.isFinite(t.rttMs) ? t.rttMs : null }));
}

/** The best relay for the pair, or undefined when neither report has a relay that worked. */
export function bestRelay(a: Report, b: Report, t: Translate = english): RelayChoice | undefined {
  const pick = pickRelay(triedIn(a), triedIn(b));
  if (!pick) return undefined;
  if (pick.sumMs !== null) {
    return { ...withoutOnly(pick), reason: t("the lowest sum of both ends' RTTs to a relay both could allocate on: {0} ms from A + {1} ms from B = {2} ms", pick.rttMs.a!, pick.rttMs.b!, pick.sumMs) };
  }
  const side = pick.only!;
  const other = side === 'A' ? 'B' : 'A';
  return {
    ...withoutOnly(pick),
    reason: t('the fastest relay {0} measured ({1} ms); {2} did not test it (natprobe diagnose --turn {3} on {2} gives the sum)', side, (side === 'A' ? pick.rttMs.a : pick.rttMs.b)!, other, pick.url),
  };
}

function withoutOnly(p: RelayPick): Omit<RelayChoice, 'reason'> {
  return { url: p.url, rttMs: p.rttMs, sumMs: p.sumMs };
}
