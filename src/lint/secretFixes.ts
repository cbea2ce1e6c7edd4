/**
 * Keeping key material out of output. A fix whose edits would write a secret (a private or
 * preshared key re-encoded, moved or freshly generated; the body of an inline OpenVPN key
 * block) is marked `secret`: --fix and the editor still apply it, but output only says that it
 * exists and what it does.
 */
import { splitLines } from './text';
import type { Finding, Fix } from './types';
import { SECRET_INLINE } from './openvpn/options';
import { urlSafeToStandard } from './wireguard/keys';

/** Shorter values are not worth hiding by substring (and would hide every fix). */
const MIN_SECRET = 8;
/** Past this many secret values a file is hostile or generated: every fix that writes text is hidden. */
const MAX_SECRETS = 1000;

export function secretFix(f: Fix): Fix {
  return { ...f, secret: true };
}

/** What output may show of a fix: everything, or for a secret one its title and that it applies in place only. */
export type FixForOutput = Fix | { readonly title: string; readonly isPreferred?: boolean; readonly inPlaceOnly: true };

export function fixForOutput(f: Fix): FixForOutput {
  if (!f.secret) return f;
  return f.isPreferred ? { title: f.title, isPreferred: true, inPlaceOnly: true } : { title: f.title, inPlaceOnly: true };
}

/**
 * The secret values written in `text`, whatever its format: WireGuard PrivateKey/PresharedKey
 * values (as written, without blanks, and re-encoded from URL-safe base64) and the lines of
 * OpenVPN inline blocks that hold keys or passwords.
 */
export function secretValues(text: string): Set<string> {
  const out = new Set<string>();
  const { lines } = splitLines(text);
  let block: string | undefined;
  const add = (v: string): void => {
    if (v.length >= MIN_SECRET) out.add(v);
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (block !== undefined) {
      if (line.toLowerCase() === `</${block}>`) block = undefined;
      else add(line);
      continue;
    }
    if (line.startsWith('<') && line.endsWith('>') && !line.startsWith('</')) {
      const tag = line.slice(1, -1).trim().toLowerCase();
      if (SECRET_INLINE.has(tag)) block = tag;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).replace(/[ \t]/g, '').toLowerCase();
    if (key !== 'privatekey' && key !== 'presharedkey') continue;
    const hash = line.indexOf('#', eq);
    const value = line.slice(eq + 1, hash < 0 ? line.length : hash).trim();
    const compact = value.replace(/[ \t]/g, '');
    add(value);
    add(compact);
    add(urlSafeToStandard(compact));
  }
  return out;
}

/** A `PrivateKey = …`/`PresharedKey = …` line with a value, however short. */
const KEY_ASSIGNMENT = /(?:^|[\r\n])[ \t]*(?:private|preshared)[ \t]*key[ \t]*=[ \t]*[^\s#]/i;
/** The opening tag of an inline block that holds a key or a password. */
const SECRET_BLOCK = new RegExp(`<(?:${[...SECRET_INLINE].join('|')})>`, 'i');

/** True when the text writes a key line or a secret inline block (whatever the value). */
export function writesKeyMaterial(newText: string): boolean {
  return KEY_ASSIGNMENT.test(newText) || SECRET_BLOCK.test(newText);
}

function writesSecret(f: Fix, secrets: ReadonlySet<string>): boolean {
  for (const e of f.edits) {
    if (writesKeyMaterial(e.newText)) return true;
    if (e.newText.length < MIN_SECRET) continue;
    if (secrets.size > MAX_SECRETS) return true;
    for (const s of secrets) if (e.newText.includes(s)) return true;
  }
  return false;
}

/**
 * Marks every fix that would write one of the file's secrets, whichever rule made it: the rules
 * mark what they generate, this catches what they copy (a line moved, sections merged).
 */
export function markSecretFixes(findings: Finding[], text: string): void {
  let secrets: Set<string> | undefined;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    if (!f.fixes.some((x) => !x.secret && x.edits.some((e) => e.newText.length > 0))) continue;
    secrets ??= secretValues(text);
    if (f.fixes.some((x) => !x.secret && writesSecret(x, secrets!))) {
      findings[i] = { ...f, fixes: f.fixes.map((x) => (x.secret || !writesSecret(x, secrets!) ? x : secretFix(x))) };
    }
  }
}
