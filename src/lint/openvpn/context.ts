import type { Finding, Fix, LintOptions, LintSeverity } from '../types';
import type { ConfigModel } from './model';
import type { Directive, ParsedConfig } from './parser';
import type { LineIndex } from './positions';

/** Collects findings up to a limit; rules check `full` to stop early on hostile input. */
export class FindingSink {
  readonly findings: Finding[] = [];
  truncated = false;

  constructor(readonly max: number) {}

  get full(): boolean {
    return this.findings.length >= this.max;
  }

  add(finding: Finding): boolean {
    if (this.full) {
      this.truncated = true;
      return false;
    }
    this.findings.push(finding);
    return true;
  }
}

export interface RuleContext {
  readonly text: string;
  readonly parsed: ParsedConfig;
  readonly model: ConfigModel;
  readonly index: LineIndex;
  readonly options: LintOptions;
  readonly sink: FindingSink;
  /** Line terminator to use in inserted lines (the file's own). */
  readonly eol: string;
}

export type Rule = (ctx: RuleContext) => void;

const NONE: readonly never[] = [];

/** All options with one of these names, in file order per name. */
export function named(ctx: RuleContext, ...names: readonly string[]): readonly Directive[] {
  if (names.length === 1) return ctx.parsed.byName.get(names[0]) ?? NONE;
  return names.flatMap((n) => ctx.parsed.byName.get(n) ?? NONE);
}

/** Adds a finding whose range is given as text offsets. */
export function report(
  ctx: RuleContext,
  ruleId: string,
  severity: LintSeverity,
  message: string,
  start: number,
  end: number,
  fixes: readonly Fix[] = [],
  related?: Finding['related'],
): boolean {
  return ctx.sink.add({ ruleId, severity, message, range: ctx.index.range(start, end), fixes, ...(related ? { related } : {}) });
}

/**
 * Text from the config that is safe to quote in a message: short, shaped like an option name or
 * value, and not like key material (long base64/hex runs). Anything else is described, not quoted.
 */
export function quote(s: string, fallback = 'this text'): string {
  if (s.length === 0) return fallback && "''";
  if (s.length > 40 || !/^[A-Za-z0-9_.:,/@+\-[\]!*]+$/.test(s)) return fallback;
  if (s.length >= 16 && /^[0-9a-fA-F]+$/.test(s)) return fallback;
  if (s.length >= 12 && /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s) && !/[-.:_]/.test(s)) return fallback;
  return `'${s}'`;
}
