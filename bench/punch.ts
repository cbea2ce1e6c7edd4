import { LOW_TTL_PAUSE_MS, LOW_TTL_PHASE_MS, MANY_SOCKETS, MAX_PROBES } from '../src/engine/punch/punch';
import type { OwnMapping } from '../src/engine/punch/result';
import { type Profile, punchPair } from '../test/unit/punch/punchScene';

/**
 * natprobe punch on the virtual network, per pair of NAT profiles: time from the introduction to
 * a working path (virtual ms, deterministic) and datagrams both ends sent. The virtual network
 * takes one off the TTL per router, so the small-TTL checks open our own NAT and expire on "the
 * internet", as on a real path, and each end measures its NAT's depth first (with the rendezvous
 * on two addresses; the packets include that test's). Targets: a plain pair connects within the
 * small-TTL phase, the pause and two intervals plus 2·RTT; the many-sockets pair within 3 s and
 * its caps; the pairs with a NAT that counts its ports up (port prediction, two such NATs
 * included) like a plain pair. The lab's figures on real Linux NATs are in docs/punch.md.
 */
export async function benchPunch(): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = ['natprobe punch on the virtual network: time to a working path (virtual ms) and packets (both ends)'];
  lines.push(`  RTT    ${'pair'.padEnd(47)} ${'result'.padEnd(23)}  time  target  packets  ok`);
  let ok = true;
  const pairs: { a: Profile; b: Profile; want: 'yes' | 'no'; many?: boolean; predicted?: boolean; sameLan?: boolean; label?: string; bothSymmetric?: boolean; ipv6?: boolean }[] = [
    { a: 'port-restricted', b: 'port-restricted', want: 'yes', sameLan: true, label: 'same LAN' },
    { a: 'port-restricted', b: 'port-restricted', want: 'yes' },
    { a: 'full cone', b: 'symmetric', want: 'yes' },
    { a: 'restricted', b: 'symmetric', want: 'yes' },
    { a: 'port-restricted', b: 'symmetric', want: 'yes', many: true },
    { a: 'port-restricted', b: 'symmetric sequential', want: 'yes', predicted: true },
    { a: 'open', b: 'symmetric sequential', want: 'yes', predicted: true },
    { a: 'full cone', b: 'symmetric sequential', want: 'yes', predicted: true },
    { a: 'restricted', b: 'symmetric sequential', want: 'yes', predicted: true },
    { a: 'symmetric sequential', b: 'symmetric sequential', want: 'yes', predicted: true },
    // As with --report/--peer-report: both ends know the other is symmetric, so no sockets, no probes.
    { a: 'symmetric', b: 'symmetric sequential', want: 'no', predicted: true, bothSymmetric: true },
    { a: 'symmetric', b: 'symmetric', want: 'no' },
    // Global IPv6 on both sides behind stateful firewalls: host↔host over IPv6, with no small-TTL start.
    { a: 'port-restricted', b: 'port-restricted', want: 'yes', ipv6: true, label: 'port-restricted ↔ port-restricted + IPv6' },
    { a: 'symmetric', b: 'symmetric', want: 'yes', ipv6: true, label: 'symmetric ↔ symmetric + IPv6' },
  ];
  for (const rtt of [20, 100]) {
    for (const p of pairs) {
      const { ra, rb } = await punchPair(p.a, p.b, {
        linkDelayMs: rtt / 8,
        sameLan: p.sameLan,
        alternate: p.want === 'yes' || p.predicted,
        realTtl: true,
        ...(p.ipv6 ? { ipv6: ['firewall', 'firewall'] as ['firewall', 'firewall'] } : {}),
        budgetMs: p.want === 'no' ? 3000 : 8000,
        ...(p.bothSymmetric ? { peerMappings: ['endpoint-dependent', 'endpoint-dependent'] as [OwnMapping, OwnMapping] } : {}),
      });
      const packets = ra.packets.sent + rb.packets.sent;
      // Over IPv6 the path needs no small-TTL start: the first joiner's next poll, then a round trip or two.
      const target = p.ipv6 ? 250 + 100 + 2 * rtt : p.many ? 3000 : LOW_TTL_PHASE_MS + LOW_TTL_PAUSE_MS + 200 + 2 * rtt;
      const cap = p.many ? 2 * (MAX_PROBES + MANY_SOCKETS) : 200;
      const pass = ra.direct === p.want && rb.direct === p.want && (p.want === 'no' || (ra.ms ?? Infinity) <= target) && packets <= cap + 100 && (!p.ipv6 || (ra.pair?.family === 6 && rb.pair?.family === 6));
      ok &&= pass;
      const label = p.label ?? `${p.a} ↔ ${p.b}`;
      const result = `${ra.direct}${ra.pair ? ` ${ra.pair.kind}${ra.pair.family === 6 ? ' v6' : ''}` : ''}`;
      lines.push(
        `  ${String(rtt).padStart(3)}ms  ${label.padEnd(47)} ${result.padEnd(23)} ${String(ra.ms ?? '-').padStart(5)}  ${String(p.want === 'no' ? '-' : target).padStart(6)}  ${String(packets).padStart(7)}  ${pass ? 'yes' : 'NO'}`,
      );
    }
  }
  return { ok, lines };
}
