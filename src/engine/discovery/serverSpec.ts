import { isIPv6 } from '../net/ip';

export const DEFAULT_STUN_PORT = 3478;

export interface ServerSpec {
  readonly host: string;
  readonly port: number;
}

export type ParseResult = { readonly ok: true; readonly value: ServerSpec } | { readonly ok: false; readonly error: string };

/**
 * `host`, `host:port`, `v4:port`, `[v6]`, `[v6]:port` or a bare IPv6 literal. A `stun:` URI
 * prefix (RFC 7064) is accepted too, since users paste those from WebRTC configs.
 */
export function parseServerSpec(text: string): ParseResult {
  // Messages quote what was given, but not a whole pasted page of it.
  const shown = cut(text);
  let s = text.trim();
  if (/^stuns?:/i.test(s)) s = s.replace(/^stuns?:/i, '');
  if (s === '') return { ok: false, error: 'empty server' };
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
    if (!isIPv6(host)) return { ok: false, error: `"${shown}": [${cut(host)}] is not an IPv6 address` };
  } else if (isIPv6(s) && s.includes(':') && !/^[^:]+:\d+$/.test(s)) {
    const ambiguous = portAfterIpv6(s);
    if (ambiguous) return { ok: false, error: `"${shown}": ${needsBrackets(ambiguous.address, ambiguous.port, s)}` };
    host = s;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0) {
      host = s.slice(0, colon);
      portText = s.slice(colon + 1);
    } else {
      host = s;
    }
    // "2001:db8:0:0:0:0:0:1:3478": nine groups, so the last can only be a port.
    if (host.includes(':') && isIPv6(host)) return { ok: false, error: `"${shown}": ${needsBrackets(host, portText ?? '')}` };
    // RFC 1035 §2.3.4: at most 253 characters (without the root dot), labels of at most 63.
    if (!/^[A-Za-z0-9.-]+$/.test(host) || host.startsWith('-') || host.includes('..') || host.length > 254 || host.split('.').some((l) => l.length > 63)) {
      return { ok: false, error: `"${shown}": "${cut(host)}" is not a hostname or IP address` };
    }
  }
  let port = DEFAULT_STUN_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return { ok: false, error: `"${shown}": port must be a number from 1 to 65535` };
    }
    port = Number(portText);
  }
  return { ok: true, value: { host, port } };
}

function cut(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * An unbracketed IPv6 address whose last group could be a port: "::1:3478" is a valid address
 * (::0.1.52.120), but also ::1 port 3478, and the user almost always means the latter. RFC 3986
 * §3.2.2 puts IPv6 literals with a port in brackets for exactly this reason, so instead of
 * guessing, the ambiguous spelling is refused. It is ambiguous when the last group is a decimal
 * port number and what comes before it is itself an address (which needs a "::" in it).
 */
function portAfterIpv6(s: string): { address: string; port: string } | null {
  const colon = s.lastIndexOf(':');
  const port = s.slice(colon + 1);
  const address = s.slice(0, colon);
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return null;
  return isIPv6(address) ? { address, port } : null;
}

function needsBrackets(address: string, port: string, whole?: string): string {
  return `an IPv6 address with a port needs brackets: write [${address}]:${port}${whole ? ` (or [${whole}] for the address alone)` : ''}`;
}
