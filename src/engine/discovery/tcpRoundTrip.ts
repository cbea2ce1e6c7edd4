import type { Clock, TimerHandle } from '../clock';
import { whenAborted } from '../abortWatch';
import { errorText } from '../describe';
import { type TcpConnector, type TcpStream, StunStreamFramer, isTcpConnectError } from '../net/tcp';
import { type Endpoint, endpointKey } from '../net/udp';
import { Method, decodeMessage, encodeMessage, newTransactionId } from '../stun';

/**
 * The round trip to a STUN server over TCP, measured beside the UDP tests so that, when UDP
 * stays silent, the silence can be judged against a real RTT instead of the whole budget.
 *
 * The handshake alone gives the RTT: a SYN answered by SYN-ACK (something listens) or by RST
 * (nothing listens on TCP, but the host is there) both came back from the server's address.
 * Where the server also speaks STUN over TCP (RFC 5389 §7.2.2 / RFC 8489 §6.2.2: messages back
 * to back, each delimited by its header's length), one Binding request over the connection
 * shows it is a STUN server and not just an open port. Nothing here waits on the server beyond
 * the caller's bound: a server that accepts and then says nothing (or dribbles bytes) costs
 * the STUN evidence, never the RTT already measured.
 */
export type TcpRoundTripOutcome =
  /** A Binding success answer over the connection. */
  | 'stun'
  /** Handshake completed; no STUN answer within the bound (not a STUN-over-TCP server, or a slow one). */
  | 'accepted'
  /** RST (or ICMP port unreachable for TCP): the host answered, nothing listens on that TCP port. */
  | 'refused'
  /** No answer to the SYN within the bound. */
  | 'silent'
  /** ICMP host or network unreachable, or no route: no evidence that the host is there. */
  | 'unreachable'
  | 'error';

export interface TcpRoundTrip {
  readonly server: Endpoint;
  readonly outcome: TcpRoundTripOutcome;
  /** Handshake time (SYN to SYN-ACK or RST), when the host answered. */
  readonly handshakeMs?: number;
  /** Binding request to answer over the connection, when it came. */
  readonly stunMs?: number;
  /** What happened, in words for the report. */
  readonly detail: string;
}

export interface TcpRoundTripOptions {
  readonly connector: TcpConnector;
  readonly to: Endpoint;
  readonly clock: Clock;
  /** Longest wait for the handshake, and then for the STUN answer. */
  readonly timeoutMs: number;
  /** Ends every wait at once (the UDP tests are over). */
  readonly signal: AbortSignal;
  /**
   * Called as soon as the handshake RTT is known, before any STUN wait, and again with the STUN
   * round trip when it comes: a proxy that completes handshakes itself (split TCP, as on some
   * satellite links) makes the handshake look short, while STUN over the connection goes the
   * whole way.
   */
  readonly onRtt?: (ms: number) => void;
}

/** STUN messages looked at per connection before a chatty server is cut off. */
const MAX_MESSAGES = 16;

export async function measureTcpRoundTrip(o: TcpRoundTripOptions): Promise<TcpRoundTrip> {
  const { clock, to } = o;
  const where = endpointKey(to);
  const started = clock.now();
  const c = await o.connector.connect(to, Math.max(1, o.timeoutMs), o.signal);
  const handshakeMs = round1(clock.now() - started);
  if (isTcpConnectError(c)) {
    switch (c.error) {
      case 'refused':
        o.onRtt?.(handshakeMs);
        return { server: to, outcome: 'refused', handshakeMs, detail: `tcp ${where} refused the connection in ${handshakeMs} ms (the host answered; nothing listens on that TCP port)` };
      case 'timeout':
      case 'aborted':
        // Aborted: the UDP tests ended first, so the handshake was silent for as long as it mattered.
        return { server: to, outcome: 'silent', detail: `tcp ${where}: no answer to the handshake in ${Math.round(clock.now() - started)} ms` };
      case 'unreachable':
        return { server: to, outcome: 'unreachable', detail: `tcp ${where}: unreachable (${c.detail ?? c.error})` };
      default:
        return { server: to, outcome: 'error', detail: `tcp ${where}: connect failed (${c.detail ?? c.error})` };
    }
  }
  o.onRtt?.(handshakeMs);
  try {
    const stun = await bindingOverTcp(c, o, Math.max(1, o.timeoutMs - (clock.now() - started)));
    if (stun.ok) {
      o.onRtt?.(stun.ms);
      return { server: to, outcome: 'stun', handshakeMs, stunMs: stun.ms, detail: `tcp ${where} answered STUN over TCP in ${stun.ms} ms (handshake ${handshakeMs} ms)` };
    }
    return { server: to, outcome: 'accepted', handshakeMs, detail: `tcp ${where} accepted the connection in ${handshakeMs} ms (no STUN answer over it: ${stun.why})` };
  } finally {
    c.close();
  }
}

/** How the host answered over TCP, in a few words ("connection refused in 0.4 ms"); undefined when it did not. */
export function tcpAnswerWords(t: TcpRoundTrip): string | undefined {
  switch (t.outcome) {
    case 'stun':
      return `STUN over TCP in ${t.stunMs} ms`;
    case 'accepted':
      return `handshake in ${t.handshakeMs} ms`;
    case 'refused':
      return `connection refused in ${t.handshakeMs} ms`;
    default:
      return undefined;
  }
}

type StunOverTcp = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly why: string };

/** One Binding request on the stream; the first success answer with our transaction ID ends it. */
function bindingOverTcp(stream: TcpStream, o: TcpRoundTripOptions, waitMs: number): Promise<StunOverTcp> {
  const { clock, signal } = o;
  const id = newTransactionId();
  const framer = new StunStreamFramer(4096);
  const sentAt = clock.now();
  return new Promise((resolve) => {
    let done = false;
    let stopWatching = (): void => undefined;
    let seen = 0;
    const onStop = (): void => finish({ ok: false, why: `no answer in ${Math.round(clock.now() - sentAt)} ms` });
    const timer: TimerHandle = clock.setTimeout(onStop, signal.aborted ? 0 : waitMs);
    const finish = (r: StunOverTcp): void => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      stopWatching();
      resolve(r);
    };
    if (signal.aborted) {
      onStop();
      return;
    }
    // One listener on the shared stop signal however many servers wait on it (abortWatch.ts).
    stopWatching = whenAborted(signal, onStop);
    stream.onClose((why) => finish({ ok: false, why: `connection ${why}` }));
    stream.onData((chunk) => {
      if (done) return;
      const framed = framer.push(chunk);
      for (const raw of framed.messages) {
        if (++seen > MAX_MESSAGES) {
          finish({ ok: false, why: `${MAX_MESSAGES} messages and none answered ours` });
          return;
        }
        const m = decodeMessage(raw);
        if (m.ok && m.value.cls === 'success' && m.value.method === Method.Binding && sameBytes(m.value.transactionId, id)) {
          finish({ ok: true, ms: round1(clock.now() - sentAt) });
          return;
        }
      }
      if (framed.error) finish({ ok: false, why: `the answer is not STUN: ${framed.error}` });
    });
    stream
      .write(encodeMessage({ cls: 'request', method: Method.Binding, transactionId: id, attributes: [] }, { fingerprint: true }))
      .catch((err: unknown) => finish({ ok: false, why: `write failed: ${errorText(err)}` }));
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
