import type { Endpoint, UdpSocket } from '../../../src/engine/net/udp';

/** A UdpSocket whose sends are recorded and whose arrivals the test makes with `deliver`. */
export class FakeSocket implements UdpSocket {
  readonly family = 4;
  readonly sent: { data: Uint8Array; to: Endpoint }[] = [];
  closed = false;
  /** When set, every send rejects with it (the stack refusing the datagram). */
  refuse: Error | undefined;
  private handler: ((data: Uint8Array, from: Endpoint) => void) | undefined;

  localEndpoint(): Endpoint {
    return { address: '192.0.2.10', port: 40000 };
  }

  send(data: Uint8Array, to: Endpoint): Promise<void> {
    this.sent.push({ data, to });
    return this.refuse ? Promise.reject(this.refuse) : Promise.resolve();
  }

  onMessage(handler: (data: Uint8Array, from: Endpoint) => void): void {
    this.handler = handler;
  }

  deliver(data: Uint8Array, from: Endpoint): void {
    this.handler?.(data, from);
  }

  close(): void {
    this.closed = true;
  }
}
