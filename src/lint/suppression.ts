/**
 * Turning rules off, as markdownlint users expect: comments in the config
 * (`# natprobe-disable-next-line WG14`, `# natprobe-disable OV03` for the whole file) and
 * per-rule settings (natProbe.lint.rules, `natprobe lint --disable/--rule`). Applied once, in
 * lintText, to both formats' findings, and again by the workspace lint to the cross-file ones.
 *
 * Decisions (docs/rules/README.md, "Turning a rule off"):
 * - A suppression comment is a whole-line comment: `#` in WireGuard (wg reads `;` as text),
 *   `#` or `;` in OpenVPN, outside inline `<tag>` blocks (there a `#` line is key material).
 *   One at the end of a line is ignored and said so (SUP02): "next line" would be ambiguous.
 * - `natprobe-disable` covers the whole file wherever it stands; `-next-line` the first line
 *   below it that is not itself a suppression comment, so several can be stacked.
 * - IDs are separated by commas or spaces; none at all means every rule; ` -- text` is a reason.
 * - At most MAX_COMMENTS comments per file are read, so hostile input stays cheap.
 * - PARSE is never hidden or re-graded: it means the file could not be read.
 * - A comment that hides nothing is a hint (SUP01); an ID it cannot hide is a hint (SUP02).
 *   Comments are judged against what the linter finds, before the settings apply, so a
 *   file's comments mean the same for every user whatever their settings.
 */
import { PARSE_RULE_ID, RULE_IDS, RULE_IDS_BY_FORMAT } from './ruleIds';
import { splitLines } from './text';
import { type ConfigFormat, type ConfigSummary, DEFAULT_MAX_FINDINGS, type Finding, type Fix, type LintOptions, type LintResult, type Range, type RuleSetting } from './types';

export type { RuleSetting } from './types';
export type RuleSettings = ReadonlyMap<string, RuleSetting>;

export interface SuppressionComment {
  readonly scope: 'next-line' | 'file';
  readonly line: number;
  /** next-line: the line it covers; -1 when no line follows. */
  readonly target: number;
  /** The rules it names and can hide; empty with `all` = every rule. */
  readonly ids: readonly string[];
  readonly all: boolean;
  /** Every ID-like word as written (columns), valid or not: fixes remove one of them. */
  readonly words: readonly { readonly text: string; readonly start: number; readonly end: number }[];
  readonly lineLength: number;
  /** False on the file's last line (no line break to delete with it). */
  readonly hasNextLine: boolean;
}

/** What a file's comments did, kept with its lint result for the workspace lint. */
export interface Suppressions {
  readonly comments: readonly SuppressionComment[];
  /** `${comment index}:${id}` ('*' for a comment without IDs) that hid a finding. */
  readonly used: ReadonlySet<string>;
  /** Unused pairs a cross-file finding (PORT02, WG17) may still use: the workspace lint decides. */
  readonly pending: readonly string[];
}

const KEYWORD = /^natprobe-disable(-next-line)?(?=\s|$)/;
const MAX_WORDS = 32;
/** Suppression comments read per file; later ones are ignored (a real config has a handful). */
const MAX_COMMENTS = 1000;
/** SUP02 hints kept per file: a hostile file cannot flood the editor through them either. */
const MAX_PROBLEMS = DEFAULT_MAX_FINDINGS;
const CROSS_FILE = new Set(['PORT02', 'WG17']);
const FORMAT_NAME: Record<ConfigFormat, string> = { wireguard: 'WireGuard', openvpn: 'OpenVPN' };

/** Findings of these rules appear only with facts this lint may lack: their absence proves nothing. */
function needsMissingContext(id: string, options: LintOptions): boolean {
  if (id === 'PORT01') return !options.report;
  if (id === 'WQ06') return options.host?.resolvconf === undefined;
  if (id === 'WQ08') return !options.fileName;
  return false;
}

function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, column: start }, end: { line, column: end } };
}

function hint(ruleId: 'SUP01' | 'SUP02', message: string, range: Range, fixes: readonly Fix[] = []): Finding {
  return { ruleId, severity: 'hint', message, range, fixes };
}

/** The edit that deletes a comment's whole line (with its line break when one follows). */
function deleteLine(c: SuppressionComment): Fix {
  const range = c.hasNextLine ? { start: { line: c.line, column: 0 }, end: { line: c.line + 1, column: 0 } } : lineRange(c.line, 0, c.lineLength);
  return { title: 'Remove this suppression comment', edits: [{ range, newText: '' }] };
}

/** The edit that removes one word (and one separator) from a comment's ID list. */
function removeWord(c: SuppressionComment, k: number): Fix {
  if (c.words.length === 1) return deleteLine(c);
  const w = c.words[k];
  const start = k > 0 ? c.words[k - 1].end : w.start;
  const end = k > 0 ? w.end : c.words[k + 1].start;
  return { title: `Remove ${w.text} from this suppression comment`, edits: [{ range: lineRange(c.line, start, end), newText: '' }] };
}

/** A directive in a line's comment text (after `#`/`;`), or undefined. */
function directiveIn(comment: string): { scope: SuppressionComment['scope']; rest: string; restStart: number } | undefined {
  const lead = comment.length - comment.trimStart().length;
  const m = KEYWORD.exec(comment.slice(lead));
  if (!m) return undefined;
  return { scope: m[1] ? 'next-line' : 'file', rest: comment.slice(lead + m[0].length), restStart: lead + m[0].length };
}

/** Finds the suppression comments of a config, and what is wrong with them (SUP02). */
export function parseSuppressions(text: string, format: ConfigFormat): { comments: SuppressionComment[]; problems: Finding[] } {
  const comments: SuppressionComment[] = [];
  const problems: Finding[] = [];
  if (!text.includes('natprobe-disable')) return { comments, problems };
  const { lines } = splitLines(text);
  const commentChars = format === 'openvpn' ? '#;' : '#';
  let inlineTag: string | undefined;
  const pending: { line: number; scope: SuppressionComment['scope']; ids: string[]; all: boolean; words: SuppressionComment['words']; wrong: { k: number; why: string }[] }[] = [];

  for (let line = 0; line < lines.length && pending.length < MAX_COMMENTS; line++) {
    const raw = lines[line];
    if (format === 'openvpn') {
      // Inline blocks hold certificates and keys, where `#` lines are content (static keys start so).
      const trimmed = raw.trim();
      if (inlineTag !== undefined) {
        if (trimmed.startsWith(`</${inlineTag}>`)) inlineTag = undefined;
        continue;
      }
      const open = /^<([A-Za-z0-9_-]+)>$/.exec(trimmed);
      if (open && open[1] !== 'connection') {
        inlineTag = open[1];
        continue;
      }
    }
    if (!raw.includes('natprobe-disable')) continue;
    const lead = raw.length - raw.trimStart().length;
    if (!commentChars.includes(raw.charAt(lead))) {
      if (problems.length < MAX_PROBLEMS) reportTrailing(raw, line, format, problems);
      continue;
    }
    const d = directiveIn(raw.slice(lead + 1));
    if (!d) continue;
    const restStart = lead + 1 + d.restStart;
    const reason = d.rest.search(/(^|\s)--(\s|$)/);
    const list = reason >= 0 ? d.rest.slice(0, reason) : d.rest;
    const words: { text: string; start: number; end: number }[] = [];
    for (const m of list.matchAll(/[^\s,]+/g)) {
      if (words.length >= MAX_WORDS) break;
      words.push({ text: m[0].slice(0, 24), start: restStart + m.index, end: restStart + m.index + m[0].length });
    }
    const ids: string[] = [];
    const wrong: { k: number; why: string }[] = [];
    words.forEach((w, k) => {
      const id = w.text.toUpperCase();
      const why = cannotHide(id, format);
      if (why) wrong.push({ k, why });
      else if (!ids.includes(id)) ids.push(id);
    });
    pending.push({ line, scope: d.scope, ids, all: words.length === 0, words, wrong });
  }

  // The line each next-line comment covers: the first below it that is not a comment of this
  // kind (one pass from the end, so a stack of a million comments stays linear).
  const targets = new Map<number, number>();
  let below = -1;
  for (let k = pending.length - 1; k >= 0; k--) {
    const l = pending[k].line;
    if (l + 1 < lines.length && (k + 1 >= pending.length || pending[k + 1].line !== l + 1)) below = l + 1;
    else if (l + 1 >= lines.length) below = -1;
    targets.set(l, below);
  }
  for (const p of pending) {
    const target = p.scope === 'next-line' ? (targets.get(p.line) ?? -1) : -1;
    const c: SuppressionComment = { scope: p.scope, line: p.line, target, ids: p.ids, all: p.all, words: p.words, lineLength: lines[p.line].length, hasNextLine: p.line + 1 < lines.length };
    comments.push(c);
    for (const { k, why } of p.wrong) if (problems.length < MAX_PROBLEMS) problems.push(hint('SUP02', why, lineRange(p.line, p.words[k].start, p.words[k].end), [removeWord(c, k)]));
  }
  return { comments, problems };
}

function reportTrailing(raw: string, line: number, format: ConfigFormat, problems: Finding[]): void {
  // wg-quick cuts every line at `#`; OpenVPN starts a comment at a `#`/`;` that begins a word.
  const re = format === 'openvpn' ? /\s[#;]\s*natprobe-disable/ : /#\s*natprobe-disable/;
  const m = re.exec(raw);
  if (!m) return;
  const at = format === 'openvpn' ? m.index + 1 : m.index;
  problems.push(hint('SUP02', 'A suppression comment must stand on a line of its own; at the end of a line it is ignored: put it on the line above', lineRange(line, at, raw.length)));
}

function cannotHide(id: string, format: ConfigFormat): string | undefined {
  if (id === PARSE_RULE_ID) return 'PARSE cannot be suppressed: it means the file could not be read, so nothing else in it was checked';
  if (id === 'SUP01' || id === 'SUP02') return `${id} is about suppression comments themselves: turn it off with the setting natProbe.lint.rules or natprobe lint --disable ${id}`;
  if (!RULE_IDS.has(id)) return `"${id}" is not a rule ID (they are listed in docs/rules/README.md); this suppression hides nothing for it`;
  if (!RULE_IDS_BY_FORMAT[format].includes(id)) {
    const other = format === 'wireguard' ? 'openvpn' : 'wireguard';
    return `${id} is an ${FORMAT_NAME[other]} rule: it never applies to a ${FORMAT_NAME[format]} config`;
  }
  return undefined;
}

/**
 * Drops the findings the comments hide; adds to `used` which comment/ID pairs hid something.
 * Linear in comments + findings (a hostile file may hold a million comments).
 */
export function applySuppressionComments(findings: readonly Finding[], comments: readonly SuppressionComment[], used: Set<string>): Finding[] {
  if (comments.length === 0) return [...findings];
  const hideable = (f: Finding): boolean => f.ruleId !== PARSE_RULE_ID && f.ruleId !== 'SUP01' && f.ruleId !== 'SUP02';
  const present = new Set<string>();
  for (const f of findings) {
    if (!hideable(f)) continue;
    present.add(`*:${f.ruleId}`).add('*:*').add(`${f.range.start.line}:${f.ruleId}`).add(`${f.range.start.line}:*`);
  }
  const hides = new Set<string>();
  comments.forEach((c, i) => {
    const where = c.scope === 'file' ? '*' : String(c.target);
    for (const id of c.all ? ['*'] : c.ids) {
      hides.add(`${where}:${id}`);
      if (present.has(`${where}:${id}`)) used.add(`${i}:${id}`);
    }
  });
  return findings.filter((f) => {
    if (!hideable(f)) return true;
    const line = f.range.start.line;
    return !(hides.has(`*:${f.ruleId}`) || hides.has('*:*') || hides.has(`${line}:${f.ruleId}`) || hides.has(`${line}:*`));
  });
}

/** Lines where a cross-file finding of `id` ('*' = any) could land in this file. */
function crossFileLines(id: string, summary: ConfigSummary): number[] {
  const ports = id === 'PORT02' || id === '*' ? summary.listenPorts.map((p) => p.range.start.line) : [];
  const peers = id === 'WG17' || id === '*' ? summary.peers.map((p) => p.range.start.line) : [];
  return [...ports, ...peers];
}

/**
 * SUP01 hints for comments that hid nothing. `summary` given (a single-file lint): pairs a
 * cross-file finding could still use are returned as pending instead of reported.
 */
export function unusedSuppressions(
  comments: readonly SuppressionComment[],
  used: ReadonlySet<string>,
  options: LintOptions,
  summary?: ConfigSummary,
): { findings: Finding[]; pending: string[] } {
  const findings: Finding[] = [];
  const pending: string[] = [];
  comments.forEach((c, i) => {
    const keys = c.all ? ['*'] : c.ids;
    const unused: string[] = [];
    let waiting = false;
    for (const key of keys) {
      if (used.has(`${i}:${key}`) || needsMissingContext(key, options)) continue;
      if (summary && (key === '*' || CROSS_FILE.has(key))) {
        const lines = crossFileLines(key, summary);
        if (c.scope === 'file' ? lines.length > 0 : lines.includes(c.target)) {
          pending.push(`${i}:${key}`);
          waiting = true;
          continue;
        }
      }
      unused.push(key);
    }
    if (unused.length === 0) return;
    const where = c.scope === 'file' ? 'in this file' : c.target >= 0 ? 'on the next line' : 'below it (no line follows)';
    const at = lineRange(c.line, 0, c.lineLength);
    if (unused.length === keys.length && !waiting && keys.length === c.words.length) {
      const what = c.all ? 'any finding' : `a ${unused.join(' or ')} finding`;
      findings.push(hint('SUP01', `This suppression comment hides nothing: there is no ${what} ${where}. Remove it`, at, [deleteLine(c)]));
      return;
    }
    for (const key of unused) {
      const k = c.words.findIndex((w) => w.text.toUpperCase() === key);
      const w = c.words[k];
      findings.push(hint('SUP01', `No ${key} finding ${where}: this suppression of ${key} is unused`, w ? lineRange(c.line, w.start, w.end) : at, [w ? removeWord(c, k) : deleteLine(c)]));
    }
  });
  return { findings, pending };
}

/** The settings: a rule "off" is dropped, a severity replaces the rule's own. PARSE stays as it is. */
export function applyRuleSettings(findings: readonly Finding[], settings: RuleSettings | undefined): Finding[] {
  if (!settings || settings.size === 0) return [...findings];
  const out: Finding[] = [];
  for (const f of findings) {
    const s = f.ruleId === PARSE_RULE_ID ? undefined : settings.get(f.ruleId);
    if (s === 'off') continue;
    out.push(s && s !== f.severity ? { ...f, severity: s } : f);
  }
  return out;
}

const SETTING_VALUES: readonly string[] = ['off', 'error', 'warning', 'information', 'hint'];

/**
 * Reads rule settings from untrusted JSON (a settings file) or the command line: an object of
 * rule ID → "off" | severity. What cannot apply is left out and said in `problems`.
 */
export function readRuleSettings(value: unknown): { settings: Map<string, RuleSetting>; problems: string[] } {
  const settings = new Map<string, RuleSetting>();
  const problems: string[] = [];
  if (value === undefined || value === null) return { settings, problems };
  if (typeof value !== 'object' || Array.isArray(value)) return { settings, problems: ['the rule settings must be an object of rule ID → "off" or a severity'] };
  for (const [rawId, v] of Object.entries(value as Record<string, unknown>).slice(0, 200)) {
    const id = rawId.toUpperCase();
    const shown = JSON.stringify(rawId.slice(0, 24));
    if (id === PARSE_RULE_ID) problems.push('PARSE cannot be turned off or re-graded: it means a file could not be read');
    else if (!RULE_IDS.has(id)) problems.push(`${shown} is not a rule ID (see docs/rules/README.md)`);
    else if (typeof v !== 'string' || !SETTING_VALUES.includes(v)) problems.push(`${id}: the value must be "off", "error", "warning", "information" or "hint"`);
    else settings.set(id, v as RuleSetting);
  }
  return { settings, problems };
}

function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

/** The one place both formats' findings pass: comments, then SUP hints, then the settings. */
export function withSuppressions(text: string, result: LintResult, options: LintOptions): LintResult {
  const { comments, problems } = parseSuppressions(text, result.format);
  if (comments.length === 0 && problems.length === 0 && !options.rules?.size) return result;
  const used = new Set<string>();
  let findings = applySuppressionComments(result.findings, comments, used);
  // A cut list proves nothing about what a comment would have hidden.
  const unused = result.truncated ? { findings: [], pending: [] } : unusedSuppressions(comments, used, options, result.summary);
  const max = typeof options.maxFindings === 'number' && Number.isFinite(options.maxFindings) ? Math.max(0, Math.floor(options.maxFindings)) : DEFAULT_MAX_FINDINGS;
  const room = Math.max(0, max - findings.length);
  const extra = [...problems, ...unused.findings];
  findings = applyRuleSettings([...findings, ...extra.slice(0, room)], options.rules).sort(byPosition);
  return { ...result, findings, truncated: result.truncated || extra.length > room, suppressions: { comments, used, pending: unused.pending } };
}
