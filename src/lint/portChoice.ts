import type { PortResult } from '../report/report';

/**
 * IPsec's UDP ports: IKE (500) and NAT traversal (4500, RFC 3948). Routers with "IPsec
 * passthrough" and firewalls with IPsec ALGs rewrite, rate-limit or block traffic there, which is
 * why PORT02 flags a VPN listening on them; a fix must not suggest them either.
 */
export const IPSEC_UDP_PORTS: readonly number[] = [500, 4500];

function isIpsec(p: PortResult): boolean {
  return p.protocol === 'udp' && IPSEC_UDP_PORTS.includes(p.port);
}

/**
 * The port the probe found open that a fix should suggest: 443 first (HTTPS; networks that let
 * little through still let it), then any other open port in the report's order, never one of
 * IPsec's. `protocol` narrows the choice (WireGuard, or OpenVPN with `fragment`, stays on UDP).
 */
export function preferredOpenPort(ports: readonly PortResult[], protocol?: 'udp' | 'tcp'): PortResult | undefined {
  const open = ports.filter((p) => p.reachable === 'yes' && (!protocol || p.protocol === protocol) && !isIpsec(p));
  return open.find((p) => p.port === 443) ?? open[0];
}
