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

function working(r: Report): Map<string, TurnServerResult> {
  const m = new Map<string, TurnServerResult>();
  for (const t of r.turnServers ?? []) if (t.value === 'yes' && t.rttMs !== null && Number.isFinite(t.rttMs) && !m.has(key(t.url))) m.set(key(t.url), t);
  return m;
}

/** The best relay for the pair, or undefined when neither report has a relay that worked. */
export function bestRelay(a: Report, b: Report, t: Translate = english): RelayChoice | undefined {
  const [wa, wb] = [working(a), working(b)];
  let best: RelayChoice | undefined;
  for (const [k, ta] of wa) {
    const tb = wb.get(k);
    if (!tb) continue;
    const sum = Math.round((ta.rttMs! + tb.rttMs!) * 10) / 10;
    if (best && best.sumMs! <= sum) continue;
    best = { url: ta.url, rttMs: { a: ta.rttMs, b: tb.rttMs }, sumMs: sum, reason: t("the lowest sum of both ends' RTTs to a relay both could allocate on: {0} ms from A + {1} ms from B = {2} ms", ta.rttMs!, tb.rttMs!, sum) };
  }
  if (best) return best;
  // No relay both ends measured: the fastest one that one end measured and the other did not
  // test (one that the other end tried and could not use is no choice at all).
  const tried = (r: Report): Set<string> => new Set((r.turnServers ?? []).map((t) => key(t.url)));
  const [triedA, triedB] = [tried(a), tried(b)];
  const candidates = [
    ...[...wa.values()].filter((t) => !triedB.has(key(t.url))).map((t) => ({ t, side: 'A' as const })),
    ...[...wb.values()].filter((t) => !triedA.has(key(t.url))).map((t) => ({ t, side: 'B' as const })),
  ].sort((x, y) => x.t.rttMs! - y.t.rttMs!);
  const one = candidates[0];
  if (!one) return undefined;
  const other = one.side === 'A' ? 'B' : 'A';
  return {
    url: one.t.url,
    rttMs: one.side === 'A' ? { a: one.t.rttMs, b: null } : { a: null, b: one.t.rttMs },
    sumMs: null,
    reason: t('the fastest relay {0} measured ({1} ms); {2} did not test it (natprobe diagnose --turn {3} on {2} gives the sum)', one.side, one.t.rttMs!, other, one.t.url),
  };
}
