/**
 * Several UDP sockets sharing one table of STUN transactions. The deep probes need what
 * `StunSocket` deliberately refuses: a request sent from one socket whose response arrives on
 * another (RFC 5780 RESPONSE-PORT sends the answer to a different port), or a request that
 * arrives on one of our own sockets (hairpinning). So every socket's datagrams are decoded here
 * and matched against the transactions of all of them; the result says which socket got it.
 */
import type { Clock, TimerHandle } from '../../clock';
import { errorText } from '../../client/stunSocket';
import { type Endpoint, type Family, type UdpSocket, type UdpSocketFactory, endpointKey, sameEndpoint } from '../../net/udp';
import {
  Attr,
  Method,
  type StunAttribute,
  type StunMessage,
  decodeAddress,
  decodeMessage,
  decodeXorAddress,
  encodeMessage,
  getAttribute,
  isStunPacket,
  newTransactionId,
} from '../../stun';

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

interface Pending {
  readonly to: Endpoint;
  readonly ids: Map<string, number>;
  settle(delivery: Delivery): void;
}

const FINISHED_MEMORY = 4096;

export class StunRouter {
  readonly stats = { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 };
  private readonly members = new Set<Member>();
  private readonly pending = new Map<string, Pending>();
  /** IDs of settled or abandoned transactions: late duplicates are expected, not suspicious. */
  private readonly finished = new Set<string>();
  private requestHandler: ((request: InboundRequest) => void) | undefined;

  constructor(private readonly clock: Clock) {}

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
    const id = hex(message.transactionId);
    const p = this.pending.get(id);
    if (!p) {
      if (!this.finished.has(id)) this.stats.wrongTransaction++;
      return;
    }
    if (!sameEndpoint(from, p.to)) {
      // Our transaction ID from somewhere else: a spoofer or a confused middlebox. Ignore it.
      this.stats.unexpectedSource++;
      return;
    }
    p.settle({ message, from, by, at: this.clock.now(), sentAt: p.ids.get(id) ?? this.clock.now() });
  }

  /** Sends a Binding request from `from`, retransmitted with a fresh ID per attempt, until any member gets the answer. */
  transact(options: TransactOptions): Promise<TransactResult> {
    const clock = this.clock;
    const started = clock.now();
    const maxAttempts = options.maxAttempts ?? 40;
    return new Promise<TransactResult>((resolve) => {
      let attempts = 0;
      let timer: TimerHandle | undefined;
      let done = false;
      const pending: Pending = {
        to: options.to,
        ids: new Map(),
        settle: (delivery) => finish({ ok: true, delivery, firstSentAt: started, attempts }),
      };
      const finish = (result: TransactResult): void => {
        if (done) return;
        done = true;
        for (const id of pending.ids.keys()) {
          this.pending.delete(id);
          this.finished.add(id);
        }
        while (this.finished.size > FINISHED_MEMORY) {
          const oldest = this.finished.values().next().value as string;
          this.finished.delete(oldest);
        }
        if (timer !== undefined) clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const fail = (reason: 'timeout' | 'aborted' | 'send-failed', detail: string): void =>
        finish({ ok: false, reason, detail, firstSentAt: started, attempts });
      const onAbort = (): void => fail('aborted', 'cancelled');
      const sendAttempt = (): void => {
        if (!this.members.has(options.from)) {
          fail('send-failed', 'socket closed');
          return;
        }
        const id = newTransactionId();
        const bytes = encodeMessage(
          { cls: 'request', method: Method.Binding, transactionId: id, attributes: options.attributes ?? [] },
          { fingerprint: false },
        );
        attempts++;
        const key = hex(id);
        pending.ids.set(key, clock.now());
        this.pending.set(key, pending);
        options.from.socket.send(bytes, options.to).catch((err: unknown) => {
          fail('send-failed', `sending to ${endpointKey(options.to)} failed: ${errorText(err)}`);
        });
      };
      const tick = (): void => {
        timer = undefined;
        if (done) return;
        const now = clock.now();
        if (now >= options.giveUpAt() || attempts >= maxAttempts) {
          fail('timeout', `no answer from ${endpointKey(options.to)} in ${attempts} tries over ${Math.round(now - started)} ms`);
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
      if (options.signal?.aborted) {
        resolve({ ok: false, reason: 'aborted', detail: 'cancelled', firstSentAt: started, attempts: 0 });
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      sendAttempt();
      schedule();
    });
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

/** XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS, of a Binding success response. */
export function mappedAddress(message: StunMessage): Endpoint | undefined {
  const xor = getAttribute(message, Attr.XorMappedAddress);
  if (xor) {
    const r = decodeXorAddress(xor.value, message.transactionId);
    if (r.ok) return { address: r.value.address, port: r.value.port };
  }
  const plain = getAttribute(message, Attr.MappedAddress);
  if (plain) {
    const r = decodeAddress(plain.value);
    if (r.ok) return { address: r.value.address, port: r.value.port };
  }
  return undefined;
}

/** OTHER-ADDRESS (RFC 5780), if the server sent one. */
export function otherAddress(message: StunMessage): Endpoint | undefined {
  const other = getAttribute(message, Attr.OtherAddress) ?? getAttribute(message, Attr.ChangedAddress);
  if (!other) return undefined;
  const r = decodeAddress(other.value);
  return r.ok ? { address: r.value.address, port: r.value.port } : undefined;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
