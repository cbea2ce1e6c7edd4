/**
 * Several UDP sockets sharing one table of STUN transactions. The deep probes need what
 * `StunSocket` deliberately refuses: a request sent from one socket whose response arrives on
 * another (RFC 5780 RESPONSE-PORT sends the answer to a different port), or a request that
 * arrives on one of our own sockets (hairpinning). So every socket's datagrams are decoded here
 * and matched against the transactions of all of them; the result says which socket got it.
 */
import type { Clock } from '../clock';
import { type Endpoint, type Family, type UdpSocket, type UdpSocketFactory, sameEndpoint } from '../net/udp';
import { Method, type StunAttribute, type StunMessage, decodeMessage, encodeMessage, isStunPacket, newTransactionId } from '../stun';
import { TransactionTable } from './transactions';

export interface Member {
  readonly name: string;
  readonly socket: UdpSocket;
  readonly local: Endpoint;
}

export interface Delivery {
  readonly message: StunMessage;
  readonly from: Endpoint;
  /** The socket that received it (for RESPONSE-PORT: not the one that sent the request). */
  readonly by: Member;
  /** Clock time of arrival. */
  readonly at: number;
  /** Clock time the answered attempt was sent. */
  readonly sentAt: number;
}

/** A request (not a response) that arrived on one of our sockets. */
export interface InboundRequest {
  readonly message: StunMessage;
  readonly from: Endpoint;
  readonly by: Member;
  readonly at: number;
}

export type TransactResult =
  | { readonly ok: true; readonly delivery: Delivery; readonly firstSentAt: number; readonly attempts: number }
  | {
      readonly ok: false;
      readonly reason: 'timeout' | 'aborted' | 'send-failed';
      readonly detail: string;
      readonly firstSentAt: number;
      readonly attempts: number;
    };

export interface TransactOptions {
  readonly from: Member;
  readonly to: Endpoint;
  readonly attributes?: readonly StunAttribute[];
  /** Clock time after which silence is final (asked anew at each step). */
  readonly giveUpAt: () => number;
  /** Delay before the next attempt (asked anew at each step). */
  readonly interval: () => number;
  readonly signal?: AbortSignal;
  readonly maxAttempts?: number;
}

export class StunRouter {
  readonly stats = { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 };
  private readonly members = new Set<Member>();
  private readonly table: TransactionTable<Delivery>;
  private requestHandler: ((request: InboundRequest) => void) | undefined;

  constructor(private readonly clock: Clock) {
    this.table = new TransactionTable(clock);
  }

  async open(factory: UdpSocketFactory, family: Family, name: string): Promise<Member> {
    const socket = await factory.bind({ family });
    const member: Member = { name, socket, local: socket.localEndpoint() };
    socket.onMessage((data, from) => this.receive(member, data, from));
    this.members.add(member);
    return member;
  }

  /** Called for STUN requests arriving on any member (hairpin tests). */
  onRequest(handler: (request: InboundRequest) => void): void {
    this.requestHandler = handler;
  }

  close(member: Member): void {
    if (this.members.delete(member)) member.socket.close();
  }

  closeAll(): void {
    for (const m of [...this.members]) this.close(m);
  }

  get size(): number {
    return this.members.size;
  }

  private receive(by: Member, data: Uint8Array, from: Endpoint): void {
    if (!isStunPacket(data)) {
      this.stats.malformed++;
      return;
    }
    const decoded = decodeMessage(data);
    if (!decoded.ok || decoded.value.cls === 'indication') {
      this.stats.malformed++;
      return;
    }
    const message = decoded.value;
    if (message.cls === 'request') {
      this.requestHandler?.({ message, from, by, at: this.clock.now() });
      return;
    }
    const found = this.table.lookup(message.transactionId);
    if (found.kind !== 'live') {
      // Late answers to finished transactions are expected (every attempt has its own ID).
      if (found.kind === 'unknown') this.stats.wrongTransaction++;
      return;
    }
    if (!sameEndpoint(from, found.transaction.to)) {
      // Our transaction ID from somewhere else: a spoofer or a confused middlebox. Ignore it.
      this.stats.unexpectedSource++;
      return;
    }
    found.transaction.settle({ message, from, by, at: this.clock.now(), sentAt: found.sentAt });
  }

  /** Sends a Binding request from `from`, retransmitted with a fresh ID per attempt, until any member gets the answer. */
  async transact(options: TransactOptions): Promise<TransactResult> {
    const limit = options.maxAttempts ?? 40;
    const outcome = await this.table.run(
      {
        to: options.to,
        giveUpAt: options.giveUpAt,
        interval: options.interval,
        maxAttempts: () => limit,
        signal: options.signal,
        nextId: newTransactionId,
        isOpen: () => this.members.has(options.from),
        send: (transactionId) =>
          options.from.socket.send(
            encodeMessage(
              { cls: 'request', method: Method.Binding, transactionId, attributes: options.attributes ?? [] },
              { fingerprint: false },
            ),
            options.to,
          ),
      },
      undefined,
    );
    if (outcome.ok) return { ok: true, delivery: outcome.answer, firstSentAt: outcome.startedAt, attempts: outcome.attempts };
    const { reason, detail, attempts, startedAt } = outcome;
    return { ok: false, reason, detail, firstSentAt: startedAt, attempts };
  }

  /** Sends one unretransmitted datagram (hairpin packets); resolves false when the stack refuses it. */
  async sendRaw(from: Member, to: Endpoint, bytes: Uint8Array): Promise<boolean> {
    if (!this.members.has(from)) return false;
    try {
      await from.socket.send(bytes, to);
      return true;
    } catch {
      return false;
    }
  }
}
