import { ipFamily } from './net/ip';
import type { Report, Tristate } from '../report/report';
import { safeDeep } from '../report/safeText';

/**
 * Two ends, one question: will a direct UDP path form between them, or must traffic be
 * relayed? Predicted from each side's mapping x filtering (RFC 4787 §4.1, §5) the way hole
 * punching works (both sides send at once; RFC 5128 §3.3): a side whose mapping is
 * endpoint-independent has one address the other can aim at; a destination-dependent mapping
 * gives the peer a port it cannot know, which only an open enough filter on the other side
 * forgives.
 */
export interface DirectVerdict {
  readonly direct: Tristate;
  readonly reason: string;
}

type Side = { name: string; report: Report };

function stableMapping(r: Report): Tristate {
  const v = r.mapping.value;
  if (v === 'none' || v === 'endpoint-independent') return 'yes';
  if (v === 'address-dependent' || v === 'address-and-port-dependent') return 'no';
  // Known to vary even when the kind of dependence is unknown (derived "symmetric").
  return r.natType.value === 'symmetric' ? 'no' : 'unknown';
}

function publicV4(r: Report): string | undefined {
  const address = r.publicEndpoints.find((p) => p.family === 'IPv4')?.address;
  // An exported report has labels such as "<public address 1>" instead of addresses.
  return address && ipFamily(address) ? address : undefined;
}

function isRedacted(r: Report): boolean {
  return r.publicEndpoints.some((p) => !ipFamily(p.address));
}

export function compareReports(reportA: Report, reportB: Report): DirectVerdict {
  // The verdict's reason quotes the reports (reasons that quote servers, addresses), and the CLI
  // and the extension show it as it is: the text is made safe to show before it is quoted.
  const a = safeDeep(reportA);
  const b = safeDeep(reportB);
  const verdict = compareKnown(a, b);
  if (verdict.direct === 'no' && /no UDP path/.test(verdict.reason)) return verdict;
  if (!isRedacted(a) && !isRedacted(b)) return verdict;
  return {
    ...verdict,
    reason: `${verdict.reason} (a report's addresses are redacted, so whether both ends share one public address, where only hairpinning would connect them, could not be checked)`,
  };
}

function compareKnown(a: Report, b: Report): DirectVerdict {
  const sides: Side[] = [
    { name: 'A', report: a },
    { name: 'B', report: b },
  ];
  for (const s of sides) {
    if (s.report.udp === 'no') return { direct: 'no', reason: `${s.name} has no UDP path at all (${s.report.udpReason}): only a relay over TCP/TLS can connect them` };
  }
  for (const s of sides) {
    if (s.report.udp !== 'yes') return { direct: 'unknown', reason: `${s.name}'s UDP could not be tested: ${s.report.udpReason}` };
  }
  const pa = publicV4(a);
  const pb = publicV4(b);
  if (pa && pb && pa === pb && a.mapping.value !== 'none') {
    // Same public address: the packets must turn around inside the shared NAT (RFC 4787 REQ-9).
    const hp = [a.hairpinning?.value, b.hairpinning?.value];
    if (hp.includes('yes')) return { direct: 'yes', reason: `both ends are behind the same public address ${pa}, and that NAT hairpins (RFC 4787 REQ-9)` };
    if (hp.includes('no')) {
      return { direct: 'no', reason: `both ends are behind the same public address ${pa} and that NAT does not hairpin: connect them over their LAN addresses or a relay` };
    }
    return { direct: 'unknown', reason: `both ends are behind the same public address ${pa}: it depends on hairpinning (RFC 4787 REQ-9), which was not measured (natprobe diagnose --hairpin)` };
  }
  for (const s of sides) {
    if (s.report.natType.value === 'open-internet') return { direct: 'yes', reason: `${s.name} has no NAT and no inbound filter: the other end can always reach it` };
  }
  const [ma, mb] = [stableMapping(a), stableMapping(b)];
  if (ma === 'yes' && mb === 'yes') {
    return { direct: 'yes', reason: 'both mappings are endpoint-independent: each end knows the other’s public address and port, so hole punching works whatever the filtering' };
  }
  if (ma === 'unknown' || mb === 'unknown') {
    const s = ma === 'unknown' ? 'A' : 'B';
    return { direct: 'unknown', reason: `${s}'s mapping behaviour is unknown (${(s === 'A' ? a : b).mapping.reason})` };
  }
  if (ma === 'no' && mb === 'no') {
    return { direct: 'no', reason: 'both ends change their public port per destination (symmetric NAT on both sides): neither can predict the other’s port, so traffic must be relayed' };
  }
  // One stable side (the cone), one destination-dependent side (the symmetric).
  const [cone, sym] = ma === 'yes' ? [sides[0], sides[1]] : [sides[1], sides[0]];
  const f = cone.report.filtering.value;
  if (f === 'endpoint-independent' || f === 'address-dependent') {
    return {
      direct: 'yes',
      reason: `${sym.name}'s port changes per destination, but ${cone.name}'s filter (${f}) admits any port of an address it has sent to, so ${sym.name}'s new port gets through`,
    };
  }
  if (f === 'address-and-port-dependent') {
    return {
      direct: 'no',
      reason: `${sym.name}'s port changes per destination and ${cone.name}'s filter is address-and-port-dependent: ordinary hole punching (WireGuard endpoints, most ICE stacks) can never aim at the right port, so traffic must be relayed; only the many-sockets method (${sym.name} opens hundreds of ports towards ${cone.name}, ${cone.name} probes random ports: natprobe punch, Tailscale) gets through, at the cost of about 2,000 packets`,
    };
  }
  return { direct: 'unknown', reason: `${sym.name} has a destination-dependent mapping, and ${cone.name}'s filtering is unknown (${cone.report.filtering.reason})` };
}
