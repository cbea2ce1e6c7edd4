/**
 * The lifetime run's sockets: each probe socket makes one mapping with one Binding exchange and
 * then idles (mappingLifetime.ts explains why). All share one StunRouter (a RESPONSE-PORT answer
 * arrives on a socket other than the asking one) and one RTT estimate, which sizes every
 * retransmission and silence window of the run.
 */
import { type Clock, sleep } from '../../clock';
import { RttEstimator } from '../../client/rtt';
import { type Member, StunRouter } from '../../client/stunRouter';
import { errorText } from '../../describe';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey } from '../../net/udp';
import { readBindingAnswer } from '../../stun';
import { Cancelled } from './pacing';

/** One socket whose mapping is being aged. */
export interface Probe {
  readonly member: Member;
  mapped: Endpoint;
  /** Clock time the mapping was last refreshed by our own exchange (midpoint of its last round trip). */
  idleStart: number;
  used: boolean;
}

/** One Binding exchange: the public address the server saw, when the answer came, and its RTT. */
export interface Answer {
  readonly mapped: Endpoint;
  readonly at: number;
  readonly rtt: number;
}

/** Stream mode: the second exchange that makes a probe's flow two-way and older than 2 s. */
const STREAM_WARMUP_MS = 2500;

export interface ProbeSocketsOptions {
  readonly factory: UdpSocketFactory;
  readonly family: Family;
  readonly server: Endpoint;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Make every probe's flow two-way and older than 2 s before it idles (MeasureLifetimeOptions.stream). */
  readonly stream: boolean;
}

export class ProbeSockets {
  readonly router: StunRouter;
  readonly est = new RttEstimator();
  /** Sockets opened so far (for the reason's cost line). */
  opened = 0;
  readonly clock: Clock;
  readonly server: Endpoint;
  readonly signal: AbortSignal;

  constructor(private readonly o: ProbeSocketsOptions) {
    this.clock = o.clock;
    this.server = o.server;
    this.signal = o.signal;
    this.router = new StunRouter(o.clock);
  }

  async open(name: string): Promise<Member | string> {
    try {
      this.opened++;
      return await this.router.open(this.o.factory, this.o.family, name);
    } catch (err) {
      return `cannot open a UDP socket: ${errorText(err)}`;
    }
  }

  /** When a socket's first exchange, started at `start`, gives up: 2 silence windows, or 5 s before any RTT is known. */
  firstContactGiveUp(start: number): () => number {
    return () => (this.est.measured ? start + Math.max(2000, 2 * this.est.silenceWindow()) : start + 5000);
  }

  /** One Binding exchange from `m`; updates the RTT estimate. */
  async ask(m: Member, giveUpAt: () => number): Promise<Answer | string> {
    const { router, server, est, signal } = this;
    const r = await router.transact({ from: m, to: server, giveUpAt, interval: () => est.probeInterval(), signal });
    if (signal.aborted) throw new Cancelled('cancelled');
    if (!r.ok) return r.detail;
    const rtt = r.delivery.at - r.delivery.sentAt;
    est.sample(rtt);
    if (r.delivery.message.cls !== 'success') return `error response from ${endpointKey(server)}`;
    const { mapped } = readBindingAnswer(r.delivery.message, r.delivery.from);
    if (!mapped) return `no mapped address in the answer from ${endpointKey(server)}`;
    return { mapped, at: r.delivery.at, rtt };
  }

  /** Opens a probe socket and creates its mapping (twice, 2.5 s apart, in stream mode). Never rejects. */
  async newProbe(name: string): Promise<Probe | string> {
    const { clock, signal } = this;
    const m = await this.open(name);
    if (typeof m === 'string') return m;
    try {
      let a = await this.ask(m, this.firstContactGiveUp(clock.now()));
      if (typeof a !== 'string' && this.o.stream) {
        await sleep(clock, STREAM_WARMUP_MS, signal);
        a = await this.ask(m, this.firstContactGiveUp(clock.now()));
      }
      if (typeof a === 'string') {
        this.router.close(m);
        return a;
      }
      return { member: m, mapped: a.mapped, idleStart: a.at - a.rtt / 2, used: false };
    } catch (e) {
      this.router.close(m);
      if (e instanceof Cancelled || signal.aborted) return 'cancelled';
      return errorText(e);
    }
  }

  /** Idle age of `p` (s) at clock time `at` (default now). */
  age(p: Probe, at = this.clock.now()): number {
    return (at - p.idleStart) / 1000;
  }

  /** `p` has given its one verdict (or will not be checked): its socket closes. */
  release(p: Probe): void {
    p.used = true;
    this.router.close(p.member);
  }

  closeAll(): void {
    this.router.closeAll();
  }
}

