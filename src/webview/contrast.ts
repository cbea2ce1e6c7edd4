/**
 * Colour contrast as WCAG 2.2 defines it (pure: no DOM, unit-tested): relative luminance of
 * sRGB (§ "relative luminance"), the ratio (L1 + 0.05) / (L2 + 0.05), and the smallest step from
 * a theme's colour towards its text colour that reaches a ratio. Success criterion 1.4.3 asks
 * 4.5:1 for normal text.
 */

export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  /** 0…1 */
  readonly a: number;
}

/** WCAG 2.2 SC 1.4.3 (Contrast, minimum): normal text. */
export const AA_TEXT = 4.5;

/**
 * A CSS colour as getComputedStyle returns it: `rgb(r, g, b)`, `rgba(r, g, b, a)` (commas or
 * spaces, `/ a`), `color(srgb r g b / a)` (what color-mix computes to), or `#rgb[a]`/`#rrggbb[aa]`.
 * Anything else: undefined.
 */
export function parseColour(text: string): Rgba | undefined {
  const s = text.trim().toLowerCase();
  if (s === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  const hex = /^#([0-9a-f]{3,8})$/.exec(s)?.[1];
  if (hex && [3, 4, 6, 8].includes(hex.length)) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    const n = (i: number) => parseInt(full.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: full.length === 8 ? n(6) / 255 : 1 };
  }
  const fn = /^(rgba?|color)\(([^)]*)\)$/.exec(s);
  if (!fn) return undefined;
  let body = fn[2].trim();
  let scale = 1;
  if (fn[1] === 'color') {
    if (!body.startsWith('srgb ')) return undefined;
    body = body.slice(5);
    scale = 255;
  }
  const [channels, alpha] = body.split('/').map((x) => x.trim());
  const parts = channels.split(/[\s,]+/).filter(Boolean);
  let a: string | undefined = alpha;
  if (parts.length === 4 && a === undefined) a = parts.pop();
  if (parts.length !== 3) return undefined;
  const num = (x: string, max: number) => (x.endsWith('%') ? (parseFloat(x) / 100) * max : parseFloat(x) * (max === 255 ? scale : 1));
  const [r, g, b] = parts.map((x) => num(x, 255));
  const alphaValue = a === undefined ? 1 : num(a, 1);
  if (![r, g, b, alphaValue].every(Number.isFinite)) return undefined;
  return { r, g, b, a: Math.min(1, Math.max(0, alphaValue)) };
}

/** `top` painted over the opaque `bottom` (alpha compositing, as the page shows it). */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

function channel(v: number): number {
  const c = Math.min(255, Math.max(0, v)) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance(c: Rgba): number {
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

/** The contrast ratio of two opaque colours, 1…21. */
export function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export function mix(a: Rgba, b: Rgba, weightOfB: number): Rgba {
  const w = Math.min(1, Math.max(0, weightOfB));
  return { r: a.r + (b.r - a.r) * w, g: a.g + (b.g - a.g) * w, b: a.b + (b.b - a.b) * w, a: 1 };
}

export function toCss(c: Rgba): string {
  const n = (v: number) => Math.round(Math.min(255, Math.max(0, v)));
  return `rgb(${n(c.r)}, ${n(c.g)}, ${n(c.b)})`;
}

/**
 * The theme's colour, moved as little as needed towards `toward` (the theme's text colour, which
 * keeps the hue family and the theme's look) until it has at least `min` contrast with every
 * background; if even `toward` does not reach it, towards black or white, whichever contrasts
 * more. Returns the colour unchanged when it already passes.
 */
export function readable(colour: Rgba, backgrounds: readonly Rgba[], toward: Rgba, min: number): Rgba {
  const worst = (c: Rgba) => Math.min(...backgrounds.map((bg) => contrast(c, bg)));
  const base = backgrounds.length ? over(colour, backgrounds[0]) : { ...colour, a: 1 };
  if (backgrounds.length === 0 || worst(base) >= min) return base;
  const black = { r: 0, g: 0, b: 0, a: 1 };
  const white = { r: 255, g: 255, b: 255, a: 1 };
  const extreme = worst(black) >= worst(white) ? black : white;
  const target = worst(over(toward, backgrounds[0])) >= min ? over(toward, backgrounds[0]) : extreme;
  // Along the line from a failing colour to a passing one the ratio crosses `min` once (it may dip
  // first, when the line passes the background's luminance): bisect for the smallest weight.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 20; i++) {
    const mid = (lo + hi) / 2;
    if (worst(mix(base, target, mid)) >= min) hi = mid;
    else lo = mid;
  }
  return mix(base, target, hi);
}
