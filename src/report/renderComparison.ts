import { type DirectVerdict, type Translate, english } from '../engine/compare';
import { markdownText } from './renderMarkdown';
import type { Report } from './report';

/** One end of a comparison: the report and what to call it (its file name, or "last diagnosis"). */
export interface ComparedSide {
  readonly label: string;
  readonly report: Report;
}

/**
 * The comparison of two reports as a Markdown document (the extension opens it in a preview).
 * Report files come from anywhere: every text from them (the verdict's reason quotes their
 * reasons; addresses, times and labels are strings too) goes through markdownText, so a report
 * cannot add a link, an image, HTML or a control character to the preview.
 */
export interface ComparisonWording {
  /** vscode.l10n.t in the extension; English otherwise (scripts/l10n.mjs collects the `t('…')` messages here). */
  readonly t?: Translate;
  /** A report's start time in words; the ISO text otherwise. */
  readonly formatTime?: (iso: string) => string;
}

export function renderComparison(sides: readonly ComparedSide[], verdict: DirectVerdict, wording: ComparisonWording = {}): string {
  const t = wording.t ?? english;
  const time = wording.formatTime ?? ((iso: string) => iso);
  const headline = {
    yes: t('Direct connection: yes, they can connect directly'),
    no: t('Direct connection: no, traffic must be relayed'),
    unknown: t('Direct connection: cannot tell'),
  };
  const row = (title: string, f: (r: Report) => string): string => `| ${markdownText(title)} | ${sides.map((s) => markdownText(f(s.report))).join(' | ')} |`;
  return [
    `# ${markdownText(headline[verdict.direct])}`,
    '',
    markdownText(verdict.reason),
    '',
    `| | ${markdownText(t('A: {0}', sides[0].label))} | ${markdownText(t('B: {0}', sides[1].label))} |`,
    '| --- | --- | --- |',
    row(t('NAT type'), (r) => r.natType.value),
    row(t('Mapping'), (r) => r.mapping.value),
    row(t('Filtering'), (r) => r.filtering.value),
    row(t('Public address'), (r) => r.publicEndpoints.map((p) => `${p.address}:${p.port}`).join(', ') || t('unknown')),
    row(t('Carrier-grade NAT'), (r) => r.cgnat.value),
    row(t('Hairpinning'), (r) => r.hairpinning?.value ?? t('not measured')),
    row(t('Measured'), (r) => time(r.startedAt)),
    '',
    markdownText(t('Predicted from both ends’ mapping and filtering the way UDP hole punching works (RFC 4787 §4–5, RFC 5128 §3.3).')),
    '',
  ].join('\n');
}
