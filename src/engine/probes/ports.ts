/**
 * VPN port reachability: does this network let WireGuard (udp/51820), OpenVPN (udp/1194,
 * tcp/443), IKEv2/IPsec (udp/500, udp/4500) or QUIC-style udp/443 through? Asked of a server
 * that runs `natprobe serve --ports …`, which answers STUN Binding on each of those ports.
 *
 * What each verdict rests on:
 *  - UDP yes: a STUN answer with our transaction ID came back (96 random bits: the request
 *    really reached the server on that port).
 *  - UDP no: silence on that port for an RTT-sized window while the same server answered on
 *    another UDP port (the reference port, normally the STUN port 3478) from the same socket
 *    family and at the same time. So the server is up and UDP works in general: the port is
 *    blocked or filtered on the way, or the server does not listen there (we cannot tell the
 *    two apart from the client, so the basis says both).
 *  - UDP unknown: silence everywhere (no UDP answer at all), a local send failure, or cancel.
 *    Silence is never "open".
 *  - TCP yes: the handshake completed; best when a STUN Binding over that stream (RFC 8489
 *    §6.2.2 framing: plain messages back to back) was answered too, which proves the far end
 *    is our server and not a proxy.
 *  - TCP refused (RST or ICMP port unreachable, ECONNREFUSED): unknown. A RST from the server
 *    would mean "path open, nothing listens", but a firewall's default REJECT (nftables
 *    `reject`, iptables `REJECT`) produces the very same error on the client, so refusal alone
 *    does not show the path is open.
 *  - TCP no: no answer to the SYN (timeout) or ICMP unreachable, while the server answered
 *    something else; unknown when nothing answered at all.
 */
import { type Clock, sleep } from '../clock';
import { RttEstimator } from '../client/rtt';
import { type ExchangeResult, StunSocket, errorText } from '../client/stunSocket';
import { type TcpConnectError, type TcpConnector, type TcpStream, StunStreamFramer, isTcpConnectError } from '../net/tcp';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey } from '../net/udp';
import { Method, decodeMessage, encodeMessage, newTransactionId } from '../stun';
import type { PortResult } from '../../report/report';

export { DEFAULT_PORTS, DEFAULT_PORTS_TEXT, MAX_PORTS, type ParsePortListResult, type PortSpec, parsePortList } from './portList';
import type { PortSpec } from './portList';

export interface ProbePortsOptions {
  readonly udp: UdpSocketFactory;
  readonly tcp: TcpConnector;
  readonly clock: Clock;
  /** IP literal of the first server, which must run `natprobe serve --ports …`. */
  readonly host: string;
  readonly ports: readonly PortSpec[];
  /** A UDP port of the same host known to answer STUN (the server's primary port, e.g. 3478). */
  readonly referencePort?: number;
  readonly budgetMs: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** A TCP handshake's first SYN is retransmitted after 1 s (RFC 6298 §2.1); wait long enough for one loss. */
const TCP_MIN_WAIT_MS = 1500;

/** What answered first ("udp/500"), and whether the reference port did: the server is alive. */
type Liveness = { udp: string | undefined; any: string | undefined; reference: boolean };

/** Probes every port at once; results come back in the order of `ports`. Never rejects. */
export async function probePorts(options: ProbePortsOptions): Promise<PortResult[]> {
  const run = new PortsRun(options);
  // The reference port first: its answer (or silence) decides what silence elsewhere means.
  const reference = run.startReference();
  const probes = options.ports.map((spec) => run.probe(spec));
  try {
    return await Promise.all(probes);
  } finally {
    await reference.catch(() => undefined);
    run.close();
  }
}

/** One run's shared state: the RTT estimate, what answered first, and the sockets to close. */
class PortsRun {
  private readonly clock: Clock;
  private readonly signal: AbortSignal | undefined;
  private readonly log: (line: string) => void;
  private readonly t0: number;
  private readonly deadline: number;
  private readonly family: Family;
  private readonly est = new RttEstimator();
  private firstAnswerAt: number | undefined;
  /** The first thing that answered, in words ("udp/3478"): the server is alive. */
  private readonly alive: Liveness = { udp: undefined, any: undefined, reference: false };
  private readonly sockets: StunSocket[] = [];
  private readonly streams: TcpStream[] = [];
  private reference: Promise<ExchangeResult | string | undefined> = Promise.resolve(undefined);

  constructor(private readonly options: ProbePortsOptions) {
    this.clock = options.clock;
    this.signal = options.signal;
    this.log = options.log ?? (() => undefined);
    this.t0 = this.clock.now();
    this.deadline = this.t0 + Math.max(0, options.budgetMs);
    this.family = options.host.includes(':') ? 6 : 4;
  }

  startReference(): Promise<ExchangeResult | string | undefined> {
    const port = this.options.referencePort;
    this.reference =
      port !== undefined
        ? this.udpExchange(port).then((r) => {
            if (typeof r !== 'string' && r.ok) this.alive.reference = true;
            return r;
          })
        : Promise.resolve(undefined);
    return this.reference;
  }

  async probe(spec: PortSpec): Promise<PortResult> {
    try {
      if (spec.protocol === 'udp') {
        const r = await this.udpExchange(spec.port);
        // Wait for the reference: its answer (or silence) decides what our silence means.
        await this.reference;
        return udpVerdict(spec.port, r, this.alive, this.options.referencePort);
      }
      return await this.tcpProbe(spec.port);
    } catch (err) {
      return { protocol: spec.protocol, port: spec.port, reachable: 'unknown', basis: `probe failed: ${errorText(err)}` };
    }
  }

  close(): void {
    for (const s of this.sockets) s.close();
    for (const s of this.streams) s.close();
  }

  private answered(what: string, protocol: 'udp' | 'tcp', rttMs: number | undefined): void {
    if (rttMs !== undefined) this.est.sample(rttMs);
    this.firstAnswerAt ??= this.clock.now();
    if (protocol === 'udp') this.alive.udp ??= what;
    this.alive.any ??= what;
  }

  /** Silence is final a silence window after the first answer anywhere (or at the deadline). */
  private giveUpAt(floorMs = 0): () => number {
    return (): number =>
      this.firstAnswerAt === undefined ? this.deadline : Math.min(this.deadline, Math.max(this.t0 + floorMs, this.firstAnswerAt + this.est.silenceWindow()));
  }

  private async udpExchange(port: number): Promise<ExchangeResult | string> {
    let socket: StunSocket;
    try {
      socket = new StunSocket(await this.options.udp.bind({ family: this.family }), this.clock);
    } catch (err) {
      return `cannot open a UDP socket: ${errorText(err)}`;
    }
    this.sockets.push(socket);
    const r = await socket.exchange({ to: { address: this.options.host, port }, giveUpAt: this.giveUpAt(), rto: () => this.est.probeInterval(), signal: this.signal });
    if (r.ok) this.answered(`udp/${port}`, 'udp', r.attempts === 1 ? r.rttMs : undefined);
    return r;
  }

  private async tcpProbe(port: number): Promise<PortResult> {
    const { clock, signal } = this;
    const to: Endpoint = { address: this.options.host, port };
    const started = clock.now();
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    // The connect gives up when the shared silence window (at least TCP_MIN_WAIT_MS) closes.
    const watch = watchUntil(clock, this.giveUpAt(TCP_MIN_WAIT_MS), () => stop.abort());
    try {
      const c = await this.options.tcp.connect(to, Math.max(1, this.deadline - started), stop.signal);
      if (isTcpConnectError(c)) return await this.tcpFailed(port, c, started);
      this.streams.push(c);
      watch.cancel();
      const connectedAt = clock.now();
      const connectMs = connectedAt - started;
      this.answered(`tcp/${port}`, 'tcp', connectMs);
      this.log(`tcp/${port}: connected in ${Math.round(connectMs)} ms`);
      // A STUN answer needs one more round trip: a silence window from now, within the budget.
      const stunGiveUp = (): number => Math.min(this.deadline, Math.max(this.giveUpAt(0)(), connectedAt + this.est.silenceWindow()));
      const stun = await this.stunOverTcp(c, stunGiveUp, stop.signal);
      if (stun.ok) return tcp(port, 'yes', `answer from the reflector on tcp/${port} (STUN over TCP, ${Math.round(stun.rttMs)} ms)`);
      return tcp(
        port,
        'yes',
        `TCP handshake completed in ${Math.round(connectMs)} ms, but no STUN answer over it (${stun.why}): something accepts tcp/${port} (perhaps a proxy or another service, not natprobe serve)`,
      );
    } finally {
      watch.cancel();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A connect that failed: refused proves nothing; timeout or unreachable is "no" only while something else answered. */
  private async tcpFailed(port: number, c: TcpConnectError, started: number): Promise<PortResult> {
    if (this.signal?.aborted) return tcp(port, 'unknown', 'cancelled');
    const waited = Math.round(this.clock.now() - started);
    if (c.error === 'refused') {
      return tcp(
        port,
        'unknown',
        `TCP refused (${c.detail ?? 'ECONNREFUSED'}): either nothing listens on tcp/${port} at the server, or a firewall on the path rejects it (a REJECT rule looks the same from here)`,
      );
    }
    if (c.error === 'timeout' || c.error === 'aborted' || c.error === 'unreachable') {
      const what =
        c.error === 'unreachable'
          ? `ICMP unreachable for tcp/${port} (${c.detail ?? 'EHOSTUNREACH'})`
          : `no answer to the TCP handshake in ${waited} ms`;
      await this.reference;
      const who = this.alive.reference ? `udp/${this.options.referencePort}` : (this.alive.udp ?? this.alive.any);
      if (who) return tcp(port, 'no', `${what} while ${who} answered: blocked or filtered`);
      return tcp(port, 'unknown', `${what}, and nothing else answered either: the server may be down or the path cut`);
    }
    return tcp(port, 'unknown', `TCP connect failed: ${c.detail ?? c.error}`);
  }

  private async stunOverTcp(stream: TcpStream, giveUp: () => number, stopSignal: AbortSignal): Promise<{ ok: true; rttMs: number } | { ok: false; why: string }> {
    const { clock } = this;
    const id = newTransactionId();
    const request = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: id, attributes: [] }, { fingerprint: true });
    const framer = new StunStreamFramer(4096);
    const sentAt = clock.now();
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: { ok: true; rttMs: number } | { ok: false; why: string }): void => {
        if (done) return;
        done = true;
        watch.cancel();
        resolve(r);
      };
      const silence = (): void => finish({ ok: false, why: `silence for ${Math.round(clock.now() - sentAt)} ms` });
      const watch = watchUntil(clock, giveUp, silence);
      if (stopSignal.aborted) silence();
      stopSignal.addEventListener('abort', silence, { once: true });
      stream.onClose((why) => finish({ ok: false, why: `connection ${why}` }));
      stream.onData((chunk) => {
        const framed = framer.push(chunk);
        for (const raw of framed.messages) {
          const m = decodeMessage(raw);
          if (m.ok && m.value.cls === 'success' && m.value.method === Method.Binding && sameBytes(m.value.transactionId, id)) {
            finish({ ok: true, rttMs: clock.now() - sentAt });
            return;
          }
        }
        if (framed.error) finish({ ok: false, why: `the answer is not STUN: ${framed.error}` });
      });
      stream.write(request).catch((err: unknown) => finish({ ok: false, why: `write failed: ${errorText(err)}` }));
    });
  }
}

function tcp(port: number, reachable: PortResult['reachable'], basis: string): PortResult {
  return { protocol: 'tcp', port, reachable, basis };
}

function udpVerdict(port: number, r: ExchangeResult | string, alive: Liveness, referencePort: number | undefined): PortResult {
  const result = (reachable: PortResult['reachable'], basis: string): PortResult => ({ protocol: 'udp', port, reachable, basis });
  if (typeof r === 'string') return result('unknown', r);
  if (r.ok) return result('yes', `answer from the reflector on udp/${port} (${Math.round(r.rttMs)} ms)`);
  if (r.reason === 'aborted') return result('unknown', 'cancelled');
  if (r.reason === 'send-failed') return result('unknown', r.detail);
  if (r.wrongSource.length > 0) {
    // Our transaction ID came back, so the request did reach the server on that port.
    return result('yes', `answer to our request on udp/${port} came from ${endpointKey(r.wrongSource[0])} instead: the request got through`);
  }
  if (r.unusable > 0) {
    // Packets came back from that very port: the path works both ways, whatever is listening is wrong.
    return result('yes', `udp/${port} answers, but not correctly: ${r.unusable} ${r.unusable === 1 ? 'reply' : 'replies'} with a transaction ID we never sent (or not STUN) came back from it, so packets get through`);
  }
  const tries = `no answer in ${r.attempts} tries over ${Math.round(r.elapsedMs)} ms`;
  // Name the reference port when it answered (that is what it is for), else the first UDP answer.
  const who = alive.reference ? `udp/${referencePort}` : alive.udp;
  if (who) return result('no', `${tries} while ${who} answered: blocked or filtered (or the server does not listen there)`);
  const ref = referencePort !== undefined ? ` (not even udp/${referencePort})` : '';
  const tcpToo = alive.any ? `; ${alive.any} answered, so the server is up: UDP may be blocked altogether` : ': the server may be down or UDP blocked altogether';
  return result('unknown', `${tries}, and no UDP port answered${ref}${tcpToo}`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Calls `fire` once `clock.now()` passes `until()`. `until` is asked anew at least every 50 ms,
 * since the silence window shrinks once the first answer shows the RTT.
 */
function watchUntil(clock: Clock, until: () => number, fire: () => void): { cancel(): void } {
  const controller = new AbortController();
  const loop = async (): Promise<void> => {
    for (;;) {
      const wait = until() - clock.now();
      if (wait <= 0) break;
      await sleep(clock, Math.min(wait, 50), controller.signal);
    }
    fire();
  };
  loop().catch(() => undefined);
  return { cancel: () => controller.abort() };
}
