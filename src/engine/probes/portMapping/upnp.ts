/**
 * UPnP IGD, read-only: SSDP M-SEARCH (unicast to the gateway and multicast to
 * 239.255.255.250:1900), the device description from the LOCATION the gateway announced, and
 * one SOAP action, GetExternalIPAddress. No AddPortMapping, no eventing, nothing else.
 *
 * Only the gateway is believed: SSDP answers from other LAN devices are ignored, and the
 * description and control URLs must point at the gateway's own address (plain http).
 * This file is the probe; the search is in ssdp.ts, the description and the SOAP action in
 * soap.ts, read with the bounded reader in boundedXml.ts.
 */

import type { Evidence, Tristate } from '../../../report/report';
import type { Clock } from '../../clock';
import type { UdpSocketFactory } from '../../net/udp';
import { errorText } from '../../describe';
import { exchange } from './exchange';
import type { HttpRequester } from './http';
import { silence, silenceEvidence } from './natPmp';
import { buildGetExternalIpSoap, MAX_DESCRIPTION_BYTES, MAX_SOAP_BYTES, parseDescription, parseGetExternalIpResponse, type SoapExternalIp } from './soap';
import { buildMSearch, gatewayUrl, parseSsdpResponse, SSDP_MULTICAST, SSDP_PORT, ST_IGD, ST_WANIP, type SsdpAnswer } from './ssdp';
import { printable } from './text';

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
  /** Fired when the diagnosis needs no more SSDP tries (see exchange.ts). */
  readonly lastTry?: AbortSignal;
}

export async function probeUpnp(o: UpnpProbeOptions): Promise<UpnpProbeResult> {
  const evidence: Evidence[] = [];
  const search = await searchGateway(o, evidence);
  if (search.kind === 'done') return search.result;
  const { found, test } = search;
  const base = { noPublicAddress: false };
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
  const service = await readWanService(o, location, evidence, yes);
  if (service.kind === 'done') return service.result;
  return askExternalAddress(o, service.serviceType, service.controlUrl, evidence, yes);
}

type FoundAnswer = Extract<SsdpAnswer, { ok: true }>;
type Yes = (reason: string, extra?: Partial<UpnpProbeResult>) => UpnpProbeResult;

/** SSDP: the gateway's answer whose LOCATION is on the gateway, or the result when none came. */
async function searchGateway(o: UpnpProbeOptions, evidence: Evidence[]): Promise<{ kind: 'found'; found: FoundAnswer; test: string } | { kind: 'done'; result: UpnpProbeResult }> {
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
    lastTry: o.lastTry,
    decode: parseSsdpResponse,
    isFinal: (a) => a.ok && gatewayUrl(a.location, o.gateway).ok,
  });
  const base = { noPublicAddress: false };
  // A few ignored answers are named, the rest counted: a flood from the gateway costs one line.
  let unnamed = r.excess;
  for (const a of r.answers) {
    if (a.ok && gatewayUrl(a.location, o.gateway).ok) continue;
    if (evidence.length >= 3) unnamed++;
    else if (!a.ok) evidence.push({ test, observation: `ignored an answer from the gateway: ${a.reason}` });
    else {
      const why = gatewayUrl(a.location, o.gateway);
      evidence.push({ test, observation: `ignored LOCATION ${printable(a.location, 80)}: ${why.ok ? '' : why.reason}` });
    }
  }
  if (unnamed > 0) evidence.push({ test, observation: `ignored ${unnamed} more answer(s) from the gateway` });
  if (r.ignored > 0) evidence.push({ test, observation: `ignored ${r.ignored} answer(s) from other devices than the gateway` });
  const found = r.answers.find((a): a is FoundAnswer => a.ok && gatewayUrl(a.location, o.gateway).ok);
  if (!found) {
    const s = silence('UPnP', r, r.answers.length > 0 || r.excess > 0);
    return { kind: 'done', result: { ...base, ...s, evidence: [...evidence, ...silenceEvidence(test, r, intervalMs)] } };
  }
  return { kind: 'found', found, test };
}

/** The description: the WAN connection service and its control URL on the gateway. */
async function readWanService(o: UpnpProbeOptions, location: string, evidence: Evidence[], yes: Yes): Promise<{ kind: 'next'; serviceType: string; controlUrl: string } | { kind: 'done'; result: UpnpProbeResult }> {
  const base = { noPublicAddress: false };
  const done = (result: UpnpProbeResult) => ({ kind: 'done' as const, result });
  const remaining = (): number => o.deadline - o.clock.now();
  if (remaining() <= 0) return done(yes('the gateway announces a UPnP Internet Gateway Device (no time left to read its description)'));
  let desc;
  try {
    const res = await o.http({ method: 'GET', url: location, timeoutMs: remaining(), maxBytes: MAX_DESCRIPTION_BYTES, signal: o.signal });
    if (res.status !== 200) throw new Error(`HTTP status ${res.status}`);
    desc = parseDescription(res.body);
  } catch (e) {
    evidence.push({ test: `GET ${location}`, observation: `failed: ${errorText(e)}` });
    return done(yes('the gateway announces a UPnP Internet Gateway Device (its description could not be read)'));
  }
  if (!desc.ok) {
    evidence.push({ test: `GET ${location}`, observation: `not usable: ${desc.reason}` });
    return done({ ...base, present: 'unknown', reason: 'the gateway answered the UPnP search, but its description is not a usable device description', location, evidence });
  }
  if (!desc.wan) {
    evidence.push({ test: `GET ${location}`, observation: `${desc.services.length} service(s), none is WANIPConnection or WANPPPConnection` });
    return done({ ...base, present: 'no', reason: 'the gateway is a UPnP device without a WAN connection service (no port mapping through UPnP)', location, evidence });
  }
  const control = gatewayUrl(desc.wan.controlURL, o.gateway, desc.urlBase ?? location);
  if (!control.ok) {
    evidence.push({ test: `GET ${location}`, observation: `${desc.wan.serviceType} has an unusable controlURL: ${control.reason}` });
    return done(yes('the gateway offers UPnP IGD, but its control URL is not on the gateway', { serviceType: desc.wan.serviceType }));
  }
  evidence.push({ test: `GET ${location}`, observation: `${desc.wan.serviceType}, controlURL ${control.url}` });
  return { kind: 'next', serviceType: desc.wan.serviceType, controlUrl: control.url };
}

/** The one SOAP action: GetExternalIPAddress. */
async function askExternalAddress(o: UpnpProbeOptions, serviceType: string, controlUrl: string, evidence: Evidence[], yes: Yes): Promise<UpnpProbeResult> {
  const remaining = (): number => o.deadline - o.clock.now();
  const soapTest = `SOAP GetExternalIPAddress to ${controlUrl}`;
  if (remaining() <= 0) {
    evidence.push({ test: soapTest, observation: 'not sent: no time left' });
    return yes('the gateway offers UPnP IGD (no time left to ask its external address)', { serviceType, controlUrl });
  }
  const soap = buildGetExternalIpSoap(serviceType);
  let answer: SoapExternalIp;
  try {
    const res = await o.http({
      method: 'POST',
      url: controlUrl,
      headers: { 'Content-Type': 'text/xml; charset="utf-8"', SOAPAction: soap.soapAction },
      body: soap.body,
      timeoutMs: remaining(),
      maxBytes: MAX_SOAP_BYTES,
      signal: o.signal,
    });
    answer = parseGetExternalIpResponse(res.status, res.body);
  } catch (e) {
    evidence.push({ test: soapTest, observation: `failed: ${errorText(e)}` });
    return yes('the gateway offers UPnP IGD (the external-address request failed)', { serviceType, controlUrl });
  }
  const where = { serviceType, controlUrl };
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
