import type { Endpoint, Family, UdpSocket, UdpSocketFactory } from '../net/udp';
import { type ReflectorAddresses, type Slot, answer, slotEndpoint } from './reflectorLogic';

export interface ReflectorOptions extends ReflectorAddresses {
  readonly factory: UdpSocketFactory;
  readonly software: string;
  /** Called for every request answered or dropped; the CLI logs from it. */
  readonly onEvent?: (event: ReflectorEvent) => void;
}

export type ReflectorEvent =
  | { readonly kind: 'answered'; readonly from: Endpoint; readonly on: Endpoint; readonly via: Endpoint; readonly to: Endpoint }
  | { readonly kind: 'dropped'; readonly from: Endpoint; readonly on: Endpoint; readonly why: string }
  | { readonly kind: 'send-failed'; readonly to: Endpoint; readonly error: string };

export interface RunningReflector {
  /** The transport addresses actually bound (1, or 4 with an alternate). */
  readonly endpoints: Endpoint[];
  readonly counters: { answered: number; dropped: number };
  close(): void;
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
  const family: Family = options.primary.address.includes(':') ? 6 : 4;
  const sockets = new Map<string, UdpSocket>();
  const key = (s: Slot): string => `${s.ip}${s.port}`;
  const counters = { answered: 0, dropped: 0 };
  const addresses: ReflectorAddresses = { primary: options.primary, alternate: options.alternate };
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
  for (const slot of slots) {
    const on = slotEndpoint(addresses, slot);
    sockets.get(key(slot))!.onMessage((data, from) => {
      const outcome = answer(addresses, options.software, data, from, slot);
      if (outcome.kind === 'dropped') {
        counters.dropped++;
        options.onEvent?.({ kind: 'dropped', from, on, why: outcome.why });
        return;
      }
      const { via, to, data: bytes } = outcome.reply;
      counters.answered++;
      const out = sockets.get(key(via))!;
      out.send(bytes, to).then(
        () => options.onEvent?.({ kind: 'answered', from, on, via: slotEndpoint(addresses, via), to }),
        (err: unknown) => options.onEvent?.({ kind: 'send-failed', to, error: String(err) }),
      );
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
