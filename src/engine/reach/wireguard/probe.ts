/**
 * One WireGuard endpoint: a real handshake initiation with the config's keys, from an
 * ephemeral port on a connected socket, and the verdict on what comes back (a verified
 * response, a cookie reply to answer with mac2, ICMP port unreachable, or silence).
 */

import * as crypto from 'node:crypto';
import { resolveWithin } from '../../discovery/resolve';
import type { UdpSocket } from '../../net/udp';
import { explainSilence, type PathFacts } from '../silence';
import type { ReachEnvironment, ReachResult, ReachTarget } from '../types';
import {
  COOKIE_REPLY_LENGTH,
  INITIATION_LENGTH,
  RESPONSE_LENGTH,
  checkResponse,
  createInitiation,
  openCookieReply,
  type HandshakeKeys,
  type PendingInitiation,
} from './handshake';

/** Sends at most this many initiations (loss on the way); WireGuard itself retries every 5 s. */
export const MAX_INITIATIONS = 3;

export interface PeerProbeOptions {
  readonly env: ReachEnvironment;
  /** Wall-clock ms for the TAI64N timestamp (the server rejects one not newer than the last). */
  readonly wallClock?: () => number;
  readonly facts?: PathFacts;
}

const KEY_CAUSE =
  'the server does not know this public key (the [Interface] PrivateKey here is not a peer there), or the PublicKey here is not the server’s: WireGuard stays silent to both';
const KEY_CHECK =
  'Compare the PublicKey of this [Peer] with `wg show` on the server, and check the server lists this config’s public key as a peer.';

function randomIndex(): number {
  return crypto.randomBytes(4).readUInt32LE(0);
}

function describe(data: Uint8Array): string {
  const type = data.length >= 1 ? data[0] : -1;
  return `${data.length} bytes, first byte ${type}`;
}

export async function probePeer(target: ReachTarget, keys: HandshakeKeys, options: PeerProbeOptions): Promise<ReachResult> {
  const { env } = options;
  const started = env.clock.now();
  const evidence: string[] = [];
  const resolved = await resolveWithin(env.resolve, target.host, env.clock, env.budgetMs, env.signal);
  if (!resolved.ok) {
    return {
      target,
      outcome: 'unresolved',
      summary: `Could not resolve ${target.host}: ${resolved.error}.`,
      evidence: [resolved.error],
      nextStep: 'Check the host name in Endpoint, and that DNS works from here.',
      packetsSent: 0,
    };
  }
  const chosen = resolved.addresses[0];
  if (resolved.addresses.length > 1) evidence.push(`${target.host} resolved to ${resolved.addresses.map((a) => a.address).join(', ')}; using ${chosen.address}, as wg does`);
  const peer = { address: chosen.address, port: target.port };
  let socket: UdpSocket;
  try {
    socket = await env.udp.bind({ family: chosen.family, connect: peer });
  } catch (err) {
    return {
      target,
      outcome: 'error',
      address: chosen.address,
      summary: `Could not open a UDP socket towards ${chosen.address}: ${(err as Error).message}.`,
      evidence: [(err as Error).message],
      packetsSent: 0,
    };
  }
  const remaining = Math.max(0, env.budgetMs - (env.clock.now() - started));
  return new HandshakeExchange(target, keys, options, socket, peer, started, evidence).run(remaining);
}

type Outcome = Omit<ReachResult, 'target' | 'address' | 'packetsSent' | 'evidence'>;

/**
 * The exchange on one socket: up to MAX_INITIATIONS initiations spread over the budget, one
 * mac2 resend on a cookie reply, and the first conclusive answer (or the silence) ends it.
 */
class HandshakeExchange {
  private readonly pendings: Array<{ initiation: PendingInitiation; sentAt: number }> = [];
  private readonly timers: unknown[] = [];
  private readonly where: string;
  private packetsSent = 0;
  private cookieUsed = false;
  private cookie: Uint8Array | undefined;
  private done = false;
  private resolve: (result: ReachResult) => void = () => undefined;

  constructor(
    private readonly target: ReachTarget,
    private readonly keys: HandshakeKeys,
    private readonly options: PeerProbeOptions,
    private readonly socket: UdpSocket,
    private readonly peer: { address: string; port: number },
    private readonly started: number,
    private readonly evidence: string[],
  ) {
    this.where = `${peer.address} port ${target.port}`;
  }

  run(remaining: number): Promise<ReachResult> {
    const { env } = this.options;
    return new Promise<ReachResult>((resolve) => {
      this.resolve = resolve;
      this.socket.onMessage((data) => this.onDatagram(data));
      this.socket.onRefused?.(() => this.onRefused());
      if (env.signal?.aborted) {
        this.onAbort();
        return;
      }
      env.signal?.addEventListener('abort', this.onAbort, { once: true });
      const interval = remaining / MAX_INITIATIONS;
      for (let i = 1; i < MAX_INITIATIONS; i++) this.timers.push(env.clock.setTimeout(() => this.send(), interval * i));
      this.timers.push(env.clock.setTimeout(() => this.onSilence(), remaining));
      this.send();
    });
  }

  private finish(result: Outcome): void {
    if (this.done) return;
    this.done = true;
    const { env } = this.options;
    for (const t of this.timers) env.clock.clearTimeout(t);
    env.signal?.removeEventListener('abort', this.onAbort);
    this.socket.close();
    this.resolve({ target: this.target, address: this.peer.address, packetsSent: this.packetsSent, evidence: [...this.evidence], ...result });
  }

  private readonly onAbort = (): void => this.finish({ outcome: 'not-tested', summary: 'Cancelled before an answer came.' });

  private send(): void {
    if (this.done) return;
    const { env } = this.options;
    const wallClock = this.options.wallClock ?? Date.now;
    let initiation: PendingInitiation;
    try {
      initiation = createInitiation(this.keys, randomIndex(), wallClock(), this.cookie);
    } catch (err) {
      this.finish({ outcome: 'not-tested', summary: `Could not build a handshake initiation: ${(err as Error).message}.` });
      return;
    }
    this.pendings.push({ initiation, sentAt: env.clock.now() });
    this.packetsSent++;
    const local = this.socket.localEndpoint().port;
    this.evidence.push(
      `sent handshake initiation #${this.packetsSent} (${INITIATION_LENGTH} bytes${this.cookie ? ', with mac2 from the cookie' : ''}) from local UDP port ${local} to ${this.where} at ${Math.round(env.clock.now() - this.started)} ms`,
    );
    this.socket.send(initiation.message, this.peer).catch((err: Error) => {
      this.evidence.push(`the local stack refused the send: ${err.message}`);
      this.finish({
        outcome: 'error',
        summary: `Could not send to ${this.where}: ${err.message}.`,
        nextStep: 'Check this machine has a route to that address.',
      });
    });
  }

  /** A response that verifies (or not), a cookie reply to answer once, or noise to note. */
  private onDatagram(data: Uint8Array): void {
    if (this.done) return;
    const at = this.options.env.clock.now();
    for (const p of this.pendings) {
      if (data.length === RESPONSE_LENGTH) {
        const check = checkResponse(this.keys, p.initiation, data);
        if (check.kind === 'unrelated') continue;
        const rttMs = Math.round((at - p.sentAt) * 10) / 10;
        if (check.kind === 'invalid') {
          this.evidence.push(`received a handshake response for our index after ${rttMs} ms, but ${check.reason}`);
          this.finish({
            outcome: 'error',
            rttMs,
            summary: `${this.where} answered with a handshake response that does not verify: ${check.reason}.`,
            nextStep: 'Check the PresharedKey matches the server’s for this peer.',
          });
          return;
        }
        this.evidence.push(`received handshake response (${RESPONSE_LENGTH} bytes) for our index after ${rttMs} ms`);
        this.evidence.push('verified it: mac1 keyed with our public key; the Noise handshake completes with these keys (the encrypted empty payload authenticates)');
        this.finish({ outcome: 'reachable', rttMs, summary: `The WireGuard server accepted these keys; RTT ${rttMs} ms.` });
        return;
      }
      if (data.length === COOKIE_REPLY_LENGTH) {
        const check = openCookieReply(this.keys, p.initiation, data);
        if (check.kind === 'unrelated') continue;
        if (check.kind === 'invalid') {
          this.evidence.push(`received a cookie reply for our index that does not open: ${check.reason}`);
          continue;
        }
        if (this.cookieUsed) {
          this.evidence.push('received another cookie reply; not answering it again');
          return;
        }
        this.cookieUsed = true;
        this.cookie = check.cookie;
        this.evidence.push(`received cookie reply (${COOKIE_REPLY_LENGTH} bytes) after ${Math.round(at - p.sentAt)} ms: the server is under load and wants mac2; resending with it`);
        this.send();
        return;
      }
    }
    this.evidence.push(`ignored a datagram that is not an answer to our initiation (${describe(data)})`);
  }

  private onRefused(): void {
    const p = this.pendings[this.pendings.length - 1];
    const rttMs = p ? Math.round((this.options.env.clock.now() - p.sentAt) * 10) / 10 : undefined;
    this.evidence.push(`ICMP port unreachable from ${this.where}${rttMs !== undefined ? ` after ${rttMs} ms` : ''}`);
    this.finish({
      outcome: 'refused',
      ...(rttMs !== undefined ? { rttMs } : {}),
      summary: `${this.where} is refused: the host answers, but nothing listens on UDP ${this.target.port} there (ICMP port unreachable).`,
      possibleCauses: [
        'WireGuard is not running on the server, or listens on another port (its ListenPort)',
        'a firewall on the way rejects UDP to that port with port unreachable',
      ],
      nextStep: `Check the port in Endpoint matches the server’s ListenPort, and that its interface is up (\`wg show\` on the server).`,
    });
  }

  private onSilence(): void {
    const { env } = this.options;
    const s = explainSilence(this.target, env.budgetMs, this.options.facts ?? { udpGetsOut: 'unknown' }, KEY_CAUSE, KEY_CHECK);
    this.evidence.push(`no answer within ${env.budgetMs} ms`);
    this.finish({ outcome: 'no-answer', summary: s.summary, possibleCauses: s.possibleCauses, nextStep: s.nextStep });
  }
}
