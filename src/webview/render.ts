/**
 * Puts a report on the page. Re-rendering (a second, fuller report; the open config changing)
 * builds the new tree off-screen and swaps it in one step, then puts the scroll position and the
 * keyboard focus back where they were, before the next paint: no flicker, no lost place.
 */
import type { OpenConfig, PictureInfo, PunchRow, ReachRow, WebviewCommand } from '../report/messages';
import type { Report } from '../report/report';
import { formatDuration } from '../report/durations';
import { safeDeep, safeText } from '../report/safeText';
import { post } from './host';
import { h } from './dom';
import { behaviourSection } from './sections/behaviour';
import { extrasSection } from './sections/extras';
import { lifetimeSection } from './sections/lifetime';
import { otherNetworkNote, partsNote } from './sections/offline';
import { pathSection } from './sections/path';
import { portsSection } from './sections/ports';
import { punchSection } from './sections/punch';
import { reachSection } from './sections/reach';
import { type RecommendationActions, recommendationsSection } from './sections/recommendations';
import { serversSection } from './sections/servers';
import { verdictSection } from './sections/verdict';
import { S } from './strings';
import { type RenderContext, button } from './widgets';

export interface PageInput {
  readonly report: Report;
  readonly partial: boolean;
  readonly config: OpenConfig | null;
  readonly results: ReadonlyMap<string, { ok: boolean; message: string }>;
  /** natprobe reach results of this window's configs. */
  readonly reach: readonly ReachRow[];
  /** The last natprobe punch of this window ("Direct path to a peer"), or null. */
  readonly punch?: PunchRow | null;
  readonly ctx: RenderContext;
  readonly actions: RecommendationActions & { run(command: WebviewCommand): void };
  /** Scroll here after rendering (a reload); otherwise the current position is kept. */
  readonly scrollY?: number;
  /** Which parts come from earlier runs on this network (sections/offline.ts). */
  readonly picture?: PictureInfo;
}

function formatWhen(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function header(input: PageInput): HTMLElement {
  const { report } = input;
  const again = button(S.runAgain, () => input.actions.run('natProbe.runDiagnosis'), { secondary: true });
  again.dataset.focusKey = 'cmd:run';
  // Under a second in ms: a port test on loopback took "0.0 s" before.
  const took = formatDuration(typeof report.durationMs === 'number' ? report.durationMs : NaN, { ms: (n) => S.msText(n), s: (n) => S.secondsText(n) });
  return h(
    'header',
    { class: 'page-header' },
    h('div', { class: 'title-row' }, h('h1', undefined, S.title), again),
    h('p', { class: 'muted small' }, S.meta(formatWhen(report.startedAt), took, report.tool?.version ?? '?')),
    input.partial ? h('p', { class: 'partial', role: 'status' }, S.partial) : null,
  );
}

function footer(report: Report): HTMLElement | null {
  const ig = report.ignoredPackets;
  if (!ig || ig.wrongTransaction + ig.unexpectedSource + ig.malformed === 0) return null;
  return h('footer', { class: 'muted small' }, S.ignored(ig.wrongTransaction, ig.unexpectedSource, ig.malformed));
}

export function renderPage(app: HTMLElement, untrusted: PageInput): void {
  const focused = document.activeElement?.closest<HTMLElement>('[data-focus-key]')?.dataset.focusKey;
  const scrollY = untrusted.scrollY ?? window.scrollY;
  // Text goes in through textContent (no HTML), but a bidi override or control character from a
  // server would still reorder or hide what the reader sees: every string is made visible first.
  // Reach rows quote the config (file names, host names) and what endpoints answered: the same.
  const input: PageInput = { ...untrusted, report: safeDeep(untrusted.report), reach: safeDeep(untrusted.reach ?? []), punch: untrusted.punch ? safeDeep(untrusted.punch) : null };
  const { report, ctx } = input;
  const nodes = [
    header(input),
    otherNetworkNote(input.picture, input.actions.run),
    partsNote(input.picture),
    verdictSection(report),
    // Beside the verdict: the proof of a direct path (and compare's prediction), when one was tested.
    punchSection(input.punch ?? null),
    pathSection(report),
    behaviourSection(ctx, report),
    serversSection(report),
    portsSection(report, input.actions.run),
    reachSection(input.reach),
    lifetimeSection(ctx, report, input.actions.run),
    extrasSection(ctx, report),
    recommendationsSection(ctx, report, input.config, input.results, input.actions),
    footer(report),
  ].filter((n): n is HTMLElement => n !== null);
  app.replaceChildren(...nodes);
  app.setAttribute('aria-busy', 'false');
  requestAnimationFrame(() => {
    if (Math.abs(window.scrollY - scrollY) > 1) window.scrollTo(0, scrollY);
    if (focused) app.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  });
}

export function renderWaiting(app: HTMLElement, reach: readonly ReachRow[] = [], punch: PunchRow | null = null): void {
  const servers = reachSection(safeDeep(reach));
  const direct = punchSection(punch ? safeDeep(punch) : null);
  app.replaceChildren(h('h1', undefined, S.title), h('p', { class: 'muted' }, S.waiting), ...(direct ? [direct] : []), ...(servers ? [servers] : []));
}

/** The saved report was unreadable (restoreFrom dropped it): say why, and how to get a new one. */
export function renderDropped(app: HTMLElement, why: string): void {
  const again = button(S.runAgain, () => post({ type: 'openCommand', command: 'natProbe.runDiagnosis' }));
  app.replaceChildren(h('h1', undefined, S.title), h('p', { class: 'dropped', role: 'alert' }, S.savedReportUnreadable(safeText(why, 300))), again);
  app.setAttribute('aria-busy', 'false');
}
