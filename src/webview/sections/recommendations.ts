/** The advice, each with Copy and, when the open config can take it, "Apply to config". */
import { splitFilteringHint } from '../../report/filteringHint';
import { MAX_COPY_CHARS, type OpenConfig } from '../../report/messages';
import type { Recommendation, Report } from '../../report/report';
import { h, richText } from '../dom';
import { S } from '../strings';
import { type RenderContext, badge, button, collapsible, evidenceList, section } from '../widgets';

export interface RecommendationActions {
  copy(id: string, text: string): void;
  apply(id: string): void;
}

/** The text Copy puts on the clipboard: the advice, its requirement and its evidence. */
export function copyText(r: Recommendation): string {
  const lines = [r.text];
  if (r.rfc) lines.push(S.requirement(r.rfc));
  if (r.evidence?.length) {
    lines.push(`${S.evidenceLabel}:`);
    for (const e of r.evidence) lines.push(`- ${e.test}: ${e.observation}`);
  }
  const text = lines.join('\n');
  return text.length > MAX_COPY_CHARS ? `${text.slice(0, MAX_COPY_CHARS - 1)}…` : text;
}

function card(ctx: RenderContext, r: Recommendation, config: OpenConfig | null, status: { ok: boolean; message: string } | undefined, actions: RecommendationActions): HTMLElement {
  const textId = `rec-text-${r.id}`;
  const copy = button(S.copy, () => actions.copy(r.id, copyText(r)), { secondary: true, ariaLabel: S.copyAria(r.text) });
  copy.dataset.focusKey = `copy:${r.id}`;
  const applicable = config !== null && config.applicable.includes(r.id);
  let apply: HTMLElement | null = null;
  if (applicable) {
    apply = button(S.apply(config.fileName), () => actions.apply(r.id), { ariaLabel: S.applyAria(config.fileName, r.text) });
    apply.dataset.focusKey = `apply:${r.id}`;
    apply.classList.add('apply');
  }
  const severity = r.severity in S.severity ? r.severity : 'info';
  return h(
    'article',
    { class: `rec sev-${severity}`, 'data-rec': r.id, 'aria-labelledby': textId },
    h(
      'div',
      { class: 'rec-head' },
      badge(S.severity[severity], `sev sev-${severity}`),
      r.vpn && r.vpn in S.vpn ? h('span', { class: 'rec-vpn' }, S.vpn[r.vpn]) : null,
      r.rfc ? h('span', { class: 'rec-rfc' }, r.rfc) : null,
    ),
    h('p', { class: 'rec-text', id: textId }, ...richText(r.text)),
    r.evidence?.length ? collapsible(ctx, `evidence:rec:${r.id}`, S.evidence(r.evidence.length), evidenceList(r.evidence)) : null,
    h(
      'div',
      { class: 'actions' },
      apply,
      copy,
      h('span', { class: `rec-status${status ? (status.ok ? ' ok' : ' failed') : ''}`, role: 'status', 'aria-live': 'polite' }, status?.message ?? ''),
    ),
  );
}

export function recommendationsSection(
  ctx: RenderContext,
  report: Report,
  config: OpenConfig | null,
  results: ReadonlyMap<string, { ok: boolean; message: string }>,
  actions: RecommendationActions,
): HTMLElement {
  // The hint to run natprobe serve is the page's last line, once, not one card among the advice.
  const { rest: recs, hint: filteringHint } = splitFilteringHint(Array.isArray(report.recommendations) ? report.recommendations : []);
  const last = filteringHint ? h('p', { class: 'filtering-hint', id: 'filtering-hint' }, S.filteringHint) : null;
  if (recs.length === 0) return section('recommendations', S.recommendationsHeading, h('p', undefined, S.noRecommendations), last);
  const anyApplicable = recs.some((r) => r.apply);
  const hint = config && config.applicable.length ? S.applyHint(config.fileName) : anyApplicable && !config ? S.applyNoConfig : null;
  return section(
    'recommendations',
    S.recommendationsHeading,
    hint ? h('p', { class: 'muted small', id: 'apply-hint' }, hint) : null,
    h('div', { class: 'recs' }, ...recs.map((r) => card(ctx, r, config, results.get(r.id), actions))),
    last,
  );
}
