/** "Direct path to a peer": the last `natprobe punch` of this window, beside compare's prediction. */
import type { PunchRow } from '../../report/messages';
import { h } from '../dom';
import { S } from '../strings';
import { facts, reason, section, tri } from '../widgets';

function formatWhen(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The section, or null before a punch ran in this window. The row is made safe to show by the caller. */
export function punchSection(row: PunchRow | null): HTMLElement | null {
  if (!row) return null;
  const pair = row.pair;
  return section(
    'punch',
    S.punchHeading,
    h('p', { class: 'muted small' }, S.punchIntro(row.via)),
    facts([
      [S.punchProof, tri(row.direct, 'directPath', S.punchDirect), ' ', reason(row.reason)],
      pair ? [S.punchPair, h('span', { class: 'mono' }, `${pair.kind} (${pair.local} ↔ ${pair.remote})`)] : null,
      row.ms !== undefined ? [S.punchTime, S.reachRtt(String(row.ms))] : null,
      row.rttMs !== undefined ? [S.punchRtt, S.reachRtt(String(row.rttMs))] : null,
      [S.punchPredicted, tri(row.prediction.direct, 'directPath', S.punchDirect), ' ', reason(row.prediction.reason)],
      [S.punchPackets, String(row.packetsSent)],
    ]),
    row.agrees === 'no' ? h('p', { class: 'partial', role: 'note' }, S.punchDisagree) : null,
    h('p', { class: 'muted small' }, S.punchAt(formatWhen(row.at))),
  );
}
