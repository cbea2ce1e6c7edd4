import type { Family, UdpSocketFactory } from '../net/udp';

/**
 * Can we bind to `address`? Then it is this host's own: the "public" address a server reports is
 * not translated, so there is no NAT on the path (only, at most, a firewall).
 */
export async function isOwnAddress(factory: UdpSocketFactory, family: Family, address: string): Promise<boolean> {
  try {
    const s = await factory.bind({ family, address, port: 0 });
    s.close();
    return true;
  } catch {
    return false;
  }
}
