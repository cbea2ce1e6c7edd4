/** "Your VPN servers": what `natprobe reach` found for the configs tested in this window. */
import type { ReachRow } from '../../report/messages';
import { h } from '../dom';
import { S } from '../strings';
import type { Tristate } from '../../report/report';
import { section, table, tri } from '../widgets';

/** The mark each outcome gets: answered, said no, or silence that proves nothing. */
const STATE: Record<ReachRow['outcome'], Tristate> = {
  reachable: 'yes',
  'no-answer': 'unknown',
  refused: 'no',
  unresolved: 'no',
  'not-tested': 'unknown',
  error: 'no',
};

export function reachSection(rows: readonly ReachRow[]): HTMLElement | null {
  if (rows.length === 0) return null;
  const body = rows.map((r) => [
    h('span', undefined, h('span', { class: 'mono' }, r.fileName), h('br'), r.label),
    h('span', { class: 'mono' }, r.endpoint),
    tri(STATE[r.outcome], 'reachAnswered', { [STATE[r.outcome]]: `${S.reachOutcome(r.outcome)}${r.rttMs !== undefined ? ` · ${S.reachRtt(String(r.rttMs))}` : ''}` }),
    h('span', undefined, r.summary, r.nextStep ? h('span', { class: 'muted' }, ` ${r.nextStep}`) : null),
  ]);
  return section(
    'reach',
    S.reachHeading,
    h('p', { class: 'muted small' }, S.reachIntro),
    table(S.reachHeading, [S.reachColConfig, S.reachColServer, S.reachColOutcome, S.reachColMeaning], body, { columns: ['20%', '20%', '18%', '42%'], cls: 'reach-table', breakpoint: 640 }),
  );
}
