import type { DirectVerdict } from '../engine/compare';
import { markdownText } from './renderMarkdown';
import type { Behaviour, NatType, Report, Tristate } from './report';

/** One end of a comparison: the report and what to call it (its file name, or "last diagnosis"). */
export interface ComparedSide {
  readonly label: string;
  readonly report: Report;
}

/** How the comparison writes a date: the extension passes the user's locale; tests a fixed one. */
export type DateWords = (iso: string) => string;

/** "2 Dec 2026, 15:49 UTC": readable, and the same on every machine. */
export const utcDate: DateWords = (iso) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'an unreadable date';
  return `${d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })} UTC`;
};

/** Every word of the comparison document, so the extension can give it in the display language. */
export interface ComparisonWords {
  readonly headline: Readonly<Record<Tristate, string>>;
  readonly natType: Readonly<Record<NatType, string>>;
  readonly mapping: Readonly<Record<Behaviour, string>>;
  readonly filtering: Readonly<Record<Behaviour, string>>;
  readonly yesNo: Readonly<Record<Tristate, string>>;
  readonly rows: {
    readonly nat: string;
    readonly publicPort: string;
    readonly inboundFilter: string;
    readonly publicAddress: string;
    readonly cgnat: string;
    readonly hairpinning: string;
    readonly measured: string;
  };
  readonly noneSeen: string;
  readonly notMeasured: string;
  readonly notApplicable: string;
  readonly couldNotTell: string;
  readonly basis: string;
  /** "Best relay for this pair": the heading of the line naming it when the path may not be direct. */
  readonly bestRelay: string;
}

export const ENGLISH_COMPARISON: ComparisonWords = {
  headline: {
    yes: 'They can connect directly',
    no: 'Traffic between them must be relayed',
    unknown: 'Whether they can connect directly could not be told',
  },
  natType: {
    'open-internet': 'no NAT, nothing filters',
    'full-cone': 'full-cone NAT',
    'restricted-cone': 'restricted-cone NAT',
    'port-restricted-cone': 'port-restricted cone NAT',
    symmetric: 'symmetric NAT',
    'symmetric-udp-firewall': 'no NAT, a firewall filters',
    'udp-blocked': 'UDP blocked',
    unknown: 'could not tell',
  },
  mapping: {
    'endpoint-independent': 'the same public port for every peer',
    'address-dependent': 'a new public port per peer address',
    'address-and-port-dependent': 'a new public port per peer address and port',
    none: 'no NAT',
    unknown: 'could not tell',
  },
  filtering: {
    'endpoint-independent': 'lets anyone answer',
    'address-dependent': 'lets in addresses it has sent to',
    'address-and-port-dependent': 'lets in only the exact address and port it has sent to',
    none: 'nothing filters',
    unknown: 'could not tell',
  },
  yesNo: { yes: 'yes', no: 'no', unknown: 'could not tell' },
  rows: {
    nat: 'NAT',
    publicPort: 'Public port',
    inboundFilter: 'Inbound filter',
    publicAddress: 'Public address',
    cgnat: 'Behind carrier-grade NAT',
    hairpinning: 'Hairpinning',
    measured: 'Measured',
  },
  noneSeen: 'none seen',
  notMeasured: 'not measured',
  notApplicable: 'not applicable',
  couldNotTell: 'could not tell',
  basis: 'Predicted from both ends’ mapping and filtering, the way UDP hole punching works (RFC 4787 §4–5, RFC 5128 §3.3).',
  bestRelay: 'Best relay for this pair',
};

/** A reason as a sentence: capital first letter, one full stop. */
function sentence(text: string): string {
  const t = text.trim();
  if (!t) return '';
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/**
 * The comparison of two reports as a Markdown document, in words (the extension shows it in a
 * read-only preview). Report files come from anywhere: every text from them (the verdict's
 * reason quotes their reasons; addresses, times and labels are strings too) goes through
 * markdownText, so a report cannot add a link, an image, HTML or a control character.
 */
export function renderComparison(sides: readonly ComparedSide[], verdict: DirectVerdict, when: DateWords = utcDate, w: ComparisonWords = ENGLISH_COMPARISON): string {
  const row = (title: string, f: (r: Report) => string): string => `| ${markdownText(title)} | ${sides.map((s) => markdownText(f(s.report))).join(' | ')} |`;
  const pick = <K extends string>(table: Readonly<Record<K, string>>, key: K | undefined): string => (key !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : w.couldNotTell);
  return [
    `# ${markdownText(pick(w.headline, verdict.direct))}`,
    '',
    markdownText(sentence(verdict.reason)),
    '',
    ...(verdict.relay ? [`**${markdownText(w.bestRelay)}:** ${markdownText(verdict.relay.url)}: ${markdownText(sentence(verdict.relay.reason))}`, ''] : []),
    // The reason calls the ends A and B.
    `| | A: ${markdownText(sides[0].label)} | B: ${markdownText(sides[1].label)} |`,
    '| --- | --- | --- |',
    row(w.rows.nat, (r) => pick(w.natType, r.natType?.value)),
    row(w.rows.publicPort, (r) => pick(w.mapping, r.mapping?.value)),
    row(w.rows.inboundFilter, (r) => pick(w.filtering, r.filtering?.value)),
    row(w.rows.publicAddress, (r) => r.publicEndpoints.map((p) => `${p.address}:${p.port}`).join(', ') || w.noneSeen),
    row(w.rows.cgnat, (r) => pick(w.yesNo, r.cgnat?.value)),
    row(w.rows.hairpinning, (r) => (r.hairpinning ? (r.hairpinning.notApplicable ? w.notApplicable : pick(w.yesNo, r.hairpinning.value)) : w.notMeasured)),
    row(w.rows.measured, (r) => when(r.startedAt)),
    '',
    markdownText(w.basis),
    '',
  ].join('\n');
}

/** What a file that is not a report seems to be instead, so the message can say so. */
export type NotAReportKind = 'wireguard' | 'openvpn' | 'markdown-export';

/**
 * Guesses from a file's start what a file picked for Compare is instead of a report (a WireGuard
 * or OpenVPN config, the Markdown export), so the message can say what to pick instead.
 */
export function guessNotAReport(text: string): NotAReportKind | undefined {
  const head = text.slice(0, 4096);
  if (head.trimStart().startsWith('{')) return undefined;
  if (/^\s*\[(Interface|Peer)\]/im.test(head)) return 'wireguard';
  if (/^#\s*NAT Probe report/m.test(head)) return 'markdown-export';
  if (/^\s*(client|remote|dev|proto|<ca>)(\s|$)/m.test(head)) return 'openvpn';
  return undefined;
}
