import { inIPv4Prefix } from '../net/ip';
import type { CgnatVerdict, Evidence } from '../../report/report';

export interface LocalInterface {
  readonly name: string;
  readonly address: string;
  readonly family: 4 | 6;
  readonly internal: boolean;
}

/**
 * VPN tunnels that number themselves from 100.64.0.0/10 (Tailscale does, others may): an address
 * there says nothing about the carrier, so these interfaces are left out and named.
 */
const TUNNEL_NAME = /^(tailscale|wg|utun|tun|tap|zt|nordlynx|proton|mullvad|ppp|ipsec)/i;

export function isTunnelInterface(name: string): boolean {
  return TUNNEL_NAME.test(name);
}

/** RFC 6598 shared address space, reserved for carrier-grade NAT. */
export function isSharedAddressSpace(address: string): boolean {
  return inIPv4Prefix(address, '100.64.0.0', 10);
}

export function cgnatFirstPass(interfaces: readonly LocalInterface[], reflexive: readonly string[], noNat: boolean): CgnatVerdict {
  const evidence: Evidence[] = [];
  const excluded = new Set<string>();
  for (const i of interfaces) {
    if (i.internal || i.family !== 4) continue;
    if (isTunnelInterface(i.name)) {
      if (isSharedAddressSpace(i.address)) excluded.add(i.name);
      continue;
    }
    if (isSharedAddressSpace(i.address)) {
      evidence.push({
        test: `local interface ${i.name}`,
        observation: `address ${i.address} is in 100.64.0.0/10, the RFC 6598 range for carrier-grade NAT`,
      });
    }
  }
  for (const r of reflexive) {
    if (isSharedAddressSpace(r)) {
      evidence.push({
        test: 'reflexive address reported by a STUN server',
        observation: `${r} is in 100.64.0.0/10: the server itself sits inside a carrier network`,
      });
    }
  }
  const excludedInterfaces = [...excluded].sort();
  if (evidence.length > 0) return { value: 'yes', evidence, excludedInterfaces, reason: 'an address in the carrier-grade NAT range (RFC 6598) is in use' };
  if (noNat) {
    return {
      value: 'no',
      evidence: [{ test: 'mapped address', observation: 'the servers see this machine’s own address: no NAT at all' }],
      excludedInterfaces,
      reason: 'no NAT on the path',
    };
  }
  return {
    value: 'unknown',
    evidence,
    excludedInterfaces,
    reason: 'no local or reflexive address in 100.64.0.0/10; a carrier NAT behind a home router needs the router’s own external address to show',
  };
}
