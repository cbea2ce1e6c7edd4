import { ipFamily } from './net/ip';
import type { Report, Tristate } from '../report/report';
import { type RelayChoice, bestRelay } from './relayChoice';
import { type Translate, english } from './translate';
import { safeDeep } from '../report/safeText';
import { SEQUENTIAL_MAX_STRIDE } from './discovery/classify';

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
  /** When the path may not be direct: the relay with the lowest sum of both ends' measured RTTs (relayChoice.ts). */
  readonly relay?: RelayChoice;
}

export { type Translate, english } from './translate';

type Side = { name: string; report: Report };

function stableMapping(r: Report): Tristate {
  const v = r.mapping.value;
  if (v === 'none' || v === 'endpoint-independent') return 'yes';
  if (v === 'address-dependent' || v === 'address-and-port-dependent') return 'no';
  // Known to vary even when the kind of dependence is unknown (derived "symmetric").
  return r.natType.value === 'symmetric' ? 'no' : 'unknown';
}

/**
 * Does the NAT count its ports up (diagnose's sequentialPorts)? 'unknown' for a report that
 * predates the test, and for a "yes" without a step natprobe punch would predict with (1-16).
 */
function counts(r: Report): Tristate {
  const s = r.sequentialPorts;
  if (!s || s.notApplicable) return 'unknown';
  if (s.value !== 'yes') return s.value;
  return Number.isInteger(s.stride) && Math.abs(s.stride!) >= 1 && Math.abs(s.stride!) <= SEQUENTIAL_MAX_STRIDE ? 'yes' : 'unknown';
}

function publicV4(r: Report): string | undefined {
  const address = r.publicEndpoints.find((p) => p.family === 'IPv4')?.address;
  // An exported report has labels such as "<public address 1>" instead of addresses.
  return address && ipFamily(address) ? address : undefined;
}

function isRedacted(r: Report): boolean {
  return r.publicEndpoints.some((p) => !ipFamily(p.address));
}

export function compareReports(reportA: Report, reportB: Report, t: Translate = english): DirectVerdict {
  // The verdict's reason quotes the reports (reasons that quote servers, addresses), and the CLI
  // and the extension show it as it is: the text is made safe to show before it is quoted.
  const a = safeDeep(reportA);
  const b = safeDeep(reportB);
  const { noUdpPath, ...known } = compareKnown(a, b, t);
  // Named only when a relay may be needed; over TCP/TLS (no UDP path) a UDP relay helps nobody.
  const relay = known.direct !== 'yes' && !noUdpPath ? bestRelay(a, b, t) : undefined;
  const verdict: DirectVerdict = relay ? { ...known, relay } : known;
  if (noUdpPath) return verdict;
  if (!isRedacted(a) && !isRedacted(b)) return verdict;
  return {
    ...verdict,
    reason: t("{0} (a report's addresses are redacted, so whether both ends share one public address, where only hairpinning would connect them, could not be checked)", verdict.reason),
  };
}

function compareKnown(a: Report, b: Report, t: Translate): DirectVerdict & { noUdpPath?: true } {
  const sides: Side[] = [
    { name: 'A', report: a },
    { name: 'B', report: b },
  ];
  for (const s of sides) {
    if (s.report.udp === 'no') return { direct: 'no', reason: t('{0} has no UDP path at all ({1}): only a relay over TCP/TLS can connect them', s.name, s.report.udpReason), noUdpPath: true };
  }
  for (const s of sides) {
    if (s.report.udp !== 'yes') return { direct: 'unknown', reason: t("{0}'s UDP could not be tested: {1}", s.name, s.report.udpReason) };
  }
  const pa = publicV4(a);
  const pb = publicV4(b);
  if (pa && pb && pa === pb && a.mapping.value !== 'none') {
    // Same public address: the packets must turn around inside the shared NAT (RFC 4787 REQ-9).
    const hp = [a.hairpinning?.value, b.hairpinning?.value];
    if (hp.includes('yes')) return { direct: 'yes', reason: t('both ends are behind the same public address {0}, and that NAT hairpins (RFC 4787 REQ-9)', pa) };
    if (hp.includes('no')) {
      return { direct: 'no', reason: t('both ends are behind the same public address {0} and that NAT does not hairpin: connect them over their LAN addresses or a relay', pa) };
    }
    return { direct: 'unknown', reason: t('both ends are behind the same public address {0}: it depends on hairpinning (RFC 4787 REQ-9), which was not measured (natprobe diagnose --hairpin)', pa) };
  }
  for (const s of sides) {
    if (s.report.natType.value === 'open-internet') return { direct: 'yes', reason: t('{0} has no NAT and no inbound filter: the other end can always reach it', s.name) };
  }
  const [ma, mb] = [stableMapping(a), stableMapping(b)];
  if (ma === 'yes' && mb === 'yes') {
    return { direct: 'yes', reason: t('both mappings are endpoint-independent: each end knows the other’s public address and port, so hole punching works whatever the filtering') };
  }
  if (ma === 'unknown' || mb === 'unknown') {
    const s = ma === 'unknown' ? 'A' : 'B';
    return { direct: 'unknown', reason: t("{0}'s mapping behaviour is unknown ({1})", s, (s === 'A' ? a : b).mapping.reason) };
  }
  if (ma === 'no' && mb === 'no') {
    const [sa, sb] = [counts(a), counts(b)];
    if (sa === 'yes' && sb === 'yes') {
      return {
        direct: 'yes',
        reason: t(
          'both ends change their public port per destination, but both count their ports up (A by {0}, B by {1}): each can tell the other its next port, and when each aims its first new mapping at the other’s predicted port the two meet (port prediction: natprobe punch); ordinary hole punching (WireGuard endpoints alone) does not predict, and would need a relay',
          String(a.sequentialPorts!.stride),
          String(b.sequentialPorts!.stride),
        ),
      };
    }
    if (sa === 'yes' || sb === 'yes') {
      const [seq, other] = sa === 'yes' ? [sides[0], sides[1]] : [sides[1], sides[0]];
      return {
        direct: 'no',
        reason: t(
          '{0} counts its ports up, but {1} changes its port per destination {2}: {1}’s port towards {0} cannot be known, {0}’s filter admits only the exact port it sent to, and each probe of {0}’s to another port would leave from a new port of its own that {1}’s mappings do not admit, so traffic must be relayed',
          seq.name,
          other.name,
          counts(other.report) === 'no' ? t('at random') : t('in a way not known to be predictable ({0})', other.report.sequentialPorts?.reason ?? t('the report predates that test')),
        ),
      };
    }
    return { direct: 'no', reason: t('both ends change their public port per destination (symmetric NAT on both sides): neither can predict the other’s port, so traffic must be relayed') };
  }
  // One stable side (the cone), one destination-dependent side (the symmetric).
  const [cone, sym] = ma === 'yes' ? [sides[0], sides[1]] : [sides[1], sides[0]];
  const f = cone.report.filtering.value;
  if (f === 'endpoint-independent' || f === 'address-dependent') {
    return {
      direct: 'yes',
      reason: t("{0}'s port changes per destination, but {1}'s filter ({2}) admits any port of an address it has sent to, so {0}'s new port gets through", sym.name, cone.name, f),
    };
  }
  if (f === 'address-and-port-dependent' && counts(sym.report) === 'yes') {
    return {
      direct: 'yes',
      reason: t(
        "{0}'s port changes per destination, but {0}'s NAT counts its ports up (by {2}), so its next port can be predicted and told to {1}, whose filter (address-and-port-dependent) then admits it: port prediction (natprobe punch) gets through; ordinary hole punching (WireGuard endpoints alone) does not predict, and would need a relay",
        sym.name,
        cone.name,
        String(sym.report.sequentialPorts!.stride),
      ),
    };
  }
  if (f === 'address-and-port-dependent') {
    const reason = t(
      "{0}'s port changes per destination and {1}'s filter is address-and-port-dependent: ordinary hole punching (WireGuard endpoints, most ICE stacks) can never aim at the right port, so traffic must be relayed; only the many-sockets method ({0} opens hundreds of ports towards {1}, {1} probes random ports: natprobe punch, Tailscale) gets through, at the cost of about 2,000 packets",
      sym.name,
      cone.name,
    );
    if (counts(sym.report) !== 'unknown') return { direct: 'no', reason };
    // A NAT that counts up would make this a "yes" (port prediction): say that it was not known.
    return {
      direct: 'no',
      reason: t('{0} (whether {1}’s NAT counts its ports up, which would let port prediction through, is not known: {2})', reason, sym.name, sym.report.sequentialPorts?.reason ?? t('the report predates that test')),
    };
  }
  return { direct: 'unknown', reason: t("{0} has a destination-dependent mapping, and {1}'s filtering is unknown ({2})", sym.name, cone.name, cone.report.filtering.reason) };
}
