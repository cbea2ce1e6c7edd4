/**
 * Which items share a key (an AllowedIPs prefix, a PublicKey) among the tens of thousands of a
 * big server: an open-addressing table in typed arrays. A Map that size costs megabytes of
 * garbage and milliseconds of rehashing on every lint.
 */

/**
 * For each of `n` items, the index of the first (`which` = 'first') or the last ('last') item
 * whose key equals its own; -1 for an item without a key.
 * @param hashOf a non-negative 31-bit hash of item i's key, or -1 when it has none
 * @param same whether items i and j have equal keys
 */
export function sameKeyIndex(n: number, hashOf: (i: number) => number, same: (i: number, j: number) => boolean, which: 'first' | 'last'): Int32Array {
  let size = 2;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const slotOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const hash = hashOf(i);
    if (hash < 0) continue;
    let h = hash & mask;
    while (table[h] >= 0 && !same(table[h], i)) h = (h + 1) & mask;
    if (table[h] < 0 || which === 'last') table[h] = i;
    slotOf[i] = h;
  }
  const result = new Int32Array(n);
  for (let i = 0; i < n; i++) result[i] = slotOf[i] < 0 ? -1 : table[slotOf[i]];
  return result;
}

/** A 31-bit hash of the whole string. */
function hashString(s: string): number {
  let h = s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) & 0x7fffffff;
}

/** sameKeyIndex for string keys (undefined: no key). */
export function sameStringIndex(keys: readonly (string | undefined)[], which: 'first' | 'last'): Int32Array {
  return sameKeyIndex(
    keys.length,
    (i) => (keys[i] === undefined ? -1 : hashString(keys[i]!)),
    (i, j) => keys[i] === keys[j],
    which,
  );
}
