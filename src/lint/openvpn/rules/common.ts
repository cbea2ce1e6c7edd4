import { isCSpace } from '../tokenizer';
import { OPTIONS } from '../options';

/** What C's atoi() makes of a parameter: `number` is NaN when nothing numeric starts it. */
export function atoi(s: string): { value: number; clean: boolean } {
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== 0) i++;
  const m = /^[+-]?\d+/.exec(s.slice(i));
  if (!m) return { value: Number.NaN, clean: false };
  return { value: Number(m[0]), clean: i === 0 && m[0].length === s.length };
}

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps), capped. */
export function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prev2 = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const cur = new Array<number>(cols);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return cap + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[cols - 1];
}

const suggestionCache = new Map<string, { names: string[]; distance: number }>();

/** The known option names nearest to `name` (empty when nothing is close). */
export function nearestOptions(name: string): { names: string[]; distance: number } {
  const key = name.slice(0, 64);
  const cached = suggestionCache.get(key);
  if (cached) return cached;
  const lower = key.toLowerCase();
  let result: { names: string[]; distance: number } = { names: [], distance: Infinity };
  if (OPTIONS.has(lower) && lower !== key) result = { names: [lower], distance: 0 };
  else if (key.length <= 40) {
    const cap = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
    for (const candidate of OPTIONS.keys()) {
      const d = editDistance(lower, candidate, cap);
      if (d > cap) continue;
      if (d < result.distance) result = { names: [candidate], distance: d };
      else if (d === result.distance) result.names.push(candidate);
    }
    // Equally near names in alphabetical order, not in the order the option table lists them.
    result.names.sort();
  }
  if (suggestionCache.size > 1000) suggestionCache.clear();
  suggestionCache.set(key, result);
  return result;
}

/** "1", "0 or 1", "1 to 3", "0 or 4", "at least 1" for a parameter count mask. */
export function describeCounts(counts: number, max: number): string {
  const list: number[] = [];
  for (let n = 0; n <= max; n++) if (counts & (1 << n)) list.push(n);
  if (list.length === 0) return 'no';
  const contiguous = list.every((n, i) => i === 0 || n === list[i - 1] + 1);
  const lo = list[0];
  const hi = list[list.length - 1];
  if (lo === hi) return String(lo);
  if (hi >= 15 && contiguous) return `at least ${lo}`;
  if (contiguous && hi - lo > 1) return `${lo} to ${hi}`;
  return `${list.slice(0, -1).join(', ')} or ${hi}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
