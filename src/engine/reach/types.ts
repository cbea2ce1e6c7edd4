/**
 * `natprobe reach`: the contract between the protocol probes (WireGuard handshake initiation,
 * OpenVPN hard reset), the CLI, the extension and the linter's PORT rules. One ReachResult per
 * endpoint a config names. Nothing here ever carries key material: a peer is named by the
 * first characters of its public key, never by a private or preshared key.
 */

import type { Clock } from '../clock';
import type { TcpConnector } from '../net/tcp';
import type { UdpSocketFactory } from '../net/udp';
import type { Resolver } from '../discovery/resolve';

/**
 * What one endpoint did with the first packet of its own protocol.
 * - reachable: it answered in protocol (a WireGuard handshake response we verified, an OpenVPN
 *   P_CONTROL_HARD_RESET_SERVER_V2 acknowledging our session id).
 * - no-answer: silence until the budget ended (blocked on the path, server down, or keys it
 *   does not accept: WireGuard and wrapped OpenVPN are silent to all three).
 * - refused: the host said nothing listens there (ICMP port unreachable on UDP, RST on TCP).
 * - unresolved: the host name did not resolve.
 * - not-tested: not sent, and why (no Endpoint, a live tunnel with this key without
 *   confirmation, a config the probe cannot use: missing key, unsupported wrapping…).
 * - error: answered, but not in a way that fits the protocol (the reason says what came back).
 */
export type ReachOutcome = 'reachable' | 'no-answer' | 'refused' | 'unresolved' | 'not-tested' | 'error';

export interface ReachTarget {
  readonly protocol: 'wireguard' | 'openvpn';
  /** As written in the config (host name or address literal). */
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** 0-based line of the `Endpoint =` / `remote` line; the editor puts its diagnostic there. */
  readonly line: number;
  /** How a person recognises it: "peer hPx9sQ2z… (line 12)", "remote vpn.example.net 1194 udp (line 3)". */
  readonly label: string;
}

export interface ReachResult {
  readonly target: ReachTarget;
  readonly outcome: ReachOutcome;
  /** The address actually contacted, when the host resolved. */
  readonly address?: string;
  /** Time from our packet to the answer that proved the outcome. */
  readonly rttMs?: number;
  /** One sentence a person can read aloud: what the answer (or the silence) means. */
  readonly summary: string;
  /** What was sent and what came back, step by step. Never key material. */
  readonly evidence: readonly string[];
  /** For silence: every cause that fits what was seen, the most likely first. */
  readonly possibleCauses?: readonly string[];
  /** What to check next, when it did not answer. */
  readonly nextStep?: string;
  /** Datagrams (or TCP segments with payload) we sent to this endpoint. */
  readonly packetsSent: number;
}

/** What a reach probe needs from the outside world: injected, so tests use the virtual network. */
export interface ReachEnvironment {
  readonly udp: UdpSocketFactory;
  readonly tcp: TcpConnector;
  readonly clock: Clock;
  readonly resolve: Resolver;
  /** Whole budget per endpoint, in ms. */
  readonly budgetMs: number;
  readonly signal?: AbortSignal;
}
