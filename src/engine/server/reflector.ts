import { type Clock, systemClock } from '../clock';
import type { Endpoint, Family, UdpSocket, UdpSocketFactory } from '../net/udp';
import { type Rendezvous, isRendezvousMessage } from './rendezvous';
import { type ReflectorAddresses, type Slot, answer, slotEndpoint } from './reflectorLogic';
import { DEFAULT_BURST, DEFAULT_RATE_PER_SECOND, type SourceRateLimitOptions, SourceRateLimiter } from './sourceRateLimit';

export interface ReflectorOptions extends ReflectorAddresses {
  readonly factory: UdpSocketFactory;
  readonly software: string;
  /** Per-source answer budget (defaults: DEFAULT_RATE_PER_SECOND, DEFAULT_BURST). */
  readonly rateLimit?: SourceRateLimitOptions;
  /** A limiter shared with other listeners (serve --ports); takes precedence over rateLimit. */
  readonly limiter?: SourceRateLimiter;
  /** Time for the rate limiter: the network's clock (pass the virtual one with a virtual network). */
  readonly clock?: Clock;
  /** With `serve --rendezvous`: joins (RENDEZVOUS_METHOD) go to it instead of being dropped. */
  readonly rendezvous?: Rendezvous;
  /** Called for every request answered or dropped; the CLI logs from it. */
  readonly onEvent?: (event: ReflectorEvent) => void;
}

export type ReflectorEvent =
  | { readonly kind: 'answered'; readonly from: Endpoint; readonly on: Endpoint; readonly via: Endpoint; readonly to: Endpoint }
  | { readonly kind: 'dropped'; readonly from: Endpoint; readonly on: Endpoint; readonly why: string }
  | { readonly kind: 'rate-limited'; readonly from: Endpoint; readonly on: Endpoint }
  /** Refused by the cap on answers across all sources (not the source's own limit). */
  | { readonly kind: 'global-limited'; readonly from: Endpoint; readonly on: Endpoint }
  | { readonly kind: 'send-failed'; readonly to: Endpoint; readonly error: string };

export interface RunningReflector {
  /** The transport addresses actually bound (1, or 4 with an alternate). */
  readonly endpoints: Endpoint[];
  readonly counters: { answered: number; dropped: number; rateLimited: number; globalLimited: number };
  close(): void;
}

/** A port a socket can be bound to; anything else is refused before a packet arrives. */
export function isBindablePort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** A rendezvous answer as a reflector outcome: it always goes back where the join came from. */
function rendezvousOutcome(rendezvous: Rendezvous, data: Uint8Array, from: Endpoint, slot: Slot): ReturnType<typeof answer> {
  const out = rendezvous.handle(data, from);
  if (out.kind === 'dropped') return { kind: 'dropped', why: `rendezvous: ${out.why}` };
  return { kind: 'reply', reply: { via: slot, to: from, data: out.data } };
}

/** Binds the server's transport addresses and answers on all of them (RFC 5780 §6). */
export async function startReflector(options: ReflectorOptions): Promise<RunningReflector> {
  const slots: Slot[] = options.alternate
    ? [
        { ip: 0, port: 0 },
        { ip: 0, port: 1 },
        { ip: 1, port: 0 },
        { ip: 1, port: 1 },
      ]
    : [{ ip: 0, port: 0 }];
  const addresses: ReflectorAddresses = { primary: options.primary, alternate: options.alternate };
  // Every address we answer from or name in OTHER-ADDRESS must encode; checked here, once, so a
  // bad port fails the start instead of the first request (a RangeError then ended the process).
  for (const slot of slots) {
    const at = slotEndpoint(addresses, slot);
    if (!isBindablePort(at.port)) throw new RangeError(`port ${at.port} is not a UDP port (1-65535)`);
  }
  const family: Family = options.primary.address.includes(':') ? 6 : 4;
  const sockets = new Map<string, UdpSocket>();
  const key = (s: Slot): string => `${s.ip}${s.port}`;
  const counters = { answered: 0, dropped: 0, rateLimited: 0, globalLimited: 0 };
  const clock = options.clock ?? systemClock;
  const limiter =
    options.limiter ?? new SourceRateLimiter(options.rateLimit ?? { ratePerSecond: DEFAULT_RATE_PER_SECOND, burst: DEFAULT_BURST }, () => clock.now());
  // A throwing listener (a log stream gone away) must not take the server down with it.
  const emit = (event: ReflectorEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      /* the event is lost, the server keeps answering */
    }
  };
  try {
    for (const slot of slots) {
      const at = slotEndpoint(addresses, slot);
      const socket = await options.factory.bind({ family, address: at.address, port: at.port });
      sockets.set(key(slot), socket);
    }
  } catch (err) {
    for (const s of sockets.values()) s.close();
    throw err;
  }
  const handle = (slot: Slot, on: Endpoint, data: Uint8Array, from: Endpoint): void => {
    const outcome = options.rendezvous && isRendezvousMessage(data) ? rendezvousOutcome(options.rendezvous, data, from, slot) : answer(addresses, options.software, data, from, slot);
    if (outcome.kind === 'dropped') {
      counters.dropped++;
      emit({ kind: 'dropped', from, on, why: outcome.why });
      return;
    }
    // Charged to the address the answer goes to: with a spoofed source that is the victim.
    const admission = limiter.admit(outcome.reply.to.address);
    if (admission === 'source') {
      counters.rateLimited++;
      emit({ kind: 'rate-limited', from, on });
      return;
    }
    if (admission === 'global') {
      counters.globalLimited++;
      emit({ kind: 'global-limited', from, on });
      return;
    }
    const { via, to, data: bytes } = outcome.reply;
    counters.answered++;
    const out = sockets.get(key(via))!;
    out.send(bytes, to).then(
      () => emit({ kind: 'answered', from, on, via: slotEndpoint(addresses, via), to }),
      (err: unknown) => emit({ kind: 'send-failed', to, error: String(err) }),
    );
  };
  for (const slot of slots) {
    const on = slotEndpoint(addresses, slot);
    sockets.get(key(slot))!.onMessage((data, from) => {
      // No single datagram may end the process: whatever goes wrong is one dropped packet.
      try {
        handle(slot, on, data, from);
      } catch (err) {
        counters.dropped++;
        emit({ kind: 'dropped', from, on, why: `internal error: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
  }
  return {
    endpoints: slots.map((s) => slotEndpoint(addresses, s)),
    counters,
    close: () => {
      for (const s of sockets.values()) s.close();
    },
  };
}
