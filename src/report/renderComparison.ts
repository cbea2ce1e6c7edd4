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

const HEADLINE: Record<Tristate, string> = {
  yes: 'They can connect directly',
  no: 'Traffic between them must be relayed',
  unknown: 'Whether they can connect directly could not be told',
};

const NAT_TYPE: Record<NatType, string> = {
  'open-internet': 'no NAT, nothing filters',
  'full-cone': 'full-cone NAT',
  'restricted-cone': 'restricted-cone NAT',
  'port-restricted-cone': 'port-restricted cone NAT',
  symmetric: 'symmetric NAT',
  'symmetric-udp-firewall': 'no NAT, a firewall filters',
  'udp-blocked': 'UDP blocked',
  unknown: 'could not tell',
};

const MAPPING: Record<Behaviour, string> = {
  'endpoint-independent': 'the same public port for every peer',
  'address-dependent': 'a new public port per peer address',
  'address-and-port-dependent': 'a new public port per peer address and port',
  none: 'no NAT',
  unknown: 'could not tell',
};

const FILTERING: Record<Behaviour, string> = {
  'endpoint-independent': 'lets anyone answer',
  'address-dependent': 'lets in addresses it has sent to',
  'address-and-port-dependent': 'lets in only the exact address and port it has sent to',
  none: 'nothing filters',
  unknown: 'could not tell',
};

const YES_NO: Record<Tristate, string> = { yes: 'yes', no: 'no', unknown: 'could not tell' };

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
export function renderComparison(sides: readonly ComparedSide[], verdict: DirectVerdict, when: DateWords = utcDate): string {
  const row = (title: string, f: (r: Report) => string): string => `| ${title} | ${sides.map((s) => markdownText(f(s.report))).join(' | ')} |`;
  const pick = <K extends string>(table: Record<K, string>, key: K | undefined): string => (key !== undefined && key in table ? table[key] : 'could not tell');
  return [
    `# ${HEADLINE[verdict.direct] ?? HEADLINE.unknown}`,
    '',
    markdownText(sentence(verdict.reason)),
    '',
    // The reason calls the ends A and B.
    `| | A: ${markdownText(sides[0].label)} | B: ${markdownText(sides[1].label)} |`,
    '| --- | --- | --- |',
    row('NAT', (r) => pick(NAT_TYPE, r.natType?.value)),
    row('Public port', (r) => pick(MAPPING, r.mapping?.value)),
    row('Inbound filter', (r) => pick(FILTERING, r.filtering?.value)),
    row('Public address', (r) => r.publicEndpoints.map((p) => `${p.address}:${p.port}`).join(', ') || 'none seen'),
    row('Behind carrier-grade NAT', (r) => pick(YES_NO, r.cgnat?.value)),
    row('Hairpinning', (r) => (r.hairpinning ? (r.hairpinning.notApplicable ? 'not applicable' : pick(YES_NO, r.hairpinning.value)) : 'not measured')),
    row('Measured', (r) => when(r.startedAt)),
    '',
    'Predicted from both ends’ mapping and filtering, the way UDP hole punching works (RFC 4787 §4–5, RFC 5128 §3.3).',
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
