/**
 * Waiting inside one lifetime run. Every wait and every transaction listens to one abort signal
 * (the run's end or the caller's cancel), and the K and A watchers' naps also end early when the
 * bracket moves, so they can re-plan (watchers.ts).
 */
import { setMaxListeners } from 'node:events';
import { type Clock, sleep } from '../../clock';

/** The run was cancelled or is over: pending waits and transactions end with this. */
export class Cancelled extends Error {}

export class Pacer {
  private readonly stop = new AbortController();
  private wakers: (() => void)[] = [];
  private readonly onOuterAbort = (): void => this.stop.abort(new Cancelled('cancelled'));

  constructor(
    private readonly clock: Clock,
    private readonly outer?: AbortSignal,
  ) {
    // Every pending transaction and sleep listens to it: dozens at once by design.
    setMaxListeners(0, this.stop.signal);
    outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** Aborted when the caller cancels or the run ends. */
  get signal(): AbortSignal {
    return this.stop.signal;
  }

  /** Did `e` (or the run) end by cancellation rather than by a fault? */
  cancelled(e: unknown): boolean {
    return e instanceof Cancelled || this.signal.aborted;
  }

  /** Sleeps until clock time `time`; rejects when the run ends. */
  async sleepUntil(time: number): Promise<void> {
    await sleep(this.clock, Math.max(0, time - this.clock.now()), this.signal);
  }

  /** Sleeps until clock time `time`, or less: `wake()` ends every pending nap at once. */
  nap(time: number): Promise<void> {
    const { clock, signal } = this;
    if (signal.aborted) return Promise.reject(new Cancelled('cancelled'));
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        clock.clearTimeout(timer);
        reject(new Cancelled('cancelled'));
      };
      const timer = clock.setTimeout(done, Math.max(0, time - clock.now()));
      signal.addEventListener('abort', onAbort, { once: true });
      this.wakers.push(done);
    });
  }

  /** Ends every pending nap (the bracket moved, or the idle search is over). */
  wake(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }

  /** `p` with the run's end turned into undefined: for the background loops. */
  quiet<T>(p: Promise<T>): Promise<T | undefined> {
    return p.catch((e: unknown) => {
      if (this.cancelled(e)) return undefined;
      throw e;
    });
  }

  /** Ends every pending wait and transaction, and stops listening to the caller's signal. */
  finish(): void {
    if (!this.stop.signal.aborted) this.stop.abort(new Cancelled('done'));
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }
}
