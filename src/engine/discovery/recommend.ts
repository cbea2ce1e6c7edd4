import { FILTERING_HINT, FILTERING_HINT_ID } from '../../report/filteringHint';
import type { Evidence, PortResult, Recommendation, Report } from '../../report/report';
import { mappingVaries } from './classify';
import { openvpnKeepalive, wireguardKeepalive } from '../keepalive';

type Input = Omit<Report, 'recommendations'>;

/** What several kinds of advice rest on, worked out once from the Report. */
interface Facts {
  readonly behindNat: boolean;
  /** The UDP port's result when it was measured blocked towards the first server. */
  readonly blockedUdp: (port: number) => PortResult | undefined;
  readonly portEvidence: (...ps: (PortResult | undefined)[]) => Evidence[];
  readonly lifetimeEvidence: Evidence[];
}

/**
 * Advice from a Report, per kind of VPN. Each item says what to do in plain words, names the
 * evidence it rests on and, where one applies, the requirement behind it. Nothing here
 * measures anything: the same Report always gives the same advice.
 */
export function recommend(report: Input): Recommendation[] {
  const out: Recommendation[] = [];
  const stop = udpAdvice(report);
  if (stop) return [stop];
  const lifetime = report.mappingLifetime;
  const facts: Facts = {
    behindNat: report.mapping.value !== 'none' && report.udp === 'yes',
    blockedUdp: (port) => report.ports?.find((p) => p.protocol === 'udp' && p.port === port && p.reachable === 'no'),
    portEvidence: (...ps) => ps.flatMap((p) => (p ? [{ test: `${p.protocol}/${p.port} towards the first server`, observation: `${p.reachable}: ${p.basis}` }] : [])),
    lifetimeEvidence: lifetime?.value ? [{ test: 'mapping lifetime (RFC 5780 §4.6)', observation: `an idle mapping lived ${lifetime.value} s` }] : [],
  };
  wireguardAdvice(report, facts, out);
  openvpnAdvice(report, facts, out);
  ipsecAdvice(report, facts, out);
  p2pAdvice(report, out);
  outerNatAdvice(report, out);
  relayAdvice(report, out);
  generalAdvice(report, out);
  return out;
}

/** The one advice when UDP itself failed or nothing usable came back: nothing else has anything to rest on. */
function udpAdvice(report: Input): Recommendation | undefined {
  const { udp } = report;
  if (udp === 'no') {
    return {
      id: 'udp-blocked',
      severity: 'error',
      vpn: 'general',
      text: 'No UDP answer came back. WireGuard, IPsec and OpenVPN over UDP will not connect from here: use OpenVPN over TCP port 443, or a relay (TURN, DERP) reached over TCP/TLS.',
      evidence: [{ test: 'binding requests to every server', observation: report.udpReason }],
    };
  }
  // Nothing below has anything to rest on: one general warning. Its reason stands once, with the
  // UDP result; here it is the evidence.
  const nothingMeasured = (id: string, text: string): Recommendation => ({
    id,
    severity: 'warning',
    vpn: 'general',
    text,
    evidence: [{ test: 'binding requests to every server', observation: report.udpReason }],
  });
  if (udp === 'unknown') {
    return nothingMeasured('udp-unknown', 'Whether UDP gets through is not known: check the server list and the network, then run the diagnosis again.');
  }
  if (report.publicEndpoints.length === 0) {
    // UDP came back (udp is "yes"), but no answer was usable.
    return nothingMeasured('server-answers-incorrectly', 'Nothing about the NAT could be measured: run the diagnosis again with another STUN server.');
  }
  return undefined;
}

function wireguardAdvice(report: Input, { behindNat, blockedUdp, portEvidence, lifetimeEvidence }: Facts, out: Recommendation[]): void {
  const { mapping, filtering } = report;
  const lifetime = report.mappingLifetime;
  // The one keepalive rule, shared with the linter's quick fixes: docs/probes/lifetime.md.
  const keepalive = wireguardKeepalive(lifetime?.value);
  if (behindNat) {
    out.push({
      id: 'wireguard-keepalive',
      severity: filtering.value === 'endpoint-independent' && !lifetime?.value ? 'info' : 'warning',
      vpn: 'wireguard',
      rfc: 'RFC 4787 REQ-5',
      text: lifetime?.value
        ? `Set PersistentKeepalive = ${keepalive} (5 s under the lifetime) on peers behind this NAT: it forgets an idle UDP mapping after ${lifetime.value} s (RFC 4787 REQ-5 asks for at least 2 minutes), and without traffic the far side loses its way in.`
        : 'Set PersistentKeepalive = 25 on peers behind this NAT so the far side can always reach this one; measure the NAT’s real timeout with `natprobe diagnose --lifetime` to tune it.',
      evidence: [...filtering.evidence.slice(0, 2), ...lifetimeEvidence],
      apply: { format: 'wireguard', key: 'PersistentKeepalive', value: String(keepalive) },
    });
  } else if (mapping.value === 'none') {
    out.push({
      id: 'wireguard-no-keepalive-needed',
      severity: 'info',
      vpn: 'wireguard',
      text:
        filtering.value === 'endpoint-independent'
          ? 'No NAT and no inbound filter here: PersistentKeepalive is not needed on this side (leave it off to save battery and traffic).'
          : filtering.value === 'unknown'
            ? // Not measured is not "filtered": say what is known and what would settle it.
              'No NAT here. If peers must reach this side from outside, keep PersistentKeepalive on until a diagnosis against an RFC 5780 server shows no filter.'
            : 'No NAT here, but a firewall filters inbound UDP: keep PersistentKeepalive on peers that must be reachable from outside.',
      evidence: [...mapping.evidence, ...filtering.evidence.slice(0, 2)],
    });
  }
  if (lifetime?.absoluteSeconds) {
    out.push({
      id: 'absolute-timeout',
      severity: 'warning',
      vpn: 'general',
      text: `This NAT drops UDP mappings after ${lifetime.absoluteSeconds} s even with traffic: tunnels will re-handshake that often whatever the keepalive (WireGuard recovers by itself; long-lived UDP sessions will notice).`,
      evidence: lifetimeEvidence,
    });
  }
  if (mappingVaries(mapping)) {
    out.push({
      id: 'symmetric-mapping',
      severity: 'warning',
      vpn: 'wireguard',
      rfc: 'RFC 4787 REQ-1',
      text:
        'This NAT gives each destination its own public port (not endpoint-independent, against RFC 4787 REQ-1). Peer-to-peer tunnels will often fail: give the far side a fixed, reachable Endpoint (a server with a public address) or use a relay.',
      evidence: mapping.evidence,
    });
  }
  const wgBlocked = blockedUdp(51820);
  if (wgBlocked) {
    out.push({
      id: 'wireguard-port-blocked',
      severity: 'error',
      vpn: 'wireguard',
      text: 'UDP port 51820 (WireGuard’s usual port) is blocked from here: run the WireGuard server on a port that gets through (UDP 443 often does) and set the clients’ Endpoint to it.',
      evidence: portEvidence(wgBlocked, blockedUdp(443) ? undefined : report.ports?.find((p) => p.protocol === 'udp' && p.port === 443)),
    });
  }
}

function openvpnAdvice(report: Input, { behindNat, blockedUdp, portEvidence, lifetimeEvidence }: Facts, out: Recommendation[]): void {
  const { mapping } = report;
  const tcp443 = report.ports?.find((p) => p.protocol === 'tcp' && p.port === 443);
  const ovBlocked = blockedUdp(1194);
  if (ovBlocked) {
    out.push({
      id: 'openvpn-udp-port-blocked',
      severity: 'error',
      vpn: 'openvpn-udp',
      text:
        tcp443?.reachable === 'yes'
          ? 'UDP port 1194 is blocked from here but TCP 443 gets through: add a fallback `<connection>` with `remote HOST 443 tcp-client`, or move the server to `proto tcp-server` on port 443.'
          : 'UDP port 1194 is blocked from here: run OpenVPN on another port (UDP 443, or TCP 443 as a last resort).',
      evidence: portEvidence(ovBlocked, tcp443),
      ...(tcp443?.reachable === 'yes' ? { apply: { format: 'openvpn' as const, key: 'remote', value: '443 tcp-client' } } : {}),
    });
  }
  if (behindNat) {
    const { interval, timeout } = openvpnKeepalive(report.mappingLifetime?.value);
    out.push({
      id: 'openvpn-keepalive',
      severity: 'info',
      vpn: 'openvpn-udp',
      rfc: 'RFC 4787 REQ-5',
      text: `For OpenVPN over UDP through this NAT use \`keepalive ${interval} ${timeout}\` so the mapping never idles out.`,
      evidence: lifetimeEvidence.length ? lifetimeEvidence : mapping.evidence.slice(0, 1),
      apply: { format: 'openvpn', key: 'keepalive', value: `${interval} ${timeout}` },
    });
  }
}

/** IPsec NAT-T. */
function ipsecAdvice(report: Input, { behindNat, blockedUdp, portEvidence }: Facts, out: Recommendation[]): void {
  const { mapping } = report;
  const ike = blockedUdp(500);
  const natt = blockedUdp(4500);
  if (ike || natt) {
    out.push({
      id: 'ipsec-ports-blocked',
      severity: 'error',
      vpn: 'ipsec',
      rfc: 'RFC 3947, RFC 3948',
      text: `IPsec needs UDP 500 (IKE) and, behind NAT, UDP 4500 (NAT-T); ${[ike && '500', natt && '4500'].filter(Boolean).join(' and ')} ${ike && natt ? 'are' : 'is'} blocked from here: use a TLS- or TCP-based VPN instead.`,
      evidence: portEvidence(ike, natt),
    });
  } else if (behindNat) {
    out.push({
      id: 'ipsec-nat-t',
      severity: 'info',
      vpn: 'ipsec',
      rfc: 'RFC 3948 §4',
      text: 'IPsec through this NAT runs as NAT-T over UDP 4500; keep NAT keepalives on (20 s is the usual default) so the mapping stays up.',
      evidence: mapping.evidence.slice(0, 1),
    });
  }
}

/** Peer-to-peer overlays (Tailscale, ZeroTier, WebRTC). */
function p2pAdvice(report: Input, out: Recommendation[]): void {
  const { mapping, filtering } = report;
  if (mapping.value === 'endpoint-independent' && (filtering.value === 'endpoint-independent' || filtering.value === 'address-dependent')) {
    out.push({
      id: 'p2p-direct-likely',
      severity: 'info',
      vpn: 'p2p',
      rfc: 'RFC 4787 REQ-1, REQ-8',
      text: 'Endpoint-independent mapping with lenient filtering: peer-to-peer overlays will connect directly to almost any peer.',
      evidence: [...mapping.evidence.slice(0, 1), ...filtering.evidence.slice(0, 1)],
    });
  } else if (mapping.value === 'endpoint-independent' && filtering.value === 'address-and-port-dependent') {
    out.push({
      id: 'p2p-direct-needs-cone-peer',
      severity: 'info',
      vpn: 'p2p',
      rfc: 'RFC 4787 REQ-8',
      text: 'Peer-to-peer overlays connect directly to peers behind cone NATs, but not to peers behind symmetric NATs: those go through a relay (DERP, TURN).',
      evidence: filtering.evidence.slice(0, 2),
    });
  } else if (mappingVaries(mapping)) {
    out.push({
      id: 'p2p-relayed',
      severity: 'warning',
      vpn: 'p2p',
      rfc: 'RFC 4787 REQ-1',
      text: 'With a destination-dependent mapping, peer-to-peer overlays reach only peers with lenient NATs directly; expect relayed (slower) connections otherwise. A router with endpoint-independent mapping (often a setting called "full cone" or "EIM") fixes it.',
      evidence: mapping.evidence.slice(0, 2),
    });
  }
  if (report.hairpinning?.value === 'no') {
    out.push({
      id: 'no-hairpin',
      severity: 'info',
      vpn: 'p2p',
      rfc: 'RFC 4787 REQ-9',
      text: 'This NAT does not hairpin: two machines behind it cannot reach each other through the public address; use their LAN addresses (or split-DNS) for peers on the same network.',
      evidence: [{ test: 'hairpin probe', observation: report.hairpinning.reason }],
    });
  }
}

/** Carrier-grade NAT and double NAT: one advice for a NAT above the router, carrier or not, in the words of what was seen. */
function outerNatAdvice(report: Input, out: Recommendation[]): void {
  const { cgnat } = report;
  // One advice for a NAT above the router, carrier or not, in the words of what was seen.
  const outer =
    cgnat.value === 'yes'
      ? { id: 'cgnat', what: 'Carrier-grade NAT', reason: cgnat.reason, evidence: cgnat.evidence, advice: 'host the server elsewhere, use IPv6, or use a relay' }
      : report.doubleNat?.value === 'yes'
        ? { id: 'double-nat', what: 'A second NAT beyond your router', reason: report.doubleNat.reason, evidence: [], advice: 'forward the port on the outer NAT too if it is yours, else host the server elsewhere, use IPv6, or use a relay' }
        : undefined;
  if (outer) {
    out.push({
      id: outer.id,
      severity: 'warning',
      vpn: 'general',
      // RFC 6598 only when an address in its range was seen, not for "the router has no public address".
      ...(outer.id === 'cgnat' && /100\.64\.0\.0\/10/.test(outer.reason) ? { rfc: 'RFC 6598' } : {}),
      text: `${outer.what}: ${outer.reason}. Port forwarding on your router alone cannot make a VPN server here reachable: ${outer.advice}.`,
      evidence: outer.evidence,
    });
  }
}

/** TURN relays that refused. */
function relayAdvice(report: Input, out: Recommendation[]): void {
  // Only 401 and 441 are about the credentials (RFC 8656); 486, 508 and 437 are about the server or the allocation.
  const aboutCredentials = (error: string): boolean => /^(401|441)\b/.test(error);
  const relays = report.turnServers ?? [];
  if (relays.length > 1) {
    // Several relays: each one that refused is named, even when another one works.
    const refused = relays.filter((t) => t.value === 'no' && t.error);
    if (refused.length) {
      const credentials = refused.some((t) => aboutCredentials(t.error!));
      const list = refused.map((t) => `${t.url} (${t.error})`).join('; ');
      out.push({ id: 'turn-failed', severity: 'warning', vpn: 'p2p', text: `${refused.length === 1 ? 'A TURN relay' : `${refused.length} TURN relays`} refused: ${list}.${credentials ? ' Check the user name and password.' : ''}`, evidence: [] });
    }
  } else if (report.turn?.value === 'no' && report.turn.error) {
    const credentials = aboutCredentials(report.turn.error);
    out.push({ id: 'turn-failed', severity: 'warning', vpn: 'p2p', text: `The TURN relay refused: ${report.turn.error}.${credentials ? ' Check the user name and password.' : ''}`, evidence: [] });
  }
}

function generalAdvice(report: Input, out: Recommendation[]): void {
  const { mapping, filtering } = report;
  if (filtering.value === 'unknown' && report.servers.every((s) => s.rfc5780 !== 'yes')) {
    out.push({
      id: FILTERING_HINT_ID,
      severity: 'info',
      vpn: 'general',
      text: FILTERING_HINT,
      evidence: [{ test: 'filtering tests', observation: filtering.reason }],
    });
  }
  if (report.natType.value === 'open-internet') {
    out.push({
      id: 'open-internet',
      severity: 'info',
      vpn: 'general',
      text: 'No NAT and no inbound filtering: a VPN server on this machine is reachable directly.',
      evidence: mapping.evidence,
    });
  }
}
