import type { Recommendation, Report } from '../../report/report';
import { mappingVaries } from './classify';

/**
 * Advice from a Report. Each item names the evidence it rests on and, where one applies, the
 * RFC requirement behind it. (The deep-probe issue grows this per VPN kind.)
 */
export function recommend(report: Omit<Report, 'recommendations'>): Recommendation[] {
  const out: Recommendation[] = [];
  const { mapping, filtering, udp, cgnat } = report;

  if (udp === 'no') {
    out.push({
      id: 'udp-blocked',
      severity: 'error',
      text:
        'No UDP answer came back. WireGuard and OpenVPN over UDP will not connect from here: use OpenVPN over TCP port 443, or a relay (TURN, DERP) reached over TCP/TLS.',
      evidence: [{ test: 'binding requests to every server', observation: report.udpReason }],
    });
    return out;
  }
  if (udp === 'unknown') {
    out.push({
      id: 'udp-unknown',
      severity: 'warning',
      text: `UDP could not be tested: ${report.udpReason}. Check the server list and the network, then run the diagnosis again.`,
      evidence: [],
    });
    return out;
  }
  if (mappingVaries(mapping)) {
    out.push({
      id: 'symmetric-mapping',
      severity: 'warning',
      text:
        'This NAT gives each destination its own public port (not endpoint-independent, against RFC 4787 REQ-1). Peer-to-peer tunnels will often fail: give the far side a fixed, reachable Endpoint (a server with a public address) or use a relay.',
      evidence: mapping.evidence,
    });
  }
  if (mapping.value === 'endpoint-independent' && (filtering.value === 'address-dependent' || filtering.value === 'address-and-port-dependent')) {
    out.push({
      id: 'keepalive-needed',
      severity: 'info',
      text:
        'Inbound packets pass only after this machine has sent to the peer (RFC 4787 REQ-8 allows this filtering). With WireGuard, set PersistentKeepalive = 25 on peers behind this NAT so the far side can always reach it; with OpenVPN, use keepalive 10 60.',
      evidence: filtering.evidence,
    });
  }
  if (cgnat.value === 'yes') {
    out.push({
      id: 'cgnat',
      severity: 'warning',
      text:
        'You are behind carrier-grade NAT (RFC 6598 address space). Port forwarding on your router cannot make a VPN server here reachable: host the server elsewhere, use IPv6, or use a relay.',
      evidence: cgnat.evidence,
    });
  }
  if (filtering.value === 'unknown' && report.servers.every((s) => s.rfc5780 !== 'yes')) {
    out.push({
      id: 'filtering-needs-rfc5780-server',
      severity: 'info',
      text:
        'Filtering behaviour needs a server that answers from a second address (RFC 5780). Run `natprobe serve --primary IP1 --alternate IP2` on a host with two public addresses and pass it with --server.',
      evidence: [{ test: 'filtering tests', observation: filtering.reason }],
    });
  }
  if (report.natType.value === 'open-internet') {
    out.push({
      id: 'open-internet',
      severity: 'info',
      text: 'No NAT and no inbound filtering: a VPN server on this machine is reachable directly; keepalives are not needed for NAT here.',
      evidence: mapping.evidence,
    });
  }
  return out;
}
