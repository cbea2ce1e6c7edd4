/**
 * Retransmission timing sized from what we measure, not RFC 8489 §6.2.1's fixed 500 ms / 39.5 s
 * schedule: a probe is interactive, and one RTT sample tells us how long silence really means
 * "lost". Smoothing follows RFC 6298 §2 (SRTT/RTTVAR).
 */
export class RttEstimator {
  private srtt: number | undefined;
  private rttvar = 0;
  private readonly samples: number[] = [];

  constructor(
    /** RTO before any sample: short enough to be interactive, long enough for a far server. */
    private readonly initialRtoMs = 250,
    private readonly minRtoMs = 40,
    private readonly maxRtoMs = 2000,
  ) {}

  sample(ms: number): void {
    this.samples.push(ms);
    if (this.srtt === undefined) {
      this.srtt = ms;
      this.rttvar = ms / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms);
      this.srtt = 0.875 * this.srtt + 0.125 * ms;
    }
  }

  get measured(): boolean {
    return this.srtt !== undefined;
  }

  /** Smoothed RTT, or undefined before the first sample. */
  get smoothed(): number | undefined {
    return this.srtt;
  }

  median(): number | undefined {
    if (this.samples.length === 0) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  rto(): number {
    if (this.srtt === undefined) return this.initialRtoMs;
    return clamp(this.srtt + 4 * this.rttvar + 10, this.minRtoMs, this.maxRtoMs);
  }

  /**
   * Retransmission interval for probes: at most the RTO, and short enough that a silence
   * window holds about eight tries. Binding requests are tiny and each try has its own
   * transaction ID, so sending more often than once per RTT costs nothing and means a lossy
   * path (20 % each way) cannot fake "filtered" (0.36^8 < 0.05 %).
   */
  probeInterval(): number {
    return Math.max(15, Math.min(this.rto(), this.silenceWindow() / 8));
  }

  /**
   * How long after the first send silence may be taken as "no answer" when the path is known to
   * work: three round trips plus 300 ms of slack covers server jitter and one or two losses.
   */
  silenceWindow(): number {
    const rtt = this.srtt ?? this.initialRtoMs;
    return 3 * rtt + 300;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
