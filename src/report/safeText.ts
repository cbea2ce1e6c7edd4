/**
 * Text that came from the network (a STUN server's SOFTWARE, ERROR-CODE reason phrases, a TURN
 * realm, UPnP/SSDP strings, host names, and every message that quotes them) is shown only through
 * these functions. A server must not be able to drive the reader's terminal or log viewer: no
 * escape sequences (title change, clear screen, colours), no carriage return that overwrites a
 * verdict, no newline that forges a line, no bidi override that reorders what is read (the
 * "Trojan Source" class, CVE-2021-42574).
 *
 * Each such character is replaced by a visible escape (`\x1b`, `\u{202e}`), so the reader still
 * sees that the server sent something odd. The report's JSON keeps the original text; see safeJson.
 */

/**
 * C0 controls (incl. TAB, LF, CR, ESC, BEL), DEL, C1 controls (U+0080–U+009F: U+009B is a
 * one-character CSI in terminals that honour C1), the bidi embeddings/overrides/isolates
 * (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C), and the Unicode line and
 * paragraph separators (U+2028, U+2029). One character class, no repetition: linear time.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The longest network text shown in one place; a SOFTWARE attribute is at most 763 bytes (RFC 8489 §14.14). */
export const MAX_SHOWN_CHARS = 1000;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** The text with every control, bidi and separator character made visible, cut at `max` characters. */
export function safeText(text: string, max = MAX_SHOWN_CHARS): string {
  const s = String(text);
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replace(UNSAFE, escapeChar);
}

/**
 * A copy of a value (a Report, a stream event) with safeText applied to every string in it, at
 * any depth: renderers use it so that a field added later is covered without anyone having to
 * remember it. Numbers, booleans and null pass through.
 */
export function safeDeep<T>(value: T): T {
  return deep(value, 0) as T;
}

function deep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return safeText(value);
  // Reports are a few levels deep; a cycle or absurd nesting is not a report.
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => deep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // JSON.parse makes "__proto__" an own key; assigning it would set the copy's prototype.
    if (k === '__proto__') continue;
    out[k] = deep(v, depth + 1);
  }
  return out;
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify, with the characters it leaves raw (DEL, C1, bidi, separators) written as
 * `\uXXXX` escapes too. The parsed value is identical (the JSON stays faithful to what the
 * server sent), but a consumer that prints the JSON text, or a string from it, to a terminal as
 * it is gets no control sequence: JSON.stringify already escapes C0, and these can only occur
 * inside strings, so the replacement cannot touch the JSON's structure.
 */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
