import * as net from 'node:net';
import { whenAborted } from '../abortWatch';
import { type Clock, type TimerHandle, systemClock } from '../clock';
import { HEADER_LENGTH, MAGIC_COOKIE } from '../stun';
import type { Endpoint } from './udp';

/**
 * The engine's only view of outgoing TCP, the counterpart of `udp.ts`: probes get a
 * `TcpConnector` injected, so unit tests use a fake one and the CLI the node:net one below.
 */

export interface TcpStream {
  localEndpoint(): Endpoint;
  remoteEndpoint(): Endpoint;
  /** Queues bytes; rejects when the stream is closed or the write fails. */
  write(data: Uint8Array): Promise<void>;
  /** The one data handler; bytes arriving before it is set are buffered and delivered then. */
  onData(handler: (data: Uint8Array) => void): void;
  /** Called once when the stream ends for any reason (peer closed, reset, local close). */
  onClose(handler: (why: string) => void): void;
  close(): void;
}

/**
 * Why a connection did not come up. 'refused': RST or ICMP port unreachable (ECONNREFUSED);
 * 'timeout': no answer to the SYN in time; 'unreachable': ICMP host/net unreachable or no route;
 * 'aborted': the signal fired. Anything else is the system's error code.
 */
export type TcpConnectErrorKind = 'refused' | 'timeout' | 'unreachable' | 'aborted' | (string & {});

export interface TcpConnectError {
  readonly error: TcpConnectErrorKind;
  /** The system's own words, for the report ("ECONNREFUSED", "EHOSTUNREACH"). */
  readonly detail?: string;
}

export interface TcpConnector {
  /** Never rejects: a failure is a `TcpConnectError` value. */
  connect(to: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<TcpStream | TcpConnectError>;
}

export function isTcpConnectError(x: TcpStream | TcpConnectError): x is TcpConnectError {
  return typeof (x as TcpConnectError).error === 'string';
}

/** Maps a node errno to the connector's vocabulary. */
export function classifyTcpError(code: string | undefined): TcpConnectErrorKind {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return 'unreachable';
    default:
      return code ?? 'error';
  }
}

/** Real TCP over node:net; the connect timeout runs on `clock`. */
export function nodeTcpConnector(clock: Clock = systemClock): TcpConnector {
  return {
    connect(to, timeoutMs, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) {
          resolve({ error: 'aborted' });
          return;
        }
        const socket = net.createConnection({ host: to.address, port: to.port, noDelay: true });
        let done = false;
        let stopWatching = (): void => undefined;
        // The callback runs on a later turn, after `settle` below exists.
        const timer: TimerHandle = clock.setTimeout(
          () => settle({ error: 'timeout', detail: `no answer to the SYN in ${Math.round(timeoutMs)} ms` }),
          Math.max(1, timeoutMs),
        );
        const settle = (result: TcpStream | TcpConnectError): void => {
          if (done) return;
          done = true;
          clock.clearTimeout(timer);
          stopWatching();
          socket.off('error', onError);
          if (isTcpConnectError(result)) socket.destroy();
          resolve(result);
        };
        const onError = (err: NodeJS.ErrnoException): void => settle({ error: classifyTcpError(err.code), detail: err.code ?? err.message });
        const onAbort = (): void => settle({ error: 'aborted' });
        socket.once('error', onError);
        socket.once('connect', () => settle(new NodeTcpStream(socket)));
        // One listener on the run's signal however many connections wait on it (abortWatch.ts).
        stopWatching = signal ? whenAborted(signal, onAbort) : () => undefined;
      });
    },
  };
}

class NodeTcpStream implements TcpStream {
  private dataHandler: ((data: Uint8Array) => void) | undefined;
  private closeHandler: ((why: string) => void) | undefined;
  private readonly early: Uint8Array[] = [];
  private closedWhy: string | undefined;
  private readonly local: Endpoint;
  private readonly remote: Endpoint;

  constructor(private readonly socket: net.Socket) {
    this.local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    this.remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    socket.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (this.dataHandler) this.dataHandler(bytes);
      else if (this.early.length < 64) this.early.push(bytes);
    });
    let lastError: string | undefined;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      lastError = err.code ?? err.message;
    });
    socket.on('close', () => this.ended(lastError ? `connection error ${lastError}` : 'closed by the peer'));
  }

  private ended(why: string): void {
    if (this.closedWhy !== undefined) return;
    this.closedWhy = why;
    this.closeHandler?.(why);
  }

  localEndpoint(): Endpoint {
    return this.local;
  }

  remoteEndpoint(): Endpoint {
    return this.remote;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closedWhy !== undefined) return Promise.reject(new Error(`stream is closed (${this.closedWhy})`));
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.dataHandler = handler;
    for (const b of this.early.splice(0)) handler(b);
  }

  onClose(handler: (why: string) => void): void {
    this.closeHandler = handler;
    if (this.closedWhy !== undefined) handler(this.closedWhy);
  }

  close(): void {
    this.ended('closed locally');
    this.socket.destroy();
  }
}

/**
 * Splits a byte stream into STUN messages (RFC 8489 §6.2.2: over TCP, messages follow each
 * other with no extra framing; the 20-byte header's length field says where each one ends).
 * Buffers at most one message of `maxMessageBytes`; anything that cannot be STUN is an error,
 * after which the stream should be dropped (there is no way to resynchronise).
 */
export class StunStreamFramer {
  private buffer = new Uint8Array(0);
  private failed: string | undefined;

  constructor(readonly maxMessageBytes = 4096) {}

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): { messages: Uint8Array[]; error?: string } {
    if (this.failed) return { messages: [], error: this.failed };
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const messages: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 4) {
      // Check what the first bytes allow as early as possible, so garbage is dropped at once.
      if ((joined[at] & 0xc0) !== 0) return this.fail(messages, `byte 0x${joined[at].toString(16).padStart(2, '0')} cannot start a STUN message`);
      const length = (joined[at + 2] << 8) | joined[at + 3];
      if (length % 4 !== 0) return this.fail(messages, `STUN length field ${length} is not a multiple of 4`);
      const total = HEADER_LENGTH + length;
      if (total > this.maxMessageBytes) return this.fail(messages, `STUN message of ${total} bytes is over the ${this.maxMessageBytes}-byte limit`);
      if (joined.length - at >= 8) {
        const cookie = ((joined[at + 4] << 24) | (joined[at + 5] << 16) | (joined[at + 6] << 8) | joined[at + 7]) >>> 0;
        if (cookie !== MAGIC_COOKIE) return this.fail(messages, 'no STUN magic cookie');
      }
      if (joined.length - at < total) break;
      messages.push(joined.slice(at, at + total));
      at += total;
    }
    this.buffer = joined.slice(at);
    return { messages };
  }

  private fail(messages: Uint8Array[], why: string): { messages: Uint8Array[]; error: string } {
    this.failed = why;
    this.buffer = new Uint8Array(0);
    return { messages, error: why };
  }
}
