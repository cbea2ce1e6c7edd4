import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintOpenVpn } from '../../../../src/lint/openvpn';
import { splitLines } from '../../../../src/lint/text';
import type { Finding, Fix, LintOptions, LintResult, Position, Range } from '../../../../src/lint/types';
import type { Report } from '../../../../src/report/report';
export { prng } from '../../../support/prng';

export const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'openvpn');

export interface Expect {
  ids: string[];
  openvpnAccepts: boolean;
  why?: string;
  oracleArtifact?: string;
  startup?: { rejects?: string; accepts?: boolean; shows?: string[] };
  report?: string;
  idsWithReport?: string[];
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => /\.(ovpn|conf)$/.test(f))
    .sort();
}

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export function expectation(name: string): Expect {
  return JSON.parse(readFileSync(join(FIXTURES, name.replace(/\.(ovpn|conf)$/, '.expect.json')), 'utf8')) as Expect;
}

export function loadReport(path: string): Report {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Report;
}

export function lint(text: string, options?: LintOptions): LintResult {
  return lintOpenVpn(text, options);
}

export function ids(result: LintResult): string[] {
  return [...new Set(result.findings.map((f) => f.ruleId))].sort();
}

export function only(result: LintResult, ruleId: string): Finding[] {
  return result.findings.filter((f) => f.ruleId === ruleId);
}

function offsetOf(text: string, p: Position): number {
  const { lines, eols } = splitLines(text);
  let at = 0;
  for (let i = 0; i < p.line; i++) at += lines[i].length + eols[i].length;
  return at + Math.min(p.column, lines[p.line]?.length ?? 0);
}

/** The text a range covers. */
export function under(text: string, range: Range): string {
  return text.slice(offsetOf(text, range.start), offsetOf(text, range.end));
}

/** Applies one fix's edits (back to front). */
export function applyFix(text: string, fix: Fix): string {
  const edits = fix.edits
    .map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

