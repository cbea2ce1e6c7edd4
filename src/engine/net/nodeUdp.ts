import * as dgram from 'node:dgram';
import type { BindOptions, Endpoint, Family, UdpSocket, UdpSocketFactory } from './udp';

/** Real UDP sockets over node:dgram. */
export const nodeUdpFactory: UdpSocketFactory = {
  bind(options: BindOptions): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const type = options.family === 6 ? 'udp6' : 'udp4';
      const socket = dgram.createSocket({ type, ipv6Only: options.family === 6 });
      const onError = (err: Error): void => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.bind({ address: options.address, port: options.port ?? 0, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(new NodeUdpSocket(socket, options.family));
      });
    });
  },
};

class NodeUdpSocket implements UdpSocket {
  private handler: ((data: Uint8Array, from: Endpoint) => void) | undefined;
  private closed = false;
  private readonly local: Endpoint;

  constructor(
    private readonly socket: dgram.Socket,
    readonly family: Family,
  ) {
    socket.on('message', (msg, rinfo) => this.handler?.(msg, { address: rinfo.address, port: rinfo.port }));
    // ICMP errors (port unreachable) surface here on some platforms; a probe treats them as silence.
    socket.on('error', () => undefined);
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
  }

  localEndpoint(): Endpoint {
    return this.local;
  }

  send(data: Uint8Array, to: Endpoint): Promise<void> {
    if (this.closed) return Promise.reject(new Error('socket is closed'));
    return new Promise((resolve, reject) => {
      this.socket.send(data, to.port, to.address, (err) => (err ? reject(err) : resolve()));
    });
  }

  onMessage(handler: (data: Uint8Array, from: Endpoint) => void): void {
    this.handler = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}
