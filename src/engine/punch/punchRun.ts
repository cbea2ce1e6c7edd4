/**
 * One `natprobe punch` run (the method is described in punch.ts): its sockets, the state the
 * receive handlers share with the phases, and one method per step.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../clock';
import { ipFamily, isGlobalUnicastIPv6, isUnspecified } from '../net/ip';
import { type Endpoint, type UdpSocket, endpointKey, sameEndpoint } from '../net/udp';
import { Method, decodeMessage, encodeMessage, newTransactionId, readBindingAnswer } from '../stun';
import type { SessionKeys } from './code';
import { encodeCheck, encodeCheckAnswer, readCheck } from './checks';
import type { PunchOptions } from './punch';
import { RelayMeasurements } from './relays';
import { MAX_CANDIDATES, NONCE_LENGTH, RENDEZVOUS_METHOD, type RelayFigure, decodeIntroduction, encodeJoin } from './rendezvousWire';
import { type CandidateKind, type OwnMapping, type PunchPair, type PunchResult, type SymmetricAttempt, explainNoPath } from './result';
import { type ContactRole, NORMAL_TTL, SendBudget, Sender } from './sender';
import { DEFAULT_LOW_TTL, type LowTtlChoice, chooseLowTtl, defaultTtl, flagTtl, probeNatDepth } from './natDepth';

export { DEFAULT_LOW_TTL };
const POLL_MS = 250;
const INTERVAL_MS = 100;
/** The small-TTL phase outlasts the worst skew between the two ends (one poll) with margin. */
export const LOW_TTL_PHASE_MS = 3 * POLL_MS;
/** "waiting ~300 ms, then sending normally" (the lab measurement in the issue). */
export const LOW_TTL_PAUSE_MS = 300;
const LINGER_MS = 1_000;
const RTT_PINGS = 3;
const MAPPING_TEST_MS = 1_000;
export const DEFAULT_MAX_PACKETS = 4_000;
/** The many-sockets method: sockets on the symmetric side, probes from the other, and their pace. */
export const MANY_SOCKETS = 256;
export const MAX_PROBES = 1_500;
/** Probes (and extra-socket opens) per 10 ms tick: at most 1,000 a second. */
const PER_TICK = 10;
const TICK_MS = 10;
/** Port prediction: a stride this small or less counts as sequential allocation; this many ports are declared. */
const MAX_STRIDE = 16;
const PREDICTED_PORTS = 4;
/** The plain checks get this long at normal TTL before random-port probes begin. */
const PROBES_AFTER_MS = 500;
/**
 * After a failed attempt, how long to keep asking the rendezvous for the peer's last relay
 * figures (and handing it ours): the two ends finish within one poll of each other, and the
 * later joiner's allocations started later.
 */
export const RELAY_GRACE_MS = 2_000;
/** No join after this long since our first: the rendezvous forgets a session 60 s after it was made. */
const REJOIN_UNTIL_MS = 50_000;

interface Remote {
  readonly endpoint: Endpoint;
  readonly kind: CandidateKind;
}

interface Pending {
  readonly remote: Remote;
  readonly sentAt: number;
  readonly via: Sender;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const isLoopback = (address: string): boolean => ipFamily(address) === 4 && address.startsWith('127.');

/**
 * Addresses a peer (or a rendezvous) may point us at: unicast IPv4, never multicast, broadcast or
 * the wildcard, and loopback only when the rendezvous itself is on loopback (a test on one host);
 * IPv6 only when we have an IPv6 socket, and only global unicast (2000::/3): never link-local
 * (it needs a zone we cannot know), unique local (fc00::/7: one site's, like a LAN address but
 * never needed there, where the IPv4 host candidates already connect), multicast or loopback.
 */
function usableCandidate(e: Endpoint, allowLoopback: boolean, ipv6: boolean): boolean {
  if (!(e.port >= 1 && e.port <= 65535)) return false;
  if (ipFamily(e.address) === 6) return ipv6 && isGlobalUnicastIPv6(e.address);
  if (ipFamily(e.address) !== 4 || isUnspecified(e.address)) return false;
  const first = Number(e.address.split('.')[0]);
  return (allowLoopback || first !== 127) && first < 224;
}

/**
 * The host candidates to declare within `room`: each family gets at least half of it when it has
 * that many addresses, and the other family's unused share.
 */
export function shareRoom(v4: readonly Endpoint[], v6: readonly Endpoint[], room: number): Endpoint[] {
  const n6 = Math.min(v6.length, Math.max(room - v4.length, Math.ceil(room / 2)));
  const n4 = Math.min(v4.length, room - n6);
  return [...v4.slice(0, n4), ...v6.slice(0, n6)];
}

const isV6 = (e: Endpoint): boolean => ipFamily(e.address) === 6;

type Peer = { reflexive: Endpoint; candidates: Endpoint[] };
/**
 * One punch: the main socket (and the many-sockets method's extra ones), the state the receive
 * handlers share with the phases, and the one pause the main loop can be woken from.
 */
export class PunchRun {
  private readonly clock: Clock;
  private readonly keys: SessionKeys;
  private readonly allowLoopback: boolean;
  private readonly randomPort: () => number;
  private readonly intervalMs: number;
  /** The TTL of the first checks and where it came from (--ttl, the depth test of phase 0, or the default). */
  private ttlChoice: LowTtlChoice;
  /** Phase 0's first Binding: the rendezvous's other address and the RTT, for the depth test. */
  private depthTarget: { alternate: Endpoint; rttMs: number } | undefined;
  private depthTest: Promise<void> | undefined;
  private readonly main: Sender;
  /** The IPv6 socket for global IPv6 candidates (none when we declare no IPv6 address or cannot bind one). */
  private readonly main6: Sender | undefined;
  private readonly extra: Sender[] = [];
  private wake: (() => void) | undefined;

  // --- shared state, read by the receive handlers ---------------------------------------------
  private readonly nonce: Uint8Array;
  private readonly hostCandidates: Endpoint[];
  private readonly hostsByFamily: { readonly v4: Endpoint[]; readonly v6: Endpoint[] };
  /** Our own next mappings, predicted from a sequential NAT's stride (declared with the host candidates). */
  private readonly predictedPorts: Endpoint[] = [];
  /** Our joins in flight (transaction id → the relay figures they carried). */
  private readonly joinIds = new Map<string, string>();
  private readonly relayMeasure: RelayMeasurements | undefined;
  /** The relay figures the rendezvous has acknowledged (it answered a join carrying them). */
  private relaysDelivered = '';
  private firstJoinAt: number | undefined;
  private closed = false;
  private readonly bindings = new Map<string, (from: Endpoint, data: Uint8Array) => void>();
  private readonly meet: { reflexive?: Endpoint; peer?: Peer; peerRelays?: RelayFigure[]; refused?: boolean; answered: boolean } = { answered: false };
  private readonly remotes: Remote[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly own = new Set<string>();
  private readonly rtts: number[] = [];
  private introducedAt = 0;
  private checking = false;
  private pair: PunchPair | undefined;
  private pairVia: Sender;
  private connectedMs: number | undefined;
  private checksFromPeer = 0;
  private readonly symmetric: { ownMapping: OwnMapping; stride?: number; tried?: SymmetricAttempt['tried']; packets: number } = { ownMapping: 'unknown', packets: 0 };

  static async start(options: PunchOptions): Promise<PunchRun> {
    const budget = new SendBudget(options.maxPackets ?? DEFAULT_MAX_PACKETS);
    const socket = await options.factory.bind({ family: 4 });
    // An IPv6 socket only when we have a global IPv6 address to declare: on the IPv4 socket's
    // port when it is free (one port to allow in a firewall), else any; none when IPv6 is off.
    let socket6: UdpSocket | undefined;
    if (options.hostAddresses.some((a) => isGlobalUnicastIPv6(a))) {
      for (const port of [socket.localEndpoint().port, 0]) {
        try {
          socket6 = await options.factory.bind({ family: 6, port });
          break;
        } catch {
          /* taken, or no IPv6 stack: try any port, then go on IPv4 only */
        }
      }
    }
    return new PunchRun(options, budget, socket, socket6);
  }

  private constructor(
    private readonly options: PunchOptions,
    private readonly budget: SendBudget,
    private readonly socket: UdpSocket,
    private readonly socket6: UdpSocket | undefined,
  ) {
    this.clock = options.clock;
    this.keys = options.keys;
    this.allowLoopback = isLoopback(options.rendezvous.address);
    const random = options.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
    this.randomPort = options.randomPort ?? (() => randomInt(1024, 65536));
    this.intervalMs = Math.max(20, options.intervalMs ?? INTERVAL_MS);
    this.ttlChoice = options.lowTtl !== undefined ? flagTtl(options.lowTtl) : defaultTtl('the depth of our NAT was not measured (no mapping test was run)');
    this.main = new Sender(socket, budget);
    this.main6 = socket6 ? new Sender(socket6, budget) : undefined;
    this.pairVia = this.main;
    this.nonce = random(NONCE_LENGTH);
    const hosts = [...new Set(options.hostAddresses)]
      .map((address) => ({ address, port: (ipFamily(address) === 6 && socket6 ? socket6 : socket).localEndpoint().port }))
      .filter((e) => this.usable(e));
    this.hostsByFamily = { v4: hosts.filter((e) => !isV6(e)), v6: hosts.filter(isV6) };
    this.hostCandidates = shareRoom(this.hostsByFamily.v4, this.hostsByFamily.v6, MAX_CANDIDATES);
    socket.onMessage((data, from) => this.onMainDatagram(data, from));
    const main6 = this.main6;
    socket6?.onMessage((data, from) => {
      this.budget.received++;
      if (main6) this.onPeerDatagram(main6, data, from);
    });
    // The relay fallback is measured from the start, beside everything else.
    this.relayMeasure = options.turn?.length
      ? new RelayMeasurements({ servers: options.turn, factory: options.factory, clock: options.clock, budget, budgetMs: options.turnBudgetMs, signal: options.signal })
      : undefined;
  }

  private get lowTtl(): number {
    return this.ttlChoice.value;
  }

  get reflexive(): Endpoint | undefined {
    return this.meet.reflexive;
  }

  private usable(e: Endpoint): boolean {
    return usableCandidate(e, this.allowLoopback, this.socket6 !== undefined);
  }

  /** The socket a check to `e` leaves from: the IPv6 one for an IPv6 candidate. */
  private senderFor(e: Endpoint): Sender {
    return isV6(e) && this.main6 ? this.main6 : this.main;
  }

  private nudge(): void {
    this.wake?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, Math.max(0, ms));
      this.wake = () => {
        this.clock.clearTimeout(handle);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private aborted(): boolean {
    return this.options.signal?.aborted === true;
  }

  private kindOfLocal(mapped: Endpoint, via: Sender): CandidateKind {
    if (via !== this.main && via !== this.main6) return 'prflx';
    if (this.hostCandidates.some((h) => sameEndpoint(h, mapped))) return 'host';
    if (this.meet.reflexive && sameEndpoint(this.meet.reflexive, mapped)) return 'srflx';
    return this.predictedPorts.some((p) => sameEndpoint(p, mapped)) ? 'predicted' : 'prflx';
  }

  private sendCheck(via: Sender, remote: Remote, ttl: number, role: ContactRole = 'peer'): boolean {
    const id = newTransactionId();
    const key = hex(id);
    if (!via.send(encodeCheck(this.keys.checkKey, id), remote.endpoint, role, ttl)) return false;
    this.own.add(key);
    if (this.own.size > 4096) this.own.delete(this.own.values().next().value as string);
    this.pending.set(key, { remote, sentAt: this.clock.now(), via });
    // Bounded: answers older than the probes in flight are no longer waited for.
    if (this.pending.size > 2048) this.pending.delete(this.pending.keys().next().value as string);
    return true;
  }

  /** Checks and answers on any of our sockets (the main one, or one of the many-sockets method's). */
  private onPeerDatagram(via: Sender, data: Uint8Array, from: Endpoint): void {
    if (!this.checking) return;
    const { keys, remotes } = this;
    const read = readCheck(data, keys.checkKey);
    if (read.kind === 'check') {
      // Our own check come back (a NAT that hairpins to our own mapping) is not the peer.
      if (this.own.has(hex(read.message.transactionId))) return;
      this.checksFromPeer++;
      via.send(encodeCheckAnswer(keys.checkKey, read.message, from), from, 'peer');
      // RFC 8445 §7.3.1.3-4: an unknown source is a peer-reflexive candidate; check it at once
      // (from the socket the check arrived on: on an extra socket that is the only open way).
      const known = remotes.find((r) => sameEndpoint(r.endpoint, from));
      if (!known && remotes.filter((r) => r.kind === 'prflx').length < MAX_CANDIDATES && this.usable(from)) remotes.push({ endpoint: from, kind: 'prflx' });
      // On the IPv6 socket too, a check is met with one of ours at once (a triggered check, RFC
      // 8445 §7.3.1.4): over IPv6 no NAT can clash, so nothing is gained by waiting for the round.
      if ((!known || via !== this.main) && !this.pair && this.usable(from)) this.sendCheck(via, known ?? { endpoint: from, kind: 'prflx' }, NORMAL_TTL);
      return;
    }
    if (read.kind === 'answer') {
      const key = hex(read.message.transactionId);
      const p = this.pending.get(key);
      // §7.2.5.2.1: an answer counts only from where the check went, on the socket it left from.
      if (!p || p.via !== via || !sameEndpoint(p.remote.endpoint, from)) return;
      this.pending.delete(key);
      const rtt = this.clock.now() - p.sentAt;
      if (!this.pair) {
        const local = this.kindOfLocal(read.mapped, via);
        const pair: PunchPair = { local, remote: p.remote.kind, kind: `${local}↔${p.remote.kind}`, family: isV6(p.remote.endpoint) ? 6 : 4, localEndpoint: read.mapped, remoteEndpoint: p.remote.endpoint };
        this.pair = pair;
        this.pairVia = via;
        const connectedMs = Math.round(this.clock.now() - this.introducedAt);
        this.connectedMs = connectedMs;
        this.rtts.push(rtt);
        this.options.onProgress?.({ kind: 'connected', pair, ms: connectedMs });
        this.nudge();
      } else if (via === this.pairVia && sameEndpoint(p.remote.endpoint, this.pair.remoteEndpoint)) this.rtts.push(rtt);
    }
  }

  /** The main socket: Binding answers we wait for, the rendezvous's answers, then the peer's checks. */
  private onMainDatagram(data: Uint8Array, from: Endpoint): void {
    const { meet } = this;
    this.budget.received++;
    const m = decodeMessage(data);
    if (m.ok && m.value.method === Method.Binding && m.value.cls !== 'request') {
      const k = hex(m.value.transactionId);
      const waiter = this.bindings.get(k);
      if (waiter) {
        this.bindings.delete(k);
        waiter(from, data);
        return;
      }
    }
    if (sameEndpoint(from, this.options.rendezvous) && m.ok && m.value.method === RENDEZVOUS_METHOD) {
      const carried = this.joinIds.get(hex(m.value.transactionId));
      if (carried === undefined) return;
      // Once introduced, a refusal (a session forgotten, say) changes nothing: the peer is known.
      if (this.checking && m.value.cls !== 'success') return;
      meet.answered = true;
      if (m.value.cls === 'error') meet.refused = true;
      else if (m.value.cls === 'success') {
        const intro = decodeIntroduction(m.value);
        if (intro.ok) {
          if (!this.checking) meet.reflexive = intro.value.reflexive;
          this.relaysDelivered = carried;
          if (intro.value.peer && !meet.peer) meet.peer = { reflexive: intro.value.peer.reflexive, candidates: [...intro.value.peer.candidates] };
          // The peer's relay figures: the latest the rendezvous holds (a later join may add RTTs).
          if (intro.value.peer && sameEndpoint(intro.value.peer.reflexive, meet.peer!.reflexive)) meet.peerRelays = intro.value.peer.relays ? [...intro.value.peer.relays] : undefined;
        }
      }
      // Woken early only by news: a plain "still waiting" must not speed up the polling, and
      // once the checks run, the rendezvous's answers must not cut their pauses short.
      if (!this.checking && (meet.peer || meet.refused)) this.nudge();
      return;
    }
    this.onPeerDatagram(this.main, data, from);
  }

  /** One plain Binding from the main socket; the answer's mapped and OTHER-ADDRESS, or undefined. */
  private async binding(to: Endpoint): Promise<{ mapped?: Endpoint; other?: Endpoint } | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const id = newTransactionId();
      const got = new Promise<{ mapped?: Endpoint; other?: Endpoint } | undefined>((resolve) => {
        this.bindings.set(hex(id), (from, data) => {
          const m = decodeMessage(data);
          resolve(m.ok && sameEndpoint(from, to) ? readBindingAnswer(m.value, from) : undefined);
          this.nudge();
        });
      });
      if (!this.main.send(encodeMessage({ cls: 'request', method: Method.Binding, transactionId: id, attributes: [] }, { fingerprint: true }), to, 'rendezvous')) return undefined;
      const outcome = await Promise.race([got, this.pause(MAPPING_TEST_MS / 2).then(() => 'timeout' as const)]);
      this.bindings.delete(hex(id));
      if (outcome !== 'timeout') return outcome;
    }
    return undefined;
  }

  /**
   * RFC 5780 §4.3, tests I and II in short: is our mapping the same towards the server's other
   * address? When it is not, the two ports also give the stride of a NAT that allocates in
   * sequence.
   */
  private async testOwnMapping(): Promise<{ mapping: OwnMapping; first?: Endpoint; second?: Endpoint }> {
    const { rendezvous } = this.options;
    const sentAt = this.clock.now();
    const first = await this.binding(rendezvous);
    if (!first?.mapped || !first.other || !this.usable(first.other) || first.other.address === rendezvous.address) return { mapping: 'unknown' };
    this.depthTarget = { alternate: first.other, rttMs: this.clock.now() - sentAt };
    const second = await this.binding(first.other);
    if (!second?.mapped) return { mapping: 'unknown' };
    return { mapping: sameEndpoint(first.mapped, second.mapped) ? 'endpoint-independent' : 'endpoint-dependent', first: first.mapped, second: second.mapped };
  }

  closeAll(): void {
    this.closed = true;
    this.socket.close();
    this.socket6?.close();
    for (const s of this.extra) s.socket.close();
  }

  /**
   * The result. The TURN allocations are awaited first (each freed, or given up on, within its
   * own budget): the process must not end before the Refresh with LIFETIME 0 went out.
   */
  async finish(result: Omit<PunchResult, 'packets' | 'contacted' | 'symmetric' | 'ttl'>): Promise<PunchResult> {
    const { budget } = this;
    this.closeAll();
    const relays = this.relayMeasure ? await this.relayMeasure.done : undefined;
    const peerRelays = this.meet.peerRelays;
    return {
      ...result,
      symmetric: { ...this.symmetric },
      ttl: { ...this.ttlChoice },
      packets: { sent: budget.sent, received: budget.received, lowTtl: budget.lowTtl },
      contacted: [...budget.contacted.values()].map((c) => ({ ...c })),
      ...(relays ? { relays } : {}),
      ...(peerRelays?.length ? { peerRelays: peerRelays.map((f) => ({ server: { ...f.server }, rttMs: f.rttMs })) } : {}),
    };
  }

  // --- the relay figures, through the rendezvous ----------------------------------------------

  private relayKey(): string {
    return this.relayMeasure ? JSON.stringify(this.relayMeasure.figures()) : '';
  }

  /** A join (or a poll: the same message), carrying our relay figures as they are now. */
  private sendJoin(): boolean {
    const id = newTransactionId();
    this.joinIds.set(hex(id), this.relayKey());
    if (this.joinIds.size > 64) this.joinIds.delete(this.joinIds.keys().next().value as string);
    this.firstJoinAt ??= this.clock.now();
    const relays = this.relayMeasure?.figures();
    return this.main.send(encodeJoin({ sessionId: this.keys.sessionId, nonce: this.nonce, candidates: [...this.hostCandidates, ...this.predictedPorts], ...(relays ? { relays } : {}) }, id), this.options.rendezvous, 'rendezvous');
  }

  /** Figures still to exchange: ours changed since the rendezvous last acknowledged them, or the peer's are still being measured. */
  private relaysPending(): boolean {
    if (this.firstJoinAt !== undefined && this.clock.now() - this.firstJoinAt > REJOIN_UNTIL_MS) return false;
    const ours = this.relayMeasure !== undefined && this.relayKey() !== this.relaysDelivered;
    const theirs = this.meet.peerRelays?.some((f) => f.rttMs === 'measuring') === true;
    return ours || theirs;
  }

  /** After the introduction: a join every poll while figures are still to exchange, on a timer of its own. */
  private exchangeRelays(): void {
    const tick = (): void => {
      if (this.closed || this.aborted()) return;
      if (this.relaysPending()) this.sendJoin();
      this.clock.setTimeout(tick, POLL_MS);
    };
    if (this.relayMeasure || this.meet.peerRelays) this.clock.setTimeout(tick, POLL_MS);
  }

  /** No direct path: wait (at most RELAY_GRACE_MS) until both ends' final relay figures are exchanged. */
  async settleRelays(): Promise<void> {
    const end = this.clock.now() + RELAY_GRACE_MS;
    while (this.relaysPending() && !this.aborted() && this.clock.now() < end) await this.pause(Math.min(POLL_MS / 5, end - this.clock.now()));
  }

  /** Phase 0: our mapping measured (else as reported), and a sequential NAT's next ports declared. */
  async learnOwnMapping(): Promise<void> {
    const measured = await this.testOwnMapping();
    this.symmetric.ownMapping = measured.mapping !== 'unknown' ? measured.mapping : (this.options.reportedOwnMapping ?? 'unknown');
    if (this.options.lowTtl === undefined) this.startDepthTest();
    // A NAT that allocates in sequence gave our two mappings nearby ports: the mapping towards
    // the peer will most likely be one of the next few. They are declared as candidates (the
    // peer checks them like any other; ours are the checks that create the mapping).
    const { first, second } = measured;
    if (measured.mapping === 'endpoint-dependent' && first && second && first.address === second.address) {
      const stride = second.port - first.port;
      if (stride !== 0 && Math.abs(stride) <= MAX_STRIDE) {
        this.symmetric.stride = stride;
        this.hostCandidates.splice(0, Infinity, ...shareRoom(this.hostsByFamily.v4, this.hostsByFamily.v6, MAX_CANDIDATES - PREDICTED_PORTS));
        for (let k = 1; k <= PREDICTED_PORTS; k++) {
          const port = second.port + k * stride;
          if (port >= 1 && port <= 65535) this.predictedPorts.push({ address: second.address, port });
        }
      }
    }
  }

  /**
   * The depth of our NAT (natDepth.ts), measured in the background while we meet the peer. Not
   * under a symmetric NAT: blind there, and its sockets would shift a sequential NAT's next ports.
   */
  private startDepthTest(): void {
    const { depthTarget: target, options } = this;
    const mapping = this.symmetric.ownMapping;
    if (!target) this.ttlChoice = defaultTtl('the rendezvous gave no second address (serve --alternate, RFC 5780 OTHER-ADDRESS), which the depth test of our NAT needs');
    else if (mapping === 'endpoint-dependent') this.ttlChoice = chooseLowTtl({ open: false, ignoresChange: false }, mapping);
    else {
      this.depthTest = probeNatDepth({ factory: options.factory, clock: this.clock, budget: this.budget, primary: options.rendezvous, alternate: target.alternate, rttMs: target.rttMs, signal: options.signal }).then(
        (probe) => {
          this.ttlChoice = chooseLowTtl(probe, mapping);
        },
        (err: unknown) => {
          this.ttlChoice = defaultTtl(`the depth test failed (${err instanceof Error ? err.message : String(err)})`);
        },
      );
    }
  }

  /** The depth test over (when one runs): the first checks need its TTL. */
  async lowTtlSettled(): Promise<void> {
    await this.depthTest;
  }

  /** Phase 1: join every poll until the peer is introduced; otherwise the finished result saying why not. */
  async meetPeer(): Promise<Peer | PunchResult> {
    const { clock, meet, options } = this;
    const start = clock.now();
    const waitMs = options.waitMs ?? 60_000;
    const rendezvousTimeoutMs = options.rendezvousTimeoutMs ?? 5_000;
    let announced = false;
    while (!meet.peer && !meet.refused && !this.aborted()) {
      const elapsed = clock.now() - start;
      if (!meet.answered && elapsed >= rendezvousTimeoutMs) break;
      if (elapsed >= waitMs) break;
      if (!this.sendJoin()) break;
      await this.pause(POLL_MS);
      if (meet.reflexive && !announced && !meet.peer) {
        announced = true;
        options.onProgress?.({ kind: 'waiting', reflexive: meet.reflexive });
      }
    }
    if (!meet.answered) {
      return this.finish({ direct: 'unknown', rendezvous: 'unreachable', reason: `the rendezvous ${endpointKey(options.rendezvous)} did not answer in ${rendezvousTimeoutMs / 1000} s (is it running natprobe serve --rendezvous, and is UDP to it open?)` });
    }
    if (meet.refused) {
      return this.finish({ direct: 'unknown', rendezvous: 'refused', reflexive: meet.reflexive, reason: 'the rendezvous refused the join: the code is already used by two others, this address has too many sessions waiting, or the server is full; make a new code' });
    }
    if (!meet.peer) {
      return this.finish({ direct: 'unknown', rendezvous: 'reached', reflexive: meet.reflexive, reason: this.aborted() ? 'stopped before the peer joined' : `the peer did not join within ${Math.round(waitMs / 1000)} s` });
    }
    return meet.peer;
  }

  /** Phase 2 begins: checks are answered from now; false when none of the peer's candidates can be sent to. */
  startChecks(peer: Peer): boolean {
    const { remotes } = this;
    this.introducedAt = this.clock.now();
    this.checking = true;
    this.exchangeRelays();
    if (this.usable(peer.reflexive)) remotes.push({ endpoint: peer.reflexive, kind: 'srflx' });
    // A declared candidate on the peer's public address but another port is a predicted mapping
    // (the peer's NAT allocates in sequence), not a host address.
    for (const c of peer.candidates) {
      if (this.usable(c) && !remotes.some((r) => sameEndpoint(r.endpoint, c))) remotes.push({ endpoint: c, kind: c.address === peer.reflexive.address && c.port !== peer.reflexive.port ? 'predicted' : 'host' });
    }
    // Both ends allocate in sequence: each end's first new destination after its measurement
    // gets its first predicted port, so the two first predictions meet only if each end's first
    // check goes to the other's first predicted port. Every other candidate (the public address,
    // host addresses routed out through the NAT, the other predictions) is a new destination too
    // and would take that port first; they follow it in every round.
    const firstPredicted = remotes.findIndex((r) => r.kind === 'predicted');
    if (this.predictedPorts.length > 0 && firstPredicted > 0) remotes.unshift(...remotes.splice(firstPredicted, 1));
    return remotes.length > 0;
  }

  /**
   * Checks to every remote each interval (small TTL first, a pause, then normal), plus the
   * many-sockets method when one side is symmetric, until a pair answers or the budget ends.
   */
  async checkUntilPair(): Promise<PunchPair | undefined> {
    const { clock, options, remotes, symmetric, main, lowTtl, intervalMs } = this;
    const peerMapping = options.reportedPeerMapping ?? 'unknown';
    const useLowTtl = lowTtl > 0 && lowTtl < NORMAL_TTL && typeof this.socket.setTtl === 'function';
    const end = this.introducedAt + options.budgetMs;
    const srflx = remotes.find((r) => r.kind === 'srflx');
    // The symmetric side opens its sockets in the background, paced, once the plain checks (and
    // a predicted port) had their chance: at the moment the other side's probes begin, or up to
    // one poll later when it learned of us first; the probes last long enough to cover that.
    let opening: Promise<void> | undefined;
    let quietDone = !useLowTtl;
    let probes = 0;
    let nextRound = clock.now();
    while (!this.pair && !this.aborted() && clock.now() < end) {
      const t = clock.now() - this.introducedAt;
      if (clock.now() >= nextRound) {
        if (useLowTtl && t < LOW_TTL_PHASE_MS) {
          // IPv6 checks go at the full hop limit from the first round: no NAT, so no clash (see
          // the IPv6 section of docs/punch.md), and the direct IPv6 path forms without the wait.
          for (const r of remotes) this.sendCheck(this.senderFor(r.endpoint), r, isV6(r.endpoint) ? NORMAL_TTL : lowTtl);
          nextRound = clock.now() + intervalMs;
        } else if (!quietDone) {
          quietDone = true;
          await this.pause(Math.min(LOW_TTL_PAUSE_MS, end - clock.now()));
          nextRound = clock.now();
          continue;
        } else {
          for (const r of remotes) this.sendCheck(this.senderFor(r.endpoint), r, NORMAL_TTL);
          nextRound = clock.now() + intervalMs;
        }
      }
      const normalFor = t - (useLowTtl ? LOW_TTL_PHASE_MS + LOW_TTL_PAUSE_MS : 0);
      if (!opening && symmetric.ownMapping === 'endpoint-dependent' && peerMapping !== 'endpoint-dependent' && srflx && quietDone && normalFor >= PROBES_AFTER_MS) opening = this.openManySockets(srflx);
      // The easy side of a symmetric pair: random ports of the peer's public address, paced.
      const probing = symmetric.ownMapping === 'endpoint-independent' && peerMapping !== 'endpoint-independent' && srflx && quietDone && normalFor >= PROBES_AFTER_MS && probes < MAX_PROBES;
      if (probing) {
        symmetric.tried = 'random-ports';
        for (let i = 0; i < PER_TICK && probes < MAX_PROBES; i++) {
          const port = this.randomPort();
          if (port === srflx.endpoint.port) continue;
          if (!this.sendCheck(main, { endpoint: { address: srflx.endpoint.address, port }, kind: 'predicted' }, NORMAL_TTL, 'peer (random ports)')) break;
          probes++;
          symmetric.packets++;
        }
      }
      await this.pause(Math.max(1, Math.min(probing ? TICK_MS : nextRound - clock.now(), end - clock.now())));
    }
    await opening;
    return this.pair;
  }

  noPath(peer: Peer): Promise<PunchResult> {
    const { budget } = this;
    return this.finish({
      direct: this.aborted() ? 'unknown' : 'no',
      rendezvous: 'reached',
      reflexive: this.meet.reflexive,
      peer,
      reason: this.aborted()
        ? 'stopped before a direct path formed'
        : explainNoPath({ budgetMs: this.options.budgetMs, remotes: this.remotes.map((r) => r.kind), checksFromPeer: this.checksFromPeer, packetCapHit: budget.sent >= budget.maxPackets, symmetric: this.symmetric }),
    });
  }

  /**
   * A few more checks on the working pair for its RTT, and time for the peer to finish too:
   * its checks are answered until the linger ends.
   */
  async confirm(peer: Peer, found: PunchPair): Promise<PunchResult> {
    const { clock } = this;
    const lingerEnd = clock.now() + LINGER_MS;
    for (let i = 0; i < RTT_PINGS && !this.aborted(); i++) {
      this.sendCheck(this.pairVia, { endpoint: found.remoteEndpoint, kind: found.remote }, NORMAL_TTL);
      await this.pause(LINGER_MS / (RTT_PINGS + 1));
    }
    while (clock.now() < lingerEnd && !this.aborted()) await this.pause(lingerEnd - clock.now());
    const sorted = [...this.rtts].sort((a, b) => a - b);
    return this.finish({
      direct: 'yes',
      rendezvous: 'reached',
      reflexive: this.meet.reflexive,
      peer,
      pair: found,
      ms: this.connectedMs,
      rttMs: Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10,
      reason: `a check and its answer crossed ${found.kind} (${endpointKey(found.localEndpoint)} ↔ ${endpointKey(found.remoteEndpoint)}), authenticated with the code${this.pairVia !== this.main ? ', on one of the many sockets (the peer found its mapping among random ports)' : ''}`,
    });
  }

  /** The hard side: MANY_SOCKETS sockets, each sending one small-TTL check to the peer, paced. */
  private async openManySockets(target: Remote): Promise<void> {
    const { clock, options, budget, symmetric } = this;
    symmetric.tried = 'many-sockets';
    // A mapping per socket needs a packet that leaves our NAT: never TTL 1 (chosen when nothing of ours filters).
    const ttl = this.lowTtl > 0 ? Math.max(this.lowTtl, DEFAULT_LOW_TTL) : NORMAL_TTL;
    for (let i = 0; i < MANY_SOCKETS && !this.pair && !this.aborted() && clock.now() < this.introducedAt + options.budgetMs; i++) {
      let s: UdpSocket;
      try {
        s = await options.factory.bind({ family: 4 });
      } catch {
        break; // out of ports or descriptors: the sockets opened so far still count
      }
      const sender = new Sender(s, budget);
      this.extra.push(sender);
      s.onMessage((data, from) => {
        budget.received++;
        this.onPeerDatagram(sender, data, from);
      });
      if (this.sendCheck(sender, target, ttl)) symmetric.packets++;
      // A plain timer: pause() belongs to the main loop, whose wake-up must not be taken.
      if (i % PER_TICK === PER_TICK - 1) await new Promise<void>((resolve) => clock.setTimeout(resolve, TICK_MS));
    }
  }
}
