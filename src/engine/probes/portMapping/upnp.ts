/**
 * UPnP IGD, read-only: SSDP M-SEARCH (unicast to the gateway and multicast to
 * 239.255.255.250:1900), the device description from the LOCATION the gateway announced, and
 * one SOAP action, GetExternalIPAddress. No AddPortMapping, no eventing, nothing else.
 *
 * Only the gateway is believed: SSDP answers from other LAN devices are ignored, and the
 * description and control URLs must point at the gateway's own address (plain http).
 * Parsing is small bounded string work, no XML library: inputs are size-capped first,
 * every scan is linear (indexOf), element values must be plain text.
 */

import type { Evidence, Tristate } from '../../../report/report';
import type { Clock } from '../../clock';
import { isIPv4 } from '../../net/ip';
import type { UdpSocketFactory } from '../../net/udp';
import { errorText } from '../../describe';
import { exchange } from './exchange';
import type { HttpRequester } from './http';
import { silence, silenceEvidence } from './natPmp';

export const SSDP_PORT = 1900;
export const SSDP_MULTICAST = '239.255.255.250';
export const ST_IGD = 'urn:schemas-upnp-org:device:InternetGatewayDevice:1';
export const ST_WANIP = 'urn:schemas-upnp-org:service:WANIPConnection:1';

/** Caps: an SSDP answer is a few hundred bytes, a description a few KiB, a SOAP answer < 1 KiB. */
export const MAX_SSDP_BYTES = 4096;
export const MAX_DESCRIPTION_BYTES = 64 * 1024;
export const MAX_SOAP_BYTES = 16 * 1024;
const MAX_HEADER_LINES = 64;
const MAX_SERVICES = 64;
const MAX_VALUE = 512;

const latin1 = new TextDecoder('latin1');
const encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------
// SSDP

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

// ---------------------------------------------------------------------------------------
// Description (XML) and SOAP

/** Removes <!-- comments --> (an unclosed one swallows the rest), linearly. */
export function stripComments(xml: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const start = xml.indexOf('<!--', pos);
    if (start < 0) return out + xml.slice(pos);
    out += xml.slice(pos, start);
    const end = xml.indexOf('-->', start + 4);
    if (end < 0) return out;
    pos = end + 3;
  }
}

function isTagEnd(ch: string | undefined): boolean {
  return ch === '>' || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '/';
}

/** Index of the next `<name` opening tag (not `<nameSomething`) at or after `from`, or -1. */
function findOpen(xml: string, name: string, from: number, to = xml.length): number {
  let pos = from;
  for (;;) {
    const i = xml.indexOf(`<${name}`, pos);
    if (i < 0 || i >= to) return -1;
    if (isTagEnd(xml[i + name.length + 1])) return i;
    pos = i + 1;
  }
}

function decodeEntities(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos);|&/g, (m, ent: string | undefined) => {
    if (!ent) {
      bad = true;
      return m;
    }
    switch (ent) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const code = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
    if (!(code >= 0x20 && code < 0x7f)) {
      bad = true;
      return m;
    }
    return String.fromCharCode(code);
  });
  return bad ? undefined : out;
}

/**
 * Plain-text content of the first `<name>` element inside [from, to): undefined when absent,
 * not closed, not plain text (nested markup, CDATA) or over-long.
 */
export function elementText(xml: string, name: string, from = 0, to = xml.length): string | undefined {
  const open = findOpen(xml, name, from, to);
  if (open < 0) return undefined;
  const gt = xml.indexOf('>', open);
  if (gt < 0 || gt >= to) return undefined;
  if (xml[gt - 1] === '/') return '';
  const close = xml.indexOf(`</${name}`, gt + 1);
  if (close < 0 || close >= to || close - gt - 1 > MAX_VALUE) return undefined;
  const raw = xml.slice(gt + 1, close);
  if (raw.includes('<')) return undefined;
  const text = decodeEntities(raw);
  if (text === undefined || hasControl(text)) return undefined;
  return text.trim();
}

/** C0 controls other than tab, CR and LF, and DEL. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

export interface DescribedService {
  readonly serviceType: string;
  readonly controlURL: string;
}

export type DescriptionResult =
  | { readonly ok: true; readonly services: DescribedService[]; readonly urlBase?: string; readonly wan?: DescribedService }
  | { readonly ok: false; readonly reason: string };

/** The services of a device description, and the WAN connection service to ask. Never throws. */
export function parseDescription(xmlIn: string): DescriptionResult {
  if (typeof xmlIn !== 'string') return { ok: false, reason: 'not text' };
  if (xmlIn.length > MAX_DESCRIPTION_BYTES) return { ok: false, reason: `description of ${xmlIn.length} characters (limit ${MAX_DESCRIPTION_BYTES})` };
  const xml = stripComments(xmlIn);
  if (findOpen(xml, 'root', 0) < 0) return { ok: false, reason: 'no <root> element: not a UPnP device description' };
  const services: DescribedService[] = [];
  let pos = 0;
  let blocks = 0;
  while (blocks < MAX_SERVICES) {
    let start = findOpen(xml, 'service', pos);
    if (start < 0) break;
    const end = xml.indexOf('</service>', start);
    if (end < 0) break;
    // Nested <service> blocks: take the innermost one that this end closes.
    for (;;) {
      const inner = findOpen(xml, 'service', start + 1, end);
      if (inner < 0) break;
      start = inner;
    }
    blocks++;
    const serviceType = elementText(xml, 'serviceType', start, end);
    const controlURL = elementText(xml, 'controlURL', start, end);
    if (serviceType && controlURL) services.push({ serviceType, controlURL });
    pos = end + '</service>'.length;
  }
  const urlBase = elementText(xml, 'URLBase');
  const pick = (re: RegExp) => services.find((s) => re.test(s.serviceType));
  const wan =
    pick(/^urn:schemas-upnp-org:service:WANIPConnection:\d{1,2}$/) ?? pick(/^urn:schemas-upnp-org:service:WANPPPConnection:\d{1,2}$/);
  return { ok: true, services, ...(urlBase ? { urlBase } : {}), ...(wan ? { wan } : {}) };
}

export function buildGetExternalIpSoap(serviceType: string): { body: string; soapAction: string } {
  const body =
    '<?xml version="1.0"?>\r\n' +
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<s:Body><u:GetExternalIPAddress xmlns:u="${xmlEscape(serviceType)}"></u:GetExternalIPAddress></s:Body></s:Envelope>\r\n`;
  return { body, soapAction: `"${serviceType}#GetExternalIPAddress"` };
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type SoapExternalIp =
  | { readonly kind: 'address'; readonly address: string }
  /** The gateway answered with an empty address or 0.0.0.0 (miniupnpd does so when its WAN address is private/reserved). */
  | { readonly kind: 'empty'; readonly raw: string }
  | { readonly kind: 'fault'; readonly status: number; readonly code?: number; readonly description?: string }
  | { readonly kind: 'malformed'; readonly reason: string };

const PREFIX = '(?:[A-Za-z_][\\w.-]{0,31}:)?';
const ADDRESS_ELEMENT = new RegExp(
  `<${PREFIX}NewExternalIPAddress(?:\\s[^<>]{0,256})?(?:/>|>([^<]{0,64})</${PREFIX}NewExternalIPAddress\\s*>)`,
);

/** Reads a GetExternalIPAddress answer. Never throws. */
export function parseGetExternalIpResponse(status: number, bodyIn: string): SoapExternalIp {
  if (typeof bodyIn !== 'string') return { kind: 'malformed', reason: 'not text' };
  if (bodyIn.length > MAX_SOAP_BYTES) return { kind: 'malformed', reason: `answer of ${bodyIn.length} characters (limit ${MAX_SOAP_BYTES})` };
  const body = stripComments(bodyIn);
  if (status !== 200) {
    const code = elementText(body, 'errorCode');
    const description = elementText(body, 'errorDescription');
    const n = code !== undefined && /^\d{1,4}$/.test(code) ? Number(code) : undefined;
    return { kind: 'fault', status, ...(n !== undefined ? { code: n } : {}), ...(description ? { description: printable(description, 80) } : {}) };
  }
  if (!new RegExp(`<${PREFIX}GetExternalIPAddressResponse[\\s>/]`).test(body)) {
    return { kind: 'malformed', reason: 'no GetExternalIPAddressResponse element' };
  }
  const m = ADDRESS_ELEMENT.exec(body);
  if (!m) return { kind: 'malformed', reason: 'no NewExternalIPAddress element' };
  const decoded = decodeEntities(m[1] ?? '');
  const value = (decoded ?? '').trim();
  if (decoded === undefined) return { kind: 'malformed', reason: 'bad entity in NewExternalIPAddress' };
  if (value === '' || value === '0.0.0.0') return { kind: 'empty', raw: value };
  if (!isIPv4(value)) return { kind: 'malformed', reason: `NewExternalIPAddress is not an IPv4 address: "${printable(value, 40)}"` };
  return { kind: 'address', address: value };
}

function printable(s: string, max: number): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

// ---------------------------------------------------------------------------------------
// The probe

export interface UpnpProbeResult {
  readonly present: Tristate;
  readonly reason: string;
  readonly externalAddress?: string;
  /** GetExternalIPAddress answered with an empty address / 0.0.0.0. */
  readonly noPublicAddress: boolean;
  readonly location?: string;
  readonly controlUrl?: string;
  readonly serviceType?: string;
  readonly server?: string;
  readonly evidence: Evidence[];
}

export interface UpnpProbeOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly gateway: string;
  readonly http: HttpRequester;
  readonly signal?: AbortSignal;
  /** Clock time by which everything (SSDP, description, SOAP) must be done. */
  readonly deadline: number;
  readonly tries?: number;
  readonly intervalMs?: number;
  /** Also send the search to the SSDP multicast group (default true). */
  readonly multicast?: boolean;
  readonly ssdpPort?: number;
}

export async function probeUpnp(o: UpnpProbeOptions): Promise<UpnpProbeResult> {
  const intervalMs = o.intervalMs ?? 250;
  const ssdpPort = o.ssdpPort ?? SSDP_PORT;
  const gw = { address: o.gateway, port: ssdpPort };
  const targets = [gw, ...(o.multicast === false ? [] : [{ address: SSDP_MULTICAST, port: ssdpPort }])];
  const test = `SSDP M-SEARCH (InternetGatewayDevice:1, WANIPConnection:1) to ${targets.map((t) => `${t.address}:${t.port}`).join(' and ')}`;
  const r = await exchange<SsdpAnswer>({
    factory: o.factory,
    clock: o.clock,
    signal: o.signal,
    targets,
    answerFrom: gw,
    anyPort: true,
    request: [buildMSearch(ST_IGD), buildMSearch(ST_WANIP)],
    tries: o.tries ?? 2,
    intervalMs,
    decode: parseSsdpResponse,
    isFinal: (a) => a.ok && gatewayUrl(a.location, o.gateway).ok,
  });
  const evidence: Evidence[] = [];
  const base = { noPublicAddress: false };
  for (const a of r.answers) {
    if (!a.ok) evidence.push({ test, observation: `ignored an answer from the gateway: ${a.reason}` });
    else if (!gatewayUrl(a.location, o.gateway).ok) {
      const why = gatewayUrl(a.location, o.gateway);
      evidence.push({ test, observation: `ignored LOCATION ${printable(a.location, 80)}: ${why.ok ? '' : why.reason}` });
    }
  }
  if (r.ignored > 0) evidence.push({ test, observation: `ignored ${r.ignored} answer(s) from other devices than the gateway` });
  const found = r.answers.find((a): a is Extract<SsdpAnswer, { ok: true }> => a.ok && gatewayUrl(a.location, o.gateway).ok);
  if (!found) {
    const s = silence('UPnP', r, r.answers.length > 0);
    return { ...base, ...s, evidence: [...evidence, ...silenceEvidence(test, r, intervalMs)] };
  }
  const location = (gatewayUrl(found.location, o.gateway) as { ok: true; url: string }).url;
  evidence.push({
    test,
    observation: `the gateway answers ${found.st}${found.server ? ` (SERVER: ${printable(found.server, 80)})` : ''}, LOCATION ${location}`,
  });
  const yes = (reason: string, extra: Partial<UpnpProbeResult> = {}): UpnpProbeResult => ({
    ...base,
    present: 'yes',
    reason,
    location,
    ...(found.server ? { server: found.server } : {}),
    ...extra,
    evidence,
  });

  // The description.
  const remaining = (): number => o.deadline - o.clock.now();
  if (remaining() <= 0) return yes('the gateway announces a UPnP Internet Gateway Device (no time left to read its description)');
  let desc;
  try {
    const res = await o.http({ method: 'GET', url: location, timeoutMs: remaining(), maxBytes: MAX_DESCRIPTION_BYTES, signal: o.signal });
    if (res.status !== 200) throw new Error(`HTTP status ${res.status}`);
    desc = parseDescription(res.body);
  } catch (e) {
    evidence.push({ test: `GET ${location}`, observation: `failed: ${errorText(e)}` });
    return yes('the gateway announces a UPnP Internet Gateway Device (its description could not be read)');
  }
  if (!desc.ok) {
    evidence.push({ test: `GET ${location}`, observation: `not usable: ${desc.reason}` });
    return { ...base, present: 'unknown', reason: 'the gateway answered the UPnP search, but its description is not a usable device description', location, evidence };
  }
  if (!desc.wan) {
    evidence.push({ test: `GET ${location}`, observation: `${desc.services.length} service(s), none is WANIPConnection or WANPPPConnection` });
    return { ...base, present: 'no', reason: 'the gateway is a UPnP device without a WAN connection service (no port mapping through UPnP)', location, evidence };
  }
  const control = gatewayUrl(desc.wan.controlURL, o.gateway, desc.urlBase ?? location);
  if (!control.ok) {
    evidence.push({ test: `GET ${location}`, observation: `${desc.wan.serviceType} has an unusable controlURL: ${control.reason}` });
    return yes('the gateway offers UPnP IGD, but its control URL is not on the gateway', { serviceType: desc.wan.serviceType });
  }
  evidence.push({ test: `GET ${location}`, observation: `${desc.wan.serviceType}, controlURL ${control.url}` });

  // The one SOAP action.
  const soapTest = `SOAP GetExternalIPAddress to ${control.url}`;
  if (remaining() <= 0) {
    evidence.push({ test: soapTest, observation: 'not sent: no time left' });
    return yes('the gateway offers UPnP IGD (no time left to ask its external address)', { serviceType: desc.wan.serviceType, controlUrl: control.url });
  }
  const soap = buildGetExternalIpSoap(desc.wan.serviceType);
  let answer: SoapExternalIp;
  try {
    const res = await o.http({
      method: 'POST',
      url: control.url,
      headers: { 'Content-Type': 'text/xml; charset="utf-8"', SOAPAction: soap.soapAction },
      body: soap.body,
      timeoutMs: remaining(),
      maxBytes: MAX_SOAP_BYTES,
      signal: o.signal,
    });
    answer = parseGetExternalIpResponse(res.status, res.body);
  } catch (e) {
    evidence.push({ test: soapTest, observation: `failed: ${errorText(e)}` });
    return yes('the gateway offers UPnP IGD (the external-address request failed)', { serviceType: desc.wan.serviceType, controlUrl: control.url });
  }
  const where = { serviceType: desc.wan.serviceType, controlUrl: control.url };
  switch (answer.kind) {
    case 'address':
      evidence.push({ test: soapTest, observation: `external address ${answer.address}` });
      return yes(`the gateway offers UPnP IGD; its external address is ${answer.address}`, { ...where, externalAddress: answer.address });
    case 'empty':
      evidence.push({
        test: soapTest,
        observation: `answered with ${answer.raw === '' ? 'an empty address' : answer.raw}: the router reports no public external address (miniupnpd does this when its WAN address is private or in 100.64.0.0/10)`,
      });
      return yes('the gateway offers UPnP IGD but reports no public external address', { ...where, noPublicAddress: true });
    case 'fault':
      evidence.push({ test: soapTest, observation: `SOAP fault: HTTP ${answer.status}${answer.code !== undefined ? `, UPnP error ${answer.code}` : ''}${answer.description ? ` (${answer.description})` : ''}` });
      return yes('the gateway offers UPnP IGD (it refused the external-address request)', where);
    case 'malformed':
      evidence.push({ test: soapTest, observation: `unusable answer: ${answer.reason}` });
      return yes('the gateway offers UPnP IGD (its external-address answer was unusable)', where);
  }
}
