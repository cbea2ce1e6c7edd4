/**
 * The short form of a rule page (docs/rules/<ID>.md) for a diagnostic's hover: its title and one
 * sentence of why. The full page stays behind the link; a hover that repeated every trigger
 * (OV01) or pushed the key's reference below a scroll (WG14) was too long to read in passing.
 * Only the page's own text is used: nothing from the user's document, so never a key value.
 */

/** Longest "why" shown; a longer first sentence is cut at a word and ends in "…". */
export const MAX_WHY = 220;

export interface RuleSummary {
  /** "The same prefix in two peers; nested prefixes" (without the ID). */
  readonly title: string | undefined;
  /** One sentence, one line. */
  readonly why: string;
}

/** Up to the first full stop that ends a sentence (not inside parentheses or `code`, not "e.g."). */
export function firstSentence(text: string): string {
  let depth = 0;
  let code = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '`') code = !code;
    else if (code) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '.' && depth === 0 && (i + 1 === text.length || (text[i + 1] === ' ' && /[A-Z`(]/.test(text[i + 2] ?? '')))) {
      if (/\b(?:e\.g|i\.e|etc|vs)$/.test(text.slice(Math.max(0, i - 4), i))) continue;
      return text.slice(0, i + 1);
    }
  }
  return text;
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:(—-]+$/, '')}…`;
}

/** The paragraph after a `**Why …:**` label, or the first paragraph of `## Why`. */
function whyParagraph(lines: readonly string[]): string | undefined {
  const label = lines.findIndex((l) => /^\*\*Why[^*]*:\*\*/.test(l));
  if (label >= 0) {
    const para: string[] = [lines[label].replace(/^\*\*Why[^*]*:\*\*\s*/, '')];
    for (let i = label + 1; i < lines.length && lines[i].trim() && !lines[i].startsWith('#'); i++) para.push(lines[i].trim());
    return para.join(' ');
  }
  const start = lines.findIndex((l) => l.trim() === '## Why');
  if (start < 0) return undefined;
  let i = start + 1;
  while (i < lines.length && !lines[i].trim()) i++;
  const para: string[] = [];
  for (; i < lines.length && lines[i].trim() && !lines[i].startsWith('#'); i++) para.push(lines[i].trim());
  return para.length ? para.join(' ') : undefined;
}

/** Title and one sentence of why from a rule page, or undefined when the page has neither. */
export function ruleSummary(markdown: string): RuleSummary | undefined {
  const lines = markdown.split(/\r?\n/);
  const heading = lines.find((l) => l.startsWith('# '))?.slice(2).trim();
  const title = heading?.replace(/^[A-Z]{2,5}\d{0,3}\s*[—–-]\s*/, '') || undefined;
  const paragraph = whyParagraph(lines);
  if (!paragraph) return undefined;
  // "warning: wg-quick accepts…" — the severity is on the diagnostic already.
  const sentence = firstSentence(paragraph.replace(/^(?:error|warning|information|hint)(?: \([^)]*\))?:\s*/i, ''));
  const why = shorten(sentence.replace(/\s+/g, ' ').trim(), MAX_WHY);
  // A sentence starts with a capital, except a tool's own lower-case name (wg, wg-quick).
  return { title, why: /^(?:wg|wg-quick)\b/.test(why) ? why : why.charAt(0).toUpperCase() + why.slice(1) };
}
