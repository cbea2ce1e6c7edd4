/**
 * Splits one OpenVPN config line into parameters the way OpenVPN 2.6 does (options.c,
 * parse_line), keeping where each parameter sits in the text:
 *
 * - parameters are separated by C whitespace (space, \t, \n, \v, \f, \r);
 * - `#` or `;` starts a comment only where a parameter would start (`remote h#x` keeps the `#`),
 *   even right after a backslash;
 * - `"…"` groups a parameter; inside it and in bare parameters a backslash escapes only `\`, `"`
 *   and whitespace; any other escaped character is an error ("Bad backslash usage");
 * - `'…'` is literal: no escapes at all;
 * - a closing quote ends the parameter at once (`"a"b` is two parameters);
 * - after 16 parameters (option name included) OpenVPN stops reading the line.
 */

/** Parameters per line, option name included (MAX_PARMS in options.c). */
export const MAX_TOKENS = 16;

export interface Token {
  /** The parameter after quote removal and escapes. */
  readonly text: string;
  /** Offsets in the whole text: start of the first character (or quote/backslash), just past the last. */
  readonly start: number;
  readonly end: number;
  /** 34 for "…", 39 for '…', 0 for a bare parameter. */
  readonly quote: number;
}

export type TokenError =
  | { readonly kind: 'bad-backslash'; readonly start: number; readonly end: number }
  | { readonly kind: 'unclosed-quote'; readonly quote: number; readonly start: number; readonly end: number }
  | { readonly kind: 'residual'; readonly start: number; readonly end: number };

export interface TokenizedLine {
  readonly tokens: Token[];
  /** Offset of the comment character, when the line has a comment. */
  readonly commentStart: number;
  /** Set when OpenVPN would refuse the line; then `tokens` are what was read before the error. */
  readonly error?: TokenError;
  /** Offset of text OpenVPN never reads because the line already had 16 parameters; -1 if none. */
  readonly ignoredFrom: number;
}

/** isspace() in the C locale, plus NUL (OpenVPN's space()). */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0;
}

const BACKSLASH = 92;
const DQUOTE = 34;
const SQUOTE = 39;

const enum State {
  Initial,
  Bare,
  Double,
  Single,
}

/**
 * Tokenizes text[start, end). `newline` says whether a \n follows at `end` (OpenVPN sees it as
 * part of the line: a backslash before it escapes it).
 */
/**
 * Fast path for lines without quotes, backslashes or NUL (nearly all of them): plain splitting.
 * Returns undefined as soon as it meets one of those, and the full state machine takes over.
 */
function tokenizePlain(text: string, start: number, end: number): TokenizedLine | undefined {
  const tokens: Token[] = [];
  let commentStart = -1;
  let i = start;
  while (tokens.length < MAX_TOKENS) {
    let c = 0;
    while (i < end && ((c = text.charCodeAt(i)) === 32 || (c >= 9 && c <= 13))) i++;
    if (i >= end) break;
    if (c === 35 || c === 59) {
      commentStart = i;
      break;
    }
    const s = i;
    for (; i < end; i++) {
      c = text.charCodeAt(i);
      if (c === 32 || (c >= 9 && c <= 13)) break;
      if (c === DQUOTE || c === SQUOTE || c === BACKSLASH || c === 0) return undefined;
    }
    tokens.push({ text: text.slice(s, i), start: s, end: i, quote: 0 });
  }
  let ignoredFrom = -1;
  if (tokens.length >= MAX_TOKENS) {
    let j = i;
    while (j < end && isCSpace(text.charCodeAt(j))) j++;
    if (j < end && text.charCodeAt(j) !== 35 && text.charCodeAt(j) !== 59) ignoredFrom = j;
  }
  return { tokens, commentStart, ignoredFrom };
}

/**
 * The character loop of OpenVPN's parse_line (options.c), kept as one state machine that reads
 * top to bottom like the C it mirrors: splitting its states apart would hide the shared
 * backslash/state variables that make a diff against parse_line possible.
 */
export function tokenizeLine(text: string, start: number, end: number, newline: boolean): TokenizedLine {
  const plain = tokenizePlain(text, start, end);
  if (plain) return plain;
  const tokens: Token[] = [];
  let state = State.Initial;
  let backslash = false;
  let backslashAt = -1;
  let tokStart = -1;
  let pieceStart = -1; // start of the current run of plain characters copied verbatim
  let value = '';
  // Escaped characters wait here and join the value in chunks: appending them one by one made a
  // rope of millions of one-character strings on a long line of `\\\\` (minutes of GC).
  const escaped: number[] = [];
  const flushEscaped = (): void => {
    for (let k = 0; k < escaped.length; k += 4096) value += String.fromCharCode(...escaped.slice(k, k + 4096));
    escaped.length = 0;
  };
  let commentStart = -1;
  let ignoredFrom = -1;
  // Virtual characters after the content: the \n (if any), then NUL.
  const last = newline ? end + 1 : end;
  let i = start;
  for (; i <= last; i++) {
    const c = i < end ? text.charCodeAt(i) : i === end && newline ? 10 : 0;
    if (!backslash && c === BACKSLASH && state !== State.Single) {
      if (pieceStart >= 0) {
        value += text.slice(pieceStart, i);
        pieceStart = -1;
      }
      backslash = true;
      backslashAt = i;
      continue;
    }
    let out = false;
    let done = false;
    let doneEnd = i;
    switch (state) {
      case State.Initial:
        if (!isCSpace(c)) {
          if (c === 35 || c === 59) {
            commentStart = i;
            break;
          }
          if (!backslash && c === DQUOTE) {
            state = State.Double;
            tokStart = i;
          } else if (!backslash && c === SQUOTE) {
            state = State.Single;
            tokStart = i;
          } else {
            out = true;
            state = State.Bare;
            tokStart = backslash ? backslashAt : i;
          }
        }
        break;
      case State.Bare:
        if (!backslash && isCSpace(c)) {
          done = true;
          doneEnd = i;
        } else out = true;
        break;
      case State.Double:
        if (!backslash && c === DQUOTE) {
          done = true;
          doneEnd = i + 1;
        } else out = true;
        break;
      case State.Single:
        if (c === SQUOTE) {
          done = true;
          doneEnd = i + 1;
        } else out = true;
        break;
    }
    if (commentStart >= 0) break;
    if (done) {
      flushEscaped();
      if (pieceStart >= 0) {
        value += text.slice(pieceStart, i);
        pieceStart = -1;
      }
      tokens.push({ text: value, start: tokStart, end: doneEnd, quote: text.charCodeAt(tokStart) === DQUOTE ? DQUOTE : text.charCodeAt(tokStart) === SQUOTE ? SQUOTE : 0 });
      value = '';
      state = State.Initial;
    }
    if (out && c === 0) out = false; // NUL is never stored
    if (backslash && out) {
      if (!(c === BACKSLASH || c === DQUOTE || isCSpace(c))) {
        return { tokens, commentStart: -1, error: { kind: 'bad-backslash', start: backslashAt, end: Math.min(i + 1, end) }, ignoredFrom: -1 };
      }
    }
    const wasEscaped = backslash;
    backslash = false;
    if (out) {
      if (wasEscaped || i >= end) {
        // Escaped or virtual characters are copied one by one, after the pending run.
        if (pieceStart >= 0) {
          value += text.slice(pieceStart, i);
          pieceStart = -1;
        }
        escaped.push(i >= end ? 10 : c);
        if (escaped.length >= 65536) flushEscaped();
      } else if (pieceStart < 0) {
        flushEscaped();
        pieceStart = i;
      }
    }
    if (tokens.length >= MAX_TOKENS) {
      i++;
      break;
    }
    if (c === 0) break;
  }
  if (tokens.length >= MAX_TOKENS && commentStart < 0) {
    let j = i;
    while (j < end && isCSpace(text.charCodeAt(j))) j++;
    if (j < end && text.charCodeAt(j) !== 35 && text.charCodeAt(j) !== 59) ignoredFrom = j;
    return { tokens, commentStart: -1, ignoredFrom };
  }
  if (commentStart >= 0) {
    // Unfinished quote before a comment cannot happen: a comment starts only between parameters.
    return { tokens, commentStart, ignoredFrom };
  }
  if (state === State.Double || state === State.Single) {
    return { tokens, commentStart: -1, error: { kind: 'unclosed-quote', quote: state === State.Double ? DQUOTE : SQUOTE, start: tokStart, end }, ignoredFrom: -1 };
  }
  if (state !== State.Initial) {
    return { tokens, commentStart: -1, error: { kind: 'residual', start: Math.max(start, backslashAt), end }, ignoredFrom: -1 };
  }
  return { tokens, commentStart, ignoredFrom };
}
