import type { Endpoint, UdpSocket } from '../net/udp';
import { endpointKey } from '../net/udp';

export const NORMAL_TTL = 64;

export type ContactRole = 'rendezvous' | 'peer' | 'peer (random ports)' | 'TURN server';

export interface Contacted {
  readonly address: string;
  /** 0 for "many ports" (the random-port probes of the many-sockets method). */
  readonly port: number;
  readonly role: ContactRole;
  packets: number;
}

/** Counters shared by every socket of one punch: the caps apply to their sum. */
export class SendBudget {
  sent = 0;
  lowTtl = 0;
  received = 0;
  readonly contacted = new Map<string, Contacted>();
  constructor(readonly maxPackets: number) {}

  take(to: Endpoint, role: ContactRole, lowTtl: boolean): boolean {
    if (this.sent >= this.maxPackets) return false;
    this.sent++;
    if (lowTtl) this.lowTtl++;
    this.note(to, role);
    return true;
  }

  /** Counts a datagram in `contacted` only (the TURN probe's: bounded by its own retransmission schedule). */
  note(to: Endpoint, role: ContactRole): void {
    const port = role === 'peer (random ports)' ? 0 : to.port;
    const k = `${role} ${endpointKey({ address: to.address, port })}`;
    const c = this.contacted.get(k);
    if (c) c.packets++;
    else this.contacted.set(k, { address: to.address, port, role, packets: 1 });
  }
}

/**
 * One socket's sends, serialised: a TTL set with setsockopt applies to the next datagram the
 * kernel writes, and node writes a datagram a tick after send() is called, so the TTL is set and
 * the datagram written one at a time, in order.
 */
export class Sender {
  private queue: Promise<void> = Promise.resolve();
  private ttl = NORMAL_TTL;

  constructor(
    readonly socket: UdpSocket,
    private readonly budget: SendBudget,
  ) {}

  /** False when the packet cap is reached (nothing sent). */
  send(data: Uint8Array, to: Endpoint, role: ContactRole, ttl = NORMAL_TTL): boolean {
    const low = ttl !== NORMAL_TTL && typeof this.socket.setTtl === 'function';
    if (!this.budget.take(to, role, low)) return false;
    const wanted = low ? ttl : NORMAL_TTL;
    this.queue = this.queue.then(async () => {
      try {
        if (wanted !== this.ttl && this.socket.setTtl) {
          this.socket.setTtl(wanted);
          this.ttl = wanted;
        }
        await this.socket.send(data, to);
      } catch {
        /* a refused send is one lost datagram: the checks go on */
      }
    });
    return true;
  }
}
