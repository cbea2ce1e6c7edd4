import type { PublicEndpoint, UdpSilenceWindow } from '../../report/report';
import type { Clock } from '../clock';
import { RttEstimator } from '../client/rtt';
import { type ExchangeResult, StunSocket, errorText, newPacketStats } from '../client/stunSocket';
import { ContactLedger } from '../net/contactLedger';
import type { TcpConnector } from '../net/tcp';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey } from '../net/udp';
import type { ServerSpec } from './serverSpec';

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * The silence window sized from a TCP round trip, before any UDP answer: four round trips and
 * 300 ms of slack (the UDP window after an answer is three and 300 ms: one more round trip
 * here, since UDP itself has not been seen), never under 400 ms: with the interval below
 * (window / 8) each socket sends about eight datagrams in it, so 20 % loss each way cannot
 * fake silence (0.36^8 < 0.05 %), and a UDP answer slower than the TCP one by the slack still
 * counts. The Vovida stun client waits about 1.2 s in all; this is the engine's part of a
 * one-second verdict, node's start-up included.
 */
export const TCP_WINDOW_RTTS = 4;
export const TCP_WINDOW_SLACK_MS = 300;
export const TCP_WINDOW_FLOOR_MS = 400;

/** After an ICMP port unreachable: the slack on top of one more round trip. */
const REFUSED_GRACE_MS = 200;

export function tcpSilenceWindow(tcpRttMs: number): number {
  return Math.max(TCP_WINDOW_FLOOR_MS, TCP_WINDOW_RTTS * tcpRttMs + TCP_WINDOW_SLACK_MS);
}

/** A configured server at one resolved address. */
export interface Target {
  readonly spec: ServerSpec;
  readonly endpoint: Endpoint;
  readonly family: Family;
}

/**
 * What one diagnosis shares between its tests while it runs: the clock and the budget, the RTT
 * estimate every silence is judged by, the sockets to close, the counters the UDP verdict needs,
 * the contact ledger every packet goes through, and the public endpoints seen so far.
 */
export class DiagnosisRun {
  readonly t0: number;
  readonly deadline: number;
  readonly stats = newPacketStats();
  // Every socket, connection and HTTP request of the diagnosis goes through the ledger's counters.
  readonly contacts = new ContactLedger();
  readonly factory: UdpSocketFactory;
  readonly tcp: TcpConnector | undefined;
  /** Addresses (not ports) that answered like the server that announced them. */
  readonly confirmedHosts = new Set<string>();
  readonly publicEndpoints: PublicEndpoint[] = [];
  sendsAttempted = 0;
  sendFailures = 0;
  private firstAnswerAt: number | undefined;
  private readonly est = new RttEstimator();
  /** When the first UDP test started: silence sized from the TCP RTT counts from here. */
  private udpStartedAt: number | undefined;
  /** The longest TCP handshake RTT to a server seen so far (the far server sets the pace). */
  private tcpRttMs: number | undefined;
  /** Servers whose host answered ICMP port unreachable (endpoint key → clock time it came). */
  private readonly refused = new Map<string, number>();
  private readonly sockets: StunSocket[] = [];

  constructor(
    readonly clock: Clock,
    budgetMs: number,
    io: { readonly factory: UdpSocketFactory; readonly tcp?: TcpConnector },
    readonly log: (line: string) => void,
    readonly signal: AbortSignal | undefined,
  ) {
    this.t0 = clock.now();
    this.deadline = this.t0 + budgetMs;
    this.factory = this.contacts.udp(io.factory);
    this.tcp = io.tcp ? this.contacts.tcp(io.tcp) : undefined;
  }

  /** Some usable answer has arrived: the path works both ways. */
  get answered(): boolean {
    return this.firstAnswerAt !== undefined;
  }

  elapsedMs(): number {
    return Math.round(this.clock.now() - this.t0);
  }

  onAnswer(rtt: number): void {
    this.est.sample(rtt);
    this.firstAnswerAt ??= this.clock.now();
  }

  /** The UDP tests begin now (the TCP-sized silence window counts from the first UDP send). */
  startUdp(): void {
    this.udpStartedAt ??= this.clock.now();
  }

  /** A server's TCP handshake (SYN-ACK or RST), or its STUN answer over TCP, came back in `ms`. */
  onTcpRtt(ms: number): void {
    this.tcpRttMs = Math.max(this.tcpRttMs ?? 0, ms);
  }

  /** The server's host answered a connected socket's datagram with ICMP port unreachable. */
  onRefused(server: Endpoint): void {
    if (!this.refused.has(endpointKey(server))) this.refused.set(endpointKey(server), this.clock.now());
  }

  /**
   * When silence towards `to` is final. Once any UDP answer proved the path works: the UDP
   * RTT's silence window after `since`. Before that, a TCP round trip to the servers sizes the
   * wait (tcpSilenceWindow): a datagram that takes several TCP round trips plus slack to come
   * back is not coming. With neither, the whole budget (the conservative window). A server
   * that answered ICMP port unreachable is waited for only one more round trip (as long again
   * as the ICMP took, or the TCP RTT when longer) plus 200 ms, so a reply already on its way
   * still counts: an ICMP error forged on the path must not cut short an answer that was coming.
   */
  giveUpAfter(since: number, to?: Endpoint): () => number {
    return () => {
      const refusedAt = to ? this.refused.get(endpointKey(to)) : undefined;
      if (refusedAt !== undefined) {
        const start = this.udpStartedAt ?? this.t0;
        return Math.min(this.deadline, refusedAt + Math.max(refusedAt - start, this.tcpRttMs ?? 0) + REFUSED_GRACE_MS);
      }
      if (this.firstAnswerAt !== undefined) return Math.min(this.deadline, Math.max(since, this.firstAnswerAt) + this.est.silenceWindow());
      if (this.tcpRttMs !== undefined) return Math.min(this.deadline, Math.max(since, this.udpStartedAt ?? since) + tcpSilenceWindow(this.tcpRttMs));
      return this.deadline;
    };
  }

  /** The silence window the UDP tests are judged by now, and what sized it (for the report). */
  silenceWindow(): UdpSilenceWindow {
    const start = this.udpStartedAt ?? this.t0;
    const budget = Math.max(0, Math.round(this.deadline - start));
    if (this.firstAnswerAt !== undefined) {
      const rtt = this.est.smoothed ?? 0;
      return { basis: 'udp-rtt', ms: Math.min(budget, Math.round(this.est.silenceWindow())), reason: `sized from the UDP round trip (${round1(rtt)} ms): 3 × RTT + 300 ms` };
    }
    if (this.tcpRttMs !== undefined) {
      const ms = Math.min(budget, Math.round(tcpSilenceWindow(this.tcpRttMs)));
      return { basis: 'tcp-rtt', ms, reason: `no UDP answer, so sized from the TCP round trip to the servers (${round1(this.tcpRttMs)} ms): ${TCP_WINDOW_RTTS} × RTT + ${TCP_WINDOW_SLACK_MS} ms, at least ${TCP_WINDOW_FLOOR_MS} ms` };
    }
    return { basis: 'budget', ms: budget, reason: 'no UDP or TCP answer to size it from, so the whole budget (the conservative window)' };
  }

  /**
   * Retransmission interval: the UDP estimator's once it has a sample; before that, with a TCP
   * round trip known, short enough for about eight tries in the TCP-sized window (so one or two
   * lost datagrams cannot fake silence), as the UDP estimator sizes its own.
   */
  readonly rto = (): number => {
    if (this.firstAnswerAt !== undefined || this.tcpRttMs === undefined) return this.est.probeInterval();
    return Math.max(15, Math.min(this.est.rto(), tcpSilenceWindow(this.tcpRttMs) / 8));
  };

  /** The silence window for one server: the run's, or that server's own when it is slower (the same rule, from its own RTT samples). */
  silenceWindowFor(serverRtts: readonly number[]): number {
    const own = estimatorOf(serverRtts);
    return Math.max(this.est.silenceWindow(), own.measured ? own.silenceWindow() : 0);
  }

  /** One server's own retransmission timeout (RFC 6298 §2), or the run's before it has answered. */
  rtoFor(serverRtts: readonly number[]): number {
    const own = estimatorOf(serverRtts);
    return own.measured ? own.rto() : this.est.rto();
  }

  /**
   * A socket that is closed with the others at the end of the behaviour tests, or why there is
   * none. `connect`: a socket connected to that one peer (its ICMP port unreachable is heard).
   */
  async open(family: Family, connect?: Endpoint): Promise<StunSocket | string> {
    try {
      const s = new StunSocket(await this.factory.bind({ family, ...(connect ? { connect } : {}) }), this.clock, this.stats);
      this.sockets.push(s);
      return s;
    } catch (err) {
      return `cannot open a UDP socket for IPv${family}: ${errorText(err)}`;
    }
  }

  closeSockets(): void {
    for (const s of this.sockets) s.close();
  }

  noteResult(r: ExchangeResult): void {
    this.sendsAttempted++;
    if (!r.ok && r.reason === 'send-failed') this.sendFailures++;
  }

  addPublic(mapped: Endpoint, server: Target): void {
    const family = mapped.address.includes(':') ? 'IPv6' : 'IPv4';
    if (!this.publicEndpoints.some((p) => p.address === mapped.address && p.port === mapped.port)) {
      this.publicEndpoints.push({ family, address: mapped.address, port: mapped.port, server: endpointKey(server.endpoint) });
    }
  }
}

function estimatorOf(rtts: readonly number[]): RttEstimator {
  const e = new RttEstimator();
  for (const rtt of rtts) e.sample(rtt);
  return e;
}
