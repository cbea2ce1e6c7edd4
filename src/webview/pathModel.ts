/**
 * The hops between this machine and the servers, from a report: pure data the SVG is drawn from
 * (and its text alternative). A hop the probe could not confirm or rule out is `unknown` (drawn
 * dashed with a "?"), never left out silently and never drawn as certain.
 */
import type { Report } from '../report/report';
import { BEHAVIOUR_WORDS, S } from './strings';

export type HopKind = 'machine' | 'nat' | 'firewall' | 'second-nat' | 'cgnat' | 'internet';

export interface HopLine {
  readonly text: string;
  /** Set in the monospace font (addresses). */
  readonly mono: boolean;
}

export interface Hop {
  readonly kind: HopKind;
  readonly label: string;
  /** Short lines under the label: addresses, behaviour. */
  readonly lines: readonly HopLine[];
  readonly unknown: boolean;
  /** What the description says of this hop after its label (default: its lines, comma-separated). */
  readonly spoken?: string;
}

const word = (text: string): HopLine => ({ text, mono: false });
const mono = (text: string): HopLine => ({ text, mono: true });

export interface ServerLeaf {
  readonly label: string;
  readonly detail: string;
  readonly answered: boolean;
}

export interface PathModel {
  readonly hops: readonly Hop[];
  readonly servers: readonly ServerLeaf[];
  /** UDP did not get out: the first link is drawn cut. */
  readonly blocked: boolean;
  /** The whole picture in one sentence, for screen readers. */
  readonly description: string;
}

const MAX_LINES = 2;

/** At most `max` address lines, the last one "+N more" when they do not all fit. */
function capped(items: readonly string[], max = MAX_LINES): HopLine[] {
  if (items.length <= max) return items.map(mono);
  return [...items.slice(0, max - 1).map(mono), word(S.pathMore(items.length - (max - 1)))];
}

function endpointText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** What the router said of its own WAN side: its external address(es), or that it has none; and nothing above it when that is known. */
function routerWan(report: Report): HopLine[] {
  const pm = report.portMapping;
  if (!pm) return [];
  const told = [...new Set((Array.isArray(pm.externalAddresses) ? pm.externalAddresses : []).map((e) => e.address))];
  const lines: HopLine[] = told.length ? [mono(S.pathWan(told.join(', ')))] : pm.noPublicAddress ? [word(S.pathWanNoPublic)] : [];
  if (report.cgnat?.value === 'no' && report.doubleNat?.value === 'no') lines.push(word(S.pathNothingAbove));
  return lines;
}

export function pathModel(report: Report): PathModel {
  const hops: Hop[] = [];
  const local = Array.isArray(report.localAddresses) ? report.localAddresses : [];
  hops.push({ kind: 'machine', label: S.pathMachine, lines: local.length ? capped(local) : [word(S.pathNoLocal)], unknown: false });

  const mapping = report.mapping?.value ?? 'unknown';
  const measured = report.udp === 'yes' && mapping !== 'unknown';
  const gateway = report.portMapping?.gateway;
  if (!measured) {
    hops.push({ kind: 'nat', label: S.pathNatUnknown, lines: [word(S.pathCouldNotTell)], unknown: true });
  } else if (mapping === 'none') {
    if (report.natType?.value === 'symmetric-udp-firewall') {
      hops.push({ kind: 'firewall', label: S.pathFirewall, lines: [word(S.pathFirewallLine)], unknown: false });
    }
  } else {
    const lines = [word(`${BEHAVIOUR_WORDS[mapping].name.toLowerCase()} ${S.pathMappingWord}`)];
    if (gateway) lines.push(mono(S.pathGateway(gateway)));
    lines.push(...routerWan(report));
    hops.push({ kind: 'nat', label: S.pathRouter, lines, unknown: false });
  }

  const behindNat = mapping !== 'none';
  const cgnat = report.cgnat?.value ?? 'unknown';
  if (report.doubleNat?.value === 'yes' && cgnat !== 'yes') {
    hops.push({ kind: 'second-nat', label: S.pathSecondNat, lines: [word(S.pathBeyondRouter)], unknown: false });
  }
  if (cgnat === 'yes') {
    // Only an address in 100.64.0.0/10 names the carrier; "no public address" shows a NAT above the router.
    const carrierSeen = /100\.64\.0\.0\/10/.test(report.cgnat?.reason ?? '');
    hops.push({ kind: 'cgnat', label: S.pathCarrierNat, lines: [word(carrierSeen || !report.portMapping?.noPublicAddress ? S.pathCarrierLine : S.pathAboveRouter)], unknown: false });
  } else if (cgnat === 'unknown' && behindNat) {
    hops.push({ kind: 'cgnat', label: S.pathCarrierNatUnknown, lines: [word(S.pathCouldNotTell)], unknown: true });
  }

  const publics = (Array.isArray(report.publicEndpoints) ? report.publicEndpoints : []).map((p) => endpointText(p.address, p.port));
  const uniquePublics = [...new Set(publics)];
  hops.push({
    kind: 'internet',
    label: S.pathInternet,
    lines: uniquePublics.length ? [word(S.pathSeenAs), ...capped(uniquePublics)] : [word(S.pathNoPublic)],
    unknown: false,
    spoken: uniquePublics.length ? `${S.pathSeenAs} ${uniquePublics.join(', ')}` : S.pathNoPublic,
  });

  const servers: ServerLeaf[] = (Array.isArray(report.servers) ? report.servers : []).map((sv) => ({
    label: `${sv.host}:${sv.port}`,
    detail: sv.rttMs !== null && sv.rttMs !== undefined ? S.ms(sv.rttMs) : sv.address === null ? S.unresolved : S.pathNoAnswer,
    answered: sv.rttMs !== null && sv.rttMs !== undefined,
  }));

  const blocked = report.udp === 'no';
  const parts = hops.map((hop) => {
    const what = hop.unknown ? `${hop.label.replace('?', '')} (${S.pathCouldNotTell})` : hop.label;
    const said = hop.spoken ?? hop.lines.map((l) => l.text).join(', ');
    return said && !hop.unknown ? `${what}: ${said}` : what;
  });
  const serverText = servers.map((sv) => `${sv.label} ${sv.detail}`).join('; ');
  const description = `${parts.join(' → ')}${blocked ? ` (${S.pathBlocked})` : ''} → ${S.pathServers(servers.length)}${serverText ? `: ${serverText}` : ''}.`;
  return { hops, servers, blocked, description };
}
