/**
 * The Report: the one contract between engine, CLI, lint, extension and webview.
 * Schema changes only by adding fields; `schemaVersion` changes when a field's meaning does.
 */

export const SCHEMA_VERSION = 1 as const;

/** Every probe answer is one of three states; "unknown" always travels with a reason. */
export type Tristate = 'yes' | 'no' | 'unknown';

/** RFC 4787 / RFC 5780 behaviour names; "none" means no NAT (the mapped address is our own). */
export type Behaviour =
  | 'endpoint-independent'
  | 'address-dependent'
  | 'address-and-port-dependent'
  | 'none'
  | 'unknown';

/** The classic (RFC 3489-era) label, derived from mapping x filtering; never measured on its own. */
export type NatType =
  | 'open-internet'
  | 'full-cone'
  | 'restricted-cone'
  | 'port-restricted-cone'
  | 'symmetric'
  | 'symmetric-udp-firewall'
  | 'udp-blocked'
  | 'unknown';

/**
 * A yes/no question answered with its reason. `notApplicable: true` means the question does not
 * arise on this network (port preservation with no NAT): it is not "could not tell". The value
 * stays 'unknown' then, so a reader that predates the field still reads a safe answer.
 */
export interface Answer {
  readonly value: Tristate;
  readonly reason: string;
  readonly notApplicable?: true;
}

/** An Answer to "does the NAT count its ports up?", with the step it takes. */
export interface SequentialPorts {
  readonly value: Tristate;
  readonly reason: string;
  readonly notApplicable?: true;
  /** The step between consecutive new mappings' ports; null unless the value is yes. */
  readonly stride: number | null;
}

export interface Evidence {
  /** What was done, in words: "Binding request to 198.51.100.1:3478 from local port 40000". */
  readonly test: string;
  /** What was seen: "mapped 203.0.113.5:40000" or "no answer in 3 tries over 320 ms". */
  readonly observation: string;
}

export interface BehaviourVerdict {
  readonly value: Behaviour;
  readonly reason: string;
  readonly evidence: Evidence[];
  /**
   * The server whose tests gave this verdict, as host:port in the server list (for filtering:
   * the RFC 5780 server it came from). Absent when no one server's tests decided it.
   */
  readonly server?: string;
}

export interface ServerResult {
  /** As the user gave it (hostname or literal). */
  readonly host: string;
  readonly port: number;
  /** The resolved address used, or null when resolution failed. */
  readonly address: string | null;
  /** Median round-trip time of the binding transactions, or null when it never answered. */
  readonly rttMs: number | null;
  /** Does the server answer CHANGE-REQUEST from a real second address (RFC 5780 §4.1)? */
  readonly rfc5780: Tristate;
  /** OTHER-ADDRESS (or RFC 3489 CHANGED-ADDRESS) as the server claimed it. */
  readonly otherAddress: string | null;
  /** Why the server did not answer or was not trusted, when that happened. */
  readonly error?: string;
  /** SOFTWARE attribute, if any. */
  readonly software?: string;
}

export interface PublicEndpoint {
  readonly family: 'IPv4' | 'IPv6';
  readonly address: string;
  readonly port: number;
  /** Which server reported it. */
  readonly server: string;
}

export interface CgnatVerdict {
  readonly value: Tristate;
  readonly reason: string;
  readonly evidence: Evidence[];
  /** VPN tunnel interfaces skipped because they use 100.64.0.0/10 themselves. */
  readonly excludedInterfaces: string[];
}

export type Severity = 'info' | 'warning' | 'error';

export type VpnKind = 'wireguard' | 'openvpn-udp' | 'openvpn-tcp' | 'ipsec' | 'p2p' | 'general';

export interface Recommendation {
  readonly id: string;
  readonly severity: Severity;
  readonly text: string;
  readonly evidence: Evidence[];
  /** Which kind of VPN the advice is for. */
  readonly vpn?: VpnKind;
  /** The requirement behind it, e.g. "RFC 4787 REQ-5". */
  readonly rfc?: string;
  /** The config change that carries the advice out, when there is exactly one ("Apply to config"). */
  readonly apply?: RecommendationApply;
}

/**
 * A structured edit for a WireGuard or OpenVPN config, so tools never parse the advice's text:
 * - wireguard `PersistentKeepalive`, value "25": set it in every [Peer] that has an Endpoint;
 * - openvpn `keepalive`, value "10 60": set (or replace) `keepalive 10 60`;
 * - openvpn `remote`, value "443 tcp-client": add a fallback `<connection>` to the config's own
 *   server on that port and protocol.
 */
export interface RecommendationApply {
  readonly format: 'wireguard' | 'openvpn';
  readonly key: string;
  readonly value: string;
}

/** RFC 5780 §4.6 mapping lifetime (filled by `--lifetime`; absent when not measured). */
export interface MappingLifetime {
  /** Seconds an idle UDP mapping survives, or null when unknown. */
  readonly value: number | null;
  readonly idleSeconds: number | null;
  readonly refreshedByInbound: Tristate;
  readonly absoluteSeconds: number | null;
  readonly reason: string;
  /**
   * True when no mapping exists to expire (a packet reached a port this host never sent from:
   * no NAT, no stateful firewall): the question does not arise, as with `Answer.notApplicable`.
   * The figures stay null and inbound refresh 'unknown', so an older reader still reads it safely.
   */
  readonly notApplicable?: true;
}

/** Reachability of one VPN port towards the first server (filled by `--ports`). */
export interface PortResult {
  readonly protocol: 'udp' | 'tcp';
  readonly port: number;
  readonly reachable: Tristate;
  /** What the verdict rests on: "answer from the reflector", "TCP refused", "silence". */
  readonly basis: string;
}

/**
 * Why a packet went somewhere. 'configured server' and 'TURN server' are named by the user;
 * 'gateway' and 'multicast group' are the user's own router and the SSDP group, asked
 * read-only unless --no-port-mapping / natProbe.askRouter turn it off; 'announced alternate'
 * and 'hairpin target' are addresses a server's answer named, and are bounded until confirmed
 * (ARCHITECTURE, invariants). 'undeclared' should never appear.
 */
export type ContactRole = 'configured server' | 'TURN server' | 'announced alternate' | 'hairpin target' | 'gateway' | 'multicast group' | 'undeclared';

/** One destination this diagnosis sent packets to. */
export interface ContactedAddress {
  readonly address: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  readonly role: ContactRole;
  /** For an announced alternate: the server (address:port) whose OTHER-ADDRESS named it. */
  readonly announcedBy?: string;
  /** Datagrams sent (UDP) or connection attempts (TCP). */
  readonly packets: number;
  /**
   * true: the user named it (or opted in to the probe that asks it), or it answered like the
   * server that announced it; false: contacted on a server's word alone, within the bound.
   */
  readonly confirmed: boolean;
}

/**
 * The wait after which UDP silence counts. 'udp-rtt': sized from a UDP answer's round trip;
 * 'tcp-rtt': no UDP answer came, so sized from the TCP round trip to the same servers;
 * 'budget': neither answered, so the whole budget (the conservative window).
 */
export interface UdpSilenceWindow {
  readonly basis: 'udp-rtt' | 'tcp-rtt' | 'budget';
  readonly ms: number;
  readonly reason: string;
}

export interface Report {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly tool: { readonly name: 'natprobe'; readonly version: string };
  /** ISO 8601 time the diagnosis started. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly servers: ServerResult[];
  /** Did any UDP exchange with any server succeed? */
  readonly udp: Tristate;
  readonly udpReason: string;
  /** How long UDP silence was waited for before it counted as silence, and what sized the wait (absent in older reports). */
  readonly udpSilenceWindow?: UdpSilenceWindow;
  readonly localAddresses: string[];
  readonly publicEndpoints: PublicEndpoint[];
  readonly mapping: BehaviourVerdict;
  readonly filtering: BehaviourVerdict;
  readonly portPreservation: Answer;
  /**
   * A mapping that changes per destination: are its ports handed out in sequence, so the next
   * one can be predicted (port prediction)? Not applicable to an endpoint-independent mapping
   * (absent in older reports).
   */
  readonly sequentialPorts?: SequentialPorts;
  readonly natType: { readonly value: NatType; readonly reason: string };
  readonly cgnat: CgnatVerdict;
  readonly recommendations: Recommendation[];
  readonly mappingLifetime?: MappingLifetime;
  /** Opt-in (`--hairpin`): does the NAT loop a packet to its own public address back inside? */
  readonly hairpinning?: Answer;
  readonly ports?: PortResult[];
  /** Read-only presence checks of the gateway's port-mapping protocols (no mapping is created). */
  readonly portMapping?: {
    readonly upnp: Tristate;
    readonly natPmp: Tristate;
    readonly pcp: Tristate;
    readonly gateway: string | null;
    readonly reasons: { readonly upnp: string; readonly natPmp: string; readonly pcp: string };
    readonly evidence: Evidence[];
    /** What the router says its own external (WAN) address is, per protocol (absent in older reports). */
    readonly externalAddresses?: { readonly protocol: 'upnp' | 'nat-pmp'; readonly address: string }[];
    /** The router speaks NAT-PMP or UPnP and says it has no public address (absent in older reports). */
    readonly noPublicAddress?: boolean;
  };
  /** A NAT beyond the home router (the router's own external address is not the public one). */
  readonly doubleNat?: Answer;
  /** Opt-in (`--turn`): one Allocate with long-term credentials, freed at once; with several servers, the best of `turnServers`. */
  readonly turn?: {
    readonly value: Tristate;
    readonly relayedAddress: string | null;
    readonly rttMs: number | null;
    readonly error: string | null;
    /** Whether the Refresh with LIFETIME 0 freed the allocation (null when none was made). */
    readonly released?: boolean | null;
  };
  /**
   * Opt-in (`--turn`, repeatable): every configured TURN server, allocated on in parallel and
   * freed at once, ranked: relayed addresses first, by the Allocate's RTT to the relay (lowest
   * first), then the failures in the configured order. `turn` is the first of them (absent in
   * older reports).
   */
  readonly turnServers?: TurnServerResult[];
  /** Transactions that were ignored: replies with a wrong ID or from an unexpected source. */
  readonly ignoredPackets: { readonly wrongTransaction: number; readonly unexpectedSource: number; readonly malformed: number };
  /** Every address this diagnosis sent packets to, and why (absent in reports made before it was recorded). */
  readonly contacted?: ContactedAddress[];
}

/** One TURN server's Allocate (RFC 8656 §7.2), as `turnServers` lists it. Never a user name or password. */
export interface TurnServerResult {
  /** The server as configured, turn:HOST:PORT. */
  readonly url: string;
  readonly value: Tristate;
  readonly relayedAddress: string | null;
  /** Round trip of the authenticated Allocate: the RTT to the relay. */
  readonly rttMs: number | null;
  readonly error: string | null;
  /** Whether the Refresh with LIFETIME 0 freed the allocation (null when none was made). */
  readonly released: boolean | null;
}
