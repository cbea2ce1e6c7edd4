/**
 * One linear pass over the lines. Per line it decides what both readers of the file do:
 *
 * wg (wireguard-tools src/config.c, config_read_line/process_line):
 *   - everything from the first `#` on is dropped; `;` is an ordinary character;
 *   - then every ASCII whitespace character (" \t\n\v\f\r") is deleted, anywhere in the line;
 *   - `[Interface]` / `[Peer]` compare case-insensitively with the whole cleaned line;
 *   - a key matches when the cleaned line starts with `Key=` (any case) and has a value.
 * wg-quick (wg-quick/linux.bash, parse_options, with `shopt -s nocasematch`):
 *   - the line is cut at the first `#`; key = text before the first `=`, trimmed;
 *     value = text after it, trimmed (no `=`: the whole line);
 *   - a key starting with `[` ends the [Interface] section unless it is exactly
 *     `[Interface]` (any case): so `[ Interface ]` is an interface for wg, not for wg-quick;
 *   - inside its [Interface], Address, DNS, MTU, Table, Pre/PostUp/Down and SaveConfig lines
 *     are taken out; everything else is passed to wg verbatim.
 * Both read lines up to "\n" only, so a lone CR does not end a line for them.
 */
import type { SourceLines } from '../text';
import {
  type Entry,
  type KeyName,
  type Parsed,
  type Placement,
  type Section,
  type SectionKind,
  isInterfaceWgKey,
  isPeerKey,
  allKeyNames,
  isWqKey,
  keyByName,
} from './model';

/** wg's char_is_space and bash's [[:space:]] in the C locale. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Deletes ASCII whitespace, as wg does to every line. Returns the input when there is none. */
export function removeSpaces(s: string): string {
  let i = 0;
  while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  // One native pass instead of a string built char by char (AllowedIPs lists have spaces).
  return s.replace(ASCII_SPACES, '');
}

const ASCII_SPACES = /[ \t\n\v\f\r]+/g;

const OK: { placement: Placement; consumed: boolean } = { placement: 'ok', consumed: false };
const OK_CONSUMED: { placement: Placement; consumed: boolean } = { placement: 'ok', consumed: true };

function placementOf(section: Section | undefined, name: KeyName | undefined, trimmedKey: string): { placement: Placement; consumed: boolean } {
  if (!section) return { placement: 'no-section', consumed: false };
  if (section.kind === 'unknown') return { placement: 'unknown-section', consumed: false };
  if (section.kind === 'interface') {
    if (name && isWqKey(name)) {
      // wg-quick matches its keys on the trimmed key text, internal spaces included.
      if (trimmedKey.length === name.length) {
        return section.wgQuickInterface ? OK_CONSUMED : { placement: 'wg-quick-unstripped', consumed: false };
      }
      return { placement: 'unknown', consumed: false };
    }
    if (name && isInterfaceWgKey(name)) return OK;
    if (name && isPeerKey(name)) return { placement: 'wrong-section', consumed: false };
    return { placement: 'unknown', consumed: false };
  }
  if (name && isPeerKey(name)) return OK;
  if (name && isWqKey(name)) return { placement: 'wg-quick-in-peer', consumed: false };
  if (name && isInterfaceWgKey(name)) return { placement: 'wrong-section', consumed: false };
  return { placement: 'unknown', consumed: false };
}

/** The key written exactly in its canonical spelling at line[a, b), or undefined. */
function keyAt(line: string, a: number, b: number): KeyName | undefined {
  const n = b - a;
  const list = BY_LENGTH[n];
  if (!list) return undefined;
  for (const k of list) if (line.startsWith(k, a)) return k;
  return undefined;
}

const BY_LENGTH: (KeyName[] | undefined)[] = [];
for (const k of allKeyNames()) (BY_LENGTH[k.length] ??= []).push(k);

export function parseWireGuard(src: SourceLines): Parsed {
  const { lines, eols } = src;
  const sections: Section[] = [];
  const interfaces: Section[] = [];
  const peers: Section[] = [];
  const preamble: Entry[] = [];
  const entries: Entry[] = [];
  const loneCrLines: number[] = [];
  let crlf = 0;
  let lf = 0;
  let current: Section | undefined;
  const firstColumn = src.hasBom ? 1 : 0;

  for (let ln = 0; ln < lines.length; ln++) {
    const eol = eols[ln];
    if (eol === '\r') loneCrLines.push(ln);
    else if (eol === '\r\n') crlf++;
    else if (eol === '\n') lf++;
    if (current) current.lastLine = ln;

    const s = lines[ln];
    const from = ln === 0 ? firstColumn : 0;
    const hash = s.indexOf('#', from);
    const end = hash < 0 ? s.length : hash;
    let a = from;
    while (a < end && isSpace(s.charCodeAt(a))) a++;
    let b = end;
    while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
    if (a === b) continue;

    if (s.charCodeAt(a) === 91 /* [ */) {
      let kind: SectionKind;
      let wgQuickInterface: boolean;
      let trimmed: string;
      if (b - a === 6 && s.startsWith('[Peer]', a)) {
        // the common case, without allocations
        trimmed = '[Peer]';
        kind = 'peer';
        wgQuickInterface = false;
      } else {
        trimmed = s.slice(a, b);
        const compact = removeSpaces(trimmed).toLowerCase();
        kind = compact === '[interface]' ? 'interface' : compact === '[peer]' ? 'peer' : 'unknown';
        // wg-quick's key is the text before the first `=`, trimmed.
        const eq = trimmed.indexOf('=');
        let wqKey = eq < 0 ? trimmed : trimmed.slice(0, eq);
        let t = wqKey.length;
        while (t > 0 && isSpace(wqKey.charCodeAt(t - 1))) t--;
        wqKey = wqKey.slice(0, t);
        wgQuickInterface = wqKey.toLowerCase() === '[interface]';
      }
      const section: Section = {
        kind,
        headerLine: ln,
        headerStart: a,
        headerEnd: b,
        headerText: trimmed,
        wgQuickInterface,
        entries: [],
        lastLine: ln,
        lastContentLine: ln,
      };
      sections.push(section);
      if (kind === 'interface') interfaces.push(section);
      else if (kind === 'peer') peers.push(section);
      current = section;
      continue;
    }

    let eq = s.indexOf('=', a);
    if (eq >= b) eq = -1;
    let keyEnd = eq < 0 ? b : eq;
    while (keyEnd > a && isSpace(s.charCodeAt(keyEnd - 1))) keyEnd--;
    let valueStart = b;
    const valueEnd = b;
    if (eq >= 0) {
      valueStart = eq + 1;
      while (valueStart < b && isSpace(s.charCodeAt(valueStart))) valueStart++;
    }
    // The usual spelling shares the canonical string instead of a new slice.
    const exact = keyAt(s, a, keyEnd);
    const key = exact ?? s.slice(a, keyEnd);
    const compactKey = exact ?? removeSpaces(key);
    const name = exact ?? keyByName(compactKey);
    const value = eq >= 0 ? s.slice(valueStart, valueEnd) : '';
    const { placement, consumed } = placementOf(current, name, key);
    const entry: Entry = {
      line: ln,
      key,
      compactKey,
      name,
      placement,
      hasEquals: eq >= 0,
      value,
      compactValue: removeSpaces(value),
      keyStart: a,
      keyEnd,
      valueStart: eq >= 0 ? valueStart : b,
      valueEnd,
      contentStart: a,
      contentEnd: b,
      commentStart: hash,
      section: current,
      consumedByWgQuick: consumed,
    };
    entries.push(entry);
    if (current) {
      current.entries.push(entry);
      current.lastContentLine = ln;
    } else preamble.push(entry);
  }
  const eol = crlf > lf ? '\r\n' : '\n';
  return { sections, interfaces, peers, preamble, entries, loneCrLines, eol, firstColumn };
}

/** Entries of one key in a section (or across sections), in file order. */
export function entriesOf(sections: readonly Section[], name: KeyName): Entry[] {
  const out: Entry[] = [];
  for (const s of sections) for (const e of s.entries) if (e.name === name && e.placement === 'ok') out.push(e);
  return out;
}

/** The last usable-placement entry of `name` in one section. */
export function effectiveIn(section: Section, name: KeyName): Entry | undefined {
  const es = section.entries;
  for (let j = es.length - 1; j >= 0; j--) if (es[j].name === name && es[j].placement === 'ok') return es[j];
  return undefined;
}

/** The entry wg or wg-quick would use for a single-value key: the last one. */
export function effective(sections: readonly Section[], name: KeyName): Entry | undefined {
  for (let i = sections.length - 1; i >= 0; i--) {
    const es = sections[i].entries;
    for (let j = es.length - 1; j >= 0; j--) if (es[j].name === name && es[j].placement === 'ok') return es[j];
  }
  return undefined;
}

export interface ListItem {
  /** Trimmed item text as written. */
  readonly text: string;
  /** With whitespace removed (what wg parses). */
  readonly compact: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** Column of the comma after the item, or -1 for the last one. */
  readonly commaAfter: number;
}

/**
 * Splits an entry's value at commas (AllowedIPs: wg's strsep(",")), or at commas and
 * whitespace (Address, DNS: wg-quick's `${value//,/ }` and word splitting).
 */
function listItem(line: string, lineNo: number, s: number, e: number, comma: number): ListItem {
  let x = s;
  while (x < e && isSpace(line.charCodeAt(x))) x++;
  let y = e;
  while (y > x && isSpace(line.charCodeAt(y - 1))) y--;
  const text = line.slice(x, y);
  return { text, compact: removeSpaces(text), line: lineNo, start: x, end: y, commaAfter: comma };
}

export function splitList(line: string, entry: Entry, alsoWhitespace: boolean): ListItem[] {
  const items: ListItem[] = [];
  if (!entry.hasEquals) return items;
  const end = entry.valueEnd;
  let i = entry.valueStart;
  let start = i;
  if (!alsoWhitespace) {
    for (; i < end; i++) {
      if (line.charCodeAt(i) === 44) {
        items.push(listItem(line, entry.line, start, i, i));
        start = i + 1;
      }
    }
    items.push(listItem(line, entry.line, start, end, -1));
    return items;
  }
  // word splitting: separators are commas and whitespace; empty words vanish
  start = -1;
  for (; i <= end; i++) {
    const c = i < end ? line.charCodeAt(i) : 44;
    const sep = c === 44 || isSpace(c);
    if (sep) {
      if (start >= 0) items.push(listItem(line, entry.line, start, i, c === 44 && i < end ? i : -1));
      start = -1;
    } else if (start < 0) start = i;
  }
  return items;
}

/** splitList for AllowedIPs plus an index from an item's start column to its position. */
export interface IndexedList {
  readonly items: ListItem[];
  readonly byStart: Map<number, number>;
}

/** A per-lint cache of split AllowedIPs lines (a finding may need its neighbours). */
export class ListCache {
  private readonly lists = new Map<Entry, IndexedList>();
  constructor(private readonly lines: readonly string[]) {}
  get(entry: Entry): IndexedList {
    let l = this.lists.get(entry);
    if (!l) {
      const items = splitList(this.lines[entry.line] ?? '', entry, false);
      l = { items, byStart: new Map(items.map((it, i) => [it.start, i])) };
      this.lists.set(entry, l);
    }
    return l;
  }
}
