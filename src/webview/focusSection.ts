/**
 * Brings a section the user just asked for into view: after "Test VPN ports" or "Measure
 * lifetime" the new results are far down the page (four screens in a side panel), so the page
 * scrolls there, highlights the section for a few seconds and moves keyboard focus to its heading
 * (a screen reader announces it). Run after the page's own scroll restore (render.ts).
 */
import type { ReportFocus } from '../report/messages';

const HIGHLIGHT_MS = 4000;
let timer: ReturnType<typeof setTimeout> | undefined;

export function focusSection(app: HTMLElement, which: ReportFocus): void {
  requestAnimationFrame(() => {
    const section = app.querySelector<HTMLElement>(`section#${which}`);
    if (!section) return;
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    section.scrollIntoView({ block: 'start', behavior: reduce ? 'auto' : 'smooth' });
    for (const s of app.querySelectorAll('section.just-updated')) s.classList.remove('just-updated');
    section.classList.add('just-updated');
    const heading = section.querySelector<HTMLElement>('h2');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
    clearTimeout(timer);
    timer = setTimeout(() => section.classList.remove('just-updated'), HIGHLIGHT_MS);
  });
}
