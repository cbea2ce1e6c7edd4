/** The verdict in plain words (pure: no DOM, unit-tested). */
import type { Report } from '../report/report';
import { BEHAVIOUR_WORDS, S, VERDICT } from './strings';

/** Headline and sentences: what the report means for someone setting up a VPN. */
export function verdictWords(report: Report): { headline: string; sentences: string[] } {
  const natType = report.natType?.value ?? 'unknown';
  const base = VERDICT[natType] ?? VERDICT.unknown;
  const sentences: string[] = [];
  let headline = base.headline;
  const m = report.mapping?.value ?? 'unknown';
  // Each reason is shown once, next to its own result below (the facts, "How the NAT behaves"):
  // the verdict says what is known and what is not, without repeating why.
  if (report.udp === 'unknown') {
    headline = S.verdictUdpUnknown;
  } else if (natType === 'unknown' && report.udp === 'yes' && m !== 'unknown' && m !== 'none') {
    headline = S.verdictBehindNat;
    sentences.push(S.verdictFilteringUnknown(BEHAVIOUR_WORDS[m].name.toLowerCase(), BEHAVIOUR_WORDS[m].explain));
  } else if (natType === 'unknown' && report.udp === 'yes' && m === 'none') {
    headline = S.verdictNoNat;
    sentences.push(S.verdictFirewallUnknown);
  } else if (natType !== 'unknown') {
    sentences.push(base.sentence);
  }
  if (report.cgnat?.value === 'yes') sentences.push(S.verdictCgnat);
  else if (report.doubleNat?.value === 'yes') sentences.push(S.verdictDoubleNat);
  return { headline, sentences };
}
