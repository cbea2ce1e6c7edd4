import { anyIpFormKey, isAnyIpForm } from '../engine/net/ip';
import type { Report } from './report';

/**
 * A copy of a report fit to share: this machine's addresses (local, public, the gateway and any
 * other address that is not one of the servers the user configured) become labels such as
 * `<public address 1>`, the same label for the same address everywhere in the report, so the
 * evidence still reads. Server addresses stay: the user chose them and the reader needs them.
 * Reports never hold keys or TURN passwords, so addresses are all there is to hide. A range the
 * text explains ("not in 100.64.0.0/10", RFC 6598) is documentation, not this machine's: it stays.
 */
export function redactReport(report: Report): Report {
  const keep = new Set<string>();
  for (const s of report.servers) {
    if (s.address) keep.add(canonical(s.address));
    const other = s.otherAddress ? hostOf(s.otherAddress) : undefined;
    if (other) keep.add(canonical(other));
  }
  // Servers the diagnosis talked to (the TURN server, announced alternates) stay too; the
  // gateway and our own public address (the hairpin target) are this machine's.
  for (const c of report.contacted ?? []) {
    if (c.role === 'configured server' || c.role === 'TURN server' || c.role === 'announced alternate' || c.role === 'multicast group') keep.add(canonical(c.address));
  }
  // A server's word cannot un-hide this machine: an OTHER-ADDRESS naming our own address is redacted all the same.
  for (const a of [...report.localAddresses, ...report.publicEndpoints.map((p) => p.address)]) keep.delete(canonical(a));
  const labels = new Map<string, string>();
  const counters = { local: 0, public: 0, other: 0 };
  const label = (address: string, kind: keyof typeof counters): string => {
    const key = canonical(address);
    let l = labels.get(key);
    if (!l) {
      l = `<${kind === 'other' ? '' : `${kind} `}address ${++counters[kind]}>`;
      labels.set(key, l);
    }
    return l;
  };
  // Known roles first, so their labels say what they are.
  for (const a of report.localAddresses) label(a, 'local');
  for (const p of report.publicEndpoints) label(p.address, 'public');

  // The gateway is this machine's too (its router), whatever text names it first.
  if (report.portMapping?.gateway && isAnyIpForm(report.portMapping.gateway)) label(report.portMapping.gateway, 'other');

  const replace = (text: string): string =>
    text.replace(ADDRESS_CANDIDATE, (match: string, offset: number, whole: string) => {
      const bare = match.startsWith('[') ? match.slice(1, -1) : match;
      if (!isAnyIpForm(bare) || keep.has(canonical(bare))) return match;
      // "100.64.0.0/10", "fc00::/7": a range the text explains (RFC 6598, RFC 4193), not an address
      // of this machine; kept unless it is one of this machine's own addresses with a prefix length.
      CIDR_SUFFIX.lastIndex = offset + match.length;
      if (CIDR_SUFFIX.test(whole) && !labels.has(canonical(bare))) return match;
      const l = label(bare, 'other');
      return match.startsWith('[') ? `[${l}]` : l;
    });
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return replace(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(report) as Report;
}

// Bracketed IPv6, dotted IPv4, or a bare run of hex digits with at least two colons (IPv6);
// each candidate is confirmed by isAnyIpForm before it is replaced, so times like 12:30:00 stay.
const ADDRESS_CANDIDATE = /\[[0-9A-Fa-f:.%\w]+\]|(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])|(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g;

/** What follows an address written as a network: "/" and a prefix length (RFC 4632 §3.1). */
// Sticky, tried at the end of each match: no copy of the rest of a long text per address.
const CIDR_SUFFIX = /\/\d{1,3}(?![\d.])/y;

function canonical(address: string): string {
  return anyIpFormKey(address);
}

function hostOf(endpoint: string): string | undefined {
  const m = /^\[(.+)\]:\d+$/.exec(endpoint) ?? /^([^:]+):\d+$/.exec(endpoint);
  return m?.[1];
}
