/**
 * When the punch made no direct path: which relay should the two ends share? The lowest sum of
 * both ends' RTTs to a relay both could allocate on (relayChoice.ts), from what this punch
 * measured (our Allocates, the peer's figures through the rendezvous) and, when given, the two
 * diagnose reports (--report, --peer-report). A figure measured now beats a report's for the same
 * relay and end.
 *
 * Relays are matched by the address:port each end reached (the peer's figures name only that).
 * A report names a relay by URL: an IP literal is its address; a host name is matched through
 * our own configured servers (same URL) and otherwise stays a name of its own.
 *
 * The peer's figures are the peer's word. A peer (or a rendezvous) that lies about them can only
 * change which relay is named here: nothing is ever sent to a relay the peer names, only to the
 * servers configured on this end; and without a relay both ends measured, one this end measured
 * is named before any only the peer claims.
 */
import { canonicalIp } from '../net/ip';
import type { Report } from '../../report/report';
import { type RelayChoice, type RelayTried, pickRelay } from '../relayChoice';
import { parseTurnUrl } from '../probes/turnUrl';
import type { RelayMeasurement } from './relays';
import type { RelayFigure } from './rendezvousWire';

export interface RelayEvidence {
  /** Ours, measured by this punch (absent: no --turn). */
  readonly own?: readonly RelayMeasurement[];
  /** The peer's, from the rendezvous (absent: it sent none). */
  readonly peer?: readonly RelayFigure[];
  readonly ownReport?: Report;
  readonly peerReport?: Report;
}

const addressKey = (address: string, port: number): string => `${canonicalIp(address) ?? address.toLowerCase()}:${port}`;

/** The relay for this pair, or undefined when nobody has a working one. */
export function relayForPair(e: RelayEvidence): RelayChoice | undefined {
  const own = e.own ?? [];
  // Our URL for an address we reached, so the peer's figure for it reads as the user wrote it.
  const reached = own.filter((m) => m.server !== '');
  const urlOf = new Map(reached.map((m) => [serverKey(m.server), m.url]));
  const keyOfUrl = new Map(reached.map((m) => [m.url.toLowerCase(), serverKey(m.server)]));
  const reportKey = (url: string): string => {
    const parsed = parseTurnUrl(url);
    if (parsed.ok && canonicalIp(parsed.value.host)) return addressKey(parsed.value.host, parsed.value.port);
    return keyOfUrl.get(url.trim().toLowerCase()) ?? url.trim().toLowerCase();
  };
  const fromReport = (r: Report | undefined): RelayTried[] =>
    (r?.turnServers ?? []).map((t) => ({ key: reportKey(t.url), url: t.url, rttMs: t.value === 'yes' && t.rttMs !== null && Number.isFinite(t.rttMs) ? t.rttMs : null }));
  const ours: RelayTried[] = own.map((m) => ({ key: m.server !== '' ? serverKey(m.server) : m.url.toLowerCase(), url: m.url, rttMs: m.value === 'yes' && m.rttMs !== null ? m.rttMs : null }));
  // A relay the peer was still measuring when it stopped is one it did not finish: no figure.
  const theirs: RelayTried[] = (e.peer ?? [])
    .filter((f) => f.rttMs !== 'measuring')
    .map((f) => {
      const key = addressKey(f.server.address, f.server.port);
      return { key, url: urlOf.get(key) ?? `turn:${f.server.address}:${f.server.port}`, rttMs: typeof f.rttMs === 'number' ? f.rttMs : null };
    });
  const a = merge(ours, fromReport(e.ownReport));
  const b = merge(theirs, fromReport(e.peerReport));
  const pick = pickRelay(a, b, { preferA: true });
  if (!pick) return undefined;
  const measured = own.length > 0 || theirs.length > 0;
  const source = measured ? (e.ownReport || e.peerReport ? 'measured by this punch, and the reports where it measured nothing' : 'measured by this punch') : 'from the two reports';
  const base = { url: pick.url, rttMs: pick.rttMs, sumMs: pick.sumMs };
  if (pick.sumMs !== null) {
    return { ...base, reason: `the lowest sum of both ends' RTTs to a relay both could allocate on: ${pick.rttMs.a} ms from this end + ${pick.rttMs.b} ms from the peer = ${pick.sumMs} ms (${source})` };
  }
  // Why the other end has no figure: it measured nothing, or only other relays (another list,
  // or a host name that resolved elsewhere there).
  if (pick.only === 'A') {
    const why = b.length === 0 ? 'it measured none' : 'it measured only other relays, or this one at another address';
    return { ...base, reason: `this end's fastest relay (${pick.rttMs.a} ms, ${source}); the peer's figure is unknown (${why}: give both ends the same --turn servers for the sum)` };
  }
  const why = a.length === 0 ? 'it measured none' : 'it measured only other relays, or this one at another address';
  return { ...base, reason: `the peer's fastest relay (${pick.rttMs.b} ms, ${source}); this end's figure is unknown (${why}: give both ends the same --turn servers for the sum)` };
}

function serverKey(server: string): string {
  const i = server.lastIndexOf(':');
  const host = server.slice(0, i).replace(/^\[|\]$/g, '');
  return addressKey(host, Number(server.slice(i + 1)));
}

/** This end's entries first (measured now), then the report's for relays it did not measure. */
function merge(measured: readonly RelayTried[], reported: readonly RelayTried[]): RelayTried[] {
  const seen = new Set(measured.map((t) => t.key));
  return [...measured, ...reported.filter((t) => !seen.has(t.key))];
}
