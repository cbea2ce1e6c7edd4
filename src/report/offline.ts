import type { Report } from './report';

/**
 * "You appear to be offline", decided from what the run saw, never guessed from silence alone:
 * silence with a working network is a firewall (udp "no", UDP blocked), which is a result about
 * the network, not the absence of one. A report is offline when nothing came back and at least
 * one of these holds:
 *  - this machine has no address other than loopback and link-local (RFC 3927 169.254.0.0/16,
 *    RFC 4291 fe80::/10): there is no network to be on;
 *  - not one configured server name could be resolved, and the resolver never answered "no such
 *    host" (an answer, even a negative one, means DNS is reachable: that is a typo, not offline);
 *  - the system refused every datagram for want of a route (ENETUNREACH, EHOSTUNREACH,
 *    EADDRNOTAVAIL): classifyUdp's "no packet could be sent". Other refusals (EACCES for a
 *    broadcast address, say) are about the server named, not about being offline.
 * The words matched are the engine's own (resolve.ts, classify.ts); test/unit/report/offline.test.ts
 * builds them with those functions so a change of wording fails there.
 */
export type OfflineVerdict = { readonly offline: true; readonly reason: string } | { readonly offline: false };

/** The resolver's words for ENOTFOUND (engine/discovery/resolve.ts): DNS answered. */
const DNS_ANSWERED = /: no such host$/;
/** classifyUdp's reason when every send failed (engine/discovery/classify.ts). */
const NOTHING_SENT = /^no packet could be sent: /;
const NO_ROUTE = /\b(ENETUNREACH|EHOSTUNREACH|EADDRNOTAVAIL)\b/;

/** Loopback and link-local addresses: they never reach another network. */
export function isRoutableLocal(address: string): boolean {
  const a = address.toLowerCase();
  if (/^127\./.test(a) || a === '::1' || a === '0.0.0.0' || a === '::') return false;
  if (/^169\.254\./.test(a)) return false;
  if (/^fe[89ab][0-9a-f]:/.test(a)) return false;
  return a.length > 0;
}

export function offlineEvidence(report: Report): OfflineVerdict {
  if (report.udp === 'yes' || report.publicEndpoints.length > 0) return { offline: false };
  const local = report.localAddresses.filter(isRoutableLocal);
  if (local.length === 0) {
    return { offline: true, reason: 'this machine has no network address other than loopback or link-local' };
  }
  const servers = report.servers;
  if (servers.length > 0 && servers.every((s) => s.address === null) && !servers.some((s) => DNS_ANSWERED.test(s.error ?? ''))) {
    return { offline: true, reason: `no server name could be resolved (${servers.map((s) => s.error ?? s.host).join('; ')})` };
  }
  if (NOTHING_SENT.test(report.udpReason) && NO_ROUTE.test(report.udpReason)) return { offline: true, reason: `there is no route to the servers: ${report.udpReason.replace(NOTHING_SENT, '')}` };
  return { offline: false };
}
