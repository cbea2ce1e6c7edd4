/**
 * The panel's building blocks on top of @vscode-elements (buttons, collapsibles, tables,
 * badges): only those modules are imported, so the bundle stays small. Every yes/no/unknown goes
 * through `tri`, so "could not tell" is never shown as "no" (or as "false").
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import type { Evidence, Tristate } from '../report/report';
import { h } from './dom';
import { type Fact, type Tone, markOf, toneOf } from '../report/meaning';
import { S, TRISTATE_WORD } from './strings';

/** What the sections need from the page: which collapsibles are open, and a way to say so. */
export interface RenderContext {
  isOpen(key: string): boolean;
  setOpen(key: string, open: boolean): void;
}

function isTristate(v: unknown): v is Tristate {
  return v === 'yes' || v === 'no' || v === 'unknown';
}

/**
 * A yes / no / could-not-tell chip; anything else (a malformed report) reads as "could not tell".
 * Its colour and its mark say what the answer means for `fact` (meaning.ts), not whether it is a
 * yes: "✓ No" to carrier-grade NAT is good news. `null`: a fact without good or bad answers (neutral).
 */
export function tri(value: unknown, fact: Fact | null, words: Partial<Record<Tristate, string>> = {}): HTMLElement {
  const v: Tristate = isTristate(value) ? value : 'unknown';
  const tone: Tone = fact ? toneOf(fact, v) : v === 'unknown' ? 'unknown' : 'neutral';
  return h('span', { class: `tri tri-${v} mean-${tone}`, 'data-state': v, 'data-tone': tone }, h('span', { class: 'tri-mark', 'aria-hidden': 'true' }, markOf(tone)), ' ', words[v] ?? TRISTATE_WORD[v]);
}

/**
 * An Answer's chip: "not applicable" (the question does not arise here, e.g. port preservation
 * with no NAT) is its own muted state, never the amber "could not tell".
 */
export function answer(a: { value?: unknown; notApplicable?: unknown } | null | undefined, fact: Fact | null): HTMLElement {
  if (a?.notApplicable === true) return notYet(S.notApplicable, 'not-applicable');
  return tri(a?.value, fact);
}

/**
 * A muted chip for what was not asked (yet): "Not tested.", "Not measured.", "Not applicable".
 * Not the amber "could not tell": nothing went wrong, the question was not put.
 */
export function notYet(text: string, state = 'not-measured'): HTMLElement {
  return h('span', { class: 'tri tri-na mean-na', 'data-state': state, 'data-tone': 'na' }, h('span', { class: 'tri-mark', 'aria-hidden': 'true' }, markOf('na')), ' ', text);
}

/** A reason in muted text after a verdict. */
export function reason(text: string | null | undefined): HTMLElement | null {
  return text ? h('span', { class: 'reason' }, text) : null;
}

/** A two-column list of facts: term, then value (any nodes). */
export function facts(rows: readonly (readonly [string, ...(Node | string | null)[]] | null | false)[]): HTMLElement {
  const dl = h('dl', { class: 'facts' });
  for (const row of rows) {
    if (!row) continue;
    const [term, ...value] = row;
    dl.append(h('dt', undefined, term), h('dd', undefined, ...value));
  }
  return dl;
}

export function section(id: string, heading: string, ...children: (Node | null | false)[]): HTMLElement {
  return h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, heading), ...children);
}

/**
 * A vscode-collapsible whose open state survives re-renders and reloads. Its header is a
 * focusable div inside the component; we give it the button role, aria-expanded and Space, as a
 * real disclosure button has.
 */
export function collapsible(ctx: RenderContext, key: string, heading: string, ...children: (Node | null)[]): HTMLElement {
  const c = h('vscode-collapsible', { 'data-key': key }) as HTMLElement & { heading: string; open: boolean; updateComplete?: Promise<unknown> };
  c.heading = heading;
  c.open = ctx.isOpen(key);
  for (const child of children) if (child) c.append(child);
  const sync = () => {
    const header = c.shadowRoot?.querySelector('.collapsible-header');
    if (!header) return;
    header.setAttribute('role', 'button');
    header.setAttribute('aria-expanded', String(c.open));
    header.setAttribute('aria-label', heading);
  };
  void c.updateComplete?.then(() => {
    sync();
    c.shadowRoot?.querySelector('.collapsible-header')?.addEventListener('keydown', (e) => {
      const ev = e as KeyboardEvent;
      if (ev.key === ' ') {
        ev.preventDefault();
        (ev.currentTarget as HTMLElement).click();
      }
    });
  });
  c.addEventListener('vsc-collapsible-toggle', () => {
    ctx.setOpen(key, c.open);
    sync();
  });
  return c;
}

export function evidenceList(evidence: readonly Evidence[] | undefined): HTMLElement {
  if (!evidence || evidence.length === 0) return h('p', { class: 'muted' }, S.noEvidence);
  return h(
    'ul',
    { class: 'evidence' },
    ...evidence.map((e) => h('li', undefined, h('span', { class: 'ev-test' }, e.test), h('span', { class: 'ev-arrow', 'aria-hidden': 'true' }, ' → '), h('span', { class: 'ev-seen' }, e.observation))),
  );
}

export function button(label: string, onClick: () => void, options: { secondary?: boolean; ariaLabel?: string; id?: string } = {}): HTMLElement {
  const b = h('vscode-button', { secondary: options.secondary, 'aria-label': options.ariaLabel, id: options.id });
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

export function badge(text: string, cls: string): HTMLElement {
  const b = h('vscode-badge', { class: cls });
  b.textContent = text;
  return b;
}

/** A vscode-table; cells are text or nodes. `label` names it for screen readers. */
export function table(
  label: string,
  headers: readonly string[],
  rows: readonly (readonly (Node | string)[])[],
  options: { columns?: readonly string[]; cls?: string; breakpoint?: number; responsive?: boolean } = {},
): HTMLElement {
  const { columns, cls = '', breakpoint = 600, responsive = true } = options;
  // Responsive: below the breakpoint each row becomes a block of "label: value" lines, so a
  // narrow panel (beside a config editor) never clips a verdict.
  const t = h('vscode-table', { 'aria-label': label, 'bordered-rows': true, zebra: true, responsive, breakpoint, class: cls });
  if (columns) (t as HTMLElement & { columns: string[] }).columns = [...columns];
  const head = h('vscode-table-header', { slot: 'header' }, ...headers.map((x) => h('vscode-table-header-cell', undefined, x)));
  const body = h(
    'vscode-table-body',
    { slot: 'body' },
    ...rows.map((cells) => h('vscode-table-row', undefined, ...cells.map((cell) => h('vscode-table-cell', undefined, cell)))),
  );
  t.append(head, body);
  return t;
}
