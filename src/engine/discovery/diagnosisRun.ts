import type { PublicEndpoint } from '../../report/report';
import type { Clock } from '../clock';
import { RttEstimator } from '../client/rtt';
import { type ExchangeResult, StunSocket, errorText, newPacketStats } from '../client/stunSocket';
import { ContactLedger } from '../net/contactLedger';
import type { TcpConnector } from '../net/tcp';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey } from '../net/udp';
import type { ServerSpec } from './serverSpec';

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

  /** Silence is final `silenceWindow` after `since`, once any answer proved the path works. */
  giveUpAfter(since: number): () => number {
    return () =>
      this.firstAnswerAt === undefined ? this.deadline : Math.min(this.deadline, Math.max(since, this.firstAnswerAt) + this.est.silenceWindow());
  }

  readonly rto = (): number => this.est.probeInterval();

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

  /** A socket that is closed with the others at the end of the behaviour tests, or why there is none. */
  async open(family: Family): Promise<StunSocket | string> {
    try {
      const s = new StunSocket(await this.factory.bind({ family }), this.clock, this.stats);
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
