/**
 * Small helpers for tests on the virtual network (they work on any UdpSocket and Clock):
 * an inbox that waits on the injected clock, and a reflector that answers each datagram with
 * the source endpoint it saw, a poor man's STUN Binding that makes NAT mappings visible.
 */

import type { Clock } from '../../../src/engine/clock';
import { sameEndpoint, type BindOptions, type Endpoint, type UdpSocket, type UdpSocketFactory } from '../../../src/engine/net/udp';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `s`. */
export function text(s: string): Uint8Array {
  return encoder.encode(s);
}

/** UTF-8 text of `data`. */
export function textOf(data: Uint8Array): string {
  return decoder.decode(data);
}

export interface Datagram {
  readonly data: Uint8Array;
  readonly from: Endpoint;
  /** Clock time of arrival. */
  readonly at: number;
}

/** Collects every datagram a socket receives (it takes the socket's one handler). */
export class Inbox {
  readonly received: Datagram[] = [];
  private cursor = 0;
  private waiter: (() => void) | undefined;

  constructor(
    readonly socket: UdpSocket,
    private readonly clock: Clock,
  ) {
    socket.onMessage((data, from) => {
      this.received.push({ data, from, at: clock.now() });
      this.waiter?.();
    });
  }

  /**
   * The next unread datagram (optionally the next one `from` that endpoint, skipping others),
   * or undefined if none arrives within `timeoutMs` of clock time.
   */
  next(timeoutMs = 1000, from?: Endpoint): Promise<Datagram | undefined> {
    if (this.waiter) return Promise.reject(new Error('Inbox.next: already waiting'));
    return new Promise((resolve) => {
      const take = (): boolean => {
        while (this.cursor < this.received.length) {
          const d = this.received[this.cursor++];
          if (!from || sameEndpoint(d.from, from)) {
            resolve(d);
            return true;
          }
        }
        return false;
      };
      if (take()) return;
      const timer = this.clock.setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = () => {
        if (take()) {
          this.waiter = undefined;
          this.clock.clearTimeout(timer);
        }
      };
    });
  }
}

export interface Reflector {
  readonly socket: UdpSocket;
  /** The bound endpoint (the wildcard address when bound to the wildcard). */
  readonly endpoint: Endpoint;
  /** Everything received, in order. */
  readonly seen: Datagram[];
  close(): void;
}

/**
 * Binds on `factory` and answers every datagram with JSON `{"address","port"}` of the source it
 * saw (unless `silent`, which only records).
 */
export async function startReflector(
  factory: UdpSocketFactory,
  clock: Clock,
  options: BindOptions & { readonly silent?: boolean },
): Promise<Reflector> {
  const socket = await factory.bind(options);
  const seen: Datagram[] = [];
  socket.onMessage((data, from) => {
    seen.push({ data, from, at: clock.now() });
    if (!options.silent) {
      socket.send(text(JSON.stringify({ address: from.address, port: from.port })), from).catch(() => undefined);
    }
  });
  return { socket, endpoint: socket.localEndpoint(), seen, close: () => socket.close() };
}

/**
 * Sends a query to a reflector at `server` and returns the source endpoint it reports seeing
 * (our NAT mapping towards it), or undefined when no answer comes within `timeoutMs`.
 */
export async function whoAmI(inbox: Inbox, server: Endpoint, timeoutMs = 1000): Promise<Endpoint | undefined> {
  await inbox.socket.send(text('who am i?'), server);
  const reply = await inbox.next(timeoutMs, server);
  if (!reply) return undefined;
  const parsed = JSON.parse(textOf(reply.data)) as Endpoint;
  return { address: parsed.address, port: parsed.port };
}
