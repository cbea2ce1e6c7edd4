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
 *
 * Per-source buckets alone do not bound the total: requests forged from many sources (each one
 * a different victim, or the same victim's many addresses) each get a fresh burst, and the
 * reflector would send bursts × sources. One more bucket, shared by all sources, caps the
 * answers per second whatever the sources (`globalPerSecond`, holding one second's worth). A
 * request it refuses does not use its source's token: a real client caught in someone else's
 * flood keeps its own budget for when the flood passes.
 */

export interface SourceRateLimitOptions {
  /** Answers per second per source, sustained. */
  readonly ratePerSecond: number;
  /** Answers a source may get at once before the rate applies. */
  readonly burst: number;
  /** Buckets kept at most (default 65,536, about 6 MB). */
  readonly maxSources?: number;
  /** Answers per second across all sources together, sustained and as a burst (default DEFAULT_GLOBAL_RATE_PER_SECOND). */
  readonly globalPerSecond?: number;
}

export const DEFAULT_RATE_PER_SECOND = 20;
export const DEFAULT_BURST = 100;
export const DEFAULT_MAX_SOURCES = 65_536;
/**
 * 2,000 answers a second, all sources together: about 20 diagnoses starting in the same second
 * (a few dozen requests each, in the first second), and at most about 200 KB/s (1.6 Mbit/s) of
 * answers (about 100 bytes each) that forged requests can aim at third parties.
 */
export const DEFAULT_GLOBAL_RATE_PER_SECOND = 2000;

/** Whether a request may be answered: yes, or which limit refused it. */
export type Admission = 'answer' | 'source' | 'global';

interface Bucket {
  tokens: number;
  at: number;
}

export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxSources: number;
  private readonly globalPerSecond: number;
  private readonly global: Bucket;
  /** Requests refused by their source's own limit since construction, for the serve summary. */
  refused = 0;
  /** Requests refused by the global cap since construction (not counted in `refused`). */
  refusedGlobal = 0;

  constructor(
    private readonly options: SourceRateLimitOptions,
    private readonly now: () => number,
  ) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) throw new RangeError('rate and burst must be positive');
    this.maxSources = Math.max(1, options.maxSources ?? DEFAULT_MAX_SOURCES);
    this.globalPerSecond = options.globalPerSecond ?? DEFAULT_GLOBAL_RATE_PER_SECOND;
    if (!(this.globalPerSecond >= 1)) throw new RangeError('the global rate must be at least 1');
    this.global = { tokens: this.globalPerSecond, at: now() };
  }

  /** Number of buckets held (bounded by maxSources). */
  get size(): number {
    return this.buckets.size;
  }

  /** True when `address` may be answered now (and takes the tokens). */
  take(address: string): boolean {
    return this.admit(address) === 'answer';
  }

  /** Whether `address` may be answered now (then its token and a global one are taken), or which limit refused it. */
  admit(address: string): Admission {
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
      return 'source';
    }
    const global = this.global;
    global.tokens = Math.min(this.globalPerSecond, global.tokens + ((t - global.at) / 1000) * this.globalPerSecond);
    global.at = t;
    if (global.tokens < 1) {
      this.refusedGlobal++;
      return 'global';
    }
    bucket.tokens -= 1;
    global.tokens -= 1;
    return 'answer';
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
