import type { Clock, TimerHandle } from '../../src/engine/clock';
import type { TcpConnectError, TcpConnector, TcpStream } from '../../src/engine/net/tcp';
import { type Endpoint, endpointKey } from '../../src/engine/net/udp';
import { StunTcpSession } from '../../src/engine/server/extraPorts';
import { Method, encodeMessage, newTransactionId } from '../../src/engine/stun';

/**
 * A TCP connector on the virtual clock for diagnosis tests: each server address behaves as the
 * test says, with `rttMs` for the handshake (SYN → SYN-ACK or RST) and for each answer.
 *  - 'stun': accepts and answers Binding over TCP (the real server-side session, so the
 *    client's RFC 5389 §7.2.2 framing is checked against the server's);
 *  - 'refused': RST (nothing listens on that TCP port; the host is there);
 *  - 'silent': the SYN is never answered;
 *  - 'unreachable': ICMP host unreachable;
 *  - 'slowloris': accepts, then says nothing, ever (a hostile or stuck server);
 *  - 'dribble': accepts, then sends one byte every `rttMs`, forever, of STUN-looking requests
 *    that are never our answer (a hostile server that keeps the stream busy);
 *  - 'chatty': answers a request with 100 well-formed Binding answers, none to our transaction.
 */
export type FakeTcpBehaviour = 'stun' | 'refused' | 'silent' | 'unreachable' | 'slowloris' | 'dribble' | 'chatty';

export interface FakeTcp extends TcpConnector {
  /** Connection attempts, by address:port. */
  readonly attempts: Map<string, number>;
  /** Streams still open (the probe must close what it opened). */
  openStreams(): number;
}

export function fakeTcp(clock: Clock, behaviours: Readonly<Record<string, FakeTcpBehaviour>>, rttMs = 20): FakeTcp {
  const attempts = new Map<string, number>();
  const streams: FakeStream[] = [];
  return {
    attempts,
    openStreams: () => streams.filter((s) => !s.closed).length,
    connect(to, timeoutMs, signal): Promise<TcpStream | TcpConnectError> {
      const key = endpointKey(to);
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      const b = behaviours[key] ?? 'silent';
      return new Promise((resolve) => {
        let done = false;
        const settle = (r: TcpStream | TcpConnectError): void => {
          if (done) return;
          done = true;
          clock.clearTimeout(answer);
          clock.clearTimeout(limit);
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        };
        const answer = clock.setTimeout(() => {
          if (b === 'silent') return;
          if (b === 'refused') settle({ error: 'refused', detail: 'ECONNREFUSED' });
          else if (b === 'unreachable') settle({ error: 'unreachable', detail: 'EHOSTUNREACH' });
          else {
            const s = new FakeStream(clock, to, b, rttMs);
            streams.push(s);
            settle(s);
          }
        }, rttMs);
        const limit = clock.setTimeout(() => settle({ error: 'timeout', detail: `no answer to the SYN in ${timeoutMs} ms` }), timeoutMs);
        const onAbort = (): void => settle({ error: 'aborted' });
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

class FakeStream implements TcpStream {
  closed = false;
  private dataHandler: ((d: Uint8Array) => void) | undefined;
  private closeHandler: ((why: string) => void) | undefined;
  private readonly session: StunTcpSession;
  private drip: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly to: Endpoint,
    private readonly behaviour: FakeTcpBehaviour,
    private readonly rttMs: number,
  ) {
    this.session = new StunTcpSession(to, { address: '203.0.113.5', port: 50000 }, 'fake-tcp');
    if (behaviour === 'dribble') this.dribble(0);
  }

  private dribble(i: number): void {
    // A Binding request header (not an answer) with 8 bytes of body, one byte at a time, again and again.
    const bytes = [0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42];
    this.drip = this.clock.setTimeout(() => {
      if (this.closed) return;
      this.dataHandler?.(new Uint8Array([bytes[i % bytes.length]]));
      this.dribble(i + 1);
    }, this.rttMs);
  }

  localEndpoint(): Endpoint {
    return { address: '192.168.1.2', port: 50000 };
  }

  remoteEndpoint(): Endpoint {
    return this.to;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('closed'));
    if (this.behaviour === 'chatty') {
      this.clock.setTimeout(() => {
        for (let i = 0; i < 100 && !this.closed; i++) {
          this.dataHandler?.(encodeMessage({ cls: 'success', method: Method.Binding, transactionId: newTransactionId(), attributes: [] }));
        }
      }, this.rttMs);
    }
    if (this.behaviour === 'stun') {
      this.clock.setTimeout(() => {
        if (this.closed) return;
        for (const reply of this.session.receive(data).replies) this.dataHandler?.(reply);
      }, this.rttMs);
    }
    return Promise.resolve();
  }

  onData(handler: (d: Uint8Array) => void): void {
    this.dataHandler = handler;
  }

  onClose(handler: (why: string) => void): void {
    this.closeHandler = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.drip !== undefined) this.clock.clearTimeout(this.drip);
    this.closeHandler?.('closed locally');
  }
}
