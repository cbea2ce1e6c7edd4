/**
 * The panel's meaning colours (good / bad / could not tell / muted) taken from the theme and made
 * readable: each theme token is checked against the page's backgrounds and, where it is below
 * WCAG AA for text (4.5:1; Light Modern's amber #BF8803 is 3.1:1 on white, its red #F85149
 * 3.35:1), moved towards the theme's text colour just far enough (contrast.ts). Recomputed when
 * VS Code switches the theme (it rewrites the page's variables and body class).
 */
import { AA_TEXT, type Rgba, over, parseColour, readable, toCss } from './contrast';

/** The variable each tone reads (styles.css), and the theme token it starts from. */
const TONES = {
  '--np-good': 'var(--vscode-testing-iconPassed, #388a34)',
  '--np-bad': 'var(--vscode-errorForeground, #e51400)',
  '--np-caution': 'var(--vscode-editorWarning-foreground, #bf8803)',
  '--np-muted': 'var(--vscode-descriptionForeground, #717171)',
} as const;

/** A little above 4.5:1, so rounding cannot take a colour under it. */
const TARGET = AA_TEXT + 0.3;

const sheet = new CSSStyleSheet();

function resolve(probe: HTMLElement, css: string, property: 'color' | 'backgroundColor'): Rgba | undefined {
  probe.style[property] = '';
  probe.style[property] = css;
  return parseColour(getComputedStyle(probe)[property]);
}

/** Computes the readable tones for the current theme and puts them in the page's style sheet. */
export function applyThemeColours(): void {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.append(probe);
  try {
    const editor = resolve(probe, 'var(--vscode-editor-background, #ffffff)', 'backgroundColor');
    const widget = resolve(probe, 'var(--vscode-editorWidget-background, transparent)', 'backgroundColor');
    const text = resolve(probe, 'var(--vscode-foreground, #000000)', 'color');
    if (!editor || !text) return;
    const opaqueEditor = { ...editor, a: 1 };
    const backgrounds: Rgba[] = [opaqueEditor];
    // Cards (verdict, advice) sit on the widget background, possibly translucent over the editor's;
    // table rows on the zebra tint (vscode-table's own default when the theme has none).
    if (widget && widget.a > 0) backgrounds.push(over(widget, opaqueEditor));
    const zebra = resolve(probe, 'var(--vscode-keybindingTable-rowsBackground, rgba(204, 204, 204, 0.04))', 'backgroundColor');
    if (zebra && zebra.a > 0) backgrounds.push(over(zebra, opaqueEditor));
    const rules: string[] = [];
    for (const [variable, token] of Object.entries(TONES)) {
      const base = resolve(probe, token, 'color');
      if (!base) continue;
      rules.push(`${variable}: ${toCss(readable(base, backgrounds, text, TARGET))};`);
    }
    sheet.replaceSync(`:root { ${rules.join(' ')} }`);
    if (!document.adoptedStyleSheets.includes(sheet)) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } finally {
    probe.remove();
  }
}

/** Applies the tones now and again whenever the theme changes. */
export function watchThemeColours(): void {
  applyThemeColours();
  let pending = false;
  const again = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      applyThemeColours();
    });
  };
  const observer = new MutationObserver(again);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
