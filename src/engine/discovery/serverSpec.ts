import * as ipaddr from 'ipaddr.js';

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
  let s = text.trim();
  if (/^stuns?:/i.test(s)) s = s.replace(/^stuns?:/i, '');
  if (s === '') return { ok: false, error: 'empty server' };
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
    if (!ipaddr.IPv6.isValid(host)) return { ok: false, error: `"${text}": [${host}] is not an IPv6 address` };
  } else if (ipaddr.IPv6.isValid(s) && s.includes(':') && !/^[^:]+:\d+$/.test(s)) {
    host = s;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0) {
      host = s.slice(0, colon);
      portText = s.slice(colon + 1);
    } else {
      host = s;
    }
    if (!/^[A-Za-z0-9.-]+$/.test(host) || host.startsWith('-') || host.includes('..')) {
      return { ok: false, error: `"${text}": "${host}" is not a hostname or IP address` };
    }
  }
  let port = DEFAULT_STUN_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return { ok: false, error: `"${text}": port must be a number from 1 to 65535` };
    }
    port = Number(portText);
  }
  return { ok: true, value: { host, port } };
}

export function isIpLiteral(host: string): 4 | 6 | 0 {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return 4;
  if (ipaddr.IPv6.isValid(host)) return 6;
  return 0;
}
