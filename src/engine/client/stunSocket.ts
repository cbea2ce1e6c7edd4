import type { Clock, TimerHandle } from '../clock';
import { type Endpoint, type UdpSocket, endpointKey, sameEndpoint } from '../net/udp';
import {
  type StunAttribute,
  type StunMessage,
  Method,
  decodeMessage,
  encodeMessage,
  isStunPacket,
  newTransactionId,
} from '../stun';

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

interface Pending {
  readonly ids: Map<string, number>; // transaction id (hex) -> send time
  readonly accepts: (from: Endpoint) => boolean;
  readonly wrongSource: Endpoint[];
  unusable: number;
  /** Replies held back because their source was not (yet) acceptable. */
  readonly held: { message: StunMessage; raw: Uint8Array; from: Endpoint; rttMs: number }[];
  settle(message: StunMessage, raw: Uint8Array, from: Endpoint, rttMs: number): void;
}

/**
 * One UDP socket speaking STUN: sends requests, matches replies by transaction ID and source,
 * retransmits on an RTT-sized schedule. Everything else that arrives is counted and dropped.
 */
export class StunSocket {
  private readonly pending = new Set<Pending>();
  private closed = false;

  constructor(
    readonly socket: UdpSocket,
    private readonly clock: Clock,
    readonly stats: PacketStats = newPacketStats(),
  ) {
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
    const id = hex(message.transactionId);
    for (const p of this.pending) {
      const sentAt = p.ids.get(id);
      if (sentAt === undefined) continue;
      if (!p.accepts(from)) {
        this.stats.unexpectedSource++;
        p.wrongSource.push(from);
        if (p.held.length < 8) p.held.push({ message, raw: data, from, rttMs: this.clock.now() - sentAt });
        return;
      }
      p.settle(message, data, from, this.clock.now() - sentAt);
      return;
    }
    this.stats.wrongTransaction++;
    this.unusableFrom(from);
  }

  /** Counts a packet nothing could use against every exchange waiting for its source. */
  private unusableFrom(from: Endpoint): void {
    for (const p of this.pending) if (p.accepts(from)) p.unusable++;
  }

  /** Looks again at held-back replies, for exchanges whose `expectFrom` test has learnt more. */
  recheck(): void {
    for (const p of [...this.pending]) {
      const ok = p.held.find((h) => p.accepts(h.from));
      if (ok) {
        this.stats.unexpectedSource--;
        p.settle(ok.message, ok.raw, ok.from, ok.rttMs);
      }
    }
  }

  exchange(options: ExchangeOptions): Promise<ExchangeResult> {
    const clock = this.clock;
    const started = clock.now();
    const method = options.method ?? Method.Binding;
    const limit = options.maxAttempts ?? 50;
    const maxAttempts = typeof limit === 'function' ? limit : () => limit;
    return new Promise<ExchangeResult>((resolve) => {
      let attempts = 0;
      let timer: TimerHandle | undefined;
      let fixedId: Uint8Array | undefined;
      const expect = options.expectFrom ?? options.to;
      const pending: Pending = {
        ids: new Map(),
        accepts: typeof expect === 'function' ? expect : (from) => sameEndpoint(expect, from),
        wrongSource: [],
        unusable: 0,
        held: [],
        settle: (message, raw, from, rttMs) => finish({ ok: true, message, raw, from, rttMs, attempts }),
      };
      const finish = (result: ExchangeResult): void => {
        if (!this.pending.delete(pending)) return;
        if (timer !== undefined) clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const fail = (reason: 'timeout' | 'aborted' | 'send-failed', detail: string): void =>
        finish({ ok: false, reason, detail, attempts, elapsedMs: clock.now() - started, wrongSource: pending.wrongSource, unusable: pending.unusable });
      const onAbort = (): void => fail('aborted', 'cancelled');

      const sendAttempt = (): void => {
        if (this.closed) {
          fail('send-failed', 'socket closed');
          return;
        }
        const id = options.sameTransaction ? (fixedId ??= newTransactionId()) : newTransactionId();
        const bytes = encodeMessage(
          { cls: 'request', method, transactionId: id, attributes: options.attributes ?? [] },
          { integrityKey: options.integrityKey, fingerprint: options.fingerprint ?? false },
        );
        attempts++;
        pending.ids.set(hex(id), clock.now());
        this.socket.send(bytes, options.to).catch((err: unknown) => {
          fail('send-failed', `sending to ${endpointKey(options.to)} failed: ${errorText(err)}`);
        });
      };

      const tick = (): void => {
        timer = undefined;
        const now = clock.now();
        const giveUpAt = options.giveUpAt();
        if (now >= giveUpAt || attempts >= maxAttempts()) {
          fail('timeout', `no answer from ${endpointKey(options.to)} in ${attempts} tries over ${Math.round(now - started)} ms`);
          return;
        }
        sendAttempt();
        schedule();
      };
      const schedule = (): void => {
        if (!this.pending.has(pending)) return;
        const now = clock.now();
        const next = Math.min(now + options.rto(), options.giveUpAt());
        timer = clock.setTimeout(tick, Math.max(1, next - now));
      };

      if (options.signal?.aborted) {
        resolve({ ok: false, reason: 'aborted', detail: 'cancelled', attempts: 0, elapsedMs: 0, wrongSource: [], unusable: 0 });
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(pending);
      sendAttempt();
      schedule();
    });
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.message;
  return String(err);
}
