import { setMaxListeners } from 'node:events';

/**
 * The abort signal the behaviour tests run under: the user's cancel, or the verdict being
 * complete before every test has ended (`decided`, asked whenever a test ends). Stopping then
 * means a server that is down, slow or lying costs no more time once the verdict no longer
 * depends on it; the tests it stops say so rather than fail (stoppedEarly).
 */
export class Pace {
  private readonly controller = new AbortController();
  private readonly onUserAbort = (): void => this.controller.abort();
  /** True once the tests were stopped because the verdict was complete (not a user's cancel). */
  settled = false;

  constructor(
    private readonly user: AbortSignal | undefined,
    private readonly decided: () => boolean,
  ) {
    // One listener per exchange in flight (a few per server): not a leak.
    setMaxListeners(0, this.controller.signal);
    if (user?.aborted) this.controller.abort();
    else user?.addEventListener('abort', this.onUserAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Called whenever a test ends: stops the rest once the verdict cannot change. */
  progress(): void {
    if (this.settled || this.controller.signal.aborted || !this.decided()) return;
    this.settled = true;
    this.controller.abort();
  }

  /** Whether a test that ended as 'aborted' was stopped because the verdict was complete. */
  stoppedEarly(r: { readonly ok: boolean; readonly reason?: string }): boolean {
    return !r.ok && r.reason === 'aborted' && this.settled && !this.user?.aborted;
  }

  /** Drops the listener on the user's signal (it outlives the tests). */
  release(): void {
    this.user?.removeEventListener('abort', this.onUserAbort);
  }
}
