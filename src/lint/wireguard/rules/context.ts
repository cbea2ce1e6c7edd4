/** What every rule family gets, and small helpers over entries. */
import type { LintOptions, Range } from '../../types';
import { type Collector, range } from '../findings';
import type { TextLines } from '../lines';
import type { Entry, Parsed, Section } from '../model';
import type { Memo } from './memo';

export interface RuleContext {
  readonly text: string;
  readonly src: TextLines;
  readonly parsed: Parsed;
  readonly options: LintOptions;
  readonly out: Collector;
  /** Public key derived from the effective PrivateKey, when it is valid. */
  readonly ownPublicKey: string | undefined;
  readonly memo: Memo;
}

export type Rule = (ctx: RuleContext) => void;

export function keyRange(e: Entry): Range {
  return range(e.line, e.keyStart, e.keyEnd);
}
export function valueRange(e: Entry): Range {
  return range(e.line, e.valueStart, e.valueEnd);
}
export function contentRange(e: Entry): Range {
  return range(e.line, e.contentStart, e.contentEnd);
}
export function headerRange(s: Section): Range {
  return range(s.headerLine, s.headerStart, s.headerEnd);
}

/**
 * The column in the original line of the character at `offset` in the compact value
 * (wg deletes whitespace; ranges must still point at what the user wrote).
 */
export function columnOfCompact(line: string, e: Entry, offset: number): number {
  let seen = 0;
  for (let i = e.valueStart; i < e.valueEnd; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    if (seen === offset) return i;
    seen++;
  }
  return e.valueEnd;
}

/** The range in the original line of compact value characters [from, to). */
export function compactRange(line: string, e: Entry, from: number, to: number): Range {
  const s = columnOfCompact(line, e, from);
  const end = to <= from ? s : columnOfCompact(line, e, to - 1) + 1;
  return range(e.line, s, end);
}

export function lineText(ctx: RuleContext, line: number): string {
  return ctx.src.line(line);
}

/** The line after which a line moved into [Interface] should go, or undefined. */
export function interfaceInsertLine(ctx: RuleContext): number | undefined {
  const ifs = ctx.parsed.interfaces;
  if (ifs.length === 0) return undefined;
  return ifs[ifs.length - 1].lastContentLine;
}
