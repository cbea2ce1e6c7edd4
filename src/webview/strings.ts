/**
 * Every English string the report panel shows, in one place (the host's strings go through
 * vscode.l10n; the webview's would be swapped here).
 */
import type { Behaviour, NatType, Severity, Tristate, VpnKind } from '../report/report';

export const S = {
  title: 'NAT Probe report',
  waiting: 'Waiting for a report… Run “NAT Probe: Run NAT diagnosis” to make one.',
  partial: 'Quick verdict: the deeper tests (ports, lifetime, relay) are still running; this page fills in when they finish.',
  meta: (when: string, seconds: string, version: string) => `Measured ${when} in ${seconds} s by natprobe ${version}.`,
  runAgain: 'Run the diagnosis again',

  // Verdict sentences beyond the per-type ones (VERDICT below)
  verdictUdpUnknown: 'UDP could not be tested',
  verdictBehindNat: 'Behind a NAT',
  verdictNoNat: 'No NAT',
  verdictFilteringUnknown: (mapping: string, explain: string, why: string) => `Its mapping is ${mapping} (${explain}); its filtering could not be told: ${why}`,
  verdictFirewallUnknown: (why: string) => `This machine has a public address; whether a firewall filters inbound UDP could not be told: ${why}`,
  verdictCgnat: 'You are also behind carrier-grade NAT (your provider’s): port forwarding on your router cannot make a server here reachable.',
  verdictDoubleNat: 'There is a second NAT beyond your router: port forwarding on the router alone will not make a server here reachable.',

  // Sections
  verdictHeading: 'Verdict',
  pathHeading: 'The path to the internet',
  pathLegendUnknown: 'Dashed boxes with “?” are hops the probe could not confirm or rule out.',
  behaviourHeading: 'How the NAT behaves',
  serversHeading: 'Servers',
  portsHeading: 'VPN ports',
  lifetimeHeading: 'Mapping lifetime',
  extrasHeading: 'More tests',
  recommendationsHeading: 'Recommendations',

  // Tri-states
  yes: 'Yes',
  no: 'No',
  unknown: 'Could not tell',

  // Verdict facts
  factNatType: 'NAT type',
  factMapping: 'Mapping',
  factFiltering: 'Filtering',
  factPortPreservation: 'Keeps the local port',
  factCgnat: 'Carrier-grade NAT',
  factDoubleNat: 'A second NAT beyond the router',
  factUdp: 'UDP gets out',

  // Path
  pathMachine: 'This machine',
  pathRouter: 'Your router (NAT)',
  pathNoNat: 'No NAT',
  pathNatUnknown: 'NAT?',
  pathSecondNat: 'Second NAT',
  pathCarrierNat: 'Carrier NAT',
  pathCarrierNatUnknown: 'Carrier NAT?',
  pathInternet: 'Internet',
  pathSeenAs: 'you appear as',
  pathNoPublic: 'public address unknown',
  pathNoLocal: 'no address found',
  pathMore: (n: number) => `+${n} more`,
  pathBlocked: 'UDP blocked',
  pathNoAnswer: 'no answer',
  pathGateway: (g: string) => `gateway ${g}`,
  pathCouldNotTell: 'could not tell',
  pathAria: 'Network path from this machine to the STUN servers',
  pathServers: (n: number) => (n === 1 ? '1 server' : `${n} servers`),
  pathFirewall: 'Firewall',
  pathFirewallLine: 'filters inbound UDP',
  pathMappingWord: 'mapping',
  pathBeyondRouter: 'beyond the router',
  pathCarrierLine: 'your provider’s NAT',

  // Behaviour
  evidence: (n: number) => (n === 1 ? 'Evidence (1 observation)' : `Evidence (${n} observations)`),
  noEvidence: 'No observations recorded.',
  evidenceTest: 'Test',
  evidenceObservation: 'Seen',

  // Servers
  colServer: 'Server',
  colAddress: 'Address',
  colRtt: 'Round trip',
  colRfc5780: 'RFC 5780',
  colNote: 'Note',
  noServers: 'No server was contacted.',
  ms: (n: number) => `${n} ms`,
  noAnswer: 'no answer',
  unresolved: 'not resolved',

  // Ports
  colProtocol: 'Protocol',
  colPort: 'Port',
  colReachable: 'Gets through',
  colBasis: 'What the verdict rests on',
  portBlocked: 'Blocked or filtered',
  portsNotTested: 'Not tested.',
  portsHowTo:
    'Port reachability needs a server you run with “natprobe serve --ports default” (it answers STUN on the VPN ports); then run “natprobe diagnose --server HOST --ports default” in a terminal. Silence is reported as “blocked or filtered”, never as open.',

  // Lifetime
  lifetimeNotMeasured: 'Not measured.',
  lifetimeHowTo: 'How long this NAT keeps an idle UDP mapping decides the keepalive your tunnel needs. Measuring it takes up to 2 minutes.',
  lifetimeMeasure: 'Measure NAT mapping lifetime',
  lifetimeValue: 'An idle mapping lives',
  lifetimeIdle: 'Longest idle time survived',
  lifetimeRefreshed: 'Inbound traffic keeps it alive',
  lifetimeAbsolute: 'Dropped even with traffic after',
  lifetimeUnknownValue: 'could not tell',
  seconds: (n: number) => `${n} s`,
  noAbsolute: 'no such limit seen',

  // Extras
  hairpin: 'Hairpinning (reaching your own public address from inside)',
  portMappingHeading: 'Port mapping on the gateway (read-only check)',
  upnp: 'UPnP IGD',
  natPmp: 'NAT-PMP',
  pcp: 'PCP',
  gateway: 'Gateway',
  gatewayUnknown: 'not found',
  turnHeading: 'TURN relay',
  turnAllocated: 'Allocation',
  turnRelayed: 'Relayed address',
  turnRtt: 'Round trip',
  turnReleased: 'Freed again',
  turnReleasedYes: 'yes',
  turnReleasedNo: 'no: it will expire on its own',
  turnReleasedNone: 'no allocation was made',
  none: '—',

  // Recommendations
  noRecommendations: 'Nothing to recommend.',
  severity: { error: 'Error', warning: 'Warning', info: 'Info' } satisfies Record<Severity, string>,
  vpn: {
    wireguard: 'WireGuard',
    'openvpn-udp': 'OpenVPN (UDP)',
    'openvpn-tcp': 'OpenVPN (TCP)',
    ipsec: 'IPsec',
    p2p: 'Peer-to-peer overlays',
    general: 'Any VPN',
  } satisfies Record<VpnKind, string>,
  copy: 'Copy',
  copyAria: (what: string) => `Copy the recommendation: ${what}`,
  apply: (file: string) => `Apply to ${file}`,
  applyAria: (file: string, what: string) => `Apply to ${file}: ${what}`,
  applyHint: (file: string) => `“Apply to config” edits ${file}, the WireGuard/OpenVPN file open in the editor; Undo there reverts it.`,
  applyNoConfig: 'Open a WireGuard or OpenVPN config in an editor to apply a recommendation to it.',
  copied: 'Copied.',
  evidenceLabel: 'Evidence',
  requirement: (rfc: string) => `Requirement: ${rfc}`,

  // Footer
  ignored: (w: number, u: number, m: number) =>
    `Ignored packets: ${w} with a wrong transaction, ${u} from an unexpected source, ${m} malformed.`,
} as const;

export const TRISTATE_WORD: Record<Tristate, string> = { yes: S.yes, no: S.no, unknown: S.unknown };

export const BEHAVIOUR_WORDS: Record<Behaviour, { readonly name: string; readonly explain: string }> = {
  'endpoint-independent': { name: 'Endpoint-independent', explain: 'the same public address and port for every destination' },
  'address-dependent': { name: 'Address-dependent', explain: 'depends on the destination address' },
  'address-and-port-dependent': { name: 'Address-and-port-dependent', explain: 'depends on the destination address and port' },
  none: { name: 'No NAT', explain: 'the address the servers see is this machine’s own' },
  unknown: { name: 'Could not tell', explain: '' },
};

export const FILTERING_EXPLAIN: Record<Behaviour, string> = {
  'endpoint-independent': 'anyone may send back through an open mapping',
  'address-dependent': 'only addresses this machine has sent to may send back',
  'address-and-port-dependent': 'only the exact address and port this machine has sent to may send back',
  none: 'nothing filters inbound UDP',
  unknown: '',
};

export const NAT_TYPE_WORDS: Record<NatType, string> = {
  'open-internet': 'Open internet',
  'full-cone': 'Full cone',
  'restricted-cone': 'Restricted cone',
  'port-restricted-cone': 'Port-restricted cone',
  symmetric: 'Symmetric',
  'symmetric-udp-firewall': 'Firewall, no NAT',
  'udp-blocked': 'UDP blocked',
  unknown: 'Could not tell',
};

/** The verdict's headline and one sentence, in plain words. */
export const VERDICT: Record<NatType, { readonly headline: string; readonly sentence: string }> = {
  'open-internet': {
    headline: 'No NAT, nothing filters',
    sentence: 'This machine has a public address and inbound UDP reaches it: a VPN server here is reachable directly.',
  },
  'full-cone': {
    headline: 'Behind a full-cone NAT',
    sentence: 'The most permissive NAT: once a mapping is open, anyone can reach it. Peer-to-peer VPNs connect directly.',
  },
  'restricted-cone': {
    headline: 'Behind a restricted-cone NAT',
    sentence: 'The NAT keeps one public port per local port, and lets in only addresses this machine has talked to. Direct peer-to-peer connections usually work.',
  },
  'port-restricted-cone': {
    headline: 'Behind a port-restricted cone NAT',
    sentence:
      'The NAT keeps one public port per local port, and lets in only the exact address and port this machine has talked to. Direct connections work with most peers, but not with peers behind symmetric NATs.',
  },
  symmetric: {
    headline: 'Behind a symmetric NAT',
    sentence: 'Each destination gets its own public port, so a peer cannot predict where to reach you. Peer-to-peer tunnels will often need a relay; a client-to-server VPN works.',
  },
  'symmetric-udp-firewall': {
    headline: 'No NAT, but a firewall filters',
    sentence: 'This machine has a public address, but a firewall drops unsolicited inbound UDP: keep the tunnel alive from this side.',
  },
  'udp-blocked': {
    headline: 'UDP is blocked',
    sentence: 'No UDP answer came back from any server: WireGuard, IPsec and OpenVPN over UDP will not connect from here.',
  },
  unknown: {
    headline: 'NAT type not fully known',
    sentence: '',
  },
};
