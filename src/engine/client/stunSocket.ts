import type { Clock } from '../clock';
import { type Endpoint, type UdpSocket, sameEndpoint } from '../net/udp';
import {
  type StunAttribute,
  type StunMessage,
  Method,
  decodeMessage,
  encodeMessage,
  isStunPacket,
  newTransactionId,
} from '../stun';
import { TransactionTable } from './transactions';

/** Packets a probe saw and ignored, reported so a user can tell a noisy or hostile path. */
export interface PacketStats {
  wrongTransaction: number;
  unexpectedSource: number;
  malformed: number;
}

export function newPacketStats(): PacketStats {
  return { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 };
}

export interface ExchangeOptions {
  readonly to: Endpoint;
  readonly attributes?: readonly StunAttribute[];
  readonly method?: number;
  /**
   * Where a reply may come from: one endpoint, or a test asked anew for each reply (and again
   * on `recheck()`, for tests whose answer depends on something learnt later). Default: `to`.
   */
  readonly expectFrom?: Endpoint | ((from: Endpoint) => boolean);
  /** Clock time after which silence is final; asked anew at each step as the RTT is learnt. */
  readonly giveUpAt: () => number;
  /** Delay before the next retransmission; asked anew each time for the same reason. */
  readonly rto: () => number;
  /**
   * Datagrams at most; asked anew before each one, so a bound that depends on something learnt
   * meanwhile (an announced address proving itself) takes effect at once.
   */
  readonly maxAttempts?: number | (() => number);
  readonly signal?: AbortSignal;
  /**
   * Keep one transaction ID across retransmissions, as RFC 8489 §6.2.1 requires for requests
   * with side effects (TURN). Binding requests get a fresh ID per attempt instead, which makes
   * every RTT sample unambiguous (Karn's problem disappears) at no cost to the server.
   */
  readonly sameTransaction?: boolean;
  readonly integrityKey?: Uint8Array;
  readonly fingerprint?: boolean;
}

export type ExchangeResult =
  | {
      readonly ok: true;
      readonly message: StunMessage;
      readonly raw: Uint8Array;
      readonly from: Endpoint;
      readonly rttMs: number;
      readonly attempts: number;
    }
  | {
      readonly ok: false;
      readonly reason: 'timeout' | 'aborted' | 'send-failed';
      readonly detail: string;
      readonly attempts: number;
      readonly elapsedMs: number;
      /** Replies with our transaction ID that came from somewhere else (e.g. a server ignoring CHANGE-REQUEST). */
      readonly wrongSource: Endpoint[];
      /**
       * Packets from the address we asked that could not be used (a transaction ID we never
       * sent, or not STUN): the path works both ways even though the server answers wrongly.
       */
      readonly unusable: number;
    };

/** What the socket keeps per exchange besides what the table keeps. */
interface Watch {
  readonly accepts: (from: Endpoint) => boolean;
  readonly wrongSource: Endpoint[];
  unusable: number;
  /** Replies held back because their source was not (yet) acceptable. */
  readonly held: Reply[];
}

interface Reply {
  readonly message: StunMessage;
  readonly raw: Uint8Array;
  readonly from: Endpoint;
  readonly rttMs: number;
}

/**
 * One UDP socket speaking STUN: sends requests, matches replies by transaction ID and source,
 * retransmits on an RTT-sized schedule. Everything else that arrives is counted and dropped.
 */
export class StunSocket {
  private readonly table: TransactionTable<Reply, Watch>;
  private closed = false;

  constructor(
    readonly socket: UdpSocket,
    private readonly clock: Clock,
    readonly stats: PacketStats = newPacketStats(),
  ) {
    this.table = new TransactionTable(clock);
    socket.onMessage((data, from) => this.receive(data, from));
  }

  localEndpoint(): Endpoint {
    return this.socket.localEndpoint();
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private receive(data: Uint8Array, from: Endpoint): void {
    if (!isStunPacket(data)) {
      this.stats.malformed++;
      this.unusableFrom(from);
      return;
    }
    const decoded = decodeMessage(data);
    if (!decoded.ok || decoded.value.cls === 'request' || decoded.value.cls === 'indication') {
      this.stats.malformed++;
      this.unusableFrom(from);
      return;
    }
    const message = decoded.value;
    const found = this.table.lookup(message.transactionId);
    // A late duplicate of a finished exchange counts here too: with one socket per probe step,
    // nothing this socket still waits for can use it.
    if (found.kind !== 'live') {
      this.stats.wrongTransaction++;
      this.unusableFrom(from);
      return;
    }
    const { transaction, sentAt } = found;
    const reply: Reply = { message, raw: data, from, rttMs: this.clock.now() - sentAt };
    if (!transaction.meta.accepts(from)) {
      this.stats.unexpectedSource++;
      transaction.meta.wrongSource.push(from);
      if (transaction.meta.held.length < 8) transaction.meta.held.push(reply);
      return;
    }
    transaction.settle(reply);
  }

  /** Counts a packet nothing could use against every exchange waiting for its source. */
  private unusableFrom(from: Endpoint): void {
    for (const t of this.table.transactions()) if (t.meta.accepts(from)) t.meta.unusable++;
  }

  /** Looks again at held-back replies, for exchanges whose `expectFrom` test has learnt more. */
  recheck(): void {
    for (const t of this.table.transactions()) {
      const ok = t.meta.held.find((h) => t.meta.accepts(h.from));
      if (ok) {
        this.stats.unexpectedSource--;
        t.settle(ok);
      }
    }
  }

  async exchange(options: ExchangeOptions): Promise<ExchangeResult> {
    const method = options.method ?? Method.Binding;
    const limit = options.maxAttempts ?? 50;
    const expect = options.expectFrom ?? options.to;
    const watch: Watch = {
      accepts: typeof expect === 'function' ? expect : (from) => sameEndpoint(expect, from),
      wrongSource: [],
      unusable: 0,
      held: [],
    };
    let fixedId: Uint8Array | undefined;
    const outcome = await this.table.run(
      {
        to: options.to,
        giveUpAt: options.giveUpAt,
        interval: options.rto,
        maxAttempts: typeof limit === 'function' ? limit : () => limit,
        signal: options.signal,
        nextId: () => (options.sameTransaction ? (fixedId ??= newTransactionId()) : newTransactionId()),
        isOpen: () => !this.closed,
        send: (transactionId) =>
          this.socket.send(
            encodeMessage(
              { cls: 'request', method, transactionId, attributes: options.attributes ?? [] },
              { integrityKey: options.integrityKey, fingerprint: options.fingerprint ?? false },
            ),
            options.to,
          ),
      },
      watch,
    );
    if (outcome.ok) return { ok: true, ...outcome.answer, attempts: outcome.attempts };
    const { reason, detail, attempts, elapsedMs } = outcome;
    return { ok: false, reason, detail, attempts, elapsedMs, wrongSource: watch.wrongSource, unusable: watch.unusable };
  }
}

// Defined once in describe.ts; re-exported for the probes that import it from here.
export { errorText } from '../describe';
