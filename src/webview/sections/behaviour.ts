/** Mapping and filtering (and the carrier-grade NAT check), each with its evidence. */
import type { BehaviourVerdict, Evidence, Report } from '../../report/report';
import { h } from '../dom';
import { BEHAVIOUR_WORDS, FILTERING_EXPLAIN, S } from '../strings';
import { type RenderContext, collapsible, evidenceList, reason, section, tri } from '../widgets';

function block(ctx: RenderContext, key: string, title: string, value: Node, explain: string, why: string, evidence: readonly Evidence[] | undefined, server?: string): HTMLElement {
  const n = evidence?.length ?? 0;
  return h(
    'div',
    { class: 'behaviour' },
    h('h3', undefined, title),
    h('p', undefined, value, explain ? h('span', { class: 'explain' }, ` — ${explain}`) : null),
    h('p', { class: 'reason-line' }, reason(why), typeof server === 'string' ? h('span', { class: 'measured-with' }, ` ${S.filteringMeasuredWith(server)}`) : null),
    // An empty "Evidence (0 observations)" would only be a click that shows nothing.
    n > 0 ? collapsible(ctx, `evidence:${key}`, S.evidence(n), evidenceList(evidence)) : null,
  );
}

function behaviourValue(v: BehaviourVerdict | undefined): Node {
  const value = v?.value ?? 'unknown';
  return value === 'unknown' ? tri('unknown') : h('strong', undefined, BEHAVIOUR_WORDS[value].name);
}

export function behaviourSection(ctx: RenderContext, report: Report): HTMLElement {
  const m = report.mapping;
  const f = report.filtering;
  const mv = m?.value ?? 'unknown';
  const fv = f?.value ?? 'unknown';
  return section(
    'behaviour',
    S.behaviourHeading,
    block(ctx, 'mapping', S.factMapping, behaviourValue(m), BEHAVIOUR_WORDS[mv]?.explain ?? '', m?.reason ?? '', m?.evidence),
    block(ctx, 'filtering', S.factFiltering, behaviourValue(f), FILTERING_EXPLAIN[fv] ?? '', f?.reason ?? '', f?.evidence, f?.server),
    block(ctx, 'cgnat', S.factCgnat, tri(report.cgnat?.value), '', report.cgnat?.reason ?? '', report.cgnat?.evidence),
  );
}
