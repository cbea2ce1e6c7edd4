/**
 * Address syntax as OpenVPN 2.6 checks it while reading the file: `ifconfig` and
 * `route-gateway` want a plain dotted quad; `server`, `server-bridge` and `ifconfig-pool` take
 * what inet_aton() takes (1 to 4 parts, decimal, octal or hex); the IPv6 options want an IPv6
 * address, some with a /bits suffix of at most 128. Separate from engine/net/ip.ts on purpose:
 * these mirror OpenVPN's own checks (leading zeros and inet_aton forms included), which the
 * engine's strict parser refuses.
 */

/** Dotted quad, each part decimal 0–255 (leading zeros allowed). */
export function isDottedQuad(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}

function atonPart(p: string): number {
  if (/^0[xX][0-9a-fA-F]+$/.test(p)) return parseInt(p.slice(2), 16);
  if (/^0[0-7]*$/.test(p)) return parseInt(p, 8);
  if (/^[1-9]\d*$/.test(p)) return Number(p);
  return Number.NaN;
}

/** inet_aton(): the address as a 32-bit number, or undefined. */
export function inetAton(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4 || s.length > 64) return undefined;
  const n = parts.map(atonPart);
  if (n.some((x) => Number.isNaN(x))) return undefined;
  const lastMax = [2 ** 32, 2 ** 24, 2 ** 16, 2 ** 8][parts.length - 1];
  if (n.slice(0, -1).some((x) => x > 255) || n[n.length - 1] >= lastMax) return undefined;
  let value = n[n.length - 1];
  for (let i = 0; i < n.length - 1; i++) value += n[i] * 2 ** (8 * (3 - i));
  return value;
}

export function isIPv6(s: string): boolean {
  if (s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  let head = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    // An embedded IPv4 address stands for the last two groups.
    if (!isDottedQuad(s.slice(lastColon + 1))) return false;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const all = halves.flatMap(groups);
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

/** `addr/bits` (bits optional when `bitsOptional`), bits 0–128. */
export function isIPv6Prefix(s: string, bitsOptional: boolean): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return bitsOptional && isIPv6(s);
  const bits = s.slice(slash + 1);
  return isIPv6(s.slice(0, slash)) && /^\d{1,3}$/.test(bits) && Number(bits) <= 128;
}
