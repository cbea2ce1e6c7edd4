import type { ContactRole, ContactedAddress } from '../../report/report';
import type { HttpRequester } from '../probes/portMapping/http';
import type { TcpConnector } from './tcp';
import { type Endpoint, type UdpSocketFactory, endpointKey, normaliseAddress } from './udp';

type Transport = ContactedAddress['transport'];

interface Reason {
  readonly role: ContactRole;
  readonly announcedBy?: string;
  confirmed: boolean;
}

/**
 * Where a diagnosis sent packets, and why. Counting happens below the probes (the socket
 * factory, the TCP connector and the HTTP requester are wrapped), so nothing can leave without
 * being counted; the reasons come from the code that chose each destination. A destination
 * nobody declared is listed as 'undeclared' rather than hidden: the report must say where
 * every packet went (ARCHITECTURE, invariants), and the test suite holds that list empty.
 */
export class ContactLedger {
  private readonly sent = new Map<string, { address: string; port: number; transport: Transport; packets: number }>();
  private readonly byEndpoint = new Map<string, Reason>();
  private readonly byHost = new Map<string, Reason>();

  /** Why `to` is contacted. The first reason given stays (a configured server stays one even if another server announces it). */
  declare(to: Endpoint, transport: Transport, role: ContactRole, confirmed: boolean, announcedBy?: string): void {
    const k = key(to, transport);
    if (!this.byEndpoint.has(k)) this.byEndpoint.set(k, { role, confirmed, ...(announcedBy ? { announcedBy } : {}) });
    else if (confirmed) this.byEndpoint.get(k)!.confirmed = true;
  }

  /** A reason for every port of `address` not declared on its own (the gateway, our own public address). */
  declareHost(address: string, role: ContactRole, confirmed: boolean): void {
    const k = normaliseAddress(address);
    if (!this.byHost.has(k)) this.byHost.set(k, { role, confirmed });
  }

  /** `to` answered like the server it was announced as. */
  confirm(to: Endpoint, transport: Transport): void {
    const r = this.byEndpoint.get(key(to, transport));
    if (r) r.confirmed = true;
  }

  count(to: Endpoint, transport: Transport): void {
    const k = key(to, transport);
    const e = this.sent.get(k);
    if (e) e.packets++;
    else this.sent.set(k, { address: to.address, port: to.port, transport, packets: 1 });
  }

  /** Packets sent to `to` so far (datagrams, or TCP connection attempts). */
  packetsTo(to: Endpoint, transport: Transport): number {
    return this.sent.get(key(to, transport))?.packets ?? 0;
  }

  /** The factory every probe of the diagnosis uses: each datagram is counted before it is sent. */
  udp(factory: UdpSocketFactory): UdpSocketFactory {
    return {
      bind: async (options) => {
        const socket = await factory.bind(options);
        return {
          family: socket.family,
          localEndpoint: () => socket.localEndpoint(),
          send: (data, to) => {
            this.count(to, 'udp');
            return socket.send(data, to);
          },
          onMessage: (handler) => socket.onMessage(handler),
          // ICMP port unreachable on a connected socket: passed through when the socket can tell.
          ...(socket.onRefused ? { onRefused: (handler: () => void) => socket.onRefused!(handler) } : {}),
          ...(socket.setTtl ? { setTtl: (ttl: number) => socket.setTtl!(ttl) } : {}),
          close: () => socket.close(),
        };
      },
    };
  }

  /** Each connection attempt counts as one packet (the SYN). */
  tcp(connector: TcpConnector): TcpConnector {
    return {
      connect: (to, timeoutMs, signal) => {
        this.count(to, 'tcp');
        return connector.connect(to, timeoutMs, signal);
      },
    };
  }

  /** Each HTTP request is one TCP connection to the URL's host and port (no keep-alive). */
  http(requester: HttpRequester): HttpRequester {
    return (request) => {
      try {
        const url = new URL(request.url);
        const host = url.hostname.replace(/^\[|\]$/g, '');
        this.count({ address: host, port: url.port ? Number(url.port) : 80 }, 'tcp');
      } catch {
        // An unparsable URL is refused by the requester before any connection.
      }
      return requester(request);
    };
  }

  /** Every destination that got at least one packet, in the order first contacted. */
  list(): ContactedAddress[] {
    return [...this.sent.entries()].map(([k, e]) => {
      const reason = this.byEndpoint.get(k) ?? this.byHost.get(normaliseAddress(e.address));
      return {
        address: e.address,
        port: e.port,
        transport: e.transport,
        role: reason?.role ?? 'undeclared',
        ...(reason?.announcedBy ? { announcedBy: reason.announcedBy } : {}),
        packets: e.packets,
        confirmed: reason?.confirmed ?? false,
      };
    });
  }
}

function key(to: Endpoint, transport: Transport): string {
  return `${transport} ${endpointKey({ address: normaliseAddress(to.address), port: to.port })}`;
}
