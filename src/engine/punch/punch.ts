/**
 * `natprobe punch`: meet the peer at a rendezvous, then prove (or disprove) a direct UDP path by
 * ICE-style connectivity checks on every candidate pair (RFC 8445 §7.2), from the one socket whose
 * public mapping the rendezvous saw.
 *
 * The small-TTL start. Two NATs that filter by address and port (port-restricted, Linux
 * `masquerade`) defeat naive simultaneous sending: our first packet that reaches the peer's router
 * before the peer has sent makes a conntrack entry there (a flow to the router itself); the peer's
 * own packet to us then clashes with it and leaves from another port, which our filter drops, for
 * as long as we keep refreshing that entry. So each end first sends its checks with a TTL just big
 * enough to leave its own NAT and expire one hop later, keeps doing that for longer than the two
 * ends can be out of step (they learn of each other up to one rendezvous poll apart), pauses, and
 * only then sends normally: by then both NATs hold an outbound mapping that admits the other's
 * packets (measured in the lab: see docs/punch.md). Answers always go with the normal TTL.
 *
 * Time and sockets are injected (clock, factory) so the virtual network can run it.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { ipFamily, isUnspecified } from '../net/ip';
import { type Endpoint, type UdpSocket, type UdpSocketFactory, endpointKey, sameEndpoint } from '../net/udp';
import { decodeMessage, newTransactionId } from '../stun';
import type { SessionKeys } from './code';
import { encodeCheck, encodeCheckAnswer, readCheck } from './checks';
import { MAX_CANDIDATES, RENDEZVOUS_METHOD, decodeIntroduction, encodeJoin, NONCE_LENGTH } from './rendezvousWire';
import { type CandidateKind, type PunchResult, type PunchPair, explainNoPath } from './result';

export interface PunchOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly rendezvous: Endpoint;
  readonly keys: SessionKeys;
  /** This host's IPv4 addresses to declare as host candidates (LAN peers connect on these). */
  readonly hostAddresses: readonly string[];
  /** Time for the checks once introduced, in ms. */
  readonly budgetMs: number;
  /** How long to wait for the peer to join (the rendezvous forgets a session after 60 s). */
  readonly waitMs?: number;
  /** No answer at all from the rendezvous within this: it cannot be reached. */
  readonly rendezvousTimeoutMs?: number;
  /** TTL of the first checks; 0 sends every check with the normal TTL. */
  readonly lowTtl?: number;
  /** Hard caps: datagrams in total, and the check interval (so at most candidates / interval a second). */
  readonly maxPackets?: number;
  readonly intervalMs?: number;
  readonly random?: (n: number) => Uint8Array;
  readonly onProgress?: (event: PunchProgress) => void;
  readonly signal?: AbortSignal;
}

export type PunchProgress =
  | { readonly kind: 'waiting'; readonly reflexive: Endpoint }
  | { readonly kind: 'introduced'; readonly peer: { readonly reflexive: Endpoint; readonly candidates: readonly Endpoint[] } }
  | { readonly kind: 'connected'; readonly pair: PunchPair; readonly ms: number };

export const DEFAULT_BUDGET_MS = 10_000;
export const DEFAULT_LOW_TTL = 2;
export const NORMAL_TTL = 64;
const POLL_MS = 250;
const INTERVAL_MS = 100;
/** The small-TTL phase outlasts the worst skew between the two ends (one poll) with margin. */
const LOW_TTL_PHASE_MS = 3 * POLL_MS;
/** "waiting ~300 ms, then sending normally" (the lab measurement in the issue). */
const LOW_TTL_PAUSE_MS = 300;
const LINGER_MS = 1_000;
const RTT_PINGS = 3;
export const DEFAULT_MAX_PACKETS = 2_000;

interface Remote {
  readonly endpoint: Endpoint;
  readonly kind: CandidateKind;
}

interface Pending {
  readonly remote: Remote;
  readonly sentAt: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const isLoopback = (address: string): boolean => ipFamily(address) === 4 && address.startsWith('127.');

/**
 * Addresses a peer (or a rendezvous) may point us at: unicast IPv4, never multicast, broadcast or
 * the wildcard, and loopback only when the rendezvous itself is on loopback (a test on one host).
 */
function usableCandidate(e: Endpoint, allowLoopback: boolean): boolean {
  if (ipFamily(e.address) !== 4 || isUnspecified(e.address) || !(e.port >= 1 && e.port <= 65535)) return false;
  const first = Number(e.address.split('.')[0]);
  return (allowLoopback || first !== 127) && first < 224;
}

export async function runPunch(options: PunchOptions): Promise<PunchResult> {
  const { clock, keys } = options;
  const allowLoopback = isLoopback(options.rendezvous.address);
  const usable = (e: Endpoint): boolean => usableCandidate(e, allowLoopback);
  const random = options.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const maxPackets = options.maxPackets ?? DEFAULT_MAX_PACKETS;
  const intervalMs = Math.max(20, options.intervalMs ?? INTERVAL_MS);
  const lowTtl = options.lowTtl ?? DEFAULT_LOW_TTL;
  const socket = await options.factory.bind({ family: 4 });
  const contacted = new Map<string, { address: string; port: number; role: 'rendezvous' | 'peer'; packets: number }>();
  const packets = { sent: 0, received: 0, lowTtl: 0 };
  let wake: (() => void) | undefined;
  const nudge = (): void => wake?.();

  // Sends are serialised: a TTL set with setsockopt applies to the next datagram the kernel
  // writes, and node writes a datagram a tick after send() is called.
  let queue: Promise<void> = Promise.resolve();
  let currentTtl = NORMAL_TTL;
  const send = (data: Uint8Array, to: Endpoint, role: 'rendezvous' | 'peer', ttl = NORMAL_TTL): boolean => {
    if (packets.sent >= maxPackets) return false;
    packets.sent++;
    if (ttl !== NORMAL_TTL) packets.lowTtl++;
    const k = endpointKey(to);
    const c = contacted.get(k);
    if (c) c.packets++;
    else contacted.set(k, { address: to.address, port: to.port, role, packets: 1 });
    queue = queue.then(async () => {
      try {
        if (ttl !== currentTtl && socket.setTtl) {
          socket.setTtl(ttl);
          currentTtl = ttl;
        }
        await socket.send(data, to);
      } catch {
        /* a refused send is one lost datagram: the checks go on */
      }
    });
    return true;
  };
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const handle = clock.setTimeout(() => {
        wake = undefined;
        resolve();
      }, Math.max(0, ms));
      wake = () => {
        clock.clearTimeout(handle);
        wake = undefined;
        resolve();
      };
    });
  const aborted = (): boolean => options.signal?.aborted === true;

  // --- Phase 1: the rendezvous --------------------------------------------------------------
  const nonce = random(NONCE_LENGTH);
  const hostCandidates = [...new Set(options.hostAddresses)]
    .map((address) => ({ address, port: socket.localEndpoint().port }))
    .filter(usable)
    .slice(0, MAX_CANDIDATES);
  const joinIds = new Set<string>();
  const meet: { reflexive?: Endpoint; peer?: { reflexive: Endpoint; candidates: Endpoint[] }; refused?: boolean; answered: boolean } = { answered: false };

  // --- Phase 2 state, used by the one receive handler --------------------------------------
  const remotes: Remote[] = [];
  const pending = new Map<string, Pending>();
  const own = new Set<string>();
  const rtts: number[] = [];
  let introducedAt = 0;
  let checking = false;
  let pair: PunchPair | undefined;
  let connectedMs: number | undefined;
  let checksFromPeer = 0;
  const prflxLimit = MAX_CANDIDATES;

  const kindOfLocal = (mapped: Endpoint): CandidateKind =>
    hostCandidates.some((h) => sameEndpoint(h, mapped)) ? 'host' : meet.reflexive && sameEndpoint(meet.reflexive, mapped) ? 'srflx' : 'prflx';

  const sendCheck = (remote: Remote, ttl: number): void => {
    const id = newTransactionId();
    const key = hex(id);
    if (!send(encodeCheck(keys.checkKey, id), remote.endpoint, 'peer', ttl)) return;
    own.add(key);
    pending.set(key, { remote, sentAt: clock.now() });
    // Bounded: answers older than a few rounds are no longer waited for.
    if (pending.size > 512) pending.delete(pending.keys().next().value as string);
  };

  socket.onMessage((data, from) => {
    packets.received++;
    if (sameEndpoint(from, options.rendezvous)) {
      const m = decodeMessage(data);
      if (!m.ok || m.value.method !== RENDEZVOUS_METHOD || !joinIds.has(hex(m.value.transactionId))) return;
      meet.answered = true;
      if (m.value.cls === 'error') meet.refused = true;
      else if (m.value.cls === 'success') {
        const intro = decodeIntroduction(m.value);
        if (intro.ok) {
          meet.reflexive = intro.value.reflexive;
          if (intro.value.peer && !meet.peer) meet.peer = { reflexive: intro.value.peer.reflexive, candidates: [...intro.value.peer.candidates] };
        }
      }
      // Woken early only by news: a plain "still waiting" must not speed up the polling.
      if (meet.peer || meet.refused) nudge();
      return;
    }
    if (!checking) return;
    const read = readCheck(data, keys.checkKey);
    if (read.kind === 'check') {
      // Our own check come back (a NAT that hairpins to our own mapping) is not the peer.
      if (own.has(hex(read.message.transactionId))) return;
      checksFromPeer++;
      send(encodeCheckAnswer(keys.checkKey, read.message, from), from, 'peer');
      // RFC 8445 §7.3.1.3-4: an unknown source is a peer-reflexive candidate; check it at once.
      if (!remotes.some((r) => sameEndpoint(r.endpoint, from)) && remotes.length < 2 * MAX_CANDIDATES + 1 && remotes.filter((r) => r.kind === 'prflx').length < prflxLimit && usable(from)) {
        const remote: Remote = { endpoint: from, kind: 'prflx' };
        remotes.push(remote);
        if (!pair) sendCheck(remote, NORMAL_TTL);
      }
      return;
    }
    if (read.kind === 'answer') {
      const p = pending.get(hex(read.message.transactionId));
      // §7.2.5.2.1: an answer counts only from where the check went.
      if (!p || !sameEndpoint(p.remote.endpoint, from)) return;
      pending.delete(hex(read.message.transactionId));
      const rtt = clock.now() - p.sentAt;
      if (!pair) {
        const local = kindOfLocal(read.mapped);
        pair = { local, remote: p.remote.kind, kind: `${local}↔${p.remote.kind}`, localEndpoint: read.mapped, remoteEndpoint: p.remote.endpoint };
        connectedMs = Math.round(clock.now() - introducedAt);
        rtts.push(rtt);
        options.onProgress?.({ kind: 'connected', pair, ms: connectedMs });
        nudge();
      } else if (sameEndpoint(p.remote.endpoint, pair.remoteEndpoint)) rtts.push(rtt);
    }
  });

  const finish = (result: Omit<PunchResult, 'packets' | 'contacted'>): PunchResult => {
    socket.close();
    return { ...result, packets: { ...packets }, contacted: [...contacted.values()] };
  };

  try {
    const start = clock.now();
    const waitMs = options.waitMs ?? 60_000;
    const rendezvousTimeoutMs = options.rendezvousTimeoutMs ?? 5_000;
    let announced = false;
    while (!meet.peer && !meet.refused && !aborted()) {
      const elapsed = clock.now() - start;
      if (!meet.answered && elapsed >= rendezvousTimeoutMs) break;
      if (elapsed >= waitMs) break;
      const id = newTransactionId();
      joinIds.add(hex(id));
      if (joinIds.size > 64) joinIds.delete(joinIds.values().next().value as string);
      if (!send(encodeJoin({ sessionId: keys.sessionId, nonce, candidates: hostCandidates }, id), options.rendezvous, 'rendezvous')) break;
      await pause(POLL_MS);
      if (meet.reflexive && !announced && !meet.peer) {
        announced = true;
        options.onProgress?.({ kind: 'waiting', reflexive: meet.reflexive });
      }
    }
    if (!meet.answered) {
      return finish({ direct: 'unknown', rendezvous: 'unreachable', reason: `the rendezvous ${endpointKey(options.rendezvous)} did not answer in ${rendezvousTimeoutMs / 1000} s (is it running natprobe serve --rendezvous, and is UDP to it open?)` });
    }
    if (meet.refused) {
      return finish({ direct: 'unknown', rendezvous: 'refused', reflexive: meet.reflexive, reason: 'the rendezvous refused the join: the code is already used by two others, this address has too many sessions open, or the server is full; make a new code' });
    }
    if (!meet.peer) {
      return finish({ direct: 'unknown', rendezvous: 'reached', reflexive: meet.reflexive, reason: aborted() ? 'stopped before the peer joined' : `the peer did not join within ${Math.round(waitMs / 1000)} s` });
    }
    const peer = meet.peer;
    options.onProgress?.({ kind: 'introduced', peer });

    // --- Phase 2: connectivity checks -------------------------------------------------------
    introducedAt = clock.now();
    checking = true;
    if (usable(peer.reflexive)) remotes.push({ endpoint: peer.reflexive, kind: 'srflx' });
    for (const c of peer.candidates) if (usable(c) && !remotes.some((r) => sameEndpoint(r.endpoint, c))) remotes.push({ endpoint: c, kind: 'host' });
    if (remotes.length === 0) {
      return finish({ direct: 'unknown', rendezvous: 'reached', reflexive: meet.reflexive, peer, reason: 'none of the addresses the rendezvous gave for the peer can be sent to (loopback, multicast or broadcast), so nothing was tried' });
    }
    const useLowTtl = lowTtl > 0 && lowTtl < NORMAL_TTL && typeof socket.setTtl === 'function';
    const end = introducedAt + options.budgetMs;
    let quietDone = !useLowTtl;
    while (!pair && !aborted() && clock.now() < end && packets.sent < maxPackets) {
      const t = clock.now() - introducedAt;
      if (useLowTtl && t < LOW_TTL_PHASE_MS) {
        for (const r of remotes) sendCheck(r, lowTtl);
      } else if (!quietDone) {
        quietDone = true;
        await pause(Math.min(LOW_TTL_PAUSE_MS, end - clock.now()));
        continue;
      } else {
        for (const r of remotes) sendCheck(r, NORMAL_TTL);
      }
      await pause(Math.min(intervalMs, end - clock.now()));
    }
    if (!pair) {
      return finish({
        direct: aborted() ? 'unknown' : 'no',
        rendezvous: 'reached',
        reflexive: meet.reflexive,
        peer,
        reason: aborted() ? 'stopped before a direct path formed' : explainNoPath({ budgetMs: options.budgetMs, remotes: remotes.map((r) => r.kind), checksFromPeer, packetCapHit: packets.sent >= maxPackets }),
      });
    }
    // A few more checks on the working pair for its RTT, and time for the peer to finish too:
    // its checks are answered until the linger ends.
    const found: PunchPair = pair;
    const lingerEnd = clock.now() + LINGER_MS;
    for (let i = 0; i < RTT_PINGS && !aborted(); i++) {
      sendCheck({ endpoint: found.remoteEndpoint, kind: found.remote }, NORMAL_TTL);
      await pause(LINGER_MS / (RTT_PINGS + 1));
    }
    while (clock.now() < lingerEnd && !aborted()) await pause(lingerEnd - clock.now());
    const sorted = [...rtts].sort((a, b) => a - b);
    return finish({
      direct: 'yes',
      rendezvous: 'reached',
      reflexive: meet.reflexive,
      peer,
      pair: found,
      ms: connectedMs,
      rttMs: Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10,
      reason: `a check and its answer crossed ${found.kind} (${endpointKey(found.localEndpoint)} ↔ ${endpointKey(found.remoteEndpoint)}), authenticated with the code`,
    });
  } catch (err) {
    socket.close();
    throw err;
  }
}

export type { UdpSocket };
