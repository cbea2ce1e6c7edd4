import type { Endpoint } from '../net/udp';
import type { Tristate } from '../../report/report';

/** RFC 8445 §5.1.1: host, server-reflexive, peer-reflexive. */
export type CandidateKind = 'host' | 'srflx' | 'prflx';

export interface PunchPair {
  readonly local: CandidateKind;
  readonly remote: CandidateKind;
  /** "srflx↔srflx", "host↔host", "prflx↔srflx"… (ours first). */
  readonly kind: string;
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
  /** Every destination that got a datagram, and why. */
  readonly contacted: readonly { readonly address: string; readonly port: number; readonly role: 'rendezvous' | 'peer'; readonly packets: number }[];
}

/** Why no path formed, from what this end saw, and what would connect the two ends instead. */
export function explainNoPath(seen: { budgetMs: number; remotes: readonly CandidateKind[]; checksFromPeer: number; packetCapHit: boolean }): string {
  const tried = `${seen.remotes.length} candidate${seen.remotes.length === 1 ? '' : 's'} of the peer (${[...new Set(seen.remotes)].join(', ') || 'none usable'})`;
  const heard =
    seen.checksFromPeer > 0
      ? `${seen.checksFromPeer} of the peer's checks reached us and were answered, but none of ours was answered: the path works one way only, typically our side's NAT changes its port per destination or the peer's filter drops our port`
      : "none of the peer's checks reached us";
  const limit = seen.packetCapHit ? ' (the packet cap was reached first)' : ` in ${seen.budgetMs / 1000} s`;
  return `no check was answered${limit}; tried ${tried}; ${heard}. A direct path needs one of: a UDP port forward on one side's router (then that side is reachable as it is), one side off symmetric NAT (an endpoint-independent mapping, RFC 4787 REQ-1), or else a relay (TURN) both ends can reach`;
}
