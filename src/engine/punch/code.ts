/**
 * The session code two people exchange to find each other through a rendezvous: six words from
 * WORDS (48 bits), e.g. "maple-otter-cobra-tango-ember-quilt".
 *
 * What 48 bits must withstand:
 * - Online guessing at the rendezvous: a guess is useful only while a session with that code
 *   waits (60 s), and each source gets a bounded number of answers a second. With 1,000 sessions
 *   waiting, one guess hits with probability 1000 / 2^48 ≈ 3.6e-12; a source allowed 20 guesses a
 *   second for a whole minute hits with ≈ 4e-9.
 * - Offline guessing by whoever sees the join (the rendezvous operator, anyone on the path): the
 *   code is never sent. The join carries scrypt(code) (RFC 7914, N = 2^14, about 16 MB and tens of
 *   milliseconds a try), so trying all 2^48 codes costs hundreds of thousands of CPU-years, and
 *   the connectivity checks are keyed with another part of that output the server never sees.
 * 44 bits (four words of 2048) would give the same picture one order of magnitude weaker; six
 * short words of a 256-word list were preferred so the list stays small enough to audit by eye.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { WORDS } from './words';

export const CODE_WORDS = 6;

/** scrypt cost (RFC 7914 §2): N = 2^14, r = 8 is the interactive-login setting of the RFC's own examples. */
const SCRYPT = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
/** Versioned, so a future change of derivation never lets old and new clients meet by accident. */
const SALT = 'natprobe punch v1';

const BY_PREFIX: ReadonlyMap<string, string> = new Map(WORDS.map((w) => [w.slice(0, 3), w]));

export function newCode(random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): string {
  return [...random(CODE_WORDS)].map((b) => WORDS[b]).join('-');
}

export type ParsedCode = { readonly ok: true; readonly code: string } | { readonly ok: false; readonly error: string };

/**
 * Reads a code as a person typed it: any case, words separated by hyphens, spaces, dots or
 * commas; a word is known by its first three letters (the list has no two alike), so a typo in
 * the tail of a word is forgiven. Returns the canonical form both ends derive their keys from.
 */
export function parseCode(text: string): ParsedCode {
  if (text.length > 200) return { ok: false, error: 'a code is six words; this is far longer' };
  const tokens = text.toLowerCase().split(/[\s\-.,_]+/).filter((t) => t.length > 0);
  if (tokens.length !== CODE_WORDS) return { ok: false, error: `a code is ${CODE_WORDS} words separated by hyphens or spaces; got ${tokens.length}` };
  const words: string[] = [];
  for (const token of tokens) {
    const word = /^[a-z]{3,}$/.test(token) ? BY_PREFIX.get(token.slice(0, 3)) : undefined;
    if (!word) return { ok: false, error: `"${token.slice(0, 20)}" is not one of the code words` };
    words.push(word);
  }
  return { ok: true, code: words.join('-') };
}

export interface SessionKeys {
  /** Sent to the rendezvous: names the session without revealing the code. */
  readonly sessionId: Uint8Array;
  /** Keys the connectivity checks' MESSAGE-INTEGRITY; never leaves this host. */
  readonly checkKey: Uint8Array;
}

export const SESSION_ID_LENGTH = 16;

/** Both keys from one scrypt run over the canonical code (see the header for why scrypt). */
export function deriveKeys(canonicalCode: string): SessionKeys {
  const out = new Uint8Array(scryptSync(canonicalCode, SALT, 64, SCRYPT));
  return { sessionId: out.slice(0, SESSION_ID_LENGTH), checkKey: out.slice(32, 64) };
}
