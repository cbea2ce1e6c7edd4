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
 * Symmetric NATs (the many-sockets, "birthday" method). Before joining, each end asks the
 * rendezvous's second address (RFC 5780 OTHER-ADDRESS, when serve runs with --alternate) what it
 * sees: a different port there means our mapping depends on the destination. Such an end opens
 * MANY_SOCKETS extra sockets, each sending one small-TTL check to the peer's public address (a
 * mapping towards it per socket, admitting that address); an end whose mapping does not depend on
 * the destination sends, once the plain checks have had their chance, checks to random ports of
 * the peer's public address. One in about 250 ports is open, so 1,500 probes hit with
 * probability above 99 %; both are capped (count and rate) and reported.
 *
 * IPv6. Global IPv6 addresses are declared beside the IPv4 ones and checked from an IPv6 socket
 * of their own, with the full hop limit from the first round: no NAT, so no clash to avoid (a
 * firewall that drops a new inbound flow keeps no state of it, measured in the lab). The first
 * pair answered wins; IPv6 checks start 1,050 ms before IPv4's normal ones, so IPv6 wins when
 * both work (RFC 8421 prefers IPv6 host candidates). The rendezvous itself is met over IPv4.
 *
 * Time and sockets are injected (clock, factory) so the virtual network can run it.
 */
import type { Clock } from '../clock';
import type { Endpoint, UdpSocketFactory } from '../net/udp';
import type { SessionKeys } from './code';
import { PunchRun } from './punchRun';
import type { PunchTurnServer } from './relays';
import type { OwnMapping, PunchPair, PunchResult } from './result';

export { NORMAL_TTL } from './sender';
export { DEFAULT_LOW_TTL, DEFAULT_MAX_PACKETS, LOW_TTL_PAUSE_MS, LOW_TTL_PHASE_MS, MANY_SOCKETS, MAX_PROBES } from './punchRun';

export interface PunchOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly rendezvous: Endpoint;
  readonly keys: SessionKeys;
  /**
   * This host's addresses to declare as host candidates: IPv4 (LAN peers connect on these) and
   * global IPv6 (2000::/3; two ends with IPv6 behind stateful firewalls connect on these, no NAT
   * in the way). Others are dropped; with a global IPv6 one an IPv6 socket is opened for them.
   */
  readonly hostAddresses: readonly string[];
  /** Time for the checks once introduced, in ms. */
  readonly budgetMs: number;
  /** How long to wait for the peer to join (the rendezvous forgets a session after 60 s). */
  readonly waitMs?: number;
  /** No answer at all from the rendezvous within this: it cannot be reached. */
  readonly rendezvousTimeoutMs?: number;
  /** TTL of the first checks; 0 sends every check with the normal TTL. */
  readonly lowTtl?: number;
  /** Hard cap on datagrams in total (joins, checks, answers, the many-sockets method). */
  readonly maxPackets?: number;
  readonly intervalMs?: number;
  /** Tries the many-sockets method when one side is symmetric (default true). */
  readonly manySockets?: boolean;
  /**
   * The mappings as diagnose reports measured them (--report, --peer-report): our own is used
   * when the rendezvous cannot tell (no second address); the peer's spares the method where it
   * cannot help (probing the ports of a peer whose mapping does not change, or opening sockets
   * towards a peer that is symmetric too).
   */
  readonly reportedOwnMapping?: OwnMapping;
  readonly reportedPeerMapping?: OwnMapping;
  /**
   * TURN servers to allocate on (in parallel, beside the punch) and rank by RTT; the figures go to
   * the peer through the rendezvous, so both ends can name the relay with the lowest sum.
   */
  readonly turn?: readonly PunchTurnServer[];
  /** Time each Allocate gets (RELAY_BUDGET_MS by default). */
  readonly turnBudgetMs?: number;
  readonly random?: (n: number) => Uint8Array;
  readonly randomPort?: () => number;
  readonly onProgress?: (event: PunchProgress) => void;
  readonly signal?: AbortSignal;
}

export type PunchProgress =
  | { readonly kind: 'waiting'; readonly reflexive: Endpoint }
  | { readonly kind: 'introduced'; readonly peer: { readonly reflexive: Endpoint; readonly candidates: readonly Endpoint[] } }
  | { readonly kind: 'connected'; readonly pair: PunchPair; readonly ms: number };

export const DEFAULT_BUDGET_MS = 10_000;

export async function runPunch(options: PunchOptions): Promise<PunchResult> {
  const run = await PunchRun.start(options);
  try {
    // --- Phase 0: what kind of mapping do we have? (needs serve --alternate) ----------------
    if (options.manySockets !== false) await run.learnOwnMapping();
    // --- Phase 1: the rendezvous -------------------------------------------------------------
    const met = await run.meetPeer();
    if ('direct' in met) return met;
    await run.lowTtlSettled();
    options.onProgress?.({ kind: 'introduced', peer: met });
    // --- Phase 2: connectivity checks ---------------------------------------------------------
    if (!run.startChecks(met)) {
      return run.finish({ direct: 'unknown', rendezvous: 'reached', reflexive: run.reflexive, peer: met, reason: 'none of the addresses the rendezvous gave for the peer can be sent to (loopback, multicast or broadcast), so nothing was tried' });
    }
    const found = await run.checkUntilPair();
    // No direct path: the relay is the fallback, so both ends' final figures are worth a short wait.
    if (!found) await run.settleRelays();
    return found ? await run.confirm(met, found) : await run.noPath(met);
  } catch (err) {
    run.closeAll();
    throw err;
  }
}
