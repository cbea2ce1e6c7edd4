/**
 * The table of STUN requests in flight, under every client in the engine (like pion/stun's
 * Agent): each transaction is retransmitted on a schedule the caller sizes from the RTT, matched
 * by transaction ID when an answer arrives, and ends exactly once (answered, silent until its
 * deadline, aborted, or its datagram refused by the stack). What a socket does with the packets
 * that match nothing is the socket's business: the table only says which transaction, if any,
 * a transaction ID belongs to.
 */
import { whenAborted } from '../abortWatch';
import type { Clock, TimerHandle } from '../clock';
import { errorText, hex } from '../describe';
import { type Endpoint, endpointKey } from '../net/udp';

export type FailureReason = 'timeout' | 'aborted' | 'send-failed';

export type Outcome<A> =
  | { readonly ok: true; readonly answer: A; readonly attempts: number; readonly startedAt: number }
  | {
      readonly ok: false;
      readonly reason: FailureReason;
      readonly detail: string;
      readonly attempts: number;
      readonly startedAt: number;
      readonly elapsedMs: number;
    };

export interface RunOptions {
  readonly to: Endpoint;
  /** Clock time after which silence is final; asked anew at each step as the RTT is learnt. */
  readonly giveUpAt: () => number;
  /** Delay before the next attempt; asked anew each time for the same reason. */
  readonly interval: () => number;
  /** Datagrams at most; asked anew before each one (a bound may tighten or loosen meanwhile). */
  readonly maxAttempts: () => number;
  readonly signal?: AbortSignal;
  /** The transaction ID of the next attempt: fresh each time, or the same (RFC 8489 §6.2.1). */
  readonly nextId: () => Uint8Array;
  /** False once the socket is closed: the transaction then fails instead of sending. */
  readonly isOpen: () => boolean;
  /** Encodes and sends one attempt under `id`. */
  readonly send: (id: Uint8Array) => Promise<void>;
}

/** One transaction in flight, as the table knows it. `meta` is the owner's own bookkeeping. */
export interface Transaction<A, M> {
  readonly to: Endpoint;
  readonly meta: M;
  /** Transaction IDs (hex) of the attempts so far, with the clock time each was sent. */
  readonly ids: ReadonlyMap<string, number>;
  settle(answer: A): void;
}

export type Lookup<A, M> =
  | { readonly kind: 'live'; readonly transaction: Transaction<A, M>; readonly sentAt: number }
  /** Settled or abandoned recently: a late duplicate, expected rather than suspicious. */
  | { readonly kind: 'finished' }
  | { readonly kind: 'unknown' };

const FINISHED_MEMORY = 4096;

export class TransactionTable<A, M = undefined> {
  private readonly byId = new Map<string, Transaction<A, M>>();
  private readonly live = new Set<Transaction<A, M>>();
  private readonly finished = new Set<string>();

  constructor(private readonly clock: Clock) {}

  lookup(transactionId: Uint8Array): Lookup<A, M> {
    const id = hex(transactionId);
    const transaction = this.byId.get(id);
    if (transaction) return { kind: 'live', transaction, sentAt: transaction.ids.get(id) ?? this.clock.now() };
    return this.finished.has(id) ? { kind: 'finished' } : { kind: 'unknown' };
  }

  /** The transactions in flight, oldest first. */
  transactions(): Transaction<A, M>[] {
    return [...this.live];
  }

  get size(): number {
    return this.live.size;
  }

  /** Sends the first attempt now and retransmits until the transaction ends. Never rejects. */
  run(options: RunOptions, meta: M): Promise<Outcome<A>> {
    const clock = this.clock;
    const startedAt = clock.now();
    if (options.signal?.aborted) {
      return Promise.resolve({ ok: false, reason: 'aborted', detail: 'cancelled', attempts: 0, startedAt, elapsedMs: 0 });
    }
    return new Promise<Outcome<A>>((resolve) => {
      const ids = new Map<string, number>();
      let attempts = 0;
      let timer: TimerHandle | undefined;
      let done = false;
      let stopWaiting: (() => void) | undefined;
      const transaction: Transaction<A, M> = {
        to: options.to,
        meta,
        ids,
        settle: (answer) => finish({ ok: true, answer, attempts, startedAt }),
      };
      const finish = (outcome: Outcome<A>): void => {
        if (done) return;
        done = true;
        this.forget(transaction);
        if (timer !== undefined) clock.clearTimeout(timer);
        stopWaiting?.();
        resolve(outcome);
      };
      const fail = (reason: FailureReason, detail: string): void =>
        finish({ ok: false, reason, detail, attempts, startedAt, elapsedMs: clock.now() - startedAt });
      const onAbort = (): void => fail('aborted', 'cancelled');
      const sendAttempt = (): void => {
        if (!options.isOpen()) {
          fail('send-failed', 'socket closed');
          return;
        }
        const id = options.nextId();
        const key = hex(id);
        attempts++;
        ids.set(key, clock.now());
        this.byId.set(key, transaction);
        options.send(id).catch((err: unknown) => fail('send-failed', `sending to ${endpointKey(options.to)} failed: ${errorText(err)}`));
      };
      const tick = (): void => {
        timer = undefined;
        if (done) return;
        const now = clock.now();
        if (now >= options.giveUpAt() || attempts >= options.maxAttempts()) {
          fail('timeout', `no answer from ${endpointKey(options.to)} in ${attempts} tries over ${Math.round(now - startedAt)} ms`);
          return;
        }
        sendAttempt();
        schedule();
      };
      const schedule = (): void => {
        if (done) return;
        const now = clock.now();
        const next = Math.min(now + options.interval(), options.giveUpAt());
        timer = clock.setTimeout(tick, Math.max(1, next - now));
      };
      // An already cancelled run fails here at once, before anything is sent.
      if (options.signal) stopWaiting = whenAborted(options.signal, onAbort);
      if (done) return;
      this.live.add(transaction);
      sendAttempt();
      schedule();
    });
  }

  private forget(transaction: Transaction<A, M>): void {
    this.live.delete(transaction);
    for (const id of transaction.ids.keys()) {
      this.byId.delete(id);
      this.finished.add(id);
    }
    while (this.finished.size > FINISHED_MEMORY) {
      const oldest = this.finished.values().next().value as string;
      this.finished.delete(oldest);
    }
  }
}
