/** The NAT's idle mapping lifetime (report.mappingLifetime), or how to measure it. */
import type { WebviewCommand } from '../../report/messages';
import type { Report } from '../../report/report';
import { h } from '../dom';
import { S } from '../strings';
import { button, facts, notYet, reason, section, tri } from '../widgets';

export function lifetimeSection(report: Report, run: (command: WebviewCommand) => void): HTMLElement {
  const l = report.mappingLifetime;
  if (!l) {
    const b = button(S.lifetimeMeasure, () => run('natProbe.measureLifetime'), { secondary: true });
    b.dataset.focusKey = 'cmd:lifetime';
    return section('lifetime', S.lifetimeHeading, h('p', { class: 'not-tested' }, notYet(S.lifetimeNotMeasured)), h('p', { class: 'muted' }, S.lifetimeHowTo), h('div', { class: 'actions' }, b));
  }
  const secs = (v: number | null) => (v === null || v === undefined ? tri('unknown', null) : h('strong', { class: 'num' }, S.seconds(v)));
  return section(
    'lifetime',
    S.lifetimeHeading,
    facts([
      [S.lifetimeValue, secs(l.value), ' ', reason(l.reason)],
      l.idleSeconds !== null && l.idleSeconds !== undefined ? [S.lifetimeIdle, h('span', { class: 'num' }, S.seconds(l.idleSeconds))] : null,
      [S.lifetimeRefreshed, tri(l.refreshedByInbound, 'lifetimeRefreshedByInbound')],
      [S.lifetimeAbsolute, l.absoluteSeconds ? h('span', { class: 'num' }, S.seconds(l.absoluteSeconds)) : h('span', { class: 'muted' }, S.noAbsolute)],
    ]),
  );
}
