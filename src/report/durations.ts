/**
 * A duration for people (pure, unit-tested): under a second in milliseconds ("850 ms", "3.4 ms"),
 * never "0.0 s"; under ten seconds with one decimal ("2.5 s"); longer in whole seconds ("33 s").
 * The unit words come from the caller, so the panel and the extension can translate them.
 */
export interface DurationUnits {
  ms(n: string): string;
  s(n: string): string;
}

export const ENGLISH_UNITS: DurationUnits = { ms: (n) => `${n} ms`, s: (n) => `${n} s` };

export function formatDuration(ms: number, units: DurationUnits = ENGLISH_UNITS): string {
  if (!Number.isFinite(ms) || ms < 0) return units.s('?');
  if (ms < 10) return units.ms(trim(ms.toFixed(1)));
  // 999.6 ms rounds to "1000 ms": say "1.0 s" instead.
  if (Math.round(ms) < 1000) return units.ms(String(Math.round(ms)));
  if (ms < 9950) return units.s((ms / 1000).toFixed(1));
  return units.s(String(Math.round(ms / 1000)));
}

function trim(fixed: string): string {
  return fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed;
}
