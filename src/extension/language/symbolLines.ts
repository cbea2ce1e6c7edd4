/**
 * The line patterns the outline reads, kept free of vscode so they can be tested on hostile
 * lines. No pattern here backtracks: a lazy group next to `\s*` (as in `\[\s*(.*?)\s*\]`) costs
 * quadratic time on a long run of blanks, so blanks are trimmed in code instead.
 */

/** `[Name]` at the start of a line (blanks allowed around the name): the name, trimmed. */
export function sectionHeaderName(line: string): string | undefined {
  const m = /^\s*\[([^\]#]*)\]/.exec(line);
  return m ? m[1].trim() : undefined;
}

/** The text of a `#` comment line, trimmed ('' for an empty comment). */
export function commentText(line: string): string | undefined {
  const m = /^\s*#+(.*)$/.exec(line);
  return m ? m[1].trim() : undefined;
}
