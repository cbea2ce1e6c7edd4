/**
 * OV05: lines OpenVPN cannot read — an unclosed quote, a backslash before anything but `\`, `"`
 * or a blank, a line of 255 bytes or more, parameters past the 16th (silently dropped), and line
 * breaks OpenVPN does not see (a lone CR).
 */
import { report, type RuleContext } from '../context';
import { edit, fix } from '../fixes';
import { OPTION_LINE_SIZE } from '../parser';
import { isCSpace, tokenizeLine } from '../tokenizer';
import type { Fix } from '../../types';

/**
 * Offsets in `line` of the backslashes OpenVPN would refuse (each needs a second one). One pass,
 * no string built: lines can be megabytes long.
 */
export function badBackslashes(line: string, limit = Infinity): number[] {
  const bad: number[] = [];
  let i = 0;
  let inDouble = false;
  let inSingle = false;
  let atTokenStart = true;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (inSingle) {
      if (c === 39 /* ' */) {
        inSingle = false;
        atTokenStart = true;
      }
      i++;
      continue;
    }
    if (c === 92 /* \ */) {
      const n = line.charCodeAt(i + 1);
      if (n === 92 || n === 34 /* " */ || isCSpace(n)) i += 2;
      else {
        bad.push(i);
        if (bad.length > limit) return bad;
        i++;
      }
      atTokenStart = false;
      continue;
    }
    if (!inDouble && atTokenStart && (c === 35 /* # */ || c === 59 /* ; */)) return bad;
    if (c === 34 && (inDouble || atTokenStart)) {
      inDouble = !inDouble;
      atTokenStart = !inDouble;
    } else if (c === 39 && atTokenStart && !inDouble) {
      inSingle = true;
      atTokenStart = false;
    } else if (!inDouble && isCSpace(c)) atTokenStart = true;
    else atTokenStart = false;
    i++;
  }
  return bad;
}

/** The line with every backslash OpenVPN would refuse doubled. */
export function doubleBadBackslashes(line: string): string {
  const parts: string[] = [];
  let from = 0;
  for (const at of badBackslashes(line)) {
    parts.push(line.slice(from, at + 1));
    from = at;
  }
  parts.push(line.slice(from));
  return parts.join('');
}

/** More than this many lone backslashes on one line: no fix (OpenVPN refuses such a long line anyway). */
const MAX_BACKSLASH_FIXES = 256;

/** Offset where the first `bytes` UTF-8 bytes of text[start…] end. */
function offsetAfterBytes(text: string, start: number, end: number, bytes: number): number {
  let n = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    if (n + w > bytes) break;
    n += w;
    i += w === 4 ? 2 : 1;
  }
  return i;
}

function lineBounds(ctx: RuleContext, at: number): { start: number; end: number; newline: boolean } {
  const text = ctx.text;
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  return { start, end: nl < 0 ? text.length : nl, newline: nl >= 0 };
}

export function ov05(ctx: RuleContext): void {
  const { parsed, text } = ctx;
  for (const issue of parsed.issues) {
    if (ctx.sink.full) return;
    if (issue.kind === 'line-too-long') {
      // Content bytes that fit: 255, or 254 when a \n follows.
      const allowed = OPTION_LINE_SIZE - 1 - (text.charCodeAt(issue.end) === 10 ? 1 : 0);
      const from = offsetAfterBytes(text, lineBounds(ctx, issue.start).start, issue.end, allowed);
      report(ctx, 'OV05', 'error', `line is ${issue.bytes} bytes long with its line break, but OpenVPN reads at most 255 and refuses the file: shorten it, e.g. move long values into a file`, from, issue.end);
    } else if (issue.kind === 'ignored-tokens') {
      report(ctx, 'OV05', 'warning', 'OpenVPN reads at most 16 parameters per line (option name included) and silently drops the rest: split the option or shorten it', issue.start, issue.end);
    } else if (issue.kind === 'token') {
      const e = issue.error;
      const line = lineBounds(ctx, e.start);
      if (e.kind === 'bad-backslash') {
        const raw = text.slice(line.start, line.end);
        const bad = badBackslashes(raw, MAX_BACKSLASH_FIXES);
        const fixed = bad.length > 0 && bad.length <= MAX_BACKSLASH_FIXES ? doubleBadBackslashes(raw) : undefined;
        const ok = fixed !== undefined && !tokenizeLine(fixed, 0, fixed.length, line.newline).error;
        // One insertion per backslash: the rest of the line (its CR, bytes that are not UTF-8) is not rewritten.
        const fixes: Fix[] = ok ? [fix('Double the backslashes', bad.map((at) => edit(ctx, line.start + at, line.start + at, '\\')), true)] : [];
        report(ctx, 'OV05', 'error', 'a backslash may only escape \\, " or a blank; OpenVPN refuses this line: write \\\\ for a literal backslash (e.g. "C:\\\\keys\\\\ta.key")', e.start, e.end, fixes);
      } else if (e.kind === 'unclosed-quote') {
        const q = e.quote === 34 ? '"' : "'";
        let at = line.end;
        while (at > e.start + 1 && isCSpace(text.charCodeAt(at - 1))) at--;
        report(ctx, 'OV05', 'error', `quote ${q} is never closed on this line; OpenVPN refuses the file: add the closing ${q}`, e.start, Math.max(e.start + 1, at), [fix(`Close the quote at the end of the line`, [edit(ctx, at, at, q)])]);
      } else {
        report(ctx, 'OV05', 'error', 'the line ends with a backslash, which OpenVPN cannot read: delete it or write \\\\', e.start, e.end);
      }
    }
  }
  if (parsed.loneCr.length && !ctx.sink.full) {
    // A lone CR followed only by blanks up to the line end is harmless whitespace to OpenVPN.
    const meaningful = parsed.loneCr.filter((o) => {
      const nl = text.indexOf('\n', o);
      return /[^ \t\v\f\r]/.test(text.slice(o + 1, nl < 0 ? text.length : nl));
    });
    if (meaningful.length === 0) return;
    const crs = parsed.loneCr;
    if (!parsed.hasLf) {
      // An error when reading it as one line breaks something (it nearly always does).
      const broken = ctx.model.invalid.length > 0 || parsed.issues.some((i) => i.kind !== 'ignored-tokens');
      const fixes: Fix[] = crs.length <= 10000 ? [fix('Convert line endings to LF', crs.map((o) => edit(ctx, o, o + 1, '\n')), broken)] : [];
      report(ctx, 'OV05', broken ? 'error' : 'warning', 'this file breaks lines with CR only (classic Mac style); OpenVPN splits lines at LF only, so it reads the whole file as one line: convert the line endings to LF', meaningful[0], meaningful[0] + 1, fixes);
    } else {
      for (const o of meaningful) {
        if (!report(ctx, 'OV05', 'warning', 'a lone CR here looks like a line break in an editor, but to OpenVPN it is a blank: the text after it belongs to the line before; use LF or CRLF line endings', o, o + 1)) return;
      }
    }
  }
}
