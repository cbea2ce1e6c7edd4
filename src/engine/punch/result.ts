import type { Endpoint } from '../net/udp';
import type { LowTtlChoice } from './natDepth';
import type { Tristate } from '../../report/report';
import type { RelayMeasurement } from './relays';
import type { RelayFigure } from './rendezvousWire';
import type { ContactRole } from './sender';

/** RFC 8445 §5.1.1: host, server-reflexive, peer-reflexive; 'predicted': a guessed port (many-sockets method). */
export type CandidateKind = 'host' | 'srflx' | 'prflx' | 'predicted';

/** Our own mapping towards two addresses of the rendezvous (RFC 5780 §4.3), or unknown without --alternate there. */
export type OwnMapping = 'endpoint-independent' | 'endpoint-dependent' | 'unknown';

export interface SymmetricAttempt {
  readonly ownMapping: OwnMapping;
  /** Port prediction: the stride between our two mappings when they were close (a NAT allocating in sequence); the next ports were declared. */
  readonly stride?: number;
  /** 'many-sockets': we are the symmetric side and opened the sockets; 'random-ports': we probed the peer's ports. */
  readonly tried?: 'many-sockets' | 'random-ports';
  /** Datagrams that method cost (the sockets' checks, or the probes). */
  readonly packets: number;
}

export interface PunchPair {
  readonly local: CandidateKind;
  readonly remote: CandidateKind;
  /** "srflx↔srflx", "host↔host", "prflx↔srflx"… (ours first). */
  readonly kind: string;
  /** The address family of the path: 6 for a check answered between two global IPv6 addresses. */
  readonly family: 4 | 6;
  /** Our address as the peer saw it on this pair. */
  readonly localEndpoint: Endpoint;
  readonly remoteEndpoint: Endpoint;
}

export interface PunchResult {
  /** yes: a check and its answer crossed a pair; no: the whole budget passed without; unknown: never got to try. */
  readonly direct: Tristate;
  readonly reason: string;
  readonly rendezvous: 'reached' | 'unreachable' | 'refused';
  /** Our public address as the rendezvous saw it. */
  readonly reflexive?: Endpoint;
  readonly peer?: { readonly reflexive: Endpoint; readonly candidates: readonly Endpoint[] };
  readonly pair?: PunchPair;
  /** From the introduction to the first answered check. */
  readonly ms?: number;
  /** Median RTT of the checks answered on the working pair. */
  readonly rttMs?: number;
  /** Datagrams this end sent (of them with the small TTL) and received. */
  readonly packets: { readonly sent: number; readonly received: number; readonly lowTtl: number };
  /** The TTL of the first checks (the small-TTL start) and where it came from: measured, --ttl, or the default and why. */
  readonly ttl: LowTtlChoice;
  /** The many-sockets method: what this end's mapping is, what it tried and at what cost. */
  readonly symmetric: SymmetricAttempt;
  /** Every destination that got a datagram, and why (port 0: many ports, the random-port probes). */
  readonly contacted: readonly { readonly address: string; readonly port: number; readonly role: ContactRole; readonly packets: number }[];
  /** With TURN servers configured: one Allocate on each (freed at once), fastest relay first. */
  readonly relays?: readonly RelayMeasurement[];
  /** The peer's figures for its TURN servers, the latest the rendezvous passed on (absent: it gave none). */
  readonly peerRelays?: readonly RelayFigure[];
}

/** Why no path formed, from what this end saw, and what would connect the two ends instead. */
export function explainNoPath(seen: { budgetMs: number; remotes: readonly CandidateKind[]; checksFromPeer: number; packetCapHit: boolean; symmetric: SymmetricAttempt }): string {
  const tried = `${seen.remotes.length} candidate${seen.remotes.length === 1 ? '' : 's'} of the peer (${[...new Set(seen.remotes)].join(', ') || 'none usable'})`;
  const heard =
    seen.checksFromPeer > 0
      ? `${seen.checksFromPeer} of the peer's checks reached us and were answered, but none of ours was answered: the path works one way only, typically our side's NAT changes its port per destination or the peer's filter drops our port`
      : "none of the peer's checks reached us";
  const limit = seen.packetCapHit ? ' (the packet cap was reached first)' : ` in ${seen.budgetMs / 1000} s`;
  const hard = symmetricNote(seen.symmetric, seen.remotes.includes('predicted'));
  return `no check was answered${limit}; tried ${tried}; ${heard}.${hard} A direct path needs one of: a UDP port forward on one side's router (then that side is reachable as it is), one side off symmetric NAT (an endpoint-independent mapping, RFC 4787 REQ-1), or else a relay (TURN) both ends can reach`;
}

/** What the symmetric side of things (port prediction, the many-sockets method) tells about the failure; '' when nothing. */
function symmetricNote(s: SymmetricAttempt, peerPredicted: boolean): string {
  if (s.tried === 'many-sockets') {
    return ` Our mapping changes per destination; ${s.packets} checks from as many sockets opened mappings towards the peer, and none of its random-port probes found one (its own mapping must be endpoint-independent for that).`;
  }
  if (s.tried === 'random-ports') return ` ${s.packets} probes to random ports of the peer's public address found no open mapping (the peer must be the symmetric side, opening its sockets, for that).`;
  if (s.stride !== undefined && peerPredicted) {
    return ` Both NATs count their ports up (ours by ${s.stride}) and each end aimed its first check at the other's first predicted port, yet they did not meet: other traffic through one of the NATs between its measurement and its first check most likely took the predicted port.`;
  }
  if (s.stride !== undefined) {
    return ` Our NAT counts its ports up (a step of ${s.stride}), so our next ports were declared to the peer, but the peer declared none of its own: if its mapping changes per destination it does so in a way no one can predict (random allocation, or its end could not measure it), and our filter admits only the port we sent to, so no guess of either end can meet the other's.`;
  }
  if (s.ownMapping === 'endpoint-dependent' && peerPredicted) {
    return " The peer's NAT counts its ports up (it declared its next ports), but ours changes per destination at random: the peer cannot know our port towards it, and its filter admits only the port it sent to.";
  }
  if (s.ownMapping === 'unknown') return ' The many-sockets method for symmetric NATs was not tried: it needs the rendezvous to run with --alternate, so each end can tell whether its own mapping changes per destination.';
  return '';
}
