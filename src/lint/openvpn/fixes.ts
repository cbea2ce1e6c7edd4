/** Text edits the rules offer, built from offsets so they land on the exact characters. */
import type { Fix, TextEdit } from '../types';
import type { RuleContext } from './context';
import type { Directive } from './parser';

export function edit(ctx: RuleContext, start: number, end: number, newText: string): TextEdit {
  return { range: ctx.index.range(start, end), newText };
}

export function fix(title: string, edits: readonly TextEdit[], preferred = false): Fix {
  return preferred ? { title, edits, isPreferred: true } : { title, edits };
}

/** Where the option's own text ends: the last parameter (inline: the closing tag). */
export function directiveEnd(d: Directive): number {
  if (d.inline) return d.inline.closeEnd >= 0 ? d.inline.closeEnd : d.inline.openEnd;
  return d.args.length ? d.args[d.args.length - 1].end : d.nameToken.end;
}

/** Replaces the option name and its parameters (leading blanks, `setenv opt` and a trailing comment stay). */
export function replaceDirective(ctx: RuleContext, d: Directive, newText: string): TextEdit {
  return edit(ctx, d.nameToken.start, directiveEnd(d), newText);
}

/** Deletes the whole line (the whole block for inline options), terminator included. */
export function deleteDirective(ctx: RuleContext, d: Directive): TextEdit {
  return edit(ctx, d.lineStart, d.nextLine, '');
}

/** Inserts a line after the option (after its block when inline). */
export function insertAfter(ctx: RuleContext, d: Directive, line: string): TextEdit {
  return insertLineAt(ctx, d.nextLine, line);
}

/** Inserts a line at a line start `at` (or at the end of the text). */
export function insertLineAt(ctx: RuleContext, at: number, line: string): TextEdit {
  const text = ctx.text;
  if (at >= text.length && text.length > 0 && !text.endsWith('\n') && !text.endsWith('\r')) {
    return edit(ctx, text.length, text.length, ctx.eol + line);
  }
  return edit(ctx, at, at, line + ctx.eol);
}

/** `$1`, `$2`… in a replacement template become the old parameters. */
export function fill(template: string, d: Directive): string {
  return template.replace(/\$(\d)/g, (_, n: string) => {
    const t = d.args[Number(n) - 1];
    return t ? writeParam(t.text) : '';
  }).trim();
}

/** A parameter as it must be written in a config line (quoted when it holds blanks or quotes). */
export function writeParam(s: string): string {
  if (s !== '' && !/[\s"'\\#;]/.test(s)) return s;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
