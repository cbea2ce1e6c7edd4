/**
 * The engine's only view of UDP. Real sockets (node:dgram) and the in-process virtual network
 * both implement it, so every probe runs unchanged in the CLI, the extension and the tests.
 */
import { normaliseAddress } from './ip';

// Callers that compare endpoints import it from here; the IP module owns it.
export { normaliseAddress };

export type Family = 4 | 6;

/** A transport address. `address` is a literal IPv4/IPv6 address, never a hostname. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface UdpSocket {
  readonly family: Family;
  /** The address and port this socket is bound to (the port is real even when 0 was asked). */
  localEndpoint(): Endpoint;
  /** Sends one datagram. Rejects when the local stack refuses it (no route, closed socket). */
  send(data: Uint8Array, to: Endpoint): Promise<void>;
  /** Registers the one receive handler; datagrams arriving before it is set are dropped. */
  onMessage(handler: (data: Uint8Array, from: Endpoint) => void): void;
  /**
   * Registers the handler for ICMP port unreachable from the connected peer (ECONNREFUSED): the
   * host is there and nothing listens on that port. Only for sockets bound with `connect`;
   * optional, since a factory that cannot tell never calls it.
   */
  onRefused?(handler: () => void): void;
  /**
   * Sets the IP TTL (hop limit) of the datagrams sent from now on (IP_TTL / IPV6_UNICAST_HOPS).
   * Optional: punch sends its first packets with a small TTL so they open our own NAT and
   * expire before they reach the peer's (see engine/punch/punch.ts and natDepth.ts).
   */
  setTtl?(ttl: number): void;
  close(): void;
}

export interface BindOptions {
  readonly family: Family;
  /** Local address; the wildcard of the family when absent. */
  readonly address?: string;
  /** Local port; an ephemeral port when absent or 0. */
  readonly port?: number;
  /**
   * Connect the socket to this one peer (connect(2)): the kernel drops datagrams from anyone
   * else, and an ICMP port unreachable from the peer is reported through onRefused. Sends must
   * then go to this peer only.
   */
  readonly connect?: Endpoint;
}

export interface UdpSocketFactory {
  bind(options: BindOptions): Promise<UdpSocket>;
}

export function endpointKey(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export function sameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  return !!a && !!b && a.port === b.port && normaliseAddress(a.address) === normaliseAddress(b.address);
}
