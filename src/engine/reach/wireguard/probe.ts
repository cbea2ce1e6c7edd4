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
  const wallClock = options.wallClock ?? Date.now;
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
  const where = `${chosen.address} port ${target.port}`;
  const pendings: Array<{ initiation: PendingInitiation; sentAt: number }> = [];
  let packetsSent = 0;
  let cookieUsed = false;
  let cookie: Uint8Array | undefined;

  return new Promise<ReachResult>((resolve) => {
    const timers: unknown[] = [];
    let done = false;
    const finish = (result: Omit<ReachResult, 'target' | 'address' | 'packetsSent' | 'evidence'>): void => {
      if (done) return;
      done = true;
      for (const t of timers) env.clock.clearTimeout(t);
      env.signal?.removeEventListener('abort', onAbort);
      socket.close();
      resolve({ target, address: chosen.address, packetsSent, evidence: [...evidence], ...result });
    };
    const onAbort = (): void =>
      finish({ outcome: 'not-tested', summary: 'Cancelled before an answer came.' });
    const send = (): void => {
      if (done) return;
      let initiation: PendingInitiation;
      try {
        initiation = createInitiation(keys, randomIndex(), wallClock(), cookie);
      } catch (err) {
        finish({ outcome: 'not-tested', summary: `Could not build a handshake initiation: ${(err as Error).message}.` });
        return;
      }
      pendings.push({ initiation, sentAt: env.clock.now() });
      packetsSent++;
      const local = socket.localEndpoint().port;
      evidence.push(
        `sent handshake initiation #${packetsSent} (${INITIATION_LENGTH} bytes${cookie ? ', with mac2 from the cookie' : ''}) from local UDP port ${local} to ${where} at ${Math.round(env.clock.now() - started)} ms`,
      );
      socket.send(initiation.message, peer).catch((err: Error) => {
        evidence.push(`the local stack refused the send: ${err.message}`);
        finish({
          outcome: 'error',
          summary: `Could not send to ${where}: ${err.message}.`,
          nextStep: 'Check this machine has a route to that address.',
        });
      });
    };
    socket.onMessage((data) => {
      if (done) return;
      const at = env.clock.now();
      for (const p of pendings) {
        if (data.length === RESPONSE_LENGTH) {
          const check = checkResponse(keys, p.initiation, data);
          if (check.kind === 'unrelated') continue;
          const rttMs = Math.round((at - p.sentAt) * 10) / 10;
          if (check.kind === 'invalid') {
            evidence.push(`received a handshake response for our index after ${rttMs} ms, but ${check.reason}`);
            finish({
              outcome: 'error',
              rttMs,
              summary: `${where} answered with a handshake response that does not verify: ${check.reason}.`,
              nextStep: 'Check the PresharedKey matches the server’s for this peer.',
            });
            return;
          }
          evidence.push(`received handshake response (${RESPONSE_LENGTH} bytes) for our index after ${rttMs} ms`);
          evidence.push('verified it: mac1 keyed with our public key; the Noise handshake completes with these keys (the encrypted empty payload authenticates)');
          finish({ outcome: 'reachable', rttMs, summary: `The WireGuard server accepted these keys; RTT ${rttMs} ms.` });
          return;
        }
        if (data.length === COOKIE_REPLY_LENGTH) {
          const check = openCookieReply(keys, p.initiation, data);
          if (check.kind === 'unrelated') continue;
          if (check.kind === 'invalid') {
            evidence.push(`received a cookie reply for our index that does not open: ${check.reason}`);
            continue;
          }
          if (cookieUsed) {
            evidence.push('received another cookie reply; not answering it again');
            return;
          }
          cookieUsed = true;
          cookie = check.cookie;
          evidence.push(`received cookie reply (${COOKIE_REPLY_LENGTH} bytes) after ${Math.round(at - p.sentAt)} ms: the server is under load and wants mac2; resending with it`);
          send();
          return;
        }
      }
      evidence.push(`ignored a datagram that is not an answer to our initiation (${describe(data)})`);
    });
    socket.onRefused?.(() => {
      const p = pendings[pendings.length - 1];
      const rttMs = p ? Math.round((env.clock.now() - p.sentAt) * 10) / 10 : undefined;
      evidence.push(`ICMP port unreachable from ${where}${rttMs !== undefined ? ` after ${rttMs} ms` : ''}`);
      finish({
        outcome: 'refused',
        ...(rttMs !== undefined ? { rttMs } : {}),
        summary: `${where} is refused: the host answers, but nothing listens on UDP ${target.port} there (ICMP port unreachable).`,
        possibleCauses: [
          'WireGuard is not running on the server, or listens on another port (its ListenPort)',
          'a firewall on the way rejects UDP to that port with port unreachable',
        ],
        nextStep: `Check the port in Endpoint matches the server’s ListenPort, and that its interface is up (\`wg show\` on the server).`,
      });
    });
    if (env.signal?.aborted) {
      onAbort();
      return;
    }
    env.signal?.addEventListener('abort', onAbort, { once: true });
    const interval = remaining / MAX_INITIATIONS;
    for (let i = 1; i < MAX_INITIATIONS; i++) timers.push(env.clock.setTimeout(() => send(), interval * i));
    timers.push(
      env.clock.setTimeout(() => {
        const s = explainSilence(target, env.budgetMs, options.facts ?? { udpGetsOut: 'unknown' }, KEY_CAUSE, KEY_CHECK);
        evidence.push(`no answer within ${env.budgetMs} ms`);
        finish({ outcome: 'no-answer', summary: s.summary, possibleCauses: s.possibleCauses, nextStep: s.nextStep });
      }, remaining),
    );
    send();
  });
}
