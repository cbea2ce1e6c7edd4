/**
 * One hard reset to one address, over UDP or TCP, and what came back. No wording here: the
 * caller turns an Exchange into a ReachResult. Bounded: the deadline ends every wait, at most
 * MAX_PACKETS packets from the peer are looked at, and nothing but the reset is ever sent
 * (over UDP the same reset may be repeated for loss, as OpenVPN's own client does).
 */
import { randomFillSync } from 'node:crypto';
import type { Clock, TimerHandle } from '../../clock';
import { isTcpConnectError, type TcpConnectErrorKind, type TcpConnector } from '../../net/tcp';
import { sameEndpoint, type Endpoint, type UdpSocket, type UdpSocketFactory } from '../../net/udp';
import { buildClientReset, checkServerReply, EARLY_NEG_START, frameForTcp, TcpPacketReader, type ServerReset, type Wrap } from './packet';

const MAX_PACKETS = 16;
/** UDP: at most this many copies of the reset, spread over the budget. */
const MAX_UDP_SENDS = 3;
const MIN_RESEND_GAP_MS = 250;

export type Exchange =
  | { kind: 'answer'; reset: ServerReset; rttMs: number; sent: number; bytesSent: number; ignored: string[] }
  /** A plain answer for our session while we wrap: the server has no tls-auth / tls-crypt. */
  | { kind: 'unwrapped-answer'; rttMs: number; sent: number; bytesSent: number }
  /** Nothing valid arrived before the deadline. `ignored`: why each packet that did come was not an answer. */
  | { kind: 'silence'; sent: number; bytesSent: number; ignored: string[]; waitedMs: number }
  /** UDP: ICMP port unreachable. */
  | { kind: 'refused'; sent: number; bytesSent: number; afterMs: number }
  /** TCP: the connection came up and the server closed it before answering. */
  | { kind: 'closed'; sent: number; bytesSent: number; why: string; afterMs: number; ignored: string[] }
  /** TCP: no connection. */
  | { kind: 'connect-failed'; error: TcpConnectErrorKind; detail?: string; afterMs: number }
  /** The local stack would not send (no route, no socket). */
  | { kind: 'local-error'; error: string; sent: number }
  | { kind: 'aborted'; sent: number };

export interface ExchangeEnv {
  readonly udp: UdpSocketFactory;
  readonly tcp: TcpConnector;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Wall-clock seconds for the replay id's time part (injected for tests). */
  readonly unixTime?: () => number;
}

export function newSessionId(): Uint8Array {
  const id = new Uint8Array(8);
  // An all-zero session id means "none" to OpenVPN, which would drop the packet.
  do randomFillSync(id);
  while (id.every((b) => b === 0));
  return id;
}

function firstReplayId(wrap: Wrap): number {
  return wrap.kind === 'tls-crypt-v2' ? EARLY_NEG_START + 1 : 1;
}

/** RTTs to 0.1 ms: finer is noise, and the WireGuard probe reports them the same way. */
function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function unixNow(env: ExchangeEnv): number {
  return env.unixTime ? env.unixTime() : Math.floor(Date.now() / 1000);
}

export async function exchangeUdp(wrap: Wrap, to: Endpoint, family: 4 | 6, env: ExchangeEnv, budgetMs: number): Promise<Exchange> {
  const { clock } = env;
  const start = clock.now();
  const sessionId = newSessionId();
  let socket: UdpSocket;
  try {
    socket = await env.udp.bind({ family, connect: to });
  } catch (err) {
    return { kind: 'local-error', error: `cannot open a UDP socket: ${err instanceof Error ? err.message : String(err)}`, sent: 0 };
  }
  return new Promise<Exchange>((resolve) => {
    let sent = 0;
    let bytesSent = 0;
    let lastSendAt = start;
    let seen = 0;
    const ignored: string[] = [];
    const timers: TimerHandle[] = [];
    let done = false;
    const finish = (result: Exchange): void => {
      if (done) return;
      done = true;
      for (const t of timers) clock.clearTimeout(t);
      env.signal?.removeEventListener('abort', onAbort);
      socket.close();
      resolve(result);
    };
    const onAbort = (): void => finish({ kind: 'aborted', sent });
    socket.onMessage((data, from) => {
      if (done || !sameEndpoint(from, to)) return;
      if (++seen > MAX_PACKETS) return;
      const check = checkServerReply(data, wrap, sessionId);
      if (check.ok) finish({ kind: 'answer', reset: check.reset, rttMs: tenths(clock.now() - lastSendAt), sent, bytesSent, ignored });
      else if (check.unwrapped) finish({ kind: 'unwrapped-answer', rttMs: tenths(clock.now() - lastSendAt), sent, bytesSent });
      else ignored.push(check.error);
    });
    socket.onRefused?.(() => finish({ kind: 'refused', sent, bytesSent, afterMs: tenths(clock.now() - start) }));
    const sendOne = (): void => {
      if (done) return;
      const packet = buildClientReset(wrap, { sessionId, replayId: firstReplayId(wrap) + sent, time: unixNow(env) });
      sent++;
      bytesSent = packet.length;
      lastSendAt = clock.now();
      socket.send(packet, to).catch((err: unknown) => {
        finish({ kind: 'local-error', error: `cannot send to ${to.address}: ${err instanceof Error ? err.message : String(err)}`, sent });
      });
    };
    if (env.signal?.aborted) {
      onAbort();
      return;
    }
    env.signal?.addEventListener('abort', onAbort, { once: true });
    const gap = Math.max(MIN_RESEND_GAP_MS, budgetMs / MAX_UDP_SENDS);
    sendOne();
    for (let i = 1; i < MAX_UDP_SENDS && i * gap < budgetMs; i++) timers.push(clock.setTimeout(sendOne, i * gap));
    timers.push(clock.setTimeout(() => finish({ kind: 'silence', sent, bytesSent, ignored, waitedMs: clock.now() - start }), Math.max(1, budgetMs)));
  });
}

export async function exchangeTcp(wrap: Wrap, to: Endpoint, env: ExchangeEnv, budgetMs: number): Promise<Exchange> {
  const { clock } = env;
  const start = clock.now();
  const sessionId = newSessionId();
  const stream = await env.tcp.connect(to, budgetMs, env.signal);
  if (isTcpConnectError(stream)) {
    if (stream.error === 'aborted') return { kind: 'aborted', sent: 0 };
    return { kind: 'connect-failed', error: stream.error, detail: stream.detail, afterMs: tenths(clock.now() - start) };
  }
  const remaining = Math.max(1, budgetMs - (clock.now() - start));
  return new Promise<Exchange>((resolve) => {
    const packet = buildClientReset(wrap, { sessionId, replayId: firstReplayId(wrap), time: unixNow(env) });
    const framed = frameForTcp(packet);
    const reader = new TcpPacketReader();
    const ignored: string[] = [];
    let seen = 0;
    let done = false;
    const sentAt = clock.now();
    const finish = (result: Exchange): void => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      env.signal?.removeEventListener('abort', onAbort);
      stream.close();
      resolve(result);
    };
    const onAbort = (): void => finish({ kind: 'aborted', sent: 1 });
    const timer = clock.setTimeout(() => finish({ kind: 'silence', sent: 1, bytesSent: framed.length, ignored, waitedMs: clock.now() - start }), remaining);
    stream.onData((chunk) => {
      if (done) return;
      const { packets, error } = reader.push(chunk);
      for (const p of packets) {
        if (++seen > MAX_PACKETS) {
          // A stream of packets that are no answer will not turn into one: stop listening.
          ignored.push(`more than ${MAX_PACKETS} packets, none of them an answer to our reset`);
          finish({ kind: 'silence', sent: 1, bytesSent: framed.length, ignored, waitedMs: clock.now() - start });
          return;
        }
        const check = checkServerReply(p, wrap, sessionId);
        if (check.ok) {
          finish({ kind: 'answer', reset: check.reset, rttMs: tenths(clock.now() - sentAt), sent: 1, bytesSent: framed.length, ignored });
          return;
        }
        if (check.unwrapped) {
          finish({ kind: 'unwrapped-answer', rttMs: tenths(clock.now() - sentAt), sent: 1, bytesSent: framed.length });
          return;
        }
        ignored.push(check.error);
      }
      if (error) {
        ignored.push(error);
        finish({ kind: 'silence', sent: 1, bytesSent: framed.length, ignored, waitedMs: clock.now() - start });
      }
    });
    stream.onClose((why) => finish({ kind: 'closed', sent: 1, bytesSent: framed.length, why, afterMs: tenths(clock.now() - sentAt), ignored }));
    if (env.signal?.aborted) {
      onAbort();
      return;
    }
    env.signal?.addEventListener('abort', onAbort, { once: true });
    stream.write(framed).catch((err: unknown) => {
      finish({ kind: 'local-error', error: `cannot write to the TCP connection: ${err instanceof Error ? err.message : String(err)}`, sent: 0 });
    });
  });
}
