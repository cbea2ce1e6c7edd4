/**
 * SSDP, the UPnP search (UPnP Device Architecture 2.0 §1.3): the M-SEARCH we send, the
 * answer we believe, and the rule every URL from the gateway must pass (its own address,
 * plain http) — used for the announced LOCATION and the description's controlURL alike.
 */

import { MAX_VALUE, printable } from './text';

export const SSDP_PORT = 1900;
export const SSDP_MULTICAST = '239.255.255.250';
export const ST_IGD = 'urn:schemas-upnp-org:device:InternetGatewayDevice:1';
export const ST_WANIP = 'urn:schemas-upnp-org:service:WANIPConnection:1';

/** Cap: an SSDP answer is a few hundred bytes. */
export const MAX_SSDP_BYTES = 4096;
const MAX_HEADER_LINES = 64;

const latin1 = new TextDecoder('latin1');
const encoder = new TextEncoder();

export function buildMSearch(st: string, mx = 1): Uint8Array {
  return encoder.encode(
    `M-SEARCH * HTTP/1.1\r\nHOST: ${SSDP_MULTICAST}:${SSDP_PORT}\r\nMAN: "ssdp:discover"\r\nMX: ${mx}\r\nST: ${st}\r\n\r\n`,
  );
}

export type SsdpAnswer =
  | { readonly ok: true; readonly st: string; readonly location: string; readonly usn?: string; readonly server?: string }
  | { readonly ok: false; readonly reason: string };

/** A unicast search answer ("HTTP/1.1 200 OK" + headers). Never throws. */
export function parseSsdpResponse(data: Uint8Array): SsdpAnswer {
  if (!(data instanceof Uint8Array)) return { ok: false, reason: 'not bytes' };
  if (data.length > MAX_SSDP_BYTES) return { ok: false, reason: `${data.length}-byte SSDP answer (limit ${MAX_SSDP_BYTES})` };
  const text = latin1.decode(data);
  const lines = text.split(/\r?\n/, MAX_HEADER_LINES + 2);
  if (!/^HTTP\/1\.[01] 200(?: |$)/.test(lines[0] ?? '')) return { ok: false, reason: `not a search answer: "${printable(lines[0] ?? '', 40)}"` };
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (value.length > MAX_VALUE || !/^[\x20-\x7e]*$/.test(value)) continue;
    if (!headers.has(name)) headers.set(name, value);
  }
  const st = headers.get('st');
  const location = headers.get('location');
  if (!st) return { ok: false, reason: 'no ST header' };
  if (!location) return { ok: false, reason: 'no LOCATION header' };
  if (!isIgdSearchTarget(st)) return { ok: false, reason: `answer for another search target (${printable(st, 80)})` };
  return { ok: true, st, location, usn: headers.get('usn'), server: headers.get('server') };
}

function isIgdSearchTarget(st: string): boolean {
  return /^urn:schemas-upnp-org:(device:InternetGatewayDevice|service:WANIPConnection|service:WANPPPConnection):\d{1,2}$/.test(st);
}

/**
 * A URL the client may fetch: http only, on the gateway's own address, no credentials.
 * Returns the normalised URL or why not.
 */
export function gatewayUrl(raw: string, gateway: string, base?: string): { ok: true; url: string } | { ok: false; reason: string } {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_VALUE) return { ok: false, reason: 'empty or over-long URL' };
  let u: URL;
  try {
    u = base ? new URL(raw, base) : new URL(raw);
  } catch {
    return { ok: false, reason: `not a URL: "${printable(raw, 80)}"` };
  }
  if (u.protocol !== 'http:') return { ok: false, reason: `not plain http (${u.protocol})` };
  if (u.username || u.password) return { ok: false, reason: 'URL carries credentials' };
  if (u.hostname !== gateway) return { ok: false, reason: `points at ${u.hostname}, not at the gateway ${gateway}` };
  return { ok: true, url: u.toString() };
}
