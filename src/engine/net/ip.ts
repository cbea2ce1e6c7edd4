/**
 * The engine's one IP module: parsing, checks and conversions of IP literals. STUN address
 * attributes carry raw 4- or 16-byte addresses; the rest of the engine speaks strings, so this is
 * where they are converted, always to canonical text (RFC 5952 for IPv6) so that equal addresses
 * compare equal as strings. The parsers are strict (no leading zeros, no inet_aton forms): what
 * the engine sends to and reads from the network. The linter keeps its own inet_pton/inet_aton
 * parsers on purpose (src/lint/wireguard/addresses.ts, src/lint/openvpn/rules/addresses.ts):
 * it must accept exactly what wg and openvpn accept.
 */
import * as ipaddr from 'ipaddr.js';
import type { Family } from './udp';

export interface IpBytes {
  readonly family: Family;
  readonly bytes: Uint8Array;
}

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Dotted-quad IPv4. Leading zeros are refused: "010" is octal to some parsers and decimal to others. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!DECIMAL_OCTET.test(parts[i])) return undefined;
    const n = Number(parts[i]);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** 16-bit groups of one side of "::"; the last group may be a dotted IPv4 tail (RFC 4291 §2.2 form 3). */
function hexGroups(part: string, allowIPv4Tail: boolean): number[] | undefined {
  if (part === '') return [];
  const fields = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (allowIPv4Tail && i === fields.length - 1 && f.includes('.')) {
      const v4 = parseIPv4(f);
      if (!v4) return undefined;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else if (HEX_GROUP.test(f)) {
      groups.push(parseInt(f, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/**
 * IPv6 text forms of RFC 4291 §2.2: full, "::"-compressed, and with an IPv4 tail. A zone index
 * ("fe80::1%eth0") is accepted and dropped, since STUN addresses cannot carry one.
 */
export function parseIPv6(text: string): Uint8Array | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) {
    if (zone === s.length - 1) return undefined;
    s = s.slice(0, zone);
  }
  if (!s.includes(':')) return undefined;
  const gap = s.indexOf('::');
  let groups: number[];
  if (gap < 0) {
    const all = hexGroups(s, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  } else {
    if (s.indexOf('::', gap + 1) >= 0) return undefined; // at most one "::" (this also refuses ":::")
    const head = hexGroups(s.slice(0, gap), false);
    const tail = hexGroups(s.slice(gap + 2), true);
    // "::" stands for one or more zero groups (RFC 4291 §2.2), so at most 7 are written out.
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  return out;
}

/** Either family; undefined when `text` is not an IP literal (hostnames included). */
export function parseIp(text: string): IpBytes | undefined {
  const v4 = parseIPv4(text);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(text);
  return v6 ? { family: 6, bytes: v6 } : undefined;
}

/** True for ::ffff:0:0/96, the IPv4-mapped IPv6 addresses of RFC 4291 §2.5.5.2. */
export function isIPv4Mapped(b: Uint8Array, at = 0): boolean {
  for (let i = 0; i < 10; i++) if (b[at + i] !== 0) return false;
  return b[at + 10] === 0xff && b[at + 11] === 0xff;
}

export function formatIPv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/**
 * RFC 5952 §4: lower case, no leading zeros, the longest run of two or more zero groups (the first
 * on a tie) shortened to "::". §5: IPv4-mapped addresses keep their dotted tail ("::ffff:192.0.2.1").
 */
export function formatIPv6(b: Uint8Array, at = 0): string {
  if (isIPv4Mapped(b, at)) return `::ffff:${formatIPv4(b, at + 12)}`;
  return formatIPv6Groups(b, at);
}

/** RFC 5952 §4 text of 16 address bytes, without §5's dotted tail for IPv4-mapped addresses. */
export function formatIPv6Groups(b: ArrayLike<number>, at = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[at + 2 * i] << 8) | b[at + 2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never shortened (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return hexJoin(groups);
  return `${hexJoin(groups.slice(0, bestStart))}::${hexJoin(groups.slice(bestStart + bestLength))}`;
}

function hexJoin(groups: number[]): string {
  return groups.map((n) => n.toString(16)).join(':');
}

/** Canonical text of an IP literal, or undefined when it is not one. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  return ip.family === 4 ? formatIPv4(ip.bytes) : formatIPv6(ip.bytes);
}

/** 4 or 6 for an IP literal (an IPv6 zone index allowed), 0 for anything else, hostnames included. */
export function ipFamily(text: string): 0 | Family {
  if (parseIPv4(text)) return 4;
  return parseIPv6(text) ? 6 : 0;
}

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== undefined;
}

export function isIPv6(text: string): boolean {
  return parseIPv6(text) !== undefined;
}

/** The unspecified address, 0.0.0.0 or :: in any spelling: "any" when bound, never a peer. */
export function isUnspecified(text: string): boolean {
  const ip = parseIp(text);
  return !!ip && ip.bytes.every((b) => b === 0);
}

/** This machine itself: 127.0.0.0/8, ::1 and ::ffff:127.x (RFC 6890). */
export function isLoopback(text: string): boolean {
  const a = normaliseAddress(text);
  return inIPv4Prefix(a, '127.0.0.0', 8) || canonicalIp(a) === '::1';
}

/**
 * An IPv6 global unicast address: 2000::/3, the only block IANA allocates global unicast from
 * (RFC 4291 §2.4, the IANA IPv6 Address Space registry). Excludes link-local fe80::/10, unique
 * local fc00::/7, multicast, loopback, the unspecified address and IPv4-mapped ::ffff:0:0/96.
 */
export function isGlobalUnicastIPv6(text: string): boolean {
  const b = parseIPv6(text);
  return !!b && !text.includes('%') && (b[0] & 0xe0) === 0x20;
}

/** A dotted-quad IPv4 address as an unsigned 32-bit number. */
export function ipv4ToNumber(text: string): number | undefined {
  const b = parseIPv4(text);
  return b ? ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0 : undefined;
}

/** True when both are IPv4 addresses and `address` is in `network`/`bits`. */
export function inIPv4Prefix(address: string, network: string, bits: number): boolean {
  const a = ipv4ToNumber(address);
  const n = ipv4ToNumber(network);
  if (a === undefined || n === undefined) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((n & mask) >>> 0);
}

/** True when two IPv4 addresses share the subnet `netmask` (a dotted quad) names. */
export function sameIPv4Subnet(a: string, b: string, netmask: string): boolean {
  const x = ipv4ToNumber(a);
  const y = ipv4ToNumber(b);
  const mask = ipv4ToNumber(netmask);
  if (x === undefined || y === undefined || mask === undefined) return false;
  return ((x & mask) >>> 0) === ((y & mask) >>> 0);
}

/** The special-purpose range of an IPv4 address (RFC 6890 names: private, carrierGradeNat, …), "unicast" for the rest. */
export function ipv4Range(text: string): string | undefined {
  return isIPv4(text) ? ipaddr.IPv4.parse(text).range() : undefined;
}

/** Folds IPv4-mapped IPv6 (::ffff:a.b.c.d) to plain IPv4 and lower-cases IPv6; other text is lower-cased. */
export function normaliseAddress(address: string): string {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped ? mapped[1] : lower;
}

/**
 * Any text some resolver would read as an address, inet_aton's forms ("10.1", "010.0.0.1")
 * included. Only for redaction, which must rather hide too much than too little.
 */
export function isAnyIpForm(text: string): boolean {
  return ipaddr.isValid(text);
}

/** The normalised text of anything isAnyIpForm accepts (a zone dropped); the text itself otherwise. */
export function anyIpFormKey(text: string): string {
  try {
    return ipaddr.process(text.replace(/%.*$/, '')).toNormalizedString();
  } catch {
    return text;
  }
}
