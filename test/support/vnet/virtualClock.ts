/**
 * A clock whose time only moves when a test says so. It implements the engine's `Clock`, so engine
 * code that schedules timeouts runs unchanged; the test then either `advance()`s the clock by a
 * fixed amount or lets `run()` jump from timer to timer until the promise under test settles.
 * Real time never matters: ten minutes of virtual retransmissions take a few real milliseconds.
 */

import type { Clock, TimerHandle } from '../../../src/engine/clock';

export interface RunOptions {
  /** Give up once virtual time would pass this many milliseconds after `run` began. Default 10 min. */
  readonly maxMs?: number;
}

/** `run()` found the promise pending with nothing left that could ever settle it. */
export class DeadlockError extends Error {
  override readonly name = 'DeadlockError';
}

/** `run()` would have had to move virtual time past its `maxMs`. */
export class VirtualTimeLimitError extends Error {
  override readonly name = 'VirtualTimeLimitError';
}

const DEFAULT_MAX_MS = 10 * 60 * 1000;
/** Timers firing at one instant before we call it a livelock (a timer re-arming itself at 0 ms). */
const MAX_FIRINGS_PER_INSTANT = 1_000_000;

/** The handle `setTimeout` returns; opaque to callers. */
class VirtualTimer {
  cancelled = false;
  constructor(
    readonly owner: VirtualClock,
    readonly due: number,
    readonly seq: number,
    readonly callback: () => void,
  ) {}
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * Lets every queued promise continuation run: a `setImmediate` callback only runs once the
 * microtask queue is empty, so after this resolves all `await` chains that could make progress
 * without time moving have done so.
 */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class VirtualClock implements Clock {
  private time = 0;
  private seq = 0;
  /** Binary min-heap ordered by (due, seq); cancelled timers are skipped lazily. */
  private readonly heap: VirtualTimer[] = [];
  private active = 0;
  private busy = false;
  private firingsAtInstant = 0;
  private instant = -1;

  /** Virtual milliseconds since the clock was made (starts at 0). */
  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    if (typeof callback !== 'function') throw new TypeError('VirtualClock.setTimeout: callback must be a function');
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer = new VirtualTimer(this, this.time + delay, this.seq++, callback);
    this.push(timer);
    this.active++;
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    if (!(handle instanceof VirtualTimer) || handle.owner !== this || handle.cancelled) return;
    handle.cancelled = true;
    this.active--;
  }

  /** Timers scheduled and neither fired nor cleared. */
  pendingTimers(): number {
    return this.active;
  }

  /** Virtual time of the next timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.peek()?.due;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in (due, insertion) order and
   * letting promise continuations run after each one. Ends with `now()` exactly `ms` later.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`VirtualClock.advance: ms must be a finite number >= 0, got ${ms}`);
    await this.exclusive('advance', async () => {
      const target = this.time + ms;
      await flush();
      for (let next = this.peek(); next && next.due <= target; next = this.peek()) {
        this.fireNext();
        await flush();
      }
      this.time = target;
      await flush();
    });
  }

  /** `advance` to an absolute virtual time (no-op if that time has passed). */
  advanceTo(time: number): Promise<void> {
    return this.advance(Math.max(0, time - this.time));
  }

  /**
   * Drives `promise` to completion: lets pending work run, and while the promise is still pending
   * jumps straight to the next timer. Resolves or rejects exactly like `promise`. Throws
   * `DeadlockError` when the promise is pending and no timer is left, and
   * `VirtualTimeLimitError` when settling it would take more than `maxMs` of virtual time.
   */
  async run<T>(promise: Promise<T>, options: RunOptions = {}): Promise<T> {
    const maxMs = options.maxMs ?? DEFAULT_MAX_MS;
    if (!(maxMs >= 0)) throw new RangeError(`VirtualClock.run: maxMs must be >= 0, got ${maxMs}`);
    const outcome: { settled: boolean; ok: boolean; value?: T; error?: unknown } = { settled: false, ok: false };
    promise.then(
      (value) => Object.assign(outcome, { settled: true, ok: true, value }),
      (error: unknown) => Object.assign(outcome, { settled: true, ok: false, error }),
    );
    const start = this.time;
    const deadline = start + maxMs;
    return this.exclusive('run', async () => {
      for (;;) {
        await flush();
        if (!outcome.settled && !this.peek()) {
          // Be generous before declaring a deadlock: a few more turns for code that itself
          // defers with setImmediate / process.nextTick.
          for (let i = 0; i < 4 && !outcome.settled && !this.peek(); i++) await flush();
          // Then a little real time, for code that awaits real I/O (a file read, a first
          // module load) on a busy machine: up to ~200 ms, spent only when stuck.
          for (let i = 0; i < 8 && !outcome.settled && !this.peek(); i++) {
            await new Promise((resolve) => setTimeout(resolve, 25));
            await flush();
          }
        }
        if (outcome.settled) {
          if (outcome.ok) return outcome.value as T;
          throw outcome.error;
        }
        const next = this.peek();
        if (!next) {
          throw new DeadlockError(
            `VirtualClock.run: deadlock: promise pending with no timers (at virtual time ${this.time} ms, ` +
              `${this.time - start} ms after run began)`,
          );
        }
        if (next.due > deadline) {
          this.time = Math.max(this.time, deadline);
          throw new VirtualTimeLimitError(
            `VirtualClock.run: promise still pending after maxMs=${maxMs} ms of virtual time ` +
              `(now ${this.time} ms; next timer due at ${next.due} ms)`,
          );
        }
        this.fireNext();
      }
    });
  }

  private async exclusive<T>(what: string, body: () => Promise<T>): Promise<T> {
    if (this.busy) {
      throw new Error(`VirtualClock.${what}: another advance()/run() is in progress; they must not overlap`);
    }
    this.busy = true;
    try {
      return await body();
    } finally {
      this.busy = false;
    }
  }

  /** Pops the earliest live timer, moves time to it and calls it (errors propagate). */
  private fireNext(): void {
    const timer = this.peek();
    if (!timer) return;
    this.pop();
    timer.cancelled = true;
    this.active--;
    if (timer.due !== this.instant) {
      this.instant = timer.due;
      this.firingsAtInstant = 0;
    }
    if (++this.firingsAtInstant > MAX_FIRINGS_PER_INSTANT) {
      throw new Error(`VirtualClock: more than ${MAX_FIRINGS_PER_INSTANT} timers fired at ${timer.due} ms; livelock?`);
    }
    this.time = Math.max(this.time, timer.due);
    timer.callback();
  }

  private peek(): VirtualTimer | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    return this.heap[0];
  }

  private push(timer: VirtualTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (heap.length === 0 || !last) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l], heap[m])) m = l;
      if (r < heap.length && before(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
}
