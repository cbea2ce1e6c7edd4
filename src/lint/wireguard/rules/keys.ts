/** WG04 (key format), WG05 (missing keys), WG07 (same peer twice), WG08 (peer is ourselves). */
import type { Fix } from '../../types';
import { range } from '../findings';
import { fix, insertLineAfter, replace } from '../fixes';
import { type KeyProblem, checkKey, generatePresharedKey, generatePrivateKey, urlSafeToStandard } from '../keys';
import { type Section, HOOK_KEYS } from '../model';
import { secretFix } from '../../secretFixes';
import { sameStringIndex } from '../sameKey';
import { type RuleContext, headerRange, lineText, valueRange } from './context';

function describe(p: KeyProblem): string {
  switch (p.kind) {
    case 'length':
      return p.hex
        ? 'it looks like a hex key; config files take base64 (44 characters, as `wg genkey` prints)'
        : `it has ${p.length} characters; a key is 44 (base64 of 32 bytes, ending in \`=\`)`;
    case 'padding':
      return 'a key ends in `=` (base64 of 32 bytes)';
    case 'urlsafe':
      return 'it uses URL-safe base64 (`-`, `_`); wg takes standard base64 (`+`, `/`)';
    case 'alphabet':
      return 'it contains characters that are not standard base64';
    case 'noncanonical':
      return 'its 43rd character is not canonical (the key was edited or truncated)';
  }
}

export function checkKeyFormats(ctx: RuleContext): void {
  const entries = ctx.parsed.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.name !== 'PrivateKey' && e.name !== 'PublicKey' && e.name !== 'PresharedKey') continue;
    if (!e.usable || ctx.memo.validKey(e)) continue;
    const problem = checkKey(e.compactValue);
    if (!problem || ctx.out.wouldDrop()) continue;
    const fixes: Fix[] = [];
    if (problem.kind === 'urlsafe') {
      const convert = fix('Convert to standard base64', [replace(e.line, e.valueStart, e.valueEnd, urlSafeToStandard(e.compactValue))], true);
      fixes.push(e.name === 'PublicKey' ? convert : secretFix(convert));
    } else if (e.name === 'PrivateKey') {
      fixes.push(secretFix(fix('Replace with a new private key (then give its public key to every peer)', [replace(e.line, e.valueStart, e.valueEnd, generatePrivateKey())])));
    } else if (e.name === 'PresharedKey') {
      fixes.push(secretFix(fix('Replace with a new preshared key (the peer needs the same one)', [replace(e.line, e.valueStart, e.valueEnd, generatePresharedKey())])));
    }
    const subject = e.name === 'PublicKey' ? 'This PublicKey' : `The ${e.name} value`;
    ctx.out.add('WG04', 'error', `${subject} is not a valid WireGuard key: ${describe(problem)}; wg rejects it.`, valueRange(e), fixes);
  }
}

function hasKeyEntry(s: Section, name: 'PublicKey' | 'PrivateKey'): boolean {
  for (let i = 0; i < s.entries.length; i++) if (s.entries[i].name === name && s.entries[i].placement === 'ok') return true;
  return false;
}

function hooksSetPrivateKey(ctx: RuleContext): boolean {
  for (const s of ctx.parsed.interfaces) {
    for (const e of s.entries) {
      if (e.name && (HOOK_KEYS as readonly string[]).includes(e.name) && /private-key/i.test(e.value)) return true;
    }
  }
  return false;
}

export function checkMissingKeys(ctx: RuleContext): void {
  const { parsed, out, src } = ctx;
  for (let i = 0; i < parsed.peers.length; i++) {
    const p = parsed.peers[i];
    if (hasKeyEntry(p, 'PublicKey')) continue;
    out.add(
      'WG05',
      'error',
      'This [Peer] has no PublicKey: wg rejects the whole file ("A peer is missing a public key"); add the peer\'s public key.',
      headerRange(p),
      [fix('Insert a PublicKey line to fill in', [insertLineAfter(src, p.headerLine, 'PublicKey = ', parsed.eol)])],
    );
  }
  if (parsed.interfaces.some((s) => hasKeyEntry(s, 'PrivateKey')) || hooksSetPrivateKey(ctx)) return;
  if (parsed.interfaces.length > 0) {
    const first = parsed.interfaces[0];
    out.add(
      'WG05',
      'warning',
      '[Interface] has no PrivateKey: wg accepts that, but the interface cannot handshake until a key is set; add `PrivateKey = …` (from `wg genkey`).',
      headerRange(first),
      [secretFix(fix('Insert a newly generated PrivateKey', [insertLineAfter(src, first.headerLine, `PrivateKey = ${generatePrivateKey()}`, parsed.eol)]))],
    );
  } else if (parsed.peers.length > 0) {
    const first = parsed.peers[0];
    const col = parsed.firstColumn;
    const at = first.headerLine === 0 ? col : 0;
    out.add(
      'WG05',
      'warning',
      'There is no [Interface] section, so no PrivateKey: the interface cannot handshake until a key is set; add an [Interface] with `PrivateKey = …`.',
      headerRange(first),
      [secretFix(fix('Insert an [Interface] with a newly generated PrivateKey', [{ range: range(0, at, at), newText: `[Interface]${parsed.eol}PrivateKey = ${generatePrivateKey()}${parsed.eol}${parsed.eol}` }]))],
    );
  }
}

export function checkPeerIdentity(ctx: RuleContext): void {
  const { parsed, out, src, ownPublicKey } = ctx;
  const keys = ctx.memo.peerKeys();
  const first = sameStringIndex(keys.map((e) => e?.compactValue), 'first');
  for (let i = 0; i < parsed.peers.length; i++) {
    const p = parsed.peers[i];
    const pk = keys[i];
    if (!pk) continue;
    if (ownPublicKey !== undefined && pk.compactValue === ownPublicKey) {
      out.add(
        'WG08',
        'error',
        "This peer's PublicKey is this interface's own public key (derived from the PrivateKey value): wg silently drops the peer; use the other side's public key.",
        valueRange(pk),
      );
    }
    if (first[i] === i) continue;
    const earlier = parsed.peers[first[i]];
    // Merge: move this section's lines (but its header and PublicKey) to the end of the first.
    const moved: string[] = [];
    for (let ln = p.headerLine + 1; ln <= p.lastContentLine; ln++) {
      const e = p.entries.find((x) => x.line === ln);
      if (e && e.name === 'PublicKey') continue;
      moved.push(src.line(ln));
    }
    const endLine = p.lastLine;
    const del = src.eol(endLine) !== ''
      ? { range: { start: { line: p.headerLine, column: 0 }, end: { line: endLine + 1, column: 0 } }, newText: '' }
      : { range: { start: { line: p.headerLine, column: 0 }, end: { line: endLine, column: lineText(ctx, endLine).length } }, newText: '' };
    const edits = moved.length > 0 ? [insertLineAfter(src, earlier.lastContentLine, moved.join(parsed.eol), parsed.eol), del] : [del];
    out.add(
      'WG07',
      'error',
      `This PublicKey is already the peer on line ${earlier.headerLine + 1}: wg merges both into one peer and this section's AllowedIPs replace the earlier ones; merge the two sections.`,
      valueRange(pk),
      [fix('Merge into the first [Peer] with this key', edits)],
      [{ range: headerRange(earlier), message: 'first [Peer] with this PublicKey' }],
    );
  }
}
