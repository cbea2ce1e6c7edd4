// The server side of an OpenVPN hard reset, written independently of the product's packet code
// (only the key-file parsing is shared), so a mistake in one does not hide in the other. Serves
// the virtual network (UDP) and a fake TcpConnector (TCP, 2-byte length framing).
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import type { Clock } from '../../../src/engine/clock';
import type { TcpConnectError, TcpConnector, TcpStream } from '../../../src/engine/net/tcp';
import type { Endpoint } from '../../../src/engine/net/udp';
import { parseStaticKey, parseTlsCryptV2ClientKey } from '../../../src/engine/reach/openvpn/keys';
import type { VirtualHost } from '../../support/vnet';
import { captured, type FixtureWrap } from './openvpnFixture';

export type ServerBehaviour =
  | 'answer'
  /** Answers, but acknowledges a session id that is not the client's. */
  | 'wrong-session'
  /** Answers with bytes that are no OpenVPN packet. */
  | 'garbage'
  /** Answers with a 5000-byte datagram. */
  | 'huge'
  /** Only acknowledges the reset (P_ACK_V1), as a p2p server busy with another peer does. */
  | 'ack-only';

export interface FakeServerOptions {
  readonly wrap: FixtureWrap;
  /** Static key text the server holds (tls-auth / tls-crypt); the fixture's by default. */
  readonly keyText?: string;
  readonly behaviour?: ServerBehaviour;
  /** Ignore the first n resets (as if they were lost). */
  readonly ignoreFirst?: number;
}

const SERVER_SID = Uint8Array.from([0xaa, 1, 2, 3, 4, 5, 6, 0xbb]);

function half(key: Uint8Array, index: number, part: 'cipher' | 'hmac', n: number): Uint8Array {
  const at = index * 128 + (part === 'hmac' ? 64 : 0);
  return key.slice(at, at + n);
}

function mac(alg: string, key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac(alg, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

const cat = (...p: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(p));

export class FakeOpenVpnServer {
  readonly received: Uint8Array[] = [];
  private readonly key: Uint8Array | undefined;
  private readonly wrappedKey: Uint8Array | undefined;

  constructor(readonly options: FakeServerOptions) {
    if (options.wrap === 'tls-crypt-v2') {
      // A real server unwraps WKc with its server key; this one knows Kc and checks WKc is intact.
      const k = parseTlsCryptV2ClientKey(options.keyText ?? captured.keys.v2Client, 'v2 key');
      if (!k.ok) throw new Error(k.error);
      this.key = k.value.key;
      this.wrappedKey = k.value.wrapped;
    } else if (options.wrap !== 'none') {
      const k = parseStaticKey(options.keyText ?? captured.keys.ta, 'static key');
      if (!k.ok) throw new Error(k.error);
      this.key = k.value;
    }
  }

  /** The client's session id when the packet is a reset this server accepts. */
  private accept(p: Uint8Array): Uint8Array | undefined {
    const { wrap } = this.options;
    const key = this.key as Uint8Array;
    // A 2.6 mode server without wrapping answers any V2 reset from its opcode and session id
    // (mudp.c), even one that carries a tls-auth HMAC it does not check: so does this one.
    if (wrap === 'none') return p.length >= 14 && p[0] === 7 << 3 ? p.slice(1, 9) : undefined;
    if (wrap === 'tls-auth') {
      // Server key-direction 0: it checks with key 1, as a client with key-direction 1 signs.
      if (p.length !== 42 || p[0] !== 7 << 3) return undefined;
      const expected = mac('sha1', half(key, 1, 'hmac', 20), p.subarray(29, 37), p.subarray(0, 9), p.subarray(37));
      return expected.equals(p.subarray(9, 29)) ? p.slice(1, 9) : undefined;
    }
    let packet = p;
    if (wrap === 'tls-crypt-v2') {
      if (p[0] !== 10 << 3 || p.length < 2) return undefined;
      const n = (p[p.length - 2] << 8) | p[p.length - 1];
      const wkc = p.subarray(p.length - n);
      if (!this.wrappedKey || !Buffer.from(wkc).equals(this.wrappedKey)) return undefined;
      packet = p.subarray(0, p.length - n);
    } else if (p[0] !== 7 << 3) return undefined;
    if (packet.length < 17 + 32) return undefined;
    const tag = packet.subarray(17, 49);
    const d = createDecipheriv('aes-256-ctr', half(key, 1, 'cipher', 32), tag.subarray(0, 16));
    const plain = Buffer.concat([d.update(packet.subarray(49)), d.final()]);
    return mac('sha256', half(key, 1, 'hmac', 32), packet.subarray(0, 17), plain).equals(tag) ? packet.slice(1, 9) : undefined;
  }

  private answerTo(clientSid: Uint8Array): Uint8Array {
    const behaviour = this.options.behaviour ?? 'answer';
    if (behaviour === 'garbage') return new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n');
    if (behaviour === 'huge') return new Uint8Array(5000).fill(8 << 3);
    const acked = behaviour === 'wrong-session' ? clientSid.map((b) => b ^ 0xff) : clientSid;
    const ackOnly = behaviour === 'ack-only';
    const op = Uint8Array.of((ackOnly ? 5 : 8) << 3);
    const rest = cat(Uint8Array.of(1, 0, 0, 0, 0), acked, ackOnly ? new Uint8Array(0) : Uint8Array.of(0, 0, 0, 0));
    const replay = Uint8Array.of(0, 0, 0, 1, 0x6a, 0, 0, 0);
    const key = this.key as Uint8Array;
    switch (this.options.wrap) {
      case 'none':
        return cat(op, SERVER_SID, rest);
      case 'tls-auth':
        return cat(op, SERVER_SID, mac('sha1', half(key, 0, 'hmac', 20), replay, op, SERVER_SID, rest), replay, rest);
      default: {
        const header = cat(op, SERVER_SID, replay);
        const tag = mac('sha256', half(key, 0, 'hmac', 32), header, rest);
        const c = createCipheriv('aes-256-ctr', half(key, 0, 'cipher', 32), tag.subarray(0, 16));
        return cat(header, tag, c.update(rest), c.final());
      }
    }
  }

  /** What the server sends back for one packet (undefined: silence). */
  handle(p: Uint8Array): Uint8Array | undefined {
    this.received.push(p);
    const sid = this.accept(p);
    if (!sid) return undefined;
    if (this.received.length <= (this.options.ignoreFirst ?? 0)) return undefined;
    return this.answerTo(sid);
  }

  async listenUdp(host: VirtualHost, port: number): Promise<void> {
    const socket = await host.bind({ family: 4, port });
    socket.onMessage((data, from) => {
      const answer = this.handle(data);
      if (answer) void socket.send(answer, from);
    });
  }
}

export type TcpPeer =
  | { kind: 'server'; server: FakeOpenVpnServer }
  | { kind: 'refused' | 'timeout' | 'unreachable' }
  /** Accepts, then closes as soon as the reset arrives. */
  | { kind: 'close-on-data' }
  /** Accepts and sends these bytes back when the reset arrives. */
  | { kind: 'bytes'; data: Uint8Array };

/** TCP on the virtual clock: each connect takes `delayMs`, each answer another `delayMs`. */
export function fakeTcp(clock: Clock, peers: Record<string, TcpPeer>, delayMs = 20): TcpConnector & { writes: Uint8Array[] } {
  const writes: Uint8Array[] = [];
  return {
    writes,
    connect(to: Endpoint, timeoutMs: number): Promise<TcpStream | TcpConnectError> {
      const peer = peers[`${to.address}:${to.port}`] ?? { kind: 'refused' };
      return new Promise((resolve) => {
        if (peer.kind === 'timeout') {
          clock.setTimeout(() => resolve({ error: 'timeout', detail: `no answer to the SYN in ${timeoutMs} ms` }), timeoutMs);
          return;
        }
        clock.setTimeout(() => {
          if (peer.kind === 'refused') resolve({ error: 'refused', detail: 'ECONNREFUSED' });
          else if (peer.kind === 'unreachable') resolve({ error: 'unreachable', detail: 'EHOSTUNREACH' });
          else resolve(new FakeStream(clock, to, peer, writes, delayMs));
        }, delayMs);
      });
    },
  };
}

class FakeStream implements TcpStream {
  private data?: (d: Uint8Array) => void;
  private closed?: (why: string) => void;
  private ended = false;

  constructor(
    private readonly clock: Clock,
    private readonly to: Endpoint,
    private readonly peer: TcpPeer,
    private readonly writes: Uint8Array[],
    private readonly delayMs: number,
  ) {}

  localEndpoint(): Endpoint {
    return { address: '192.0.2.10', port: 40000 };
  }
  remoteEndpoint(): Endpoint {
    return this.to;
  }
  write(data: Uint8Array): Promise<void> {
    if (this.ended) return Promise.reject(new Error('closed'));
    this.writes.push(data);
    this.clock.setTimeout(() => {
      if (this.ended) return;
      if (this.peer.kind === 'close-on-data') return this.end('closed by the peer');
      if (this.peer.kind === 'bytes') return this.data?.(this.peer.data);
      if (this.peer.kind !== 'server') return;
      const length = (data[0] << 8) | data[1];
      const answer = this.peer.server.handle(data.subarray(2, 2 + length));
      // Split the framed answer in two chunks: the client must reassemble it.
      if (answer) {
        const framed = cat(Uint8Array.of(answer.length >> 8, answer.length & 0xff), answer);
        this.data?.(framed.subarray(0, 3));
        this.data?.(framed.subarray(3));
      }
    }, this.delayMs);
    return Promise.resolve();
  }
  onData(handler: (d: Uint8Array) => void): void {
    this.data = handler;
  }
  onClose(handler: (why: string) => void): void {
    this.closed = handler;
  }
  private end(why: string): void {
    if (this.ended) return;
    this.ended = true;
    this.closed?.(why);
  }
  close(): void {
    this.end('closed locally');
  }
}
