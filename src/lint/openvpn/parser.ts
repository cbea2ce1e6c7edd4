/**
 * Reads an OpenVPN config the way OpenVPN 2.6 does (options.c: read_config_file,
 * read_config_string, check_inline_file, read_inline_file, add_option's "setenv opt" and
 * --ignore-unknown-option handling), but keeps going after errors and remembers where every
 * piece of text is.
 *
 * - Lines end at \n only (OpenVPN uses fgets); \r is whitespace to the tokenizer.
 * - A UTF-8 BOM at the start of the first line is skipped.
 * - A line of 256 bytes or more, its \n included, is an error (OpenVPN's line buffer is 256
 *   bytes; verified with 2.6.14: 254 characters + \n pass, 255 + \n fail, 255 without \n at the
 *   end of the file pass).
 * - `--name` is the same as `name` (only a leading `--`, and only if something follows it).
 * - A line holding exactly one parameter `<tag>` opens an inline block that runs to the first
 *   line which, after leading whitespace, starts with `</tag>` (the rest of that line is
 *   ignored); its content becomes the option's single parameter.
 * - `<connection>` content is read again as its own little config (only connection-level
 *   options allowed; `ignore-unknown-option` and FORWARD_COMPATIBLE do not reach into it).
 * - `setenv opt NAME …` reads NAME … as an option whose unknown-ness is only a warning;
 *   `ignore-unknown-option A B` does the same for A and B on later lines;
 *   `setenv FORWARD_COMPATIBLE 1` for every later unknown option.
 */
import { MAX_TOKENS, tokenizeLine, isCSpace, type Token, type TokenError } from './tokenizer';

/** Bytes in OpenVPN's line buffer (OPTION_LINE_SIZE); a line must fit with its \n and a NUL. */
export const OPTION_LINE_SIZE = 256;

export type Leniency = 'setenv-opt' | 'ignore-unknown-option' | 'forward-compatible';

export interface InlineBlock {
  readonly tag: string;
  /** The `<tag>` parameter. */
  readonly openStart: number;
  readonly openEnd: number;
  /** Content: from the line after `<tag>` up to the start of the closing line. */
  readonly contentStart: number;
  readonly contentEnd: number;
  /** The `</tag>` text, or -1 when the block is never closed. */
  readonly closeStart: number;
  readonly closeEnd: number;
  /** Just past the closing line (its \n included). */
  readonly endOffset: number;
}

export interface ConnectionBlock {
  readonly directive: Directive;
  readonly directives: Directive[];
}

export interface Directive {
  /** The option name as OpenVPN matches it (case-sensitive, `--` removed, `setenv opt` unwrapped). */
  readonly name: string;
  readonly nameToken: Token;
  /** The parameters after the name; an inline block has none here (its content is the parameter). */
  readonly args: readonly Token[];
  /** Offsets of the OpenVPN line: first character (after a BOM), end of content (before \n). */
  readonly lineStart: number;
  readonly lineEnd: number;
  /** Where the next line starts (after the block, for inline options). */
  readonly nextLine: number;
  readonly inline?: InlineBlock;
  readonly context: 'main' | 'connection';
  /** The `<connection>` block this option sits in. */
  readonly block?: ConnectionBlock;
  /** Set when an unknown name or wrong parameter count is only a warning for OpenVPN. */
  readonly lenient?: Leniency;
  /** The line was `setenv opt …`. */
  readonly setenvOpt: boolean;
  /** Number of parameters as OpenVPN counts them (inline content counts as one). */
  readonly paramCount: number;
}

export type SyntaxIssue =
  | { readonly kind: 'line-too-long'; readonly start: number; readonly end: number; readonly bytes: number }
  | { readonly kind: 'token'; readonly error: TokenError }
  | { readonly kind: 'ignored-tokens'; readonly start: number; readonly end: number }
  | { readonly kind: 'missing-end-tag'; readonly tag: string; readonly start: number; readonly end: number; readonly context: 'main' | 'connection' }
  | { readonly kind: 'orphan-pem'; readonly start: number; readonly end: number };

export interface ParsedConfig {
  readonly text: string;
  /** Every option in file order; options inside a `<connection>` follow the block's own directive. */
  readonly directives: Directive[];
  /** The same options grouped by name (file order within each name). */
  readonly byName: ReadonlyMap<string, readonly Directive[]>;
  readonly blocks: ConnectionBlock[];
  readonly issues: SyntaxIssue[];
  /** Offsets of \r not followed by \n (editors break lines there, OpenVPN does not). */
  readonly loneCr: number[];
  /** True when the text has at least one \n. */
  readonly hasLf: boolean;
}

/** UTF-8 length of text[start, end), stopping early once it reaches `limit`. */
function utf8Length(text: string, start: number, end: number, limit: number): number {
  let n = 0;
  for (let i = start; i < end && n < limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

interface LineCursor {
  pos: number;
  readonly end: number;
}

/** Next \n-terminated line in [cursor.pos, cursor.end): its content range and whether \n follows. */
function nextLine(text: string, cur: LineCursor): { start: number; end: number; newline: boolean } | undefined {
  if (cur.pos >= cur.end) return undefined;
  const start = cur.pos;
  let nl = text.indexOf('\n', start);
  if (nl < 0 || nl >= cur.end) nl = -1;
  const end = nl < 0 ? cur.end : nl;
  cur.pos = nl < 0 ? cur.end : nl + 1;
  return { start, end, newline: nl >= 0 };
}

function startsWithAt(text: string, at: number, s: string): boolean {
  return text.startsWith(s, at);
}

interface Scope {
  readonly context: 'main' | 'connection';
  readonly block?: ConnectionBlock;
  ignoreUnknown: Set<string>;
  forwardCompatible: boolean;
}

/** bypass_doubledash: "--x" → "x" (only with at least one character after the dashes). */
function bypassDoubleDash(tokens: Token[]): Token[] {
  const t0 = tokens[0];
  if (t0.text.length >= 3 && t0.text.startsWith('--')) {
    return [{ text: t0.text.slice(2), start: t0.start + (t0.quote ? 0 : 2), end: t0.end, quote: t0.quote }, ...tokens.slice(1)];
  }
  return tokens;
}

/**
 * Skips the lines of PEM text begun outside any block, up to its END line or the next tag line;
 * returns where the last skipped line ends (`end`, the BEGIN line's, when none follows).
 */
function skipOrphanPem(text: string, cur: LineCursor, end: number): number {
  let last = end;
  for (let l = nextLine(text, cur); l; l = nextLine(text, cur)) {
    let j = l.start;
    while (j < l.end && isCSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === 60) {
      // A tag line (<key>, </cert>…) is not PEM data: read it normally.
      cur.pos = l.start;
      break;
    }
    last = l.end;
    if (startsWithAt(text, j, '-----END')) break;
  }
  return last;
}

/**
 * Inline block: a line whose one parameter looks like <tag>. Moves the cursor past its closing
 * line, or to the end when it has none (closeStart -1). Undefined when the token is no tag.
 */
function readInlineBlock(text: string, cur: LineCursor, open: Token): InlineBlock | undefined {
  const name0 = open.text;
  if (!(name0.length >= 2 && name0.startsWith('<') && name0.endsWith('>'))) return undefined;
  const tag = name0.slice(1, -1);
  const close = `</${tag}>`;
  const contentStart = cur.pos;
  let closeStart = -1;
  let contentEnd = cur.end;
  let endOffset = cur.end;
  // The first `</tag>` preceded on its line only by blanks ends the block.
  for (let at = text.indexOf(close, contentStart); at >= 0 && at + close.length <= cur.end; at = text.indexOf(close, at + 1)) {
    let j = at;
    while (j > contentStart && text.charCodeAt(j - 1) !== 10 && isCSpace(text.charCodeAt(j - 1))) j--;
    if (j === contentStart || text.charCodeAt(j - 1) === 10) {
      closeStart = at;
      contentEnd = j;
      const nl = text.indexOf('\n', at);
      endOffset = nl < 0 || nl >= cur.end ? cur.end : nl + 1;
      cur.pos = endOffset;
      break;
    }
  }
  if (closeStart < 0) cur.pos = cur.end;
  return {
    tag,
    openStart: open.start,
    openEnd: open.end,
    contentStart,
    contentEnd,
    closeStart,
    closeEnd: closeStart < 0 ? -1 : closeStart + close.length,
    endOffset,
  };
}

/** setenv opt NAME …: NAME is the option; unknown or wrong counts only warn. */
function optionName(tokens: Token[]): { setenvOpt: boolean; nameToken: Token; args: Token[]; name: string } {
  const args = tokens.slice(1);
  if (tokens[0].text === 'setenv' && args.length >= 1 && args[0].text === 'opt') {
    if (args.length >= 2) return { setenvOpt: true, nameToken: args[1], name: args[1].text, args: args.slice(2) };
    return { setenvOpt: true, nameToken: args[0], name: 'setenv opt', args: [] };
  }
  return { setenvOpt: false, nameToken: tokens[0], name: tokens[0].text, args };
}

export function parseConfig(text: string): ParsedConfig {
  const directives: Directive[] = [];
  const byName = new Map<string, Directive[]>();
  const blocks: ConnectionBlock[] = [];
  const issues: SyntaxIssue[] = [];
  const loneCr: number[] = [];
  let hasLf = false;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) loneCr.push(i);
  }
  hasLf = text.includes('\n');

  const parseRange = (cur: LineCursor, scope: Scope, topLevel: boolean): void => {
    let first = topLevel;
    while (cur.pos < cur.end) {
      const lineStart = cur.pos;
      let nl = text.indexOf('\n', lineStart);
      if (nl >= cur.end) nl = -1;
      const end = nl < 0 ? cur.end : nl;
      const newline = nl >= 0;
      cur.pos = newline ? nl + 1 : cur.end;
      let start = lineStart;
      if (first && text.charCodeAt(start) === 0xfeff) start++;
      first = false;
      // Line length as OpenVPN's fgets sees it: bytes, \n included (the BOM too).
      if ((end - lineStart + 1) * 3 >= OPTION_LINE_SIZE) {
        const bytes = utf8Length(text, lineStart, end, 1 << 30) + (newline ? 1 : 0);
        if (bytes >= OPTION_LINE_SIZE) issues.push({ kind: 'line-too-long', start, end, bytes });
      }
      const tl = tokenizeLine(text, start, end, newline);
      if (tl.error) {
        issues.push({ kind: 'token', error: tl.error });
        continue;
      }
      if (tl.ignoredFrom >= 0) issues.push({ kind: 'ignored-tokens', start: tl.ignoredFrom, end });
      if (tl.tokens.length === 0) continue;
      const tokens = bypassDoubleDash(tl.tokens);
      const t0 = tl.tokens[0];

      // PEM text outside any block: skip to its END line, one issue for all of it.
      const dashed = t0.quote === 0 && text.charCodeAt(t0.start) === 45;
      if (dashed && t0.text.startsWith('-----END')) {
        issues.push({ kind: 'orphan-pem', start, end });
        continue;
      }
      if (dashed && t0.text.startsWith('-----BEGIN')) {
        issues.push({ kind: 'orphan-pem', start, end: skipOrphanPem(text, cur, end) });
        continue;
      }

      // Inline block: exactly one parameter that looks like <tag>.
      const inline = tokens.length === 1 ? readInlineBlock(text, cur, tokens[0]) : undefined;
      if (inline && inline.closeStart < 0) {
        issues.push({ kind: 'missing-end-tag', tag: inline.tag, start: tokens[0].start, end: tokens[0].end, context: scope.context });
        // OpenVPN stops here (fatal); there is nothing left to read anyway.
        return;
      }

      // setenv opt NAME …: NAME is the option; unknown or wrong counts only warn.
      const { setenvOpt, nameToken, args, name } = inline ? { setenvOpt: false, nameToken: tokens[0], args: tokens.slice(1), name: inline.tag } : optionName(tokens);
      let lenient: Leniency | undefined;
      if (setenvOpt) lenient = 'setenv-opt';
      else if (scope.ignoreUnknown.has(name)) lenient = 'ignore-unknown-option';
      else if (scope.forwardCompatible) lenient = 'forward-compatible';

      const directive: Directive = {
        name,
        nameToken: inline ? { text: inline.tag, start: inline.openStart, end: inline.openEnd, quote: 0 } : nameToken,
        args: inline ? [] : args,
        lineStart: start,
        lineEnd: end,
        nextLine: inline ? inline.endOffset : cur.pos,
        inline,
        context: scope.context,
        block: scope.block,
        lenient,
        setenvOpt,
        paramCount: inline ? 1 : args.length,
      };
      directives.push(directive);
      const same = byName.get(name);
      if (same) same.push(directive);
      else byName.set(name, [directive]);

      if (scope.context === 'main' && !setenvOpt) {
        if (name === 'ignore-unknown-option') for (const a of args) scope.ignoreUnknown.add(a.text);
        if (name === 'setenv' && args.length === 2 && args[0].text === 'FORWARD_COMPATIBLE' && args[1].text === '1') scope.forwardCompatible = true;
      }

      if (inline && inline.tag === 'connection' && scope.context === 'main') {
        const block: ConnectionBlock = { directive, directives: [] };
        blocks.push(block);
        const before = directives.length;
        parseRange({ pos: inline.contentStart, end: inline.contentEnd }, { context: 'connection', block, ignoreUnknown: new Set(), forwardCompatible: false }, false);
        for (let k = before; k < directives.length; k++) block.directives.push(directives[k]);
      }
    }
  };

  parseRange({ pos: 0, end: text.length }, { context: 'main', ignoreUnknown: new Set(), forwardCompatible: false }, true);
  return { text, directives, byName, blocks, issues, loneCr, hasLf };
}

export { MAX_TOKENS };
