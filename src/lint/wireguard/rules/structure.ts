/**
 * WG01 (lines wg does not recognise), WG02 (sections, `;`, BOM), WG03 (wg-quick keys in
 * [Peer]) and WQ02 (`[ Interface ]` that wg-quick does not recognise).
 */
import type { Fix, TextEdit } from '../../types';
import { quote, quoteOr, range } from '../findings';
import { deleteLine, fix, moveLineAfter, replace } from '../fixes';
import { type Entry, type KeyName, INTERFACE_WG_KEYS, PEER_KEYS, WQ_KEYS, isInterfaceWgKey, isWqKey, keyByName } from '../model';
import { isSpace } from '../parser';
import { nearest } from '../suggest';
import { type RuleContext, contentRange, headerRange, interfaceInsertLine, keyRange, lineText } from './context';

const INTERFACE_CANDIDATES: readonly KeyName[] = [...INTERFACE_WG_KEYS, ...WQ_KEYS];

export function checkFileShape(ctx: RuleContext): void {
  const { src, parsed, out } = ctx;
  if (src.hasBom) {
    out.add(
      'WG02',
      'error',
      'The file starts with a UTF-8 byte order mark: wg reads it as part of the first line and rejects the file; save it as UTF-8 without BOM.',
      range(0, 0, 1),
      [fix('Remove the byte order mark', [replace(0, 0, 1, '')], true)],
    );
  }
  if (parsed.loneCrLines.length > 0) {
    // wg and wg-quick end lines at LF only: a lone CR is whitespace inside one long line.
    // That is harmless when the lines it joins on add nothing (blank or comment only, as with
    // CR CR LF endings); otherwise wg reads something else than the editor shows.
    const harmful: number[] = [];
    for (const ln of parsed.loneCrLines) if (!blankForWg(src.lines[ln + 1] ?? '')) harmful.push(ln);
    if (harmful.length > 0) {
      const first = harmful[0];
      const edits: TextEdit[] = parsed.loneCrLines.map((ln) => ({
        range: { start: { line: ln, column: src.lines[ln].length }, end: { line: ln + 1, column: 0 } },
        newText: parsed.eol,
      }));
      out.add(
        'WG01',
        'error',
        `${harmful.length === 1 ? 'A line ends' : `${harmful.length} lines end`} in a lone CR (old Mac line ending): wg and wg-quick only end lines at LF, so they join line ${first + 1} with the next into one line the editor does not show; convert the line endings.`,
        range(first, src.lines[first].length, src.lines[first].length),
        [fix('Convert lone CR line endings', edits, true)],
      );
    }
  }
}

/** Does this editor line add nothing to a wg line (only whitespace before any `#`)? */
function blankForWg(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 35 /* # */) return true;
    if (!isSpace(c)) return false;
  }
  return true;
}

export function checkHeaders(ctx: RuleContext): void {
  const { out, parsed } = ctx;
  for (let i = 0; i < parsed.sections.length; i++) {
    const s = parsed.sections[i];
    if (s.kind === 'unknown') {
      if (out.wouldDrop()) return;
      const inner = s.headerText.replace(/^\[|\]$/g, '').replace(/\s+/g, '');
      const guess = nearest(inner, ['Interface', 'Peer'] as const, 4);
      const fixes: Fix[] = guess ? [fix(`Rename to [${guess.value}]`, [replace(s.headerLine, s.headerStart, s.headerEnd, `[${guess.value}]`)], guess.distance <= 2)] : [];
      out.add(
        'WG02',
        'error',
        `${quoteOr(s.headerText, 'This header', 40, guess !== undefined && s.headerText.length <= 24)} is not a section wg knows: only [Interface] and [Peer] exist${guess ? `; did you mean [${guess.value}]?` : '.'}`,
        headerRange(s),
        fixes,
      );
    } else if (s.kind === 'interface' && !s.wgQuickInterface) {
      const hasWq = s.entries.some((e) => e.placement === 'wg-quick-unstripped');
      out.add(
        'WQ02',
        'error',
        hasWq
          ? `wg accepts ${quoteOr(s.headerText, 'this header', 40, true)} but wg-quick does not recognise it as [Interface], so its Address/DNS/MTU/Table/hook lines reach wg, which rejects them; write [Interface].`
          : `wg accepts ${quoteOr(s.headerText, 'this header', 40, true)} but wg-quick does not recognise it as [Interface] (it would pass Address, DNS, MTU… here to wg, which rejects them); write [Interface].`,
        headerRange(s),
        [fix('Write [Interface]', [replace(s.headerLine, s.headerStart, s.headerEnd, '[Interface]')], true)],
      );
    }
  }
}

function semicolonComment(ctx: RuleContext, e: Entry): boolean {
  if (ctx.src.code(e.line, e.contentStart) === 59 /* ; */) {
    ctx.out.add(
      'WG02',
      'error',
      '`;` does not start a comment in WireGuard configs (only `#` does): wg rejects this line; use `#`.',
      contentRange(e),
      [fix('Use # for the comment', [replace(e.line, e.contentStart, e.contentStart + 1, '#')], true)],
    );
    return true;
  }
  if (e.valueHasSemicolon && e.hasEquals && e.name && !isWqKey(e.name)) {
    const semi = ctx.src.line(e.line).indexOf(';', e.valueStart);
    ctx.out.add(
      'WG02',
      'error',
      `\`;\` does not start a comment in WireGuard configs: wg reads it as part of the ${e.name} value and rejects it; use \`#\` for comments.`,
      range(e.line, semi, e.contentEnd),
      [fix('Use # for the comment', [replace(e.line, semi, semi + 1, '#')], true)],
    );
    return true;
  }
  return false;
}

function lineWithoutEquals(ctx: RuleContext, e: Entry): void {
  if (e.name && e.consumedByWgQuick) {
    ctx.out.add(
      'WG01',
      'error',
      `${e.name} has no \`=\`: wg-quick then takes the word ${quote(e.key) ?? 'itself'} as the value; write \`${e.name} = value\`.`,
      contentRange(e),
    );
    return;
  }
  if (e.name) {
    ctx.out.add('WG01', 'error', `${e.name} has no \`=\`: wg rejects the line (Line unrecognized); write \`${e.name} = value\`.`, contentRange(e));
    return;
  }
  // `PersistentKeepalive 25`: a known key, a space, a value, no `=`.
  const line = lineText(ctx, e.line);
  let w = e.contentStart;
  while (w < e.contentEnd && !isSpace(line.charCodeAt(w))) w++;
  const first = w < e.contentEnd ? keyByName(line.slice(e.contentStart, w)) : undefined;
  if (first) {
    ctx.out.add('WG01', 'error', `${first} has no \`=\` between key and value: wg rejects the line (Line unrecognized); write \`${first} = value\`.`, contentRange(e), [
      fix('Insert =', [replace(e.line, w, w, ' =')], true),
    ]);
    return;
  }
  ctx.out.add(
    'WG01',
    'error',
    'This line is neither a section header nor `Key = value`: wg rejects it (Line unrecognized); remove it or make it a comment with `#`.',
    contentRange(e),
    [fix('Turn the line into a comment', [replace(e.line, e.contentStart, e.contentStart, '# ')]), fix('Delete the line', [deleteLine(ctx.src, e.line)])],
  );
}

function beforeAnySection(ctx: RuleContext, e: Entry): void {
  const fixes: Fix[] = [];
  const firstIf = ctx.parsed.interfaces[0];
  const wantsInterface = e.name !== undefined && (isInterfaceWgKey(e.name) || isWqKey(e.name));
  if (wantsInterface && firstIf && firstIf.headerLine > e.line) {
    fixes.push(fix('Move the line into [Interface]', moveLineAfter(ctx.src, e.line, firstIf.headerLine, ctx.parsed.eol), true));
  }
  ctx.out.add(
    'WG01',
    'error',
    `${e.name ? `${e.name} is` : 'This line is'} before any [Interface] or [Peer] header: wg rejects lines outside a section${wantsInterface ? '; move it into [Interface]' : ''}.`,
    contentRange(e),
    fixes,
  );
}

function unknownKey(ctx: RuleContext, e: Entry): void {
  const section = e.section;
  if (!section || ctx.out.wouldDrop()) return;
  // A wg-quick key written with inner spaces ("Post Up"): wg-quick misses it, wg rejects it.
  if (e.name && isWqKey(e.name) && section.kind === 'interface') {
    ctx.out.add(
      'WG01',
      'error',
      `wg-quick does not recognise ${quoteOr(e.key, 'this key', 40, true)} (space inside the key), so the line reaches wg, which rejects it; write ${e.name}.`,
      keyRange(e),
      [fix(`Write ${e.name}`, [replace(e.line, e.keyStart, e.keyEnd, e.name)], true)],
    );
    return;
  }
  const candidates = section.kind === 'interface' ? INTERFACE_CANDIDATES : PEER_KEYS;
  const guess = nearest(e.compactKey, candidates, e.compactKey.length >= 8 ? 3 : 2);
  const other = section.kind === 'interface' ? nearest(e.compactKey, PEER_KEYS, 2) : nearest(e.compactKey, INTERFACE_CANDIDATES, 2);
  const fixes: Fix[] = [];
  let hint = '';
  if (guess) {
    hint = `; did you mean ${guess.value}?`;
    fixes.push(fix(`Change to ${guess.value}`, [replace(e.line, e.keyStart, e.keyEnd, guess.value)], guess.distance <= 2));
  } else if (other) {
    hint = `; ${other.value} belongs in ${section.kind === 'interface' ? '[Peer]' : '[Interface]'}.`;
  }
  const q = quote(e.key, 40, guess !== undefined && e.key.length <= 24);
  ctx.out.add(
    'WG01',
    'error',
    `${q ? `Unknown key ${q}` : 'Unknown key'} in [${section.kind === 'interface' ? 'Interface' : 'Peer'}]: wg rejects the line (Line unrecognized)${hint || '.'}`,
    keyRange(e),
    fixes,
  );
}

/**
 * Does [Interface] set this key already? Then moving the line there is no longer certainly
 * right (it would replace or add to what the interface has), so the move is not preferred.
 */
function interfaceSets(ctx: RuleContext, e: Entry): boolean {
  return ctx.parsed.interfaces.some((s) => s.entries.some((x) => x.name === e.name && x.placement === 'ok'));
}

function wrongSection(ctx: RuleContext, e: Entry): void {
  if (!e.name || !e.section) return;
  if (e.section.kind === 'peer') {
    const target = interfaceInsertLine(ctx);
    const fixes = target !== undefined ? [fix('Move the line into [Interface]', moveLineAfter(ctx.src, e.line, target, ctx.parsed.eol), !interfaceSets(ctx, e))] : [];
    ctx.out.add('WG01', 'error', `${e.name} belongs in [Interface], not [Peer]: wg rejects the line (Line unrecognized); move it.`, keyRange(e), fixes);
    return;
  }
  if (e.name === 'PublicKey') {
    ctx.out.add(
      'WG01',
      'error',
      'PublicKey does not belong in [Interface]: wg derives this side\'s public key from PrivateKey and rejects the line; delete it (or move it to the [Peer] it describes).',
      keyRange(e),
      [fix('Delete the line', [deleteLine(ctx.src, e.line)])],
    );
    return;
  }
  ctx.out.add('WG01', 'error', `${e.name} belongs in [Peer], not [Interface]: wg rejects the line (Line unrecognized); move it to the peer it is meant for.`, keyRange(e));
}

function wgQuickInPeer(ctx: RuleContext, e: Entry): void {
  const target = interfaceInsertLine(ctx);
  const fixes = target !== undefined ? [fix('Move the line into [Interface]', moveLineAfter(ctx.src, e.line, target, ctx.parsed.eol), !interfaceSets(ctx, e))] : [];
  ctx.out.add(
    'WG03',
    'error',
    `${e.name ?? 'This key'} is a wg-quick key and only works in [Interface]: in [Peer] wg-quick leaves it in and wg rejects it; move it to [Interface].`,
    keyRange(e),
    fixes,
  );
}

export function checkLines(ctx: RuleContext): void {
  const entries = ctx.parsed.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (semicolonComment(ctx, e)) continue;
    if (e.placement === 'no-section') {
      beforeAnySection(ctx, e);
      continue;
    }
    if (e.placement === 'unknown-section' || e.placement === 'wg-quick-unstripped') continue;
    if (!e.hasEquals) {
      lineWithoutEquals(ctx, e);
      continue;
    }
    switch (e.placement) {
      case 'unknown':
        unknownKey(ctx, e);
        continue;
      case 'wrong-section':
        wrongSection(ctx, e);
        continue;
      case 'wg-quick-in-peer':
        wgQuickInPeer(ctx, e);
        continue;
      default:
        break;
    }
    // Placement is 'ok' here, where the wg-quick keys are exactly those wg-quick consumes.
    if (!e.name || e.consumedByWgQuick) continue;
    if (e.key !== e.compactKey) {
      ctx.out.add(
        'WG01',
        'warning',
        `wg accepts ${quoteOr(e.key, 'this key', 40, true)} only because it deletes all spaces; wg-quick, wireguard-windows and NetworkManager do not: write ${e.name}.`,
        keyRange(e),
        [fix(`Write ${e.name}`, [replace(e.line, e.keyStart, e.keyEnd, e.name)], true)],
      );
    }
    if (!e.hasValue) {
      const secret = e.name === 'PrivateKey' || e.name === 'PublicKey';
      ctx.out.add(
        'WG01',
        'error',
        `${e.name} has an empty value: wg rejects the line (Line unrecognized); give a value or delete the line.`,
        contentRange(e),
        [fix('Delete the line', [deleteLine(ctx.src, e.line)], !secret)],
      );
    }
  }
}
