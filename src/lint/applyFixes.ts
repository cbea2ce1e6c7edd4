import { splitLines } from './text';
import type { Finding, Fix, Position, TextEdit } from './types';

/** Offset of a position in `text`, clamped to the line (positions past its end mean its end). */
function offsetAt(lineStarts: readonly number[], lineLengths: readonly number[], p: Position): number {
  const line = Math.min(Math.max(0, p.line), lineStarts.length - 1);
  return lineStarts[line] + Math.min(Math.max(0, p.column), lineLengths[line]);
}

export interface PlannedEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/**
 * Applies each finding's preferred fix (the one --fix and "fix all" use). Edits that overlap an
 * edit already taken are skipped; run again to pick them up. Returns the new text and how many
 * findings were fixed.
 */
export function applyPreferredFixes(text: string, findings: readonly Finding[]): { text: string; applied: number; skipped: number } {
  const plan = planPreferredFixes(text, findings);
  let out = text;
  for (const e of plan.edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return { text: out, applied: plan.applied, skipped: plan.skipped };
}

/**
 * The edits applyPreferredFixes makes, as offsets in `text`, last first. `accept` can refuse a
 * fix (the CLI refuses one that would copy undecodable bytes).
 */
export function planPreferredFixes(
  text: string,
  findings: readonly Finding[],
  accept: (fix: Fix) => boolean = () => true,
): { edits: PlannedEdit[]; applied: number; skipped: number } {
  const { lines, eols } = splitLines(text);
  const lineStarts: number[] = [];
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    lineStarts.push(at);
    at += lines[i].length + eols[i].length;
  }
  const lineLengths = lines.map((l) => l.length);
  type Planned = { start: number; end: number; newText: string; finding: number };
  const planned: Planned[] = [];
  findings.forEach((f, index) => {
    const fix = f.fixes.find((x) => x.isPreferred);
    if (!fix || !accept(fix)) return;
    for (const e of fix.edits as TextEdit[]) {
      planned.push({ start: offsetAt(lineStarts, lineLengths, e.range.start), end: offsetAt(lineStarts, lineLengths, e.range.end), newText: e.newText, finding: index });
    }
  });
  // Take whole fixes only, first come first served, skipping any that overlap one already taken.
  const byFinding = new Map<number, Planned[]>();
  for (const p of planned) byFinding.set(p.finding, [...(byFinding.get(p.finding) ?? []), p]);
  const taken: Planned[] = [];
  let applied = 0;
  let skipped = 0;
  for (const edits of byFinding.values()) {
    const overlaps = edits.some((e) => taken.some((t) => e.start < t.end && t.start < e.end || (e.start === e.end && e.start === t.start)));
    if (overlaps) {
      skipped++;
      continue;
    }
    taken.push(...edits);
    applied++;
  }
  taken.sort((a, b) => b.start - a.start || b.end - a.end);
  return { edits: taken.map(({ start, end, newText }) => ({ start, end, newText })), applied, skipped };
}
