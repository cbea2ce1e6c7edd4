/**
 * The report panel's front end. Everything it shows comes from the host's typed messages
 * (src/report/messages.ts); everything it asks for goes back through the same module, and the
 * host validates it again.
 */
import styles from './styles.css';
import { type HostToWebview, type PictureInfo, type WebviewCommand, isHostToWebview } from '../report/messages';
import { focusSection, keepHighlight } from './focusSection';
import { post } from './host';
import { renderDropped, renderPage, renderWaiting } from './render';
import { renderOffline } from './sections/offline';
import { type Live, persist, restore } from './state';
import { localize } from './strings';
import { watchThemeColours } from './themeColours';
import type { RenderContext } from './widgets';

// VS Code's translations for the display language, put in the page by the host (html.ts).
try {
  localize(JSON.parse(document.body.dataset.l10n ?? 'null'));
} catch {
  // No or unreadable bundle: English.
}

// Adopted, not injected as <style>: the page's CSP needs no inline styles for our own rules.
const sheet = new CSSStyleSheet();
sheet.replaceSync(styles);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
// The meaning colours, made readable on this theme (and again after every theme switch).
watchThemeColours();

const app = document.getElementById('app')!;
const restored = restore();
const state = restored.state;
/** Why the saved report could not be shown, until a new report arrives. */
let dropped = restored.dropped;
const live: Live = { config: null, results: new Map(), reach: [], punch: null };
let restoredScroll: number | undefined = state.scrollY;
/** Sent with each report, not saved: the host sends it again when the page (re)loads. */
let picture: PictureInfo | undefined;

const ctx: RenderContext = {
  isOpen: (key) => state.open.includes(key),
  setOpen: (key, open) => {
    state.open = state.open.filter((k) => k !== key);
    if (open) state.open.push(key);
    persist(state);
  },
};

/** The recommendation whose Copy was pressed last: the host's answer is about that one. */
let copying: string | undefined;

const actions = {
  copy: (id: string, text: string) => {
    copying = id;
    post({ type: 'copy', text });
  },
  apply: (id: string) => post({ type: 'apply', recommendationId: id }),
  run: (command: WebviewCommand) => post({ type: 'openCommand', command }),
};

function draw(): void {
  if (!state.report) {
    if (dropped !== undefined) renderDropped(app, dropped);
    else renderWaiting(app, live.reach, live.punch);
    return;
  }
  try {
    if (renderOffline(app, state.report, picture, actions.run)) return;
    renderPage(app, { report: state.report, partial: state.partial === true, config: live.config, results: live.results, reach: live.reach, punch: live.punch, ctx, actions, scrollY: restoredScroll, picture });
  } catch (err) {
    // parseReport lets no such report through; should one get by, the panel says so instead of
    // going blank, and the report is not saved again to fail the same way after a reload.
    console.error('NAT Probe panel: drawing the report failed', err);
    state.report = undefined;
    persist(state);
    renderDropped(app, err instanceof Error ? err.message : String(err));
  }
  restoredScroll = undefined;
  keepHighlight(app);
}

/** Shows a copy/apply outcome next to its recommendation without redrawing the page. */
function showResult(msg: Extract<HostToWebview, { type: 'result' }>): void {
  const id = msg.recommendationId ?? (msg.action === 'copy' ? copying : undefined);
  if (!id) return;
  live.results.set(id, { ok: msg.ok, message: msg.message });
  const el = app.querySelector<HTMLElement>(`article[data-rec="${CSS.escape(id)}"] .rec-status`);
  if (el) {
    el.textContent = msg.message;
    el.className = `rec-status ${msg.ok ? 'ok' : 'failed'}`;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data;
  if (!isHostToWebview(msg)) {
    console.warn('NAT Probe panel: ignored a message that is not one of ours');
    return;
  }
  switch (msg.type) {
    case 'report':
      // A new diagnosis: earlier copy/apply outcomes belonged to the old advice.
      if (state.report && state.report.startedAt !== msg.report.startedAt) live.results.clear();
      state.report = msg.report;
      state.partial = msg.partial === true;
      picture = msg.picture;
      dropped = undefined;
      persist(state);
      draw();
      if (msg.focus && !state.partial) focusSection(app, msg.focus);
      break;
    case 'config':
      if (JSON.stringify(msg.config) === JSON.stringify(live.config)) return;
      live.config = msg.config;
      if (state.report) draw();
      break;
    case 'reach':
      live.reach = [...msg.rows];
      draw();
      break;
    case 'punch':
      live.punch = msg.row;
      draw();
      break;
    case 'result':
      showResult(msg);
      break;
  }
});

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener(
  'scroll',
  () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(() => {
      state.scrollY = window.scrollY;
      persist(state);
    }, 200);
  },
  { passive: true },
);

draw();
post({ type: 'ready' });
