/**
 * A token bucket per source, so `natprobe serve` on a public host cannot be turned into a flood
 * towards one victim by spoofed requests (RFC 8489 §16.1.2 warns that STUN answers can be aimed
 * at a third party by forging the source address). Every answer costs one token; a source earns
 * `ratePerSecond` tokens a second up to `burst`. A real diagnosis sends a few dozen requests in
 * its first second, so the defaults sit far above that and far below what a flood needs.
 *
 * Memory is bounded: at most `maxSources` buckets are kept. A full bucket carries no state worth
 * keeping, so the oldest entries (Map order = last use) are evicted first; evicting a source
 * that is mid-flood only hands it one fresh burst, which is the bound we accept.
 */

export interface SourceRateLimitOptions {
  /** Answers per second per source, sustained. */
  readonly ratePerSecond: number;
  /** Answers a source may get at once before the rate applies. */
  readonly burst: number;
  /** Buckets kept at most (default 65,536, about 6 MB). */
  readonly maxSources?: number;
}

export const DEFAULT_RATE_PER_SECOND = 20;
export const DEFAULT_BURST = 100;
export const DEFAULT_MAX_SOURCES = 65_536;

interface Bucket {
  tokens: number;
  at: number;
}

export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxSources: number;
  /** Requests refused since construction, for the serve summary. */
  refused = 0;

  constructor(
    private readonly options: SourceRateLimitOptions,
    private readonly now: () => number,
  ) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) throw new RangeError('rate and burst must be positive');
    this.maxSources = Math.max(1, options.maxSources ?? DEFAULT_MAX_SOURCES);
  }

  /** Number of buckets held (bounded by maxSources). */
  get size(): number {
    return this.buckets.size;
  }

  /** True when `address` may be answered now (and takes the token). */
  take(address: string): boolean {
    const key = sourceKey(address);
    const t = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key);
      bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((t - bucket.at) / 1000) * this.options.ratePerSecond);
      bucket.at = t;
    } else {
      if (this.buckets.size >= this.maxSources) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: this.options.burst, at: t };
    }
    // Re-inserted so Map order is least-recently-used first, for eviction.
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      this.refused++;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}

/**
 * The unit one party controls: an IPv4 address, or an IPv6 /64 (one customer's LAN; an attacker
 * holding a /64 could otherwise rotate through 2^64 fresh buckets).
 */
export function sourceKey(address: string): string {
  if (!address.includes(':')) return address;
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && lower.includes('.')) return lower.slice(7);
  const [head, tail = ''] = lower.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = lower.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (g || '0').replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
