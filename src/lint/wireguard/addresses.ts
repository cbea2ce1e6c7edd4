/**
 * Address parsing as the C library does it for wg: inet_pton (strict dotted quad, no leading
 * zeros; RFC 4291 text for IPv6 with an optional dotted tail, no zone), prefixes as
 * wireguard-tools src/config.c parse_allowedips reads them, endpoints as parse_endpoint
 * splits them, and inet_aton's legacy forms (`10.1`, octal `010`) that getaddrinfo still
 * accepts for Endpoint hosts.
 *
 * This is deliberately not engine/net/ip.ts, the engine's one IP module: the linter must accept
 * and refuse exactly what wg's C library does (inet_aton's octal and short forms included) and
 * is tuned for linting large files, while the engine parses only the strict forms it sends and
 * receives. Only the RFC 5952 formatting is shared.
 */

import { formatIPv6Groups } from '../../engine/net/ip';

export type Family = 4 | 6;

export interface Ip {
  readonly family: Family;
  /** 4 or 16 bytes, network order (a plain array: much cheaper to allocate than a typed one). */
  readonly bytes: readonly number[];
}

/** glibc inet_pton4: four decimal octets, no leading zeros, nothing else. */
export function parseIPv4(s: string): number[] | undefined {
  const out = [0, 0, 0, 0];
  return readIPv4(s, 0, s.length, out, 0) ? out : undefined;
}

/** parseIPv4 of s[a, b), written to out[at, at + 4). False (out partly written) when it is none. */
function readIPv4(s: string, a: number, b: number, out: number[], at: number): boolean {
  if (b - a < 7 || b - a > 15) return false;
  let octets = 0;
  let sawDigit = false;
  let cur = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (sawDigit && cur === 0) return false;
      cur = cur * 10 + (c - 48);
      if (cur > 255) return false;
      if (!sawDigit) {
        if (++octets > 4) return false;
        sawDigit = true;
      }
      out[at + octets - 1] = cur;
    } else if (c === 46 && sawDigit) {
      if (octets === 4) return false;
      sawDigit = false;
      cur = 0;
    } else return false;
  }
  return octets === 4 && sawDigit;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** glibc inet_pton6. */
export function parseIPv6(s: string): number[] | undefined {
  const out = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  return readIPv6(s, 0, s.length, out) ? out : undefined;
}

/** parseIPv6 of s[a, b), written to `out` (16 entries, all 0 on entry). False when it is none. */
function readIPv6(s: string, a: number, b: number, out: number[]): boolean {
  if (b - a < 2 || b - a > 45) return false;
  let i = a;
  if (s.charCodeAt(a) === 58 /* : */) {
    if (s.charCodeAt(a + 1) !== 58) return false;
    i = a + 1;
  }
  let tp = 0;
  let colonp = -1;
  let curtok = i;
  let sawX = false;
  let digits = 0;
  let val = 0;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    const d = hexValue(c);
    if (d >= 0) {
      if (digits === 4) return false;
      val = (val << 4) | d;
      digits++;
      sawX = true;
      continue;
    }
    if (c === 58) {
      curtok = i + 1;
      if (!sawX) {
        if (colonp >= 0) return false;
        colonp = tp;
        continue;
      }
      if (i + 1 >= b) return false;
      if (tp + 2 > 16) return false;
      out[tp++] = (val >> 8) & 0xff;
      out[tp++] = val & 0xff;
      sawX = false;
      digits = 0;
      val = 0;
      continue;
    }
    if (c === 46 && tp + 4 <= 16) {
      if (!readIPv4(s, curtok, b, out, tp)) return false;
      tp += 4;
      sawX = false;
      break;
    }
    return false;
  }
  if (sawX) {
    if (tp + 2 > 16) return false;
    out[tp++] = (val >> 8) & 0xff;
    out[tp++] = val & 0xff;
  }
  if (colonp >= 0) {
    if (tp === 16) return false;
    const n = tp - colonp;
    for (let k = 1; k <= n; k++) {
      out[16 - k] = out[colonp + n - k];
      out[colonp + n - k] = 0;
    }
    tp = 16;
  }
  return tp === 16;
}

/** wg's parse_ip: a `:` means IPv6, otherwise IPv4. */
export function parseIp(s: string): Ip | undefined {
  if (s.includes(':')) {
    const b = parseIPv6(s);
    return b ? { family: 6, bytes: b } : undefined;
  }
  const b = parseIPv4(s);
  return b ? { family: 4, bytes: b } : undefined;
}

export function formatIp(ip: Ip): string {
  const b = ip.bytes;
  return ip.family === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : formatIPv6Groups(b);
}

export interface Prefix {
  readonly ip: Ip;
  readonly cidr: number;
  /** Host bits were set (wg warns "AllowedIP has nonzero host part" and the kernel masks them). */
  readonly hostBits: boolean;
  /** The network with host bits cleared. */
  readonly network: Ip;
}

export type PrefixProblem =
  | { readonly kind: 'empty' }
  | { readonly kind: 'incremental' }
  | { readonly kind: 'zone' }
  | { readonly kind: 'hostname' }
  | { readonly kind: 'ip' }
  | { readonly kind: 'cidr'; readonly max: number };

/** The bytes with host bits cleared, or the same array when there were none. */
function maskBytes(bytes: readonly number[], cidr: number): readonly number[] {
  let masked: number[] | undefined;
  for (let i = 0; i < bytes.length; i++) {
    const keep = cidr - i * 8;
    const mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    if ((bytes[i] & ~mask & 0xff) !== 0) {
      masked ??= bytes.slice();
      masked[i] = bytes[i] & mask;
    }
  }
  return masked ?? bytes;
}

function looksLikeHostname(s: string): boolean {
  let letters = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (alpha) letters = true;
    else if (!(c >= 48 && c <= 57) && c !== 45 && c !== 46 && c !== 95) return false;
  }
  return letters;
}

/** An AllowedIPs entry as parse_allowedips reads it (input: whitespace already removed). */
export function parseAllowedIp(s: string): Prefix | PrefixProblem {
  if (s.length === 0) return { kind: 'empty' };
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) return { kind: 'incremental' };
  const slash = s.indexOf('/');
  const ipText = slash < 0 ? s : s.slice(0, slash);
  const ip = parseIp(ipText);
  if (!ip) {
    if (ipText.includes('%')) return { kind: 'zone' };
    if (looksLikeHostname(ipText)) return { kind: 'hostname' };
    return { kind: 'ip' };
  }
  const max = ip.family === 4 ? 32 : 128;
  let cidr = max;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    if (m.length === 0 || m.length > 12) return { kind: 'cidr', max };
    for (let i = 0; i < m.length; i++) {
      const c = m.charCodeAt(i);
      if (c < 48 || c > 57) return { kind: 'cidr', max };
    }
    cidr = Number(m);
    if (cidr > max) return { kind: 'cidr', max };
  }
  const masked = maskBytes(ip.bytes, cidr);
  return masked === ip.bytes ? { ip, cidr, hostBits: false, network: ip } : { ip, cidr, hostBits: true, network: { family: ip.family, bytes: masked } };
}

/** parseAllowedIp of line[a, b) with whitespace removed. */
export function parseAllowedIpAt(line: string, a: number, b: number): Prefix | PrefixProblem {
  let t = line.slice(a, b);
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      t = t.replace(/[ \t\n\v\f\r]+/g, '');
      break;
    }
  }
  return parseAllowedIp(t);
}

/**
 * Reads AllowedIPs items the way parseAllowedIpAt does, but into fields it reuses, so a big
 * server's tens of thousands of prefixes allocate nothing. It only takes an item that is a
 * prefix exactly as written (no whitespace inside, no host bits); for anything else read()
 * says false and the caller asks parseAllowedIpAt what it is.
 */
export class PrefixReader {
  family: Family = 4;
  cidr = 0;
  private readonly v4 = [0, 0, 0, 0];
  private readonly v6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

  /** The address bytes of the last successful read (valid until the next one). */
  get bytes(): readonly number[] {
    return this.family === 4 ? this.v4 : this.v6;
  }

  read(line: string, a: number, b: number): boolean {
    // As parseAllowedIp: the address ends at the first `/`; a `:` before it means IPv6.
    let slash = line.indexOf('/', a);
    if (slash >= b) slash = -1;
    const ipEnd = slash < 0 ? b : slash;
    const firstColon = line.indexOf(':', a);
    const colon = firstColon >= 0 && firstColon < ipEnd;
    if (colon) {
      for (let i = 0; i < 16; i++) this.v6[i] = 0; // readIPv6 needs zeros (a loop: fill() is a call)
      if (!readIPv6(line, a, ipEnd, this.v6)) return false;
    } else if (!readIPv4(line, a, ipEnd, this.v4, 0)) return false;
    this.family = colon ? 6 : 4;
    const max = colon ? 128 : 32;
    let cidr = max;
    if (slash >= 0) {
      if (b - slash - 1 === 0 || b - slash - 1 > 12) return false;
      cidr = 0;
      for (let i = slash + 1; i < b; i++) {
        const c = line.charCodeAt(i);
        if (c < 48 || c > 57) return false;
        cidr = cidr * 10 + (c - 48);
      }
      if (cidr > max) return false;
    }
    this.cidr = cidr;
    // A full-length prefix (a host route, the usual case) has no host bits to clear.
    return cidr === max || maskBytes(this.bytes, cidr) === this.bytes;
  }
}

export function isPrefix(p: Prefix | PrefixProblem): p is Prefix {
  return (p as Prefix).ip !== undefined;
}

/**
 * An Address entry as wg-quick hands it to `ip address add`: an address with an optional
 * prefix length. Host bits are the point here (10.0.0.2/24), so they are not a problem.
 */
export function parseInterfaceAddress(s: string): { ip: Ip; cidr: number } | PrefixProblem {
  const slash = s.indexOf('/');
  const ipText = slash < 0 ? s : s.slice(0, slash);
  const ip = parseIp(ipText);
  if (!ip) return looksLikeHostname(ipText) ? { kind: 'hostname' } : ipText.includes('%') ? { kind: 'zone' } : { kind: 'ip' };
  const max = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { ip, cidr: max };
  const m = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(m) || Number(m) > max) return { kind: 'cidr', max };
  return { ip, cidr: Number(m) };
}

export function formatPrefix(p: Prefix): string {
  return `${formatIp(p.network)}/${p.cidr}`;
}

/**
 * inet_aton's forms, which getaddrinfo accepts for a numeric host: 1 to 4 parts, each decimal,
 * octal (leading 0) or hex (0x); the last part fills the remaining bytes.
 */
export function parseInetAton(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]/.test(p)) return undefined;
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = p.length === 1 ? 0 : parseInt(p.slice(1), 8);
    else if (/^[1-9][0-9]*$/.test(p)) n = Number(p);
    else return undefined;
    if (!Number.isFinite(n) || p.length > 12) return undefined;
    nums.push(n);
  }
  const last = nums[nums.length - 1];
  const limits = [0xffffffff, 0xffffff, 0xffff, 0xff];
  if (last > limits[nums.length - 1]) return undefined;
  for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return undefined;
  const out = [0, 0, 0, 0];
  for (let i = 0; i < nums.length - 1; i++) out[i] = nums[i];
  let v = last;
  for (let i = 3; i >= nums.length - 1; i--) {
    out[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return out;
}

export type HostKind = 'ipv4' | 'ipv6' | 'legacy-ipv4' | 'name' | 'invalid';

export function classifyHost(host: string): { kind: HostKind; ip?: Ip } {
  if (host.length === 0) return { kind: 'invalid' };
  if (host.includes(':')) {
    const b = parseIPv6(host);
    return b ? { kind: 'ipv6', ip: { family: 6, bytes: b } } : { kind: 'invalid' };
  }
  const v4 = parseIPv4(host);
  if (v4) return { kind: 'ipv4', ip: { family: 4, bytes: v4 } };
  if (/^[0-9][0-9a-fA-FxX.]*$/.test(host) && !/[g-wyzG-WYZ]/.test(host)) {
    const aton = parseInetAton(host);
    if (aton) return { kind: 'legacy-ipv4', ip: { family: 4, bytes: aton } };
    // All digits and dots but not an address: the resolver then looks it up as a name and fails.
    if (/^[0-9.]+$/.test(host)) return { kind: 'invalid' };
  }
  if (host.length > 253) return { kind: 'invalid' };
  const labels = host.endsWith('.') ? host.slice(0, -1).split('.') : host.split('.');
  // An all-numeric top-level label is never a DNS name (RFC 3696 §2), and it was no address.
  if (labels.length > 1 && /^[0-9]+$/.test(labels[labels.length - 1])) return { kind: 'invalid' };
  for (const l of labels) {
    if (l.length === 0 || l.length > 63) return { kind: 'invalid' };
    for (let i = 0; i < l.length; i++) {
      const c = l.charCodeAt(i);
      const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
      if (!ok) return { kind: 'invalid' };
    }
  }
  return { kind: 'name' };
}

export interface EndpointParts {
  readonly host: string;
  readonly port: string;
  readonly bracketed: boolean;
  /** Column offsets of host and port inside the compact value (for ranges of simple values). */
  readonly hostOffset: number;
  readonly portOffset: number;
}

export type EndpointProblem =
  | { readonly kind: 'no-bracket-end' }
  | { readonly kind: 'no-port' }
  | { readonly kind: 'bare-ipv6' };

/** wg's parse_endpoint split: `[host]:port`, else split at the LAST colon. */
export function splitEndpoint(v: string): EndpointParts | EndpointProblem {
  if (v.charCodeAt(0) === 91) {
    const close = v.indexOf(']');
    if (close < 0) return { kind: 'no-bracket-end' };
    if (v.charCodeAt(close + 1) !== 58 || close + 2 >= v.length) return { kind: 'no-port' };
    return { host: v.slice(1, close), port: v.slice(close + 2), bracketed: true, hostOffset: 1, portOffset: close + 2 };
  }
  const colon = v.lastIndexOf(':');
  if (colon < 0 || colon + 1 >= v.length) {
    if (parseIPv6(v)) return { kind: 'bare-ipv6' };
    return { kind: 'no-port' };
  }
  return { host: v.slice(0, colon), port: v.slice(colon + 1), bracketed: false, hostOffset: 0, portOffset: colon + 1 };
}

export function isEndpointParts(p: EndpointParts | EndpointProblem): p is EndpointParts {
  return (p as EndpointParts).host !== undefined;
}
