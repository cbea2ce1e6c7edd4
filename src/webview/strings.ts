/**
 * Every string the report panel shows, in one place, each through t(): English in the source,
 * the display language when VS Code has a translation (vscode.l10n.bundle, handed over by the
 * host in the page; see l10n.ts). The tables are rebuilt once the bundle is known.
 */
import type { Behaviour, NatType, Severity, Tristate, VpnKind } from '../report/report';
import { setBundle, t } from './l10n';

// Long because it is a table: one entry per string the panel shows; the only logic is choosing a
// plural or a word per value, next to the strings it chooses between.
function strings() {
  return {
    title: t('NAT Probe report'),
    waiting: t('Waiting for a report… Run “NAT Probe: Run NAT diagnosis” to make one.'),
    partial: t('Quick verdict: the deeper tests (ports, lifetime, relay) are still running; this page fills in when they finish.'),
    meta: (when: string, duration: string, version: string) => t('Measured {0} in {1} by natprobe {2}.', when, duration, version),
    runAgain: t('Run the diagnosis again'),
    savedReportUnreadable: (why: string) => t('The saved report could not be read ({0}). Run a diagnosis again.', why),

    // Verdict sentences beyond the per-type ones (VERDICT below)
    verdictUdpUnknown: t('Could not tell whether UDP gets through'),
    verdictBehindNat: t('Behind a NAT'),
    verdictNoNat: t('No NAT'),
    // The reasons stand once, below the verdict (the facts and "How the NAT behaves"): not repeated here.
    verdictFilteringUnknown: (mapping: string, explain: string) => t('Its mapping is {0} ({1}); its filtering was not measured.', mapping, explain),
    verdictFirewallUnknown: t('This machine has a public address; whether a firewall filters inbound UDP was not measured.'),
    filteringMeasuredWith: (server: string) => t('Measured with {0}.', server),
    filteringHint: t('To measure filtering, run “natprobe serve --primary IP1 --alternate IP2” on a host with two public addresses, then add IP1 to the setting natProbe.servers.'),
    verdictCgnat: t('You are also behind carrier-grade NAT (your provider’s): port forwarding on your router cannot make a server here reachable.'),
    verdictDoubleNat: t('There is a second NAT beyond your router: port forwarding on the router alone will not make a server here reachable.'),

    // Sections
    verdictHeading: t('Verdict'),
    pathHeading: t('The path to the internet'),
    pathLegendUnknown: t('Dashed boxes with “?” are hops the probe could not confirm or rule out.'),
    behaviourHeading: t('How the NAT behaves'),
    serversHeading: t('Servers'),
    portsHeading: t('VPN ports'),
    lifetimeHeading: t('Mapping lifetime'),
    extrasHeading: t('More tests'),
    recommendationsHeading: t('Recommendations'),

    // Tri-states
    yes: t('Yes'),
    no: t('No'),
    unknown: t('Could not tell'),
    notApplicable: t('Not applicable'),

    // Verdict facts
    factNatType: t('NAT type'),
    factMapping: t('Mapping'),
    factFiltering: t('Filtering'),
    factPortPreservation: t('Keeps the local port'),
    factSequentialPorts: t('Counts its ports up (predictable)'),
    factCgnat: t('Carrier-grade NAT'),
    factDoubleNat: t('A second NAT beyond the router'),
    factUdp: t('UDP gets out'),

    // Path
    pathMachine: t('This machine'),
    pathRouter: t('Your router (NAT)'),
    pathNoNat: t('No NAT'),
    pathNatUnknown: t('NAT?'),
    pathSecondNat: t('Second NAT'),
    pathCarrierNat: t('Carrier NAT'),
    pathCarrierNatUnknown: t('Carrier NAT?'),
    pathInternet: t('Internet'),
    pathSeenAs: t('you appear as'),
    pathNoPublic: t('public address unknown'),
    pathNoLocal: t('no address found'),
    pathMore: (n: number) => t('+{0} more', n),
    pathBlocked: t('UDP blocked'),
    pathNoAnswer: t('no answer'),
    pathGateway: (g: string) => t('gateway {0}', g),
    pathCouldNotTell: t('could not tell'),
    pathAria: t('Network path from this machine to the STUN servers'),
    pathServers: (n: number) => (n === 1 ? t('1 server') : t('{0} servers', n)),
    pathFirewall: t('Firewall'),
    pathFirewallLine: t('filters inbound UDP'),
    pathMappingWord: t('mapping'),
    pathBeyondRouter: t('beyond the router'),
    pathCarrierLine: t('your provider’s NAT'),
    pathAboveRouter: t('a NAT above your router'),
    pathWan: (address: string) => t('WAN {0}', address),
    pathWanNoPublic: t('WAN: no public address'),
    pathNothingAbove: t('no NAT above it'),

    // Behaviour
    evidence: (n: number) => (n === 1 ? t('Evidence (1 observation)') : t('Evidence ({0} observations)', n)),
    noEvidence: t('No observations recorded.'),
    evidenceTest: t('Test'),
    evidenceObservation: t('Seen'),

    // Servers
    colServer: t('Server'),
    colAddress: t('Address'),
    colRtt: t('Round trip'),
    colRfc5780: t('RFC 5780'),
    colNote: t('Note'),
    noServers: t('No server was contacted.'),
    ms: (n: number) => t('{0} ms', n),
    msText: (n: string) => t('{0} ms', n),
    secondsText: (n: string) => t('{0} s', n),
    noAnswer: t('no answer'),
    unresolved: t('not resolved'),

    // Ports
    colProtocol: t('Protocol'),
    colPort: t('Port'),
    colReachable: t('Gets through'),
    colBasis: t('What the verdict rests on'),
    portBlocked: t('Blocked or filtered'),
    portsNotTested: t('Not tested.'),
    portsHowTo: t(
      'Port reachability needs a server outside your network running “natprobe serve --ports default” (it answers STUN on the VPN ports): set natProbe.portsServer to it and run “NAT Probe: Test VPN ports”. Silence is reported as “blocked or filtered”, never as open.',
    ),
    portsTest: t('Test VPN ports'),

    // Your VPN servers (natprobe reach)
    reachHeading: t('Your VPN servers'),
    reachIntro: t('The first packet of each server’s own protocol, sent with the config’s keys (“Test reachability” above an Endpoint or remote). Silence proves nothing by itself: blocked, down, or keys the server does not accept.'),
    reachColConfig: t('Config'),
    reachColServer: t('Server'),
    reachColOutcome: t('Answer'),
    reachColMeaning: t('What it means'),
    reachRtt: (ms: string) => t('{0} ms', ms),
    reachOutcome: (outcome: string) =>
      outcome === 'reachable'
        ? t('Reachable')
        : outcome === 'no-answer'
          ? t('No answer')
          : outcome === 'refused'
            ? t('Refused')
            : outcome === 'unresolved'
              ? t('Could not resolve')
              : outcome === 'not-tested'
                ? t('Not tested')
                : t('Unexpected answer'),

    // Direct path to a peer (natprobe punch)
    punchHeading: t('Direct path to a peer'),
    punchIntro: (via: string) => t('A real UDP hole punch, met through the rendezvous {0} (“Test a direct path to a peer”): proof of what happened on this path, with compare’s prediction from the two reports beside it.', via),
    punchProof: t('Proved'),
    punchPredicted: t('Predicted by compare'),
    punchPair: t('Pair'),
    punchTime: t('Time to the path'),
    punchRtt: t('RTT over the path'),
    punchPackets: t('Packets sent'),
    punchDirect: { yes: t('Direct path'), no: t('No direct path'), unknown: t('Could not tell') },
    punchDisagree: t('The proof and the prediction disagree: the proof is what happened on this path; the prediction came from the two reports.'),
    punchAt: (when: string) => t('Tested {0}.', when),

    // Lifetime
    lifetimeNotMeasured: t('Not measured.'),
    lifetimeHowTo: t('How long this NAT keeps an idle UDP mapping decides the keepalive your tunnel needs. Measuring it takes up to 2 minutes.'),
    lifetimeMeasure: t('Measure NAT mapping lifetime'),
    lifetimeValue: t('An idle mapping lives'),
    lifetimeIdle: t('Longest idle time survived'),
    lifetimeRefreshed: t('Inbound traffic keeps it alive'),
    lifetimeAbsolute: t('Dropped even with traffic after'),
    lifetimeUnknownValue: t('could not tell'),
    lifetimeSentence: (s: number) => t('An idle UDP mapping lives {0} s on this NAT.', s),
    lifetimeSentenceWithLimit: (s: number, limit: number) => t('An idle UDP mapping lives {0} s on this NAT, and none lives past {1} s even with traffic.', s, limit),
    lifetimeSentenceOnlyLimit: (limit: number) => t('This NAT drops every UDP mapping after about {0} s, even with traffic.', limit),
    lifetimeSentenceUnknown: t('How long an idle mapping lives could not be told: see the details.'),
    lifetimeSentenceNotApplicable: t('There is no mapping here to expire (no NAT, no stateful firewall): no keepalive is needed for its sake.'),
    lifetimeDetails: t('Evidence (how it was measured)'),
    seconds: (n: number) => t('{0} s', n),
    noAbsolute: t('no such limit seen'),

    // Extras
    hairpin: t('Hairpinning (reaching your own public address from inside)'),
    portMappingHeading: t('Port mapping on the gateway (read-only check)'),
    upnp: t('UPnP IGD'),
    natPmp: t('NAT-PMP'),
    pcp: t('PCP'),
    gateway: t('Gateway'),
    gatewayUnknown: t('not found'),
    turnHeading: t('TURN relay'),
    turnAllocated: t('Allocation'),
    turnRelayed: t('Relayed address'),
    turnRtt: t('Round trip'),
    turnReleased: t('Freed again'),
    turnReleasedYes: t('yes'),
    turnReleasedNo: t('no: it will expire on its own'),
    turnReleasedNone: t('no allocation was made'),
    turnRanking: t('Every configured relay, fastest first'),
    none: t('—'),

    // Recommendations
    noRecommendations: t('Nothing to recommend.'),
    severity: { error: t('Error'), warning: t('Warning'), info: t('Info') } satisfies Record<Severity, string>,
    vpn: {
      wireguard: t('WireGuard'),
      'openvpn-udp': t('OpenVPN (UDP)'),
      'openvpn-tcp': t('OpenVPN (TCP)'),
      ipsec: t('IPsec'),
      p2p: t('Peer-to-peer overlays'),
      general: t('Any VPN'),
    } satisfies Record<VpnKind, string>,
    copy: t('Copy'),
    copyAria: (what: string) => t('Copy the recommendation: {0}', what),
    apply: (file: string) => t('Apply to {0}', file),
    applyAria: (file: string, what: string) => t('Apply to {0}: {1}', file, what),
    applyHint: (file: string) => t('“Apply to config” edits {0}, the WireGuard/OpenVPN file open in the editor; Undo there reverts it.', file),
    applyRefused: (file: string, why: string) => t('Apply is off for {0}: {1}', file, why),
    applyNoConfig: t('Open a WireGuard or OpenVPN config in an editor to apply a recommendation to it.'),
    copied: t('Copied.'),
    evidenceLabel: t('Evidence'),
    requirement: (rfc: string) => t('Requirement: {0}', rfc),

    // Footer
    ignored: (w: number, u: number, m: number) =>
      t('Ignored packets: {0} with a wrong transaction, {1} from an unexpected source, {2} malformed.', w, u, m),
  } as const;
}

function tables(S: Strings) {
  const TRISTATE_WORD: Record<Tristate, string> = { yes: S.yes, no: S.no, unknown: S.unknown };

  const BEHAVIOUR_WORDS: Record<Behaviour, { readonly name: string; readonly explain: string }> = {
    'endpoint-independent': { name: t('Endpoint-independent'), explain: t('the same public address and port for every destination') },
    'address-dependent': { name: t('Address-dependent'), explain: t('depends on the destination address') },
    'address-and-port-dependent': { name: t('Address-and-port-dependent'), explain: t('depends on the destination address and port') },
    none: { name: t('No NAT'), explain: t('the address the servers see is this machine’s own') },
    unknown: { name: t('Could not tell'), explain: '' },
  };

  const FILTERING_EXPLAIN: Record<Behaviour, string> = {
    'endpoint-independent': t('anyone may send back through an open mapping'),
    'address-dependent': t('only addresses this machine has sent to may send back'),
    'address-and-port-dependent': t('only the exact address and port this machine has sent to may send back'),
    none: t('nothing filters inbound UDP'),
    unknown: '',
  };

  const NAT_TYPE_WORDS: Record<NatType, string> = {
    'open-internet': t('Open internet'),
    'full-cone': t('Full cone'),
    'restricted-cone': t('Restricted cone'),
    'port-restricted-cone': t('Port-restricted cone'),
    symmetric: t('Symmetric'),
    'symmetric-udp-firewall': t('Firewall, no NAT'),
    'udp-blocked': t('UDP blocked'),
    unknown: t('Could not tell'),
  };

    // The verdict's headline and one sentence, in plain words.
  const VERDICT: Record<NatType, { readonly headline: string; readonly sentence: string }> = {
    'open-internet': {
      headline: t('No NAT, nothing filters'),
      sentence: t('This machine has a public address and inbound UDP reaches it: a VPN server here is reachable directly.'),
    },
    'full-cone': {
      headline: t('Behind a full-cone NAT'),
      sentence: t('The most permissive NAT: once a mapping is open, anyone can reach it. Peer-to-peer VPNs connect directly.'),
    },
    'restricted-cone': {
      headline: t('Behind a restricted-cone NAT'),
      sentence: t('The NAT keeps one public port per local port, and lets in only addresses this machine has talked to. Direct peer-to-peer connections usually work.'),
    },
    'port-restricted-cone': {
      headline: t('Behind a port-restricted cone NAT'),
      sentence:
        t('The NAT keeps one public port per local port, and lets in only the exact address and port this machine has talked to. Direct connections work with most peers, but not with peers behind symmetric NATs.'),
    },
    symmetric: {
      headline: t('Behind a symmetric NAT'),
      sentence: t('Each destination gets its own public port, so a peer cannot predict where to reach you. Peer-to-peer tunnels will often need a relay; a client-to-server VPN works.'),
    },
    'symmetric-udp-firewall': {
      headline: t('No NAT, but a firewall filters'),
      sentence: t('This machine has a public address, but a firewall drops unsolicited inbound UDP: keep the tunnel alive from this side.'),
    },
    'udp-blocked': {
      headline: t('UDP is blocked'),
      sentence: t('No UDP answer came back, though the servers answer over TCP: WireGuard, IPsec and OpenVPN over UDP will not connect from here.'),
    },
    unknown: {
      headline: t('NAT type not fully known'),
      sentence: '',
    },
  };
  return { TRISTATE_WORD, BEHAVIOUR_WORDS, FILTERING_EXPLAIN, NAT_TYPE_WORDS, VERDICT };
}

type Strings = ReturnType<typeof strings>;
type Tables = ReturnType<typeof tables>;

export let S: Strings = strings();
export let TRISTATE_WORD: Tables['TRISTATE_WORD'];
export let BEHAVIOUR_WORDS: Tables['BEHAVIOUR_WORDS'];
export let FILTERING_EXPLAIN: Tables['FILTERING_EXPLAIN'];
export let NAT_TYPE_WORDS: Tables['NAT_TYPE_WORDS'];
export let VERDICT: Tables['VERDICT'];
({ TRISTATE_WORD, BEHAVIOUR_WORDS, FILTERING_EXPLAIN, NAT_TYPE_WORDS, VERDICT } = tables(S));

/** Switches every string to the translations in `bundle` (vscode.l10n.bundle); call before the first render. */
export function localize(bundle: unknown): void {
  setBundle(bundle);
  S = strings();
  ({ TRISTATE_WORD, BEHAVIOUR_WORDS, FILTERING_EXPLAIN, NAT_TYPE_WORDS, VERDICT } = tables(S));
}
