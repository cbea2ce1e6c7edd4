/** TextEdits for the fixes, plus applyTextEdits for tests and the CLI's --fix. */
import type { SourceLines } from '../text';
import type { Fix, Position, TextEdit } from '../types';
import { range } from './findings';
import { TextLines } from './lines';

// src.eols[line], src.lines[line].length and src.lines[line], without building the line
// arrays of a TextLines (fixes are made for every finding, on big files too).
function eolOf(src: SourceLines, line: number): string | undefined {
  return src instanceof TextLines ? src.eol(line) : src.eols[line];
}
function lengthOf(src: SourceLines, line: number): number {
  return src instanceof TextLines ? src.lineLength(line) : src.lines[line].length;
}
function lineOf(src: SourceLines, line: number): string {
  return src instanceof TextLines && line >= 0 && line < src.count ? src.line(line) : src.lines[line];
}

export function replace(line: number, start: number, end: number, newText: string): TextEdit {
  return { range: range(line, start, end), newText };
}

/** Removes a whole line with its terminator (or the terminator before it on the last line). */
export function deleteLine(src: SourceLines, line: number): TextEdit {
  if (eolOf(src, line) !== '') return { range: { start: { line, column: 0 }, end: { line: line + 1, column: 0 } }, newText: '' };
  if (line > 0) {
    return { range: { start: { line: line - 1, column: lengthOf(src, line - 1) }, end: { line, column: lengthOf(src, line) } }, newText: '' };
  }
  return { range: range(0, 0, lengthOf(src, 0)), newText: '' };
}

/** Inserts `content` as a new line after `line`. */
export function insertLineAfter(src: SourceLines, line: number, content: string, eol: string): TextEdit {
  const lineEol = eolOf(src, line);
  if (lineEol !== '') {
    return { range: range(line + 1, 0, 0), newText: content + lineEol };
  }
  const end = lengthOf(src, line);
  return { range: range(line, end, end), newText: eol + content };
}

export function fix(title: string, edits: readonly TextEdit[], isPreferred = false): Fix {
  return isPreferred ? { title, edits, isPreferred: true } : { title, edits };
}

/** Moves line `from` to just after line `after` (a delete and an insert in one fix). */
export function moveLineAfter(src: SourceLines, from: number, after: number, eol: string): TextEdit[] {
  const content = lineOf(src, from);
  return [deleteLine(src, from), insertLineAfter(src, after, content, eol)];
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}

function offsetOf(starts: readonly number[], text: string, p: Position): number {
  const base = starts[Math.min(p.line, starts.length - 1)] ?? 0;
  return Math.min(text.length, base + p.column);
}

/**
 * Applies edits (positions refer to `text`). Edits that overlap an earlier one in the list are
 * skipped; the result says how many were applied.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): { text: string; applied: number; skipped: number } {
  const starts = lineStarts(text);
  const spans = edits.map((e, i) => ({ s: offsetOf(starts, text, e.range.start), e: offsetOf(starts, text, e.range.end), t: e.newText, i }));
  const accepted: typeof spans = [];
  let skipped = 0;
  for (const sp of spans) {
    const clash = accepted.some((a) => sp.s < a.e && a.s < sp.e);
    if (clash || sp.e < sp.s) skipped++;
    else accepted.push(sp);
  }
  accepted.sort((a, b) => b.s - a.s || b.i - a.i);
  let out = text;
  for (const sp of accepted) out = out.slice(0, sp.s) + sp.t + out.slice(sp.e);
  return { text: out, applied: accepted.length, skipped };
}
