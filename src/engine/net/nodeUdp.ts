import * as dgram from 'node:dgram';
import { sameEndpoint, type BindOptions, type Endpoint, type Family, type UdpSocket, type UdpSocketFactory } from './udp';

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
        const peer = options.connect;
        if (!peer) {
          socket.off('error', onError);
          resolve(new NodeUdpSocket(socket, options.family, undefined));
          return;
        }
        // connect(2) makes the kernel hand ICMP port unreachable from this peer back to us as
        // ECONNREFUSED on the next receive (an unconnected UDP socket never sees it).
        socket.connect(peer.port, peer.address, (err?: Error) => {
          socket.off('error', onError);
          if (err) {
            socket.close();
            reject(err);
            return;
          }
          resolve(new NodeUdpSocket(socket, options.family, { address: peer.address, port: peer.port }));
        });
      });
    });
  },
};

class NodeUdpSocket implements UdpSocket {
  private handler: ((data: Uint8Array, from: Endpoint) => void) | undefined;
  private refusedHandler: (() => void) | undefined;
  private closed = false;
  private readonly local: Endpoint;

  constructor(
    private readonly socket: dgram.Socket,
    readonly family: Family,
    /** The peer given to connect(2), if any. */
    private readonly peer: Endpoint | undefined,
  ) {
    socket.on('message', (msg, rinfo) => this.handler?.(msg, { address: rinfo.address, port: rinfo.port }));
    // ICMP port unreachable arrives as ECONNREFUSED: reported for a connected socket (its one
    // peer said so); any other error, or on an unconnected socket, a probe treats as silence.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.peer && err.code === 'ECONNREFUSED' && !this.closed) this.refusedHandler?.();
    });
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
  }

  localEndpoint(): Endpoint {
    return this.local;
  }

  send(data: Uint8Array, to: Endpoint): Promise<void> {
    if (this.closed) return Promise.reject(new Error('socket is closed'));
    return new Promise((resolve, reject) => {
      const done = (err: Error | null): void => (err ? reject(err) : resolve());
      if (this.peer) {
        if (!sameEndpoint(to, this.peer)) {
          reject(new Error(`send: this socket is connected to ${this.peer.address}:${this.peer.port}`));
          return;
        }
        this.socket.send(data, done);
        return;
      }
      this.socket.send(data, to.port, to.address, done);
    });
  }

  setTtl(ttl: number): void {
    if (!this.closed) this.socket.setTTL(ttl);
  }

  onRefused(handler: () => void): void {
    this.refusedHandler = handler;
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
