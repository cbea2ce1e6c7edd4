/**
 * What a yes or a no means for the person reading the panel or the CLI's text report (pure: no
 * DOM, unit-tested). Both colour an answer by this, and the panel marks it by this, never by the
 * word: "Carrier-grade NAT: No" is good
 * news and is drawn green with ✓; "Keeps the local port: No" is only a fact, with neither ✓ nor
 * ✗. "Could not tell" is always the caution colour and "not applicable" always muted, whatever
 * the fact.
 */
import type { Tristate } from '../report/report';

/** good: helps a VPN; bad: gets in its way; neutral: a fact without a judgement. */
export type Meaning = 'good' | 'bad' | 'neutral';
/** The colour class an answer gets: a Meaning, or the two states that are not answers. */
export type Tone = Meaning | 'unknown' | 'na';

export interface Polarity {
  readonly yes: Meaning;
  readonly no: Meaning;
}

/** Every yes/no fact the panel shows, and what each answer means. */
export const FACT_MEANING = {
  /** UDP gets out: without it, no WireGuard/IPsec/OpenVPN-over-UDP. */
  udp: { yes: 'good', no: 'bad' },
  /** Behind the provider's NAT: port forwarding cannot help (RFC 6598 shared space). */
  cgnat: { yes: 'bad', no: 'good' },
  /** A second NAT beyond the router: the same. */
  doubleNat: { yes: 'bad', no: 'good' },
  /** The public port equals the local one: nice for peer-to-peer, not needed by a VPN client. */
  portPreservation: { yes: 'good', no: 'neutral' },
  /** A symmetric NAT that counts its ports up: port prediction can still reach a peer; random ports are the usual case. */
  sequentialPorts: { yes: 'good', no: 'neutral' },
  /** Reaching one's own public address from inside: only matters for peers on the same LAN. */
  hairpinning: { yes: 'good', no: 'neutral' },
  /** A VPN port gets through to the ports server. */
  portReachable: { yes: 'good', no: 'bad' },
  /** The server supports RFC 5780 behaviour discovery: a property of the server, not of the network. */
  serverRfc5780: { yes: 'neutral', no: 'neutral' },
  /** The gateway speaks UPnP / NAT-PMP / PCP: a fact (convenient, and a risk some prefer to avoid). */
  portMappingProtocol: { yes: 'neutral', no: 'neutral' },
  /** A TURN relay allocation succeeded: the fallback path works. */
  turnAllocated: { yes: 'good', no: 'bad' },
  /** Inbound traffic refreshes the mapping: keepalives from either end keep it open. */
  lifetimeRefreshedByInbound: { yes: 'good', no: 'neutral' },
  /** A server answered at all (the servers table: "no answer" is bad). */
  serverAnswered: { yes: 'good', no: 'bad' },
  /** natprobe reach: the VPN server answered its own protocol. */
  reachAnswered: { yes: 'good', no: 'bad' },
  /** natprobe punch: a direct path formed (or compare predicts one). */
  directPath: { yes: 'good', no: 'bad' },
} as const satisfies Record<string, Polarity>;

export type Fact = keyof typeof FACT_MEANING;

/** The tone of one answer to `fact`: unknown stays "could not tell", not applicable stays muted. */
export function toneOf(fact: Fact, value: Tristate | 'not-applicable'): Tone {
  if (value === 'not-applicable') return 'na';
  if (value === 'unknown') return 'unknown';
  return FACT_MEANING[fact][value];
}

/**
 * The mark before an answer's word, by its tone like its colour: ✓ is good news and ✗ bad news
 * (a ✗ beside a "No" that is good news read as an error), a plain dot a fact without a
 * judgement, ? could not tell, – not applicable. The word itself still says yes or no.
 */
export function markOf(tone: Tone): string {
  switch (tone) {
    case 'good':
      return '✓';
    case 'bad':
      return '✗';
    case 'neutral':
      return '•';
    case 'unknown':
      return '?';
    case 'na':
      return '–';
  }
}
