/**
 * The NAT's idle mapping lifetime (report.mappingLifetime) in one sentence, the measurement's
 * details (longest idle time survived, inbound refresh, absolute limit, and the probe's own
 * technical account) under Evidence; or, not measured yet, the button that measures it.
 */
import type { WebviewCommand } from '../../report/messages';
import type { Report } from '../../report/report';
import { h } from '../dom';
import { S } from '../strings';
import { type RenderContext, answer, button, collapsible, facts, notYet, section, tri } from '../widgets';

export function lifetimeSection(ctx: RenderContext, report: Report, run: (command: WebviewCommand) => void): HTMLElement {
  const l = report.mappingLifetime;
  if (!l) {
    const b = button(S.lifetimeMeasure, () => run('natProbe.measureLifetime'), { secondary: true });
    b.dataset.focusKey = 'cmd:lifetime';
    return section('lifetime', S.lifetimeHeading, h('p', { class: 'not-tested' }, notYet(S.lifetimeNotMeasured)), h('p', { class: 'muted' }, S.lifetimeHowTo), h('div', { class: 'actions' }, b));
  }
  if (l.notApplicable) {
    // No mapping to expire (no NAT, no stateful firewall): not "could not tell", the question does not arise.
    return section(
      'lifetime',
      S.lifetimeHeading,
      h('p', { class: 'lifetime-sentence not-applicable' }, answer({ notApplicable: true }, null), ' ', S.lifetimeSentenceNotApplicable),
      collapsible(ctx, 'evidence:lifetime', S.lifetimeDetails, h('div', { class: 'lifetime-details' }, h('p', { class: 'muted small lifetime-method' }, l.reason))),
    );
  }
  const known = typeof l.value === 'number';
  const sentence = known
    ? l.absoluteSeconds
      ? S.lifetimeSentenceWithLimit(l.value as number, l.absoluteSeconds)
      : S.lifetimeSentence(l.value as number)
    : l.absoluteSeconds
      ? S.lifetimeSentenceOnlyLimit(l.absoluteSeconds)
      : S.lifetimeSentenceUnknown;
  const secs = (v: number | null | undefined) => (v === null || v === undefined ? tri('unknown', null) : h('span', { class: 'num' }, S.seconds(v)));
  const details = h(
    'div',
    { class: 'lifetime-details' },
    facts([
      [S.lifetimeValue, secs(l.value)],
      l.idleSeconds !== null && l.idleSeconds !== undefined ? [S.lifetimeIdle, secs(l.idleSeconds)] : null,
      [S.lifetimeRefreshed, tri(l.refreshedByInbound, 'lifetimeRefreshedByInbound')],
      [S.lifetimeAbsolute, l.absoluteSeconds ? secs(l.absoluteSeconds) : h('span', { class: 'muted' }, S.noAbsolute)],
    ]),
    l.reason ? h('p', { class: 'muted small lifetime-method' }, l.reason) : null,
  );
  return section(
    'lifetime',
    S.lifetimeHeading,
    h('p', { class: `lifetime-sentence${known ? '' : ' unknown'}` }, known ? h('strong', { class: 'num' }, sentence) : sentence),
    collapsible(ctx, 'evidence:lifetime', S.lifetimeDetails, details),
  );
}
