import * as net from 'node:net';
import { type Clock, type TimerHandle, systemClock } from '../clock';
import { StunStreamFramer } from '../net/tcp';
import { type Endpoint, type Family, type UdpSocket, type UdpSocketFactory, endpointKey, normaliseAddress, sameEndpoint } from '../net/udp';
import { type ReflectorAddresses, type Slot, answer } from './reflectorLogic';
import { DEFAULT_BURST, DEFAULT_RATE_PER_SECOND, SourceRateLimiter, sourceKey } from './sourceRateLimit';

/**
 * Extra listeners for `natprobe serve --ports LIST`: plain STUN Binding on more ports of the
 * primary address, so a client can tell which VPN ports (51820, 1194, 443, …) get through its
 * network. Each port is a single-address server (no OTHER-ADDRESS, CHANGE-REQUEST refused with
 * 420): the RFC 5780 tests stay on the primary/alternate pair; these only say "reachable".
 */

/**
 * A listener that could not be opened, naming it: "a port is already in use" leaves the operator
 * to guess which of a dozen. `code` is the system's (EADDRINUSE, EACCES, EADDRNOTAVAIL…).
 */
export class ListenerError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly protocol: 'udp' | 'tcp',
    readonly endpoint: Endpoint,
    cause: unknown,
  ) {
    super(`${protocol}/${endpointKey(endpoint)}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ListenerError';
    const code = (cause as { code?: unknown } | null)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

export interface PortSpec {
  readonly protocol: 'udp' | 'tcp';
  readonly port: number;
}

export interface ExtraPortsOptions {
  readonly udp: UdpSocketFactory;
  /** Time for the rate limiter and the TCP message deadline (default: the system clock). */
  readonly clock?: Clock;
  /** Local IP literal to listen on (normally the primary address). */
  readonly address: string;
  readonly ports: readonly PortSpec[];
  readonly software: string;
  /**
   * The main reflector's primary endpoint: a UDP port equal to its port on the same address is
   * already answered there and is skipped rather than failing with EADDRINUSE.
   */
  readonly primary: Endpoint;
  /** Close a TCP connection idle this long (default 10 s). */
  readonly tcpIdleMs?: number;
  /** At most this many TCP connections at once per port; more are closed at once (default 64). */
  readonly maxTcpConnections?: number;
  /**
   * At most this many TCP connections at once from one source (IPv4 address or IPv6 /64) over
   * all ports (default 4): one source may not hold the per-port cap and lock everyone out.
   */
  readonly maxTcpPerSource?: number;
  /**
   * A message must arrive whole within this long of its first byte (default 5 s). The idle timer
   * alone is reset by any byte, so one byte every few seconds (slowloris) held a slot forever.
   */
  readonly tcpMessageDeadlineMs?: number;
  /** Per-source answer budget, shared with the main reflector (default: a limiter of its own). */
  readonly limiter?: SourceRateLimiter;
  readonly onEvent?: (event: ExtraPortEvent) => void;
}

export type ExtraPortEvent =
  | { readonly kind: 'answered'; readonly protocol: 'udp' | 'tcp'; readonly from: Endpoint; readonly on: Endpoint }
  | { readonly kind: 'rate-limited'; readonly protocol: 'udp' | 'tcp'; readonly from: Endpoint; readonly on: Endpoint }
  /** Refused by the cap on answers across all sources (not the source's own limit). */
  | { readonly kind: 'global-limited'; readonly protocol: 'udp' | 'tcp'; readonly from: Endpoint; readonly on: Endpoint }
  | { readonly kind: 'dropped'; readonly protocol: 'udp' | 'tcp'; readonly from: Endpoint; readonly on: Endpoint; readonly why: string };

export interface RunningExtraPorts {
  /** What is listening, in the order asked. */
  readonly endpoints: { readonly protocol: 'udp' | 'tcp'; readonly endpoint: Endpoint }[];
  /** Ports not opened here because the main reflector already answers them. */
  readonly skipped: PortSpec[];
  readonly counters: { answered: number; dropped: number; rateLimited: number; globalLimited: number };
  close(): void;
}

const SLOT: Slot = { ip: 0, port: 0 };
/** Largest request we accept over TCP: a Binding with PADDING up to a 1500-byte MTU fits. */
const MAX_TCP_MESSAGE = 2048;
/** A client that does not read its answers may not make us buffer more than this. */
const MAX_TCP_PENDING_WRITE = 64 * 1024;

/**
 * The per-connection logic of a STUN-over-TCP listener, without sockets: bytes in, replies out,
 * or a reason to drop the connection. Kept apart so tests can drive it byte by byte.
 */
export class StunTcpSession {
  private readonly framer = new StunStreamFramer(MAX_TCP_MESSAGE);
  private readonly addresses: ReflectorAddresses;

  constructor(
    readonly local: Endpoint,
    readonly remote: Endpoint,
    private readonly software: string,
  ) {
    this.addresses = { primary: local };
  }

  /** Bytes of a message begun but not yet complete. */
  get pending(): number {
    return this.framer.buffered;
  }

  receive(chunk: Uint8Array): { replies: Uint8Array[]; dropped: string[]; close?: string } {
    const framed = this.framer.push(chunk);
    const replies: Uint8Array[] = [];
    const dropped: string[] = [];
    for (const message of framed.messages) {
      const outcome = answer(this.addresses, this.software, message, this.remote, SLOT);
      // Over TCP the answer can only go back on this stream (RESPONSE-PORT is a UDP notion).
      if (outcome.kind === 'reply') replies.push(outcome.reply.data);
      else dropped.push(outcome.why);
    }
    return framed.error ? { replies, dropped, close: `not STUN: ${framed.error}` } : { replies, dropped };
  }
}

export async function startExtraPorts(options: ExtraPortsOptions): Promise<RunningExtraPorts> {
  const listeners = new ExtraPortListeners(options);
  try {
    const seen = new Set<string>();
    for (const spec of options.ports) {
      const key = `${spec.protocol}/${spec.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await listeners.open(spec);
    }
  } catch (err) {
    listeners.close();
    throw err;
  }
  return {
    endpoints: listeners.endpoints,
    skipped: listeners.skipped,
    counters: listeners.counters,
    close: () => listeners.close(),
  };
}

/** The listening sockets of `startExtraPorts`, the limits they share and what they counted. */
class ExtraPortListeners {
  readonly counters = { answered: 0, dropped: 0, rateLimited: 0, globalLimited: 0 };
  readonly endpoints: { protocol: 'udp' | 'tcp'; endpoint: Endpoint }[] = [];
  readonly skipped: PortSpec[] = [];
  private readonly family: Family;
  private readonly udpSockets: UdpSocket[] = [];
  private readonly tcpServers: net.Server[] = [];
  private readonly connections = new Set<net.Socket>();
  private readonly idleMs: number;
  private readonly maxConnections: number;
  private readonly maxPerSource: number;
  private readonly clock: Clock;
  private readonly messageDeadlineMs: number;
  private readonly limiter: SourceRateLimiter;
  private readonly openPerSource = new Map<string, number>();
  private readonly openPerPort = new Map<number, number>();

  constructor(private readonly options: ExtraPortsOptions) {
    this.family = options.address.includes(':') ? 6 : 4;
    this.idleMs = options.tcpIdleMs ?? 10_000;
    this.maxConnections = options.maxTcpConnections ?? 64;
    this.maxPerSource = options.maxTcpPerSource ?? 4;
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.messageDeadlineMs = options.tcpMessageDeadlineMs ?? 5_000;
    this.limiter = options.limiter ?? new SourceRateLimiter({ ratePerSecond: DEFAULT_RATE_PER_SECOND, burst: DEFAULT_BURST }, () => clock.now());
  }

  /** Opens one listener, or skips a UDP port the main reflector already answers. */
  async open(spec: PortSpec): Promise<void> {
    const at: Endpoint = { address: this.options.address, port: spec.port };
    if (spec.protocol === 'udp') {
      if (sameEndpoint(at, this.options.primary)) {
        this.skipped.push(spec);
        return;
      }
      await this.openUdp(at);
    } else {
      await this.openTcp(at);
    }
    this.endpoints.push({ protocol: spec.protocol, endpoint: at });
  }

  close(): void {
    for (const s of this.udpSockets) s.close();
    for (const c of this.connections) c.destroy();
    for (const s of this.tcpServers) s.close();
  }

  // A throwing listener must not take the server down (nor skip the cleanup after it).
  private emit(event: ExtraPortEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      /* lost event; keep serving */
    }
  }

  /** Counts and reports a request one of the limiter's limits refused. */
  private refused(by: 'source' | 'global', protocol: 'udp' | 'tcp', from: Endpoint, on: Endpoint): void {
    if (by === 'source') this.counters.rateLimited++;
    else this.counters.globalLimited++;
    this.emit({ kind: by === 'source' ? 'rate-limited' : 'global-limited', protocol, from, on });
  }

  private async openUdp(at: Endpoint): Promise<void> {
    const socket = await this.options.udp.bind({ family: this.family, address: this.options.address, port: at.port }).catch((err: unknown) => {
      throw new ListenerError('udp', at, err);
    });
    this.udpSockets.push(socket);
    const addresses: ReflectorAddresses = { primary: at };
    socket.onMessage((data, from) => {
      let outcome;
      try {
        outcome = answer(addresses, this.options.software, data, from, SLOT);
      } catch (err) {
        // No single datagram may end the process.
        outcome = { kind: 'dropped' as const, why: `internal error: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (outcome.kind === 'dropped') {
        this.counters.dropped++;
        this.emit({ kind: 'dropped', protocol: 'udp', from, on: at, why: outcome.why });
        return;
      }
      const admission = this.limiter.admit(outcome.reply.to.address);
      if (admission !== 'answer') {
        this.refused(admission, 'udp', from, at);
        return;
      }
      this.counters.answered++;
      socket.send(outcome.reply.data, outcome.reply.to).then(
        () => this.emit({ kind: 'answered', protocol: 'udp', from, on: at }),
        (err: unknown) => this.emit({ kind: 'dropped', protocol: 'udp', from, on: at, why: `send failed: ${String(err)}` }),
      );
    });
  }

  private async openTcp(at: Endpoint): Promise<void> {
    const server = net.createServer((socket) => this.serveTcp(socket, at));
    this.tcpServers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new ListenerError('tcp', at, err)));
      server.listen({ host: this.options.address, port: at.port, exclusive: true }, () => {
        server.removeAllListeners('error');
        // Errors after listening (EMFILE on accept) must not crash the server.
        server.on('error', () => undefined);
        resolve();
      });
    });
  }

  private serveTcp(socket: net.Socket, at: Endpoint): void {
    const { counters, openPerPort, openPerSource, connections, clock, idleMs, maxConnections, maxPerSource, messageDeadlineMs } = this;
    const count = openPerPort.get(at.port) ?? 0;
    const from: Endpoint = { address: normaliseAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    const source = sourceKey(from.address);
    const fromSource = openPerSource.get(source) ?? 0;
    socket.on('error', () => undefined);
    const refuse = (why: string): void => {
      counters.dropped++;
      this.emit({ kind: 'dropped', protocol: 'tcp', from, on: at, why });
      socket.destroy();
    };
    if (!socket.remoteAddress) return refuse('no remote address');
    if (fromSource >= maxPerSource) return refuse(`more than ${maxPerSource} connections from ${source}`);
    if (count >= maxConnections) return refuse(`more than ${maxConnections} connections`);
    openPerPort.set(at.port, count + 1);
    openPerSource.set(source, fromSource + 1);
    connections.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(idleMs, () => refuse(`idle for ${idleMs} ms`));
    // Armed when a message's first byte arrives, cleared when no partial message is left.
    let deadline: TimerHandle | undefined;
    const clearDeadline = (): void => {
      if (deadline !== undefined) clock.clearTimeout(deadline);
      deadline = undefined;
    };
    socket.once('close', () => {
      clearDeadline();
      connections.delete(socket);
      openPerPort.set(at.port, (openPerPort.get(at.port) ?? 1) - 1);
      const left = (openPerSource.get(source) ?? 1) - 1;
      if (left > 0) openPerSource.set(source, left);
      else openPerSource.delete(source);
    });
    const session = new StunTcpSession(at, from, this.options.software);
    socket.on('data', (chunk: Buffer) => {
      let result;
      try {
        result = session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (err) {
        return refuse(`internal error: ${err instanceof Error ? err.message : String(err)}`);
      }
      for (const why of result.dropped) {
        counters.dropped++;
        this.emit({ kind: 'dropped', protocol: 'tcp', from, on: at, why });
      }
      for (const reply of result.replies) {
        const admission = this.limiter.admit(from.address);
        if (admission !== 'answer') {
          this.refused(admission, 'tcp', from, at);
          continue;
        }
        counters.answered++;
        socket.write(reply);
        this.emit({ kind: 'answered', protocol: 'tcp', from, on: at });
      }
      if (result.close) return refuse(result.close);
      if (socket.writableLength > MAX_TCP_PENDING_WRITE) return refuse('client does not read its answers');
      if (session.pending === 0) clearDeadline();
      else if (deadline === undefined) deadline = clock.setTimeout(() => refuse(`no whole message within ${messageDeadlineMs} ms`), messageDeadlineMs);
    });
  }
}

/** "udp/51820, tcp/443 on 198.51.100.1" for the serve banner. */
export function describeExtraPorts(running: RunningExtraPorts): string {
  return running.endpoints.map((e) => `${e.protocol}/${endpointKey(e.endpoint)}`).join(', ');
}
