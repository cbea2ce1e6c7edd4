/**
 * The gateway's device description (which WAN connection service to ask, and where) and the
 * one SOAP action we send it, GetExternalIPAddress (UPnP IGD WANIPConnection:1 §2.4.18).
 * Inputs are size-capped first and read with the bounded XML reader.
 */

import { isIPv4 } from '../../net/ip';
import { decodeEntities, elementText, findOpen, stripComments } from './boundedXml';
import { printable } from './text';

/** Caps: a description is a few KiB, a SOAP answer < 1 KiB. */
export const MAX_DESCRIPTION_BYTES = 64 * 1024;
export const MAX_SOAP_BYTES = 16 * 1024;
const MAX_SERVICES = 64;

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
