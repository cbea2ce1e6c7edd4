/**
 * How far a mapping-lifetime measurement is (pure, unit-tested). The run's length is bounded:
 * it tests idle times up to maxSeconds (120 by default) and watches a margin past it
 * (src/engine/probes/mappingLifetime.ts: horizon = maxSeconds × 1.1 + 2 s). It usually ends
 * earlier, as soon as a mapping is seen to expire, so this is "at most this much left".
 */
export const LIFETIME_MAX_SECONDS = 120;

/** The longest a run with this maxSeconds can watch, in ms. */
export function lifetimeHorizonMs(maxSeconds = LIFETIME_MAX_SECONDS): number {
  return (maxSeconds * 1.1 + 2) * 1000;
}

/** Whole percent, 0…99 while running (100 is for "done", which the end of the run says). */
export function lifetimePercent(elapsedMs: number, maxSeconds = LIFETIME_MAX_SECONDS): number {
  if (!Number.isFinite(elapsedMs) || elapsedMs <= 0) return 0;
  return Math.min(99, Math.floor((elapsedMs / lifetimeHorizonMs(maxSeconds)) * 100));
}
