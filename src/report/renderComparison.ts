import type { DirectVerdict } from '../engine/compare';
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
export function renderComparison(sides: readonly ComparedSide[], verdict: DirectVerdict): string {
  const words = { yes: 'yes: they can connect directly', no: 'no: traffic must be relayed', unknown: 'unknown' };
  const row = (title: string, f: (r: Report) => string): string => `| ${title} | ${sides.map((s) => markdownText(f(s.report))).join(' | ')} |`;
  return [
    `# Direct connection: ${words[verdict.direct]}`,
    '',
    markdownText(verdict.reason),
    '',
    `| | A: ${markdownText(sides[0].label)} | B: ${markdownText(sides[1].label)} |`,
    '| --- | --- | --- |',
    row('NAT type', (r) => r.natType.value),
    row('Mapping', (r) => r.mapping.value),
    row('Filtering', (r) => r.filtering.value),
    row('Public address', (r) => r.publicEndpoints.map((p) => `${p.address}:${p.port}`).join(', ') || 'unknown'),
    row('Carrier-grade NAT', (r) => r.cgnat.value),
    row('Hairpinning', (r) => r.hairpinning?.value ?? 'not measured'),
    row('Measured', (r) => r.startedAt),
    '',
    'Predicted from both ends’ mapping and filtering the way UDP hole punching works (RFC 4787 §4–5, RFC 5128 §3.3).',
    '',
  ].join('\n');
}
