/** The verdict in plain words (pure: no DOM, unit-tested). */
import type { Report } from '../report/report';
import { BEHAVIOUR_WORDS, S, VERDICT } from './strings';

/**
 * "reason" as the end of a sentence: trailing colons and spaces dropped, one full stop. A loop
 * from the end, not /[:;,\s]+$/: that regex retries from every position of a long run of spaces
 * that is not at the end, quadratic in the run (a reason of 40,000 spaces and one letter took
 * seconds).
 */
function sentence(text: string): string {
  let end = text.length;
  while (end > 0 && isTrailing(text[end - 1])) end--;
  const t = text.slice(0, end);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function isTrailing(c: string): boolean {
  return c === ':' || c === ';' || c === ',' || /\s/.test(c);
}

/** Headline and sentences: what the report means for someone setting up a VPN. */
export function verdictWords(report: Report): { headline: string; sentences: string[] } {
  const natType = report.natType?.value ?? 'unknown';
  const base = VERDICT[natType] ?? VERDICT.unknown;
  const sentences: string[] = [];
  let headline = base.headline;
  const m = report.mapping?.value ?? 'unknown';
  if (report.udp === 'unknown') {
    headline = S.verdictUdpUnknown;
    sentences.push(sentence(report.udpReason ?? ''));
  } else if (natType === 'unknown' && report.udp === 'yes' && m !== 'unknown' && m !== 'none') {
    headline = S.verdictBehindNat;
    sentences.push(sentence(S.verdictFilteringUnknown(BEHAVIOUR_WORDS[m].name.toLowerCase(), BEHAVIOUR_WORDS[m].explain, report.filtering?.reason ?? '')));
  } else if (natType === 'unknown' && report.udp === 'yes' && m === 'none') {
    headline = S.verdictNoNat;
    sentences.push(sentence(S.verdictFirewallUnknown(report.filtering?.reason ?? '')));
  } else if (natType === 'unknown') {
    sentences.push(sentence(report.natType?.reason ?? ''));
  } else {
    sentences.push(base.sentence);
  }
  if (report.cgnat?.value === 'yes') sentences.push(S.verdictCgnat);
  else if (report.doubleNat?.value === 'yes') sentences.push(S.verdictDoubleNat);
  return { headline, sentences };
}
