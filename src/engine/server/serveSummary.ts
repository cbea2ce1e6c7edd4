/**
 * What `natprobe serve` logs: counts, not packets. A public reflector sees floods, and a log line
 * per packet would turn a flood into a full disk (the old --verbose did). Events are counted and
 * one summary line is produced per interval; --verbose adds at most `detailPerInterval` single
 * event lines in each interval and then says how many it left out.
 */

/** 'rate-limited': by the source's own limit; 'global-limited': by the cap across all sources. */
export type ServeEventKind = 'answered' | 'dropped' | 'rate-limited' | 'global-limited' | 'send-failed';

export interface ServeSummaryOptions {
  /** Single-event lines allowed per interval (0 = none). */
  readonly detailPerInterval: number;
}

/** Distinct reasons and sources counted per interval, at most; beyond it they are lumped. */
const MAX_REASONS = 16;
const MAX_SOURCES = 10_000;

export class ServeSummary {
  private counts = new Map<ServeEventKind, number>();
  private reasons = new Map<string, number>();
  private sources = new Set<string>();
  private sourcesOverflow = false;
  private details = 0;
  private detailsSuppressed = 0;

  constructor(private readonly options: ServeSummaryOptions) {}

  /**
   * Counts one event. Returns the line to log now, if this interval's detail budget allows one.
   * `reason` is a drop reason; only its first words are kept so counts group.
   */
  record(kind: ServeEventKind, source: string, reason?: string, detail?: () => string): string | undefined {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (reason !== undefined) {
      const short = reasonClass(reason);
      const key = this.reasons.has(short) || this.reasons.size < MAX_REASONS ? short : 'other';
      this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
    }
    if (this.sources.size < MAX_SOURCES) this.sources.add(source);
    else if (!this.sources.has(source)) this.sourcesOverflow = true;
    if (!detail || this.options.detailPerInterval <= 0) return undefined;
    if (this.details >= this.options.detailPerInterval) {
      this.detailsSuppressed++;
      return undefined;
    }
    this.details++;
    return detail();
  }

  /** The interval's one summary line (undefined when nothing happened), and a fresh interval. */
  flush(seconds: number): string | undefined {
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    if (total === 0) return undefined;
    const n = (k: ServeEventKind): number => this.counts.get(k) ?? 0;
    const parts = [`${n('answered')} answered`, `${n('rate-limited')} rate-limited`];
    // Named only when it happened: a reflector seldom meets its global cap.
    if (n('global-limited')) parts.push(`${n('global-limited')} over the global cap`);
    parts.push(`${n('dropped')} dropped`);
    if (n('send-failed')) parts.push(`${n('send-failed')} send failures`);
    const why = [...this.reasons.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([r, c]) => `${r} ${c}`)
      .join(', ');
    const sources = `${this.sources.size}${this.sourcesOverflow ? '+' : ''} sources`;
    const suppressed = this.detailsSuppressed ? `; ${this.detailsSuppressed} event lines left out` : '';
    const line = `last ${seconds} s: ${parts.join(', ')}${why ? ` (${why})` : ''} from ${sources}${suppressed}`;
    this.counts = new Map();
    this.reasons = new Map();
    this.sources = new Set();
    this.sourcesOverflow = false;
    this.details = 0;
    this.detailsSuppressed = 0;
    return line;
  }
}

/** "malformed: attribute 0x0001 …" → "malformed": the part before details, bounded in length. */
function reasonClass(reason: string): string {
  return reason.split(/[:(]/, 1)[0].trim().slice(0, 40) || 'other';
}
