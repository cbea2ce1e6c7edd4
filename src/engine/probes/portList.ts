/** The VPN ports a port test may ask about, as users write them; kept apart from the probe so settings can check them cheaply. */
export interface PortSpec {
  readonly protocol: 'udp' | 'tcp';
  readonly port: number;
}

export const DEFAULT_PORTS_TEXT = 'udp:51820,udp:1194,udp:500,udp:4500,udp:443,tcp:443';

/** WireGuard, OpenVPN, IKE, IPsec NAT-T, UDP 443 (OpenVPN/QUIC), TCP 443 (OpenVPN/SSTP). */
export const DEFAULT_PORTS: readonly PortSpec[] = [
  { protocol: 'udp', port: 51820 },
  { protocol: 'udp', port: 1194 },
  { protocol: 'udp', port: 500 },
  { protocol: 'udp', port: 4500 },
  { protocol: 'udp', port: 443 },
  { protocol: 'tcp', port: 443 },
];

/** More than this many ports is almost surely a mistake (and a port scan we do not want to be). */
export const MAX_PORTS = 32;

export type ParsePortListResult = { readonly ok: true; readonly value: PortSpec[] } | { readonly ok: false; readonly error: string };

/** `udp:51820,udp:1194,tcp:443`: comma-separated `PROTOCOL:PORT`, spaces allowed around items. */
export function parsePortList(text: string): ParsePortListResult {
  if (typeof text !== 'string' || text.trim() === '') {
    return { ok: false, error: `empty port list; expected e.g. ${DEFAULT_PORTS_TEXT}` };
  }
  const items = text.split(',');
  if (items.length > MAX_PORTS) return { ok: false, error: `${items.length} ports listed; at most ${MAX_PORTS} are allowed` };
  const out: PortSpec[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i].trim();
    if (item === '') return { ok: false, error: `item ${i + 1} of "${text}" is empty (stray comma?)` };
    const m = /^([A-Za-z]+):(\S+)$/.exec(item);
    if (!m) {
      if (/^\d+$/.test(item)) return { ok: false, error: `"${item}" needs a protocol: write udp:${item} or tcp:${item}` };
      return { ok: false, error: `"${item}" is not PROTOCOL:PORT (e.g. udp:51820 or tcp:443)` };
    }
    const protocol = m[1].toLowerCase();
    if (protocol !== 'udp' && protocol !== 'tcp') return { ok: false, error: `"${item}": protocol must be udp or tcp, not "${m[1]}"` };
    if (!/^\d{1,5}$/.test(m[2])) return { ok: false, error: `"${item}": "${m[2]}" is not a port number` };
    const port = Number(m[2]);
    if (port < 1 || port > 65535) return { ok: false, error: `"${item}": port ${port} is outside 1..65535` };
    const key = `${protocol}:${port}`;
    if (seen.has(key)) return { ok: false, error: `${key} is listed twice` };
    seen.add(key);
    out.push({ protocol, port });
  }
  return { ok: true, value: out };
}
