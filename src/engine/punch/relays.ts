/**
 * The relay fallback, measured during the punch: one TURN Allocate on every configured server,
 * in parallel, each freed at once (the engine's own probe, probes/turn.ts: Refresh with LIFETIME
 * 0, RFC 8656 §7.3), ranked by the RTT to the relay (probes/turnRank.ts). It starts with the punch
 * and runs beside it, so it adds nothing to the punch's time unless a server is slower than the
 * whole attempt. Every datagram it sends is counted in the punch's `contacted` as "TURN server".
 *
 * What the peer learns is only each server's address and our figure for it (RELAY in the join,
 * rendezvousWire.ts): no user name, no password, no relayed address.
 */
import type { Clock } from '../clock';
import { errorText } from '../client/stunSocket';
import { type Endpoint, type UdpSocketFactory, endpointKey } from '../net/udp';
import { probeTurn } from '../probes/turn';
import { MAX_TURN_SERVERS, rankTurnServers } from '../probes/turnRank';
import type { RelayFigure } from './rendezvousWire';
import type { SendBudget } from './sender';

/** One configured TURN server, resolved (the CLI resolves host names before the punch). */
export interface PunchTurnServer {
  /** turn:HOST:PORT as the user gave it (never with the user name). */
  readonly url: string;
  /** Absent when its name did not resolve (then `unresolved` says why, and nothing is sent). */
  readonly server?: Endpoint;
  readonly unresolved?: string;
  readonly username: string;
  readonly password: string;
}

/** One server's outcome, as the punch result lists it (ranked, fastest first). Never a credential. */
export interface RelayMeasurement {
  readonly url: string;
  /** The server's address:port as it was reached (what the peer's figures are matched on); empty when its name did not resolve. */
  readonly server: string;
  readonly value: 'yes' | 'no' | 'unknown';
  readonly relayedAddress: string | null;
  readonly rttMs: number | null;
  readonly error: string | null;
  /** The Refresh with LIFETIME 0 freed it (null when nothing was allocated). */
  readonly released: boolean | null;
}

/** Time each Allocate gets: a few round trips, long enough for a far relay, short beside a punch. */
export const RELAY_BUDGET_MS = 5_000;

/** The probe's sockets, each datagram counted in the punch's contacted list (not in its packet cap: the probe is bounded on its own). */
function counted(factory: UdpSocketFactory, budget: SendBudget): UdpSocketFactory {
  return {
    bind: async (options) => {
      const socket = await factory.bind(options);
      return {
        family: socket.family,
        localEndpoint: () => socket.localEndpoint(),
        send: (data, to) => {
          budget.note(to, 'TURN server');
          return socket.send(data, to);
        },
        onMessage: (handler) => socket.onMessage(handler),
        ...(socket.onRefused ? { onRefused: (handler: () => void) => socket.onRefused!(handler) } : {}),
        close: () => socket.close(),
      };
    },
  };
}

export class RelayMeasurements {
  private readonly results = new Map<number, RelayMeasurement>();
  private readonly servers: readonly PunchTurnServer[];
  /** Settles (never rejects) once every server has an outcome and every allocation was freed or given up. */
  readonly done: Promise<RelayMeasurement[]>;

  constructor(options: { readonly servers: readonly PunchTurnServer[]; readonly factory: UdpSocketFactory; readonly clock: Clock; readonly budget: SendBudget; readonly budgetMs?: number; readonly signal?: AbortSignal }) {
    this.servers = options.servers.slice(0, MAX_TURN_SERVERS);
    const factory = counted(options.factory, options.budget);
    const one = async (s: PunchTurnServer, i: number): Promise<void> => {
      let m: RelayMeasurement;
      if (!s.server) {
        this.results.set(i, { url: s.url, server: '', value: 'unknown', relayedAddress: null, rttMs: null, error: s.unresolved ?? 'no address', released: null });
        return;
      }
      try {
        const r = await probeTurn({ factory, clock: options.clock, server: s.server, username: s.username, password: s.password, budgetMs: options.budgetMs ?? RELAY_BUDGET_MS, signal: options.signal });
        m = { url: s.url, server: endpointKey(s.server), value: r.value, relayedAddress: r.relayedAddress, rttMs: r.rttMs, error: r.error, released: r.released };
      } catch (err) {
        m = { url: s.url, server: endpointKey(s.server), value: 'unknown', relayedAddress: null, rttMs: null, error: `the TURN probe failed: ${errorText(err)}`, released: null };
      }
      this.results.set(i, m);
    };
    this.done = Promise.all(this.servers.map(one)).then(() => this.ranked());
  }

  get configured(): boolean {
    return this.servers.length > 0;
  }

  get finished(): boolean {
    return this.results.size === this.servers.length;
  }

  /** Our figures so far, in the configured order: an RTT, "failed", "no-rtt" or "measuring". */
  figures(): RelayFigure[] {
    const out: RelayFigure[] = [];
    this.servers.forEach((s, i) => {
      const r = this.results.get(i);
      if (s.server) out.push({ server: s.server, rttMs: !r ? 'measuring' : r.value !== 'yes' ? 'failed' : r.rttMs !== null ? r.rttMs : 'no-rtt' });
    });
    return out;
  }

  /** The outcomes so far, fastest relay first (rankTurnServers). */
  ranked(): RelayMeasurement[] {
    return rankTurnServers([...this.results.entries()].sort((x, y) => x[0] - y[0]).map(([, m]) => m));
  }
}
