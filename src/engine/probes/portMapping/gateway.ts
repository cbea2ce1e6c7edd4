/**
 * The default IPv4 gateway, from Linux's /proc/net/route (read through an injected reader, so
 * tests give it text). Elsewhere the answer is "unknown" with a reason: the probe then needs the
 * gateway passed in explicitly.
 */

import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import { isTunnelInterface } from '../../discovery/cgnat';

export type RouteReader = () => Promise<string>;

export type GatewayResult =
  | { readonly ok: true; readonly gateway: string; readonly iface: string; readonly metric: number; readonly tunnel: boolean }
  | { readonly ok: false; readonly reason: string };

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;
/** /proc/net/route is a few lines; anything bigger is not it. */
const MAX_ROUTE_TEXT = 256 * 1024;
const MAX_ROUTE_LINES = 4096;

/**
 * The kernel prints each address as the 32-bit word in host byte order (`%08X`): on a
 * little-endian machine 192.168.1.1 reads `0101A8C0`.
 */
export function decodeRouteHex(hex: string, littleEndian: boolean): string | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  if (littleEndian) bytes.reverse();
  return bytes.join('.');
}

/** Picks the usable default route with the lowest metric. Never throws. */
export function parseProcNetRoute(text: string, littleEndian = true): GatewayResult {
  if (typeof text !== 'string' || text.length === 0) return { ok: false, reason: 'the routing table is empty' };
  if (text.length > MAX_ROUTE_TEXT) return { ok: false, reason: 'the routing table text is implausibly large' };
  const lines = text.split('\n', MAX_ROUTE_LINES + 1);
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  const col = (name: string) => header.indexOf(name);
  const [iIface, iDest, iGw, iFlags, iMetric, iMask] = ['Iface', 'Destination', 'Gateway', 'Flags', 'Metric', 'Mask'].map(col);
  if ([iIface, iDest, iGw, iFlags, iMetric, iMask].some((i) => i < 0)) {
    return { ok: false, reason: 'the routing table has no recognisable header (not /proc/net/route?)' };
  }
  let best: { gateway: string; iface: string; metric: number } | undefined;
  let defaults = 0;
  for (const line of lines.slice(1, MAX_ROUTE_LINES + 1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < header.length) continue;
    if (f[iDest] !== '00000000' || f[iMask] !== '00000000') continue;
    defaults++;
    const flags = parseInt(f[iFlags], 16);
    if (!Number.isFinite(flags) || (flags & RTF_UP) === 0 || (flags & RTF_GATEWAY) === 0) continue;
    const gateway = decodeRouteHex(f[iGw], littleEndian);
    if (!gateway || gateway === '0.0.0.0') continue;
    const metric = Number(f[iMetric]);
    if (!Number.isInteger(metric) || metric < 0) continue;
    const iface = f[iIface];
    if (!/^[\w.:@-]{1,32}$/.test(iface)) continue;
    if (!best || metric < best.metric) best = { gateway, iface, metric };
  }
  if (!best) {
    return {
      ok: false,
      reason:
        defaults > 0
          ? 'the default route has no gateway address (a point-to-point link or a tunnel)'
          : 'no IPv4 default route',
    };
  }
  return { ok: true, ...best, tunnel: isTunnelInterface(best.iface) };
}

/**
 * The default gateway. Without an injected reader it reads /proc/net/route on Linux and
 * gives up with a reason elsewhere.
 */
export async function findDefaultGateway(options: {
  readonly readRoutes?: RouteReader;
  readonly platform?: string;
  readonly littleEndian?: boolean;
} = {}): Promise<GatewayResult> {
  const platform = options.platform ?? process.platform;
  let reader = options.readRoutes;
  if (!reader) {
    if (platform !== 'linux') return { ok: false, reason: `finding the default gateway is only implemented on Linux (this is ${platform})` };
    reader = () => fsp.readFile('/proc/net/route', 'utf8');
  }
  let text: string;
  try {
    text = await reader();
  } catch (e) {
    return { ok: false, reason: `cannot read the routing table: ${(e as Error)?.message ?? String(e)}` };
  }
  // Static imports only: a dynamic import() resolves after an unknown number of event-loop
  // turns, which a virtual clock in tests cannot tell from a deadlock.
  const littleEndian = options.littleEndian ?? os.endianness() === 'LE';
  return parseProcNetRoute(text, littleEndian);
}
