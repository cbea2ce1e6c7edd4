/**
 * Brings a section the user just asked for into view: after "Test VPN ports" or "Measure
 * lifetime" the new results are far down the page (four screens in a side panel), so the page
 * scrolls there, highlights the section for a few seconds and moves keyboard focus to its heading
 * (a screen reader announces it). Run after the page's own scroll restore (render.ts).
 *
 * The jump is instant, then checked once more after the page has settled: the drawn path redraws
 * itself top-to-bottom in a narrow panel (a ResizeObserver, a frame later), which makes everything
 * above the ports taller; a smooth scroll aimed before that stopped a screen short.
 */
import type { ReportFocus } from '../report/messages';

const HIGHLIGHT_MS = 4000;
const SETTLE_MS = 150;
let timer: ReturnType<typeof setTimeout> | undefined;
let highlighted: { which: ReportFocus; until: number } | undefined;

function sectionOf(app: HTMLElement, which: ReportFocus): HTMLElement | null {
  return app.querySelector<HTMLElement>(`section#${which}`);
}

export function focusSection(app: HTMLElement, which: ReportFocus): void {
  requestAnimationFrame(() => {
    const section = sectionOf(app, which);
    if (!section) return;
    section.scrollIntoView({ block: 'start' });
    const landed = window.scrollY;
    setTimeout(() => {
      // Only when the reader has not scrolled meanwhile, and the section moved away from the top.
      const again = sectionOf(app, which);
      if (again && window.scrollY === landed && Math.abs(again.getBoundingClientRect().top) > 16) again.scrollIntoView({ block: 'start' });
    }, SETTLE_MS);
    highlighted = { which, until: Date.now() + HIGHLIGHT_MS };
    mark(app);
    const heading = section.querySelector<HTMLElement>('h2');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  });
}

/** Puts the highlight back after a redraw (the open config changed) replaced the section's element. */
export function keepHighlight(app: HTMLElement): void {
  if (highlighted && Date.now() < highlighted.until) mark(app);
}

function mark(app: HTMLElement): void {
  if (!highlighted) return;
  for (const s of app.querySelectorAll('section.just-updated')) s.classList.remove('just-updated');
  sectionOf(app, highlighted.which)?.classList.add('just-updated');
  clearTimeout(timer);
  timer = setTimeout(
    () => {
      for (const s of app.querySelectorAll('section.just-updated')) s.classList.remove('just-updated');
      highlighted = undefined;
    },
    Math.max(0, highlighted.until - Date.now()),
  );
}
