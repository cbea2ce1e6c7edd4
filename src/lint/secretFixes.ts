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
 * The WireGuard keys of `text` that are secret: PrivateKey and PresharedKey values as written,
 * without blanks, and re-encoded from URL-safe base64.
 */
export function secretKeys(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of splitLines(text).lines) {
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    const key = raw.slice(0, eq).replace(/[ \t]/g, '').toLowerCase();
    if (key !== 'privatekey' && key !== 'presharedkey') continue;
    const hash = raw.indexOf('#', eq);
    const value = raw.slice(eq + 1, hash < 0 ? raw.length : hash).trim();
    const compact = value.replace(/[ \t]/g, '');
    out.add(value).add(compact).add(urlSafeToStandard(compact));
  }
  return out;
}

/** A `PrivateKey = …`/`PresharedKey = …` line with a value, however short. */
const KEY_ASSIGNMENT = /(?:^|[\r\n])[ \t]*(?:private|preshared)[ \t]*key[ \t]*=[ \t]*[^\s#]/i;
/** The opening tag of an inline block that holds a key or a password. */
const SECRET_BLOCK = new RegExp(`<(?:${[...SECRET_INLINE].join('|')})>`, 'i');
/** What a WireGuard key looks like (standard or URL-safe base64 of 32 bytes). */
const KEY_SHAPED = /[A-Za-z0-9+/_-]{43}=/g;

/** True when the text writes a key line or a secret inline block (whatever the value). */
export function writesKeyMaterial(newText: string): boolean {
  return KEY_ASSIGNMENT.test(newText) || SECRET_BLOCK.test(newText);
}

/**
 * Marks every fix that would write key material, whichever rule made it: the rules mark what
 * they generate, this catches what they copy (a key line moved, sections merged, a key value
 * written elsewhere). Public keys stay visible.
 */
export function markSecretFixes(findings: Finding[], text: string): void {
  let secrets: Set<string> | undefined;
  const writesSecret = (f: Fix): boolean =>
    f.edits.some((e) => {
      if (writesKeyMaterial(e.newText)) return true;
      for (const m of e.newText.matchAll(KEY_SHAPED)) {
        secrets ??= secretKeys(text);
        if (secrets.has(m[0])) return true;
      }
      return false;
    });
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    if (f.fixes.some((x) => !x.secret && writesSecret(x))) {
      findings[i] = { ...f, fixes: f.fixes.map((x) => (x.secret || !writesSecret(x) ? x : secretFix(x))) };
    }
  }
}
