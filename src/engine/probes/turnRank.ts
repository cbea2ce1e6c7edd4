/**
 * Several TURN servers, one question: which relay is best from here? Each one is allocated on
 * (and freed at once) in parallel; the ones that gave a relayed address come first, fastest
 * Allocate round trip first (that is the RTT to the relay, which every relayed packet pays
 * twice per round trip); those without a measured RTT follow, then the ones that failed, in the
 * order the user configured them (so a single failing server reads as it always did).
 */
export interface RankableTurn {
  readonly url: string;
  readonly value: 'yes' | 'no' | 'unknown';
  readonly rttMs: number | null;
}

/** At most this many TURN servers per diagnosis: a hostile or mistaken config stays bounded. */
export const MAX_TURN_SERVERS = 8;

export function rankTurnServers<T extends RankableTurn>(servers: readonly T[]): T[] {
  const order = (t: T): number => (t.value === 'yes' ? (t.rttMs !== null ? 0 : 1) : 2);
  // Array.prototype.sort is stable (ES2019): equal keys keep the configured order.
  return [...servers].sort((a, b) => order(a) - order(b) || (order(a) === 0 ? a.rttMs! - b.rttMs! : 0));
}
