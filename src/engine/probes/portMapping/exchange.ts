/**
 * One small request/answer exchange over the injected UDP factory: a fresh socket, a few
 * tries at a fixed interval, answers accepted only from the endpoint asked (others are
 * counted and ignored), and a stop as soon as a decisive answer arrives. Timers run on the
 * injected clock. Never throws: failures come back as values.
 */

import type { Clock, TimerHandle } from '../../clock';
import { errorText } from '../../describe';
import { sameEndpoint, type Endpoint, type UdpSocketFactory } from '../../net/udp';

export interface ExchangeRequest<T> {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Where each try goes; answers count only from `answerFrom` (default: the first target). */
  readonly targets: readonly Endpoint[];
  /** One datagram, or several sent together on each try. */
  readonly request: Uint8Array | readonly Uint8Array[];
  readonly tries: number;
  readonly intervalMs: number;
  /** Accept an answer whose source address matches, whatever its port. */
  readonly anyPort?: boolean;
  readonly answerFrom?: Endpoint;
  /**
   * Fired when the caller no longer needs this exchange to be thorough (the rest of the
   * diagnosis is done): no further try is sent, and silence is final once the first try has
   * been out LAST_TRY_QUIET_MS (or the interval, when shorter). An answer still ends the
   * exchange at once; one that comes later is not waited for.
   */
  readonly lastTry?: AbortSignal;
  /** Turns a datagram into a value; never throws. */
  readonly decode: (data: Uint8Array) => T;
  /** Whether this decoded answer ends the exchange. */
  readonly isFinal: (value: T) => boolean;
}

/**
 * How long a first try must have been out before silence may end the exchange early: a router
 * on the LAN answers in a few milliseconds (Wi-Fi power save adds tens), so 200 ms of silence
 * is its answer; a lost datagram then reads as silence, which the callers turn into "unknown".
 */
export const LAST_TRY_QUIET_MS = 200;

/** Answers kept per exchange: a gateway that floods us costs a count, not memory or report lines. */
export const MAX_ANSWERS = 16;

export interface ExchangeResult<T> {
  /** Decoded answers from the expected source, in arrival order (the first MAX_ANSWERS). */
  readonly answers: T[];
  /** Datagrams from the expected source beyond MAX_ANSWERS (not decoded). */
  readonly excess: number;
  /** Datagrams from any other source (not decoded). */
  readonly ignored: number;
  /** Tries actually sent. */
  readonly sent: number;
  /** Datagrams the local stack refused (each try sends one per target). */
  readonly sendErrors: number;
  /** How it ended. */
  readonly end: 'answer' | 'timeout' | 'aborted' | 'send-error' | 'bind-error';
  readonly error?: string;
  readonly elapsedMs: number;
}

export async function exchange<T>(req: ExchangeRequest<T>): Promise<ExchangeResult<T>> {
  const { clock, signal } = req;
  const t0 = clock.now();
  const expected = req.answerFrom ?? req.targets[0];
  const datagrams: readonly Uint8Array[] = req.request instanceof Uint8Array ? [req.request] : req.request;
  const perTry = datagrams.length * req.targets.length;
  if (signal?.aborted) return { answers: [], excess: 0, ignored: 0, sent: 0, sendErrors: 0, end: 'aborted', elapsedMs: 0 };
  let socket;
  try {
    socket = await req.factory.bind({ family: 4 });
  } catch (e) {
    return { answers: [], excess: 0, ignored: 0, sent: 0, sendErrors: 0, end: 'bind-error', error: errorText(e), elapsedMs: clock.now() - t0 };
  }
  const sock = socket;
  try {
    return await new Promise<ExchangeResult<T>>((resolve) => {
      const answers: T[] = [];
      let ignored = 0;
      let excess = 0;
      let sent = 0;
      let sendErrors = 0;
      let lastError: string | undefined;
      let done = false;
      let timer: TimerHandle | undefined;
      const finish = (end: ExchangeResult<T>['end']): void => {
        if (done) return;
        done = true;
        if (timer !== undefined) clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        req.lastTry?.removeEventListener('abort', onLastTry);
        // Every datagram refused by the local stack: that is not silence from the other side.
        if (end === 'timeout' && answers.length === 0 && sent > 0 && sendErrors >= sent * perTry) end = 'send-error';
        resolve({ answers, excess, ignored, sent, sendErrors, end, elapsedMs: clock.now() - t0, ...(lastError ? { error: lastError } : {}) });
      };
      const quietMs = Math.min(req.intervalMs, LAST_TRY_QUIET_MS);
      let firstSentAt = t0;
      const onAbort = (): void => finish('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      const onLastTry = (): void => {
        if (done || sent === 0) return;
        const waited = clock.now() - firstSentAt;
        if (waited >= quietMs) {
          finish('timeout');
          return;
        }
        if (timer !== undefined) clock.clearTimeout(timer);
        timer = clock.setTimeout(() => finish('timeout'), quietMs - waited);
      };
      req.lastTry?.addEventListener('abort', onLastTry, { once: true });
      sock.onMessage((data, from) => {
        if (done) return;
        const fromExpected = req.anyPort
          ? sameEndpoint({ address: from.address, port: 0 }, { address: expected.address, port: 0 })
          : sameEndpoint(from, expected);
        if (!fromExpected) {
          ignored++;
          return;
        }
        if (answers.length >= MAX_ANSWERS) {
          excess++;
          return;
        }
        const value = req.decode(data);
        answers.push(value);
        if (req.isFinal(value)) finish('answer');
      });
      const tryOnce = (): void => {
        if (done) return;
        if (sent >= req.tries || (sent > 0 && req.lastTry?.aborted)) {
          finish('timeout');
          return;
        }
        sent++;
        if (sent === 1) firstSentAt = clock.now();
        for (const to of req.targets) {
          for (const d of datagrams) {
            sock.send(d, to).catch((e: unknown) => {
              sendErrors++;
              lastError = `${to.address}:${to.port}: ${errorText(e)}`;
            });
          }
        }
        timer = clock.setTimeout(tryOnce, req.lastTry?.aborted ? Math.max(0, quietMs - (clock.now() - firstSentAt)) : req.intervalMs);
      };
      tryOnce();
    });
  } finally {
    sock.close();
  }
}
