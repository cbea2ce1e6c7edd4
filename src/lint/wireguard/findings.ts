/** The finding collector (bounded) and the small helpers every rule uses. */
import type { Finding, Fix, LintSeverity, Range } from '../types';

export function range(line: number, start: number, end: number): Range {
  return { start: { line, column: start }, end: { line, column: end } };
}

export class Collector {
  readonly findings: Finding[] = [];
  truncated = false;
  constructor(readonly max: number) {}

  get full(): boolean {
    return this.findings.length >= this.max;
  }

  /**
   * Call before the expensive part of building a finding (suggestions, generated keys):
   * true means the list is full, so the finding would be dropped (and `truncated` is set).
   */
  wouldDrop(): boolean {
    if (this.findings.length < this.max) return false;
    this.truncated = true;
    return true;
  }

  add(
    ruleId: string,
    severity: LintSeverity,
    message: string,
    at: Range,
    fixes: readonly Fix[] = [],
    related?: Finding['related'],
  ): void {
    if (this.findings.length >= this.max) {
      this.truncated = true;
      return;
    }
    const f: Finding = related && related.length > 0 ? { ruleId, severity, message, range: at, fixes, related } : { ruleId, severity, message, range: at, fixes };
    this.findings.push(f);
  }
}

function isB64(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 45 || c === 95 || c === 61;
}

/**
 * Could this text hold (part of) a key? Any run of 8 or more base64 characters might be a
 * fragment of one (a key split by a stray newline, a pasted secret), so such text is never
 * quoted: the finding's range shows it in the editor anyway.
 */
export function mayHoldSecret(s: string): boolean {
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    run = isB64(s.charCodeAt(i)) ? run + 1 : 0;
    if (run >= 8) return true;
  }
  return false;
}

/**
 * User text for a message: short, one line, and never anything that could be key material
 * (a pasted key, a fragment of one). Returns undefined when it must not be quoted.
 * `trusted`: the caller knows the text is close to a known word (a header that is
 * `[Interface]` with spaces, a key within two or three edits of a real key name).
 */
export function quote(s: string, maxLength = 40, trusted = false): string | undefined {
  if (!trusted && mayHoldSecret(s)) return undefined;
  let clean = '';
  for (let i = 0; i < s.length && clean.length <= maxLength; i++) {
    const c = s.charCodeAt(i);
    clean += c < 32 || c === 127 ? ' ' : s[i];
  }
  if (clean.length > maxLength) clean = `${clean.slice(0, maxLength - 1)}…`;
  return `\`${clean}\``;
}

/** `quoted` or a neutral description when the text must not appear. */
export function quoteOr(s: string, fallback: string, maxLength?: number, trusted = false): string {
  return quote(s, maxLength, trusted) ?? fallback;
}
