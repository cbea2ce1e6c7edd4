/**
 * `natprobe reach` for a WireGuard config: one ReachResult per [Peer] with an Endpoint.
 * Keys are decoded here and handed to the probe; none leaves this module in any result.
 */

import { publicKeyOf } from './primitives';
import { decodeKey, readWireGuardConfig, shortKey, splitEndpoint, type WgPeerForReach } from './config';
import { probePeer } from './probe';
import type { PathFacts } from '../silence';
import type { ReachEnvironment, ReachResult, ReachTarget } from '../types';

/** Peers probed in one run, and at once: enough for any real config, polite to the network. */
export const MAX_PEERS = 64;
const CONCURRENCY = 16;

export interface WireGuardReachOptions {
  readonly env: ReachEnvironment;
  /** Only the peer whose PublicKey is this (full base64) or starts with it. */
  readonly peer?: string;
  /** What the last NAT report knows of the path to a target. */
  readonly facts?: (target: ReachTarget) => PathFacts;
  /**
   * Asked once, with this config's own public key, before anything is sent: a reason not to
   * send (a live tunnel with this key, which a valid initiation would pause), or undefined.
   */
  readonly liveTunnel?: (ownPublicKey: string) => Promise<string | undefined>;
  readonly wallClock?: () => number;
}

/** The public key (base64) of the config's [Interface] PrivateKey, when it is a valid key. */
export function ownPublicKey(configText: string): string | undefined {
  const key = decodeKey(readWireGuardConfig(configText).privateKey);
  return key ? Buffer.from(publicKeyOf(key)).toString('base64') : undefined;
}

function targetOf(peer: WgPeerForReach, host: string, port: number): ReachTarget {
  const line = peer.endpoint?.line ?? peer.headerLine;
  return { protocol: 'wireguard', host, port, transport: 'udp', line, label: `peer ${shortKey(peer.publicKey)} (line ${line + 1})` };
}

function notTested(target: ReachTarget, summary: string, nextStep?: string): ReachResult {
  return { target, outcome: 'not-tested', summary, evidence: [], packetsSent: 0, ...(nextStep ? { nextStep } : {}) };
}

/** The [Peer] sections reach would test, in file order, with the target each becomes. */
export function wireGuardTargets(configText: string): ReachTarget[] {
  return readWireGuardConfig(configText)
    .peers.filter((p) => p.endpoint)
    .map((p) => {
      const ep = splitEndpoint(p.endpoint!.value);
      return targetOf(p, ep?.host ?? p.endpoint!.value, ep?.port ?? 0);
    });
}

export async function reachWireGuard(configText: string, options: WireGuardReachOptions): Promise<ReachResult[]> {
  const config = readWireGuardConfig(configText);
  const wanted = options.peer;
  const peers = config.peers.filter(
    (p) => p.endpoint && (wanted === undefined || (p.publicKey !== undefined && p.publicKey.startsWith(wanted))),
  );
  const privateKey = decodeKey(config.privateKey);
  let liveReason: string | undefined;
  if (privateKey && options.liveTunnel && peers.length > 0) {
    liveReason = await options.liveTunnel(Buffer.from(publicKeyOf(privateKey)).toString('base64'));
  }
  // Peers are probed in parallel, each on its own socket, so silence costs about one budget, not
  // one per peer; bounded, so a config with thousands of peers cannot open thousands of sockets.
  const results: Array<ReachResult | (() => Promise<ReachResult>)> = [];
  let probes = 0;
  for (const p of peers) {
    const ep = splitEndpoint(p.endpoint!.value);
    const target = targetOf(p, ep?.host ?? p.endpoint!.value, ep?.port ?? 0);
    if (!ep) {
      results.push(notTested(target, 'Endpoint is not host:port (or [IPv6]:port).', 'Fix the Endpoint line.'));
      continue;
    }
    if (!privateKey) {
      results.push(
        notTested(target, config.privateKey === undefined ? 'The [Interface] has no PrivateKey: there is no key to handshake with.' : 'The [Interface] PrivateKey is not a valid key (44 characters of base64).', 'Fix the PrivateKey line.'),
      );
      continue;
    }
    const peerKey = decodeKey(p.publicKey);
    if (!peerKey) {
      results.push(notTested(target, p.publicKey === undefined ? 'This [Peer] has no PublicKey.' : 'This [Peer]’s PublicKey is not a valid key (44 characters of base64).', 'Fix the PublicKey line.'));
      continue;
    }
    const psk = p.presharedKey === undefined ? undefined : decodeKey(p.presharedKey);
    if (p.presharedKey !== undefined && !psk) {
      results.push(notTested(target, 'This [Peer]’s PresharedKey is not a valid key (44 characters of base64).', 'Fix the PresharedKey line.'));
      continue;
    }
    if (liveReason) {
      results.push(notTested(target, liveReason, 'Confirm to send anyway (--yes), or test while that tunnel is down.'));
      continue;
    }
    if (options.env.signal?.aborted) {
      results.push(notTested(target, 'Cancelled.'));
      continue;
    }
    if (++probes > MAX_PEERS) {
      results.push(notTested(target, `Not tested: only the first ${MAX_PEERS} peers with an Endpoint are probed in one run.`, 'Test this one with --peer (its PublicKey).'));
      continue;
    }
    results.push(() =>
      probePeer(target, { privateKey, peerPublicKey: peerKey, ...(psk ? { presharedKey: psk } : {}) }, {
        env: options.env,
        ...(options.wallClock ? { wallClock: options.wallClock } : {}),
        ...(options.facts ? { facts: options.facts(target) } : {}),
      }),
    );
  }
  const out = new Array<ReachResult>(results.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < results.length) {
      const i = next++;
      const r = results[i];
      out[i] = typeof r === 'function' ? await r() : r;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, results.length) }, worker));
  return out;
}
