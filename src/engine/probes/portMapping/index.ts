/**
 * Port-mapping protocols offered by the default gateway — UPnP IGD, NAT-PMP and PCP — asked
 * read-only and in parallel within a short budget (default 600 ms). No mapping is ever
 * created or deleted. What the gateway says about its own external address is the
 * "router's evidence" that `combineCgnatEvidence` weighs against the STUN-reported address.
 *
 * Three states per protocol: 'yes' = the gateway answered in that protocol; 'no' = it
 * refused it, or nothing answered from the gateway within the tries (silence is read as "not
 * offered", and the evidence says "no answer" so a reader can tell); 'unknown' = we could
 * not ask (no gateway, tunnel as default route, local send failure, abort) or got something
 * unreadable.
 */

import { isIPv4, sameIPv4Subnet } from '../../net/ip';
import * as os from 'node:os';
import type { Evidence, Tristate } from '../../../report/report';
import type { Clock } from '../../clock';
import type { UdpSocketFactory } from '../../net/udp';
import { findDefaultGateway, type RouteReader } from './gateway';
import { nodeHttpRequester, type HttpRequester } from './http';
import { probeNatPmp, type NatPmpProbeResult } from './natPmp';
import { probePcp, type PcpProbeResult } from './pcp';
import { probeUpnp, type UpnpProbeResult } from './upnp';

export { findDefaultGateway, parseProcNetRoute, decodeRouteHex, type GatewayResult, type RouteReader } from './gateway';
export { nodeHttpRequester, type HttpRequester, type HttpRequest, type HttpResponse } from './http';
export { probeNatPmp, encodeExternalAddressRequest, decodeExternalAddressResponse, NAT_PMP_PORT, type NatPmpProbeResult, type NatPmpAnswer } from './natPmp';
export { probePcp, encodeAnnounceRequest, decodeAnnounceResponse, PCP_PORT, type PcpProbeResult, type PcpAnswer } from './pcp';
export { probeUpnp, type UpnpProbeResult } from './upnp';
export { buildMSearch, parseSsdpResponse, gatewayUrl, type SsdpAnswer } from './ssdp';
export { parseDescription, parseGetExternalIpResponse, type DescriptionResult, type SoapExternalIp } from './soap';

export type PortMappingProtocol = 'upnp' | 'nat-pmp';

export interface PortMappingOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  /** The gateway to ask; found from the routing table when absent. */
  readonly gateway?: string;
  readonly signal?: AbortSignal;
  /** /proc/net/route text (tests); the real file on Linux when absent. */
  readonly readRoutes?: RouteReader;
  /** HTTP for the UPnP description and SOAP; node:http when absent. */
  readonly httpGet?: HttpRequester;
  /** Our address towards the gateway (PCP's client-address field); looked up from the interfaces when absent. */
  readonly localAddress?: string;
  /** Interfaces for that look-up (tests); os.networkInterfaces() when absent. */
  readonly networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** Whole-probe budget (default 600 ms); UDP probes use 2 tries 250 ms apart inside it. */
  readonly budgetMs?: number;
  readonly tries?: number;
  readonly intervalMs?: number;
  /** Send the SSDP search to the multicast group as well as to the gateway (default true). */
  readonly ssdpMulticast?: boolean;
  readonly platform?: string;
  /**
   * Fired when the rest of the diagnosis is done: the UDP protocols send no further try, so a
   * silent router costs at most one try interval after that (an answer is still taken, and a
   * UPnP exchange the gateway has started goes on within the budget).
   */
  readonly lastTry?: AbortSignal;
}

export interface PortMappingResult {
  readonly upnp: Tristate;
  readonly natPmp: Tristate;
  readonly pcp: Tristate;
  /** Addresses the gateway reported as its own external address (never 0.0.0.0 or empty). */
  readonly externalAddresses: { protocol: PortMappingProtocol; address: string }[];
  readonly evidence: Evidence[];
  readonly gateway: string | null;
  /** One line per protocol: why yes / no / unknown. */
  readonly reasons: { readonly upnp: string; readonly natPmp: string; readonly pcp: string };
  /** The gateway speaks the protocol and says it has no public address (NAT-PMP result 3 or 0.0.0.0; UPnP empty address). */
  readonly noPublicAddress: { readonly natPmp: boolean; readonly upnp: boolean };
  readonly natPmpResultCode?: number;
  readonly pcpResultCode?: number;
  readonly durationMs: number;
}

function unknownAll(gateway: string | null, reason: string, evidence: Evidence[], durationMs: number): PortMappingResult {
  return {
    upnp: 'unknown',
    natPmp: 'unknown',
    pcp: 'unknown',
    externalAddresses: [],
    evidence,
    gateway,
    reasons: { upnp: reason, natPmp: reason, pcp: reason },
    noPublicAddress: { natPmp: false, upnp: false },
    durationMs,
  };
}

/** Our IPv4 address on `iface` whose subnet holds `gateway`. */
export function localAddressTowards(gateway: string, iface: string | undefined, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string | undefined {
  const names = iface ? [iface] : Object.keys(interfaces);
  for (const name of names) {
    for (const i of interfaces[name] ?? []) {
      if (i.family !== 'IPv4' || i.internal) continue;
      if (sameIPv4Subnet(i.address, gateway, i.netmask)) return i.address;
    }
  }
  return undefined;
}

export async function probePortMapping(opts: PortMappingOptions): Promise<PortMappingResult> {
  const { clock } = opts;
  const t0 = clock.now();
  const budgetMs = opts.budgetMs ?? 600;
  const evidence: Evidence[] = [];
  let gateway: string;
  let iface: string | undefined;
  if (opts.gateway !== undefined) {
    if (!isIPv4(opts.gateway)) return unknownAll(null, `the gateway "${opts.gateway}" is not an IPv4 address`, evidence, 0);
    gateway = opts.gateway;
    evidence.push({ test: 'default gateway', observation: `${gateway} (given)` });
  } else {
    const g = await findDefaultGateway({ readRoutes: opts.readRoutes, platform: opts.platform });
    if (!g.ok) {
      evidence.push({ test: 'default gateway', observation: g.reason });
      return unknownAll(null, `no default gateway to ask: ${g.reason}`, evidence, clock.now() - t0);
    }
    if (g.tunnel) {
      evidence.push({ test: 'default gateway', observation: `${g.gateway} via ${g.iface}, a VPN tunnel interface: its gateway is the VPN's, not a home router` });
      return unknownAll(g.gateway, `the default route goes through the tunnel interface ${g.iface}; the home router is not asked`, evidence, clock.now() - t0);
    }
    gateway = g.gateway;
    iface = g.iface;
    evidence.push({ test: 'default gateway', observation: `${gateway} via ${g.iface} (metric ${g.metric})` });
  }
  let localAddress = opts.localAddress;
  if (localAddress === undefined) {
    try {
      localAddress = localAddressTowards(gateway, iface, (opts.networkInterfaces ?? os.networkInterfaces)());
    } catch {
      localAddress = undefined;
    }
  }
  const common = { factory: opts.factory, clock, gateway, signal: opts.signal, lastTry: opts.lastTry, tries: opts.tries ?? 2, intervalMs: opts.intervalMs ?? 250 };
  const [natPmp, pcp, upnp] = await Promise.all([
    probeNatPmp(common).catch((e: unknown): NatPmpProbeResult => crashed('NAT-PMP', e, { noPublicAddress: false, pcpAnswered: false })),
    probePcp({ ...common, clientAddress: localAddress }).catch((e: unknown): PcpProbeResult => crashed('PCP', e, { natPmpAnswered: false })),
    probeUpnp({
      ...common,
      http: opts.httpGet ?? nodeHttpRequester(clock),
      deadline: t0 + budgetMs,
      multicast: opts.ssdpMulticast,
    }).catch((e: unknown): UpnpProbeResult => crashed('UPnP', e, { noPublicAddress: false })),
  ]);

  // Cross-evidence: each protocol's server may answer the other's packet in its own format.
  let natPmpState = natPmp.present;
  let natPmpReason = natPmp.reason;
  let pcpState = pcp.present;
  let pcpReason = pcp.reason;
  if (natPmp.pcpAnswered && pcpState !== 'yes') {
    pcpState = 'yes';
    pcpReason = 'the gateway answered the NAT-PMP request in PCP format';
  }
  if (pcp.natPmpAnswered && natPmpState !== 'yes') {
    natPmpState = 'yes';
    natPmpReason = 'the gateway answered the PCP request in NAT-PMP format';
  }

  const externalAddresses: { protocol: PortMappingProtocol; address: string }[] = [];
  if (upnp.externalAddress) externalAddresses.push({ protocol: 'upnp', address: upnp.externalAddress });
  if (natPmp.externalAddress) externalAddresses.push({ protocol: 'nat-pmp', address: natPmp.externalAddress });
  return {
    upnp: upnp.present,
    natPmp: natPmpState,
    pcp: pcpState,
    externalAddresses,
    evidence: [...evidence, ...natPmp.evidence, ...pcp.evidence, ...upnp.evidence],
    gateway,
    reasons: { upnp: upnp.reason, natPmp: natPmpReason, pcp: pcpReason },
    noPublicAddress: { natPmp: natPmp.noPublicAddress, upnp: upnp.noPublicAddress },
    ...(natPmp.resultCode !== undefined ? { natPmpResultCode: natPmp.resultCode } : {}),
    ...(pcp.resultCode !== undefined ? { pcpResultCode: pcp.resultCode } : {}),
    durationMs: clock.now() - t0,
  };
}

function crashed<T extends object>(protocol: string, e: unknown, extra: T): T & { present: Tristate; reason: string; evidence: Evidence[] } {
  const message = e instanceof Error ? e.message : String(e);
  return { ...extra, present: 'unknown', reason: `${protocol} probe failed: ${message}`, evidence: [{ test: `${protocol} probe`, observation: `internal error: ${message}` }] };
}
