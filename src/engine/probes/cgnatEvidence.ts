/**
 * Second pass of CGNAT detection: the first pass (local and reflexive addresses in
 * 100.64.0.0/10, tunnels excluded) plus what the home router says about its own external
 * address (UPnP IGD / NAT-PMP, read-only) and what the STUN servers see.
 *
 * Rules (every conclusion names its evidence, three states):
 *  - router external address in 100.64.0.0/10            ⇒ doubleNat yes, cgnat yes
 *  - router external address private (RFC 1918, link-local) ⇒ doubleNat yes (cgnat not decided)
 *  - router external address public but not what the servers see ⇒ doubleNat yes
 *  - router external address public and what the servers see    ⇒ doubleNat no, cgnat no
 *  - the router speaks NAT-PMP/UPnP but says it has no public address (NAT-PMP result 3
 *    "Network Failure" or 0.0.0.0, UPnP empty address) while the servers are reachable
 *    through it ⇒ doubleNat yes, cgnat yes (option `noPublicAddressMeansCgnat`, default on).
 *    This is evidence of a NAT above the router, not of RFC 6598 space: miniupnpd says it for
 *    a 100.64/10 WAN and for an RFC 1918 one alike, so a second router at home looks the
 *    same, and the words say so
 *  - the router answered nothing usable (silent, no gateway, tunnel) ⇒ unknown, and the
 *    reason says why the router could not tell (`routerSilent`)
 *  - servers see different public IPv4 addresses (non-paired pooling, RFC 4787 REQ-2 not
 *    met) ⇒ evidence; cgnat yes only together with a NAT beyond the router
 *  - the first pass says "no NAT at all" ⇒ both no; its tunnel exclusions are kept.
 */

import { ipv4Range, isIPv4 } from '../net/ip';
import type { CgnatVerdict, Evidence, Tristate } from '../../report/report';
import { normaliseAddress } from '../net/udp';

export interface CgnatEvidenceInput {
  readonly firstPass: CgnatVerdict;
  /** External addresses the router reported (UPnP GetExternalIPAddress, NAT-PMP opcode 0). */
  readonly routerExternal: readonly { readonly protocol: string; readonly address: string }[];
  /** NAT-PMP answered result 3 (Network Failure) or 0.0.0.0. */
  readonly natPmpNoPublicAddress?: boolean;
  /** UPnP GetExternalIPAddress answered an empty address or 0.0.0.0. */
  readonly upnpNoPublicAddress?: boolean;
  /** IPv4 reflexive addresses as seen by several STUN servers. */
  readonly stunPublic: readonly string[];
  /** Count "the router has no public address" as CGNAT (default true; see the file comment). */
  readonly noPublicAddressMeansCgnat?: boolean;
  /** Why the router gave no address to compare (see routerSilence), when it gave none. */
  readonly routerSilent?: string;
}

/** What the port-mapping probe found, as far as the router's silence needs it. */
export interface RouterAnswers {
  readonly gateway: string | null;
  readonly upnp: Tristate;
  readonly natPmp: Tristate;
  readonly pcp: Tristate;
  readonly externalAddresses: readonly unknown[];
  readonly noPublicAddress: { readonly natPmp: boolean; readonly upnp: boolean };
  readonly reasons: { readonly upnp: string; readonly natPmp: string; readonly pcp: string };
}

/**
 * Why the router could not tell its external address, in one clause; undefined when it told
 * (an address, or "none").
 */
export function routerSilence(r: RouterAnswers): string | undefined {
  if (r.externalAddresses.length > 0 || r.noPublicAddress.natPmp || r.noPublicAddress.upnp) return undefined;
  if (r.gateway === null) return `the router could not be asked (${r.reasons.natPmp})`;
  const spoken = [r.natPmp === 'yes' ? 'NAT-PMP' : '', r.pcp === 'yes' ? 'PCP' : '', r.upnp === 'yes' ? 'UPnP IGD' : ''].filter(Boolean);
  if (spoken.length === 0) {
    const unsure = [r.natPmp, r.pcp, r.upnp].includes('unknown');
    return unsure
      ? `the router (${r.gateway}) gave no usable answer to NAT-PMP, PCP or UPnP IGD (${[r.reasons.natPmp, r.reasons.upnp].join('; ')})`
      : `the router (${r.gateway}) answered none of NAT-PMP, PCP and UPnP IGD, so it could not say its external address`;
  }
  const why = r.upnp === 'yes' ? r.reasons.upnp : r.natPmp === 'yes' ? r.reasons.natPmp : r.reasons.pcp;
  return `the router (${r.gateway}) speaks ${spoken.join(' and ')} but did not tell its external address (${why})`;
}

export type CombinedCgnatVerdict = CgnatVerdict & { readonly doubleNat: Tristate; readonly doubleNatReason: string };

type AddressKind = 'shared' | 'private' | 'public' | 'unusable';

function kindOf(address: string): AddressKind {
  const range = ipv4Range(address);
  if (range === undefined) return 'unusable';
  if (range === 'carrierGradeNat') return 'shared';
  if (range === 'private' || range === 'linkLocal') return 'private';
  if (range === 'unspecified' || range === 'broadcast' || range === 'multicast' || range === 'loopback') return 'unusable';
  return 'public';
}

/** What the router and the servers said, sorted by what it argues for or against. */
interface Findings {
  readonly evidence: Evidence[];
  readonly cgnatYes: string[];
  readonly cgnatNo: string[];
  readonly doubleYes: string[];
  readonly doubleNo: string[];
}

export function combineCgnatEvidence(input: CgnatEvidenceInput): CombinedCgnatVerdict {
  const { firstPass } = input;
  const stun = [...new Set(input.stunPublic.map(normaliseAddress).filter(isIPv4))];
  const found: Findings = { evidence: [...firstPass.evidence], cgnatYes: [], cgnatNo: [], doubleYes: [], doubleNo: [] };
  weighRouterAddresses(input, stun, found);
  weighNoPublicAddress(input, stun, found);
  const pooling = weighPooling(stun, found);
  const double = doubleNatVerdict(input, found);
  const { value, reason } = cgnatVerdict(input, stun, found, pooling, double);
  return { value, reason, evidence: found.evidence, excludedInterfaces: [...firstPass.excludedInterfaces], doubleNat: double.value, doubleNatReason: double.reason };
}

/** One line per address the router reported, naming every protocol that said it (said once). */
function weighRouterAddresses(input: CgnatEvidenceInput, stun: string[], found: Findings): void {
  const { evidence, cgnatYes, cgnatNo, doubleYes, doubleNo } = found;
  const stunText = stun.join(', ');
  const told = new Map<string, string[]>();
  for (const r of input.routerExternal) {
    const address = normaliseAddress(String(r.address));
    told.set(address, [...(told.get(address) ?? []), r.protocol]);
  }
  for (const [address, protocols] of told) {
    const r = { protocol: protocols.join(' and ') };
    const test = `router's external address (${protocols.join(', ')})`;
    switch (kindOf(address)) {
      case 'shared':
        evidence.push({ test, observation: `${address} is in 100.64.0.0/10 (RFC 6598): the router itself sits behind a carrier-grade NAT` });
        cgnatYes.push(`the router's ${r.protocol} external address ${address} is in 100.64.0.0/10`);
        doubleYes.push(`the router's external address ${address} is in 100.64.0.0/10`);
        break;
      case 'private':
        evidence.push({ test, observation: `${address} is a private address: another NAT sits beyond the router` });
        doubleYes.push(`the router's external address ${address} is private`);
        break;
      case 'public':
        if (stun.length === 0) {
          evidence.push({ test, observation: `${address} (public); no STUN-reported address to compare it with` });
        } else if (stun.includes(address)) {
          evidence.push({ test, observation: `${address}, the address the STUN servers see: the router holds the public address` });
          doubleNo.push(`the router's external address ${address} is the one the servers see`);
          cgnatNo.push(`your router's own external address ${address} (${r.protocol}) is the public address the servers see: no NAT above it`);
        } else {
          evidence.push({ test, observation: `${address}, but the STUN servers see ${stunText}: another NAT beyond the router (or traffic leaves by another path)` });
          doubleYes.push(`the router's external address ${address} differs from the servers' view ${stunText}`);
        }
        break;
      case 'unusable':
        evidence.push({ test, observation: `ignored "${address.slice(0, 45)}": not a usable IPv4 unicast address` });
        break;
    }
  }
}

function weighNoPublicAddress(input: CgnatEvidenceInput, stun: string[], found: Findings): void {
  const { evidence, cgnatYes, doubleYes } = found;
  const stunText = stun.join(', ');
  const noPublic: string[] = [];
  if (input.natPmpNoPublicAddress) noPublic.push('NAT-PMP answered "Network Failure" (result 3) / 0.0.0.0');
  if (input.upnpNoPublicAddress) noPublic.push('UPnP GetExternalIPAddress answered an empty address');
  if (noPublic.length > 0) {
    const test = "router's own view of its WAN";
    if (stun.length > 0) {
      evidence.push({
        test,
        observation: `${noPublic.join('; ')}: the router has no public address, yet the servers are reached through it (they see ${stunText}): its WAN address is private or shared, a NAT sits above it`,
      });
      doubleYes.push('your router reports no public address of its own while the Internet is reached through it');
      if (input.noPublicAddressMeansCgnat !== false) {
        cgnatYes.push(
          'your router reports no public address of its own while the Internet is reached through it: a NAT sits above it, most likely the carrier’s (a second router of your own would look the same)',
        );
      }
    } else {
      evidence.push({ test, observation: `${noPublic.join('; ')}, and no STUN server answered: the router's WAN may simply be down` });
    }
  }
}

/** Several public addresses for one client: non-paired pooling. */
function weighPooling(stun: string[], found: Findings): boolean {
  if (stun.length <= 1) return false;
  found.evidence.push({
    test: 'public address per STUN server',
    observation: `the servers see ${stun.length} different public addresses (${stun.join(', ')}): non-paired address pooling (RFC 4787 REQ-2 not met), typical of carrier-grade NAT pools or of load-balanced multi-WAN`,
  });
  return true;
}

function doubleNatVerdict(input: CgnatEvidenceInput, { doubleYes, doubleNo }: Findings): { value: Tristate; reason: string } {
  const { firstPass } = input;
  if (firstPass.value === 'no') return { value: 'no', reason: `no NAT at all (${firstPass.reason})` };
  if (doubleYes.length > 0 && doubleNo.length > 0) return { value: 'unknown', reason: `conflicting router evidence: ${doubleYes[0]}; but ${doubleNo[0]}` };
  if (doubleYes.length > 0) return { value: 'yes', reason: doubleYes.join('; ') };
  if (doubleNo.length > 0) return { value: 'no', reason: doubleNo.join('; ') };
  return { value: 'unknown', reason: input.routerSilent ?? 'the router reported no external address to compare with the servers’ view' };
}

function cgnatVerdict(
  input: CgnatEvidenceInput,
  stun: string[],
  { cgnatYes, cgnatNo }: Findings,
  pooling: boolean,
  double: { value: Tristate; reason: string },
): { value: Tristate; reason: string } {
  const { firstPass } = input;
  if (firstPass.value === 'no') return { value: 'no', reason: firstPass.reason };
  if (firstPass.value === 'yes' || cgnatYes.length > 0) {
    return { value: 'yes', reason: [...(firstPass.value === 'yes' ? [firstPass.reason] : []), ...cgnatYes].join('; ') };
  }
  if (pooling && double.value === 'yes') {
    return { value: 'yes', reason: `a NAT beyond the router that spreads one client over several public addresses (${stun.join(', ')}): a carrier-grade NAT pool` };
  }
  if (cgnatNo.length > 0 && double.value !== 'unknown') return { value: 'no', reason: cgnatNo.join('; ') };
  const reason =
    double.value === 'yes'
      ? `${double.reason}; whether that outer NAT is the carrier's is not shown`
      : pooling
        ? 'the servers see several public addresses, but nothing shows a NAT beyond the router'
        : input.routerSilent
          ? // The detail is the double-NAT reason's: said once, there.
            'no local or reflexive address in 100.64.0.0/10, and the router did not tell its own external address'
          : firstPass.reason;
  return { value: 'unknown', reason };
}
