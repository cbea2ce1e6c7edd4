/**
 * IP literals <-> bytes. STUN address attributes carry raw 4- or 16-byte addresses; the rest of
 * the engine speaks strings, so this is the one place they are converted, always to canonical text
 * (RFC 5952 for IPv6) so that equal addresses compare equal as strings.
 */
import type { Family } from '../net/udp';

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
