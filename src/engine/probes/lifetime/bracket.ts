/**
 * The idle-timeout bracket: the longest idle age a mapping was seen to survive (`lo`) and the
 * shortest at which one was seen dead (`hi`). Every check's verdict narrows it here, and the
 * paces derived from it (keepalive period, decisive margin, wanted precision) are read here.
 */

/** One check of one mapping: alive or dead at an idle age (s), or no verdict. */
export type Verdict = { kind: 'alive' | 'dead'; age: number; detail: string } | { kind: 'unknown'; detail: string };

/** Keepalive / inbound-ping period: half the shortest lifetime known, within these bounds (s). */
const PERIOD_MIN = 1;
const PERIOD_MAX = 5;

export class Bracket {
  /** A mapping survived this idle age (s). */
  lo = 0;
  /** A mapping was dead at this idle age (s); Infinity while none has died. */
  hi = Infinity;

  constructor(
    /** Called whenever lo or hi moves. */
    private readonly onChange: () => void,
    /** Called when hi first moves or moves down (a death seen). */
    private readonly onDeath: () => void,
  ) {}

  get closed(): boolean {
    return Number.isFinite(this.hi);
  }

  /** Narrows the bracket by one verdict; an age outside it changes nothing. */
  note(v: Verdict): void {
    if (v.kind === 'alive' && v.age > this.lo && v.age < this.hi) {
      this.lo = v.age;
      this.onChange();
    } else if (v.kind === 'dead' && v.age < this.hi) {
      this.hi = Math.max(v.age, this.lo);
      this.onDeath();
      this.onChange();
    }
  }

  /** Keepalive and inbound-ping period (s): half the shortest lifetime known. */
  period(): number {
    return Math.min(PERIOD_MAX, Math.max(PERIOD_MIN, this.lo / 2));
  }

  /** How far past `hi` a survivor must be seen to count (s). */
  margin(): number {
    return Math.max(1, 0.05 * this.hi);
  }

  /** The bracket width worth another round of sockets (s). */
  wanted(): number {
    return Math.max(2, 0.1 * this.lo);
  }

  /** First value of the absolute watch's period. */
  static readonly PERIOD_MIN = PERIOD_MIN;
}
