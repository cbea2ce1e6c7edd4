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
import { TextLines } from './lines';
import { type Entry, type KeyName, type Parsed, type Placement, type Section, type SectionKind, allKeyNames, isPeerKey, isWqKey, keyByName } from './model';

/** wg's char_is_space and bash's [[:space:]] in the C locale. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Deletes ASCII whitespace, as wg does to every line. Returns the input when there is none. */
export function removeSpaces(s: string): string {
  // Native regex passes: several times faster than a charCodeAt loop on key-sized strings.
  return HAS_ASCII_SPACE.test(s) ? s.replace(ASCII_SPACES, '') : s;
}

const HAS_ASCII_SPACE = /[ \t\n\v\f\r]/;
const ASCII_SPACES = /[ \t\n\v\f\r]+/g;

/**
 * The section each key belongs to. A table local to this module because the parser consults it
 * for every entry: under tsx (tests, bench) each call of an imported function goes through
 * CommonJS export getters, which costs more than the lookup itself.
 */
type KeyRole = 'interface' | 'peer' | 'wg-quick';
const ROLE = new Map<KeyName, KeyRole>(allKeyNames().map((k) => [k, isWqKey(k) ? 'wg-quick' : isPeerKey(k) ? 'peer' : 'interface']));

function placementOf(section: Section | undefined, role: KeyRole | undefined, name: KeyName | undefined, trimmedKeyLength: number): Placement {
  if (!section) return 'no-section';
  if (section.kind === 'unknown') return 'unknown-section';
  if (section.kind === 'interface') {
    if (role === 'wg-quick') {
      // wg-quick matches its keys on the trimmed key text, internal spaces included.
      if (trimmedKeyLength === name!.length) return section.wgQuickInterface ? 'ok' : 'wg-quick-unstripped';
      return 'unknown';
    }
    if (role === 'interface') return 'ok';
    if (role === 'peer') return 'wrong-section';
    return 'unknown';
  }
  if (role === 'peer') return 'ok';
  if (role === 'wg-quick') return 'wg-quick-in-peer';
  if (role === 'interface') return 'wrong-section';
  return 'unknown';
}

/**
 * The canonical key names as one sticky regex: matching it at a column is one native pass,
 * about twice as fast as comparing characters in JS, and the parser does it for every entry.
 * Longest names first, so that the alternation never stops at a shorter name.
 */
const CANONICAL_KEY = new RegExp(`(?:${[...allKeyNames()].sort((x, y) => y.length - x.length).join('|')})`, 'y');
/**
 * Which key a match was: its length and first letter tell (they differ for any two of wg's
 * keys). Filled up front, so that V8 keeps a flat array rather than a sparse dictionary.
 */
const KEY_BY_SHAPE = new Array<KeyName | undefined>(32 * 128).fill(undefined);
for (const k of allKeyNames()) KEY_BY_SHAPE[k.length * 128 + k.charCodeAt(0)] = k;

/** The key written exactly in its canonical spelling at line[a, b), or undefined. */
function keyAt(line: string, a: number, b: number): KeyName | undefined {
  CANONICAL_KEY.lastIndex = a;
  if (!CANONICAL_KEY.test(line) || CANONICAL_KEY.lastIndex !== b) return undefined;
  return KEY_BY_SHAPE[(b - a) * 128 + line.charCodeAt(a)];
}

// LineEntry.flags
const HAS_EQUALS = 1;
const CONSUMED = 2;
/** The key is written exactly as its canonical name (so key, compactKey and name are one string). */
const EXACT_KEY = 4;
const SEMICOLON = 8;
const USABLE = 16;
/** Bits 5 to 7 hold the placement, as its index here. */
const PLACEMENT_SHIFT = 5;
const PLACEMENTS: readonly Placement[] = ['ok', 'no-section', 'unknown-section', 'wrong-section', 'wg-quick-in-peer', 'wg-quick-unstripped', 'unknown'];

/**
 * An Entry that stores columns and cuts its strings from the line only when a rule asks: a big
 * server has tens of thousands of entries whose value strings are mostly never read, and every
 * object the parser keeps is copied by the garbage collector while the lint runs.
 */
class LineEntry implements Entry {
  private compact: string | undefined = undefined;
  constructor(
    private readonly src: TextLines,
    /** Offset in src.text of the line's first character (columns count from there). */
    private readonly base: number,
    readonly line: number,
    readonly name: KeyName | undefined,
    readonly section: Section | undefined,
    readonly keyStart: number,
    readonly keyEnd: number,
    readonly valueStart: number,
    readonly valueEnd: number,
    private readonly flags: number,
  ) {}

  get placement(): Placement {
    return PLACEMENTS[this.flags >> PLACEMENT_SHIFT];
  }
  /** Searched again when asked (rarely: a few wg-quick rules); a BOM is no `#`, so line 0 needs no care. */
  get commentStart(): number {
    const at = this.src.text.indexOf('#', this.base);
    return at < 0 || at >= this.src.end(this.line) ? -1 : at - this.base;
  }

  get hasEquals(): boolean {
    return (this.flags & HAS_EQUALS) !== 0;
  }
  get consumedByWgQuick(): boolean {
    return (this.flags & CONSUMED) !== 0;
  }
  get valueHasSemicolon(): boolean {
    return (this.flags & SEMICOLON) !== 0;
  }
  get usable(): boolean {
    return (this.flags & USABLE) !== 0;
  }
  get contentStart(): number {
    return this.keyStart;
  }
  get contentEnd(): number {
    return this.valueEnd;
  }
  get key(): string {
    return this.flags & EXACT_KEY ? this.name! : this.src.text.slice(this.base + this.keyStart, this.base + this.keyEnd);
  }
  get compactKey(): string {
    return this.flags & EXACT_KEY ? this.name! : removeSpaces(this.key);
  }
  get value(): string {
    return this.flags & HAS_EQUALS ? this.src.text.slice(this.base + this.valueStart, this.base + this.valueEnd) : '';
  }
  /** The value is trimmed, so it is empty exactly when its compact form is. */
  get hasValue(): boolean {
    return this.valueStart < this.valueEnd;
  }
  get compactValue(): string {
    this.compact ??= removeSpaces(this.value);
    return this.compact;
  }
}

class SectionNode implements Section {
  /** Set when the section ends, to an array of exactly its size (see closeSection). */
  entries!: Entry[];
  lastLine: number;
  lastContentLine: number;
  constructor(
    readonly kind: SectionKind,
    readonly headerLine: number,
    readonly headerStart: number,
    readonly headerEnd: number,
    readonly headerText: string,
    readonly wgQuickInterface: boolean,
  ) {
    this.lastLine = headerLine;
    this.lastContentLine = headerLine;
  }

  effective(name: KeyName): Entry | undefined {
    const es = this.entries;
    for (let j = es.length - 1; j >= 0; j--) if (es[j].name === name && es[j].placement === 'ok') return es[j];
    return undefined;
  }
}

/** The section's entries are the tail of `entries` from index `first`. */
function closeSection(section: SectionNode | undefined, entries: readonly Entry[], first: number): void {
  if (section) section.entries = entries.slice(first);
}

/** `a`, `b`: offsets in `s` of the trimmed header; `base`: offset of its line. */
function parseHeader(s: string, ln: number, base: number, a: number, b: number): SectionNode {
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
  return new SectionNode(kind, ln, a - base, b - base, trimmed, wgQuickInterface);
}

/**
 * The next occurrence of one character at or after a position, for positions that only grow:
 * each character of the text is searched at most once, however long the lines without it.
 */
class NextChar {
  private at = -2;
  constructor(
    private readonly text: string,
    private readonly ch: string,
  ) {}
  /** The first offset >= pos holding the character, or -1. */
  from(pos: number): number {
    if (this.at < pos && this.at !== -1) this.at = this.text.indexOf(this.ch, pos);
    return this.at;
  }
}

/**
 * The entry on line `ln` (starting at offset `base` of `s`) whose trimmed content (before any
 * comment) is s[a, b).
 */
function parseEntry(src: TextLines, s: string, base: number, ln: number, a: number, b: number, section: Section | undefined, eqs: NextChar, semis: NextChar): LineEntry {
  let eq = eqs.from(a);
  if (eq >= b) eq = -1;
  let keyEnd = eq < 0 ? b : eq;
  while (keyEnd > a && isSpace(s.charCodeAt(keyEnd - 1))) keyEnd--;
  let valueStart = b;
  let flags = 0;
  if (eq >= 0) {
    flags |= HAS_EQUALS;
    valueStart = eq + 1;
    while (valueStart < b && isSpace(s.charCodeAt(valueStart))) valueStart++;
    const semi = semis.from(valueStart);
    if (semi >= 0 && semi < b) flags |= SEMICOLON;
  }
  // The usual spelling shares the canonical string instead of a new slice.
  const exact = keyAt(s, a, keyEnd);
  if (exact) flags |= EXACT_KEY;
  const name = exact ?? keyByName(removeSpaces(s.slice(a, keyEnd)));
  const role = name && ROLE.get(name);
  const placement = placementOf(section, role, name, keyEnd - a);
  flags |= PLACEMENTS.indexOf(placement) << PLACEMENT_SHIFT;
  if (placement === 'ok') {
    if (role === 'wg-quick') flags |= CONSUMED;
    // Entry.usable: a value to judge, and for wg's keys no `;` in it.
    const hasValue = (flags & HAS_EQUALS) !== 0 && valueStart < b;
    if (hasValue && !(flags & SEMICOLON && role !== 'wg-quick')) flags |= USABLE;
  }
  return new LineEntry(src, base, ln, name, section, a - base, keyEnd - base, valueStart - base, b - base, flags);
}

/** `lines`: SourceLines (as splitLines gives them) or, faster, TextLines. */
export function parseWireGuard(lines: SourceLines): Parsed {
  const src = TextLines.fromSourceLines(lines);
  const s = src.text;
  const count = src.count;
  const sections: Section[] = [];
  const interfaces: Section[] = [];
  const peers: Section[] = [];
  const entries: Entry[] = [];
  const loneCrLines: number[] = [];
  let crlf = 0;
  let lf = 0;
  let current: SectionNode | undefined;
  /** Index in `entries` of the current section's first entry. */
  let firstOfCurrent = 0;
  const firstColumn = src.hasBom ? 1 : 0;
  /** How many entries come before the first header (all of them until one is seen). */
  let preambleLength = -1;
  const hashes = new NextChar(s, '#');
  const eqs = new NextChar(s, '=');
  const semis = new NextChar(s, ';');

  for (let ln = 0; ln < count; ln++) {
    const eol = src.eolKind(ln);
    if (eol === 3) loneCrLines.push(ln);
    else if (eol === 2) crlf++;
    else if (eol === 1) lf++;
    if (current) current.lastLine = ln;

    const base = src.start(ln);
    const lineEnd = src.end(ln);
    const from = ln === 0 ? base + firstColumn : base;
    const hash = hashes.from(from);
    const end = hash < 0 || hash >= lineEnd ? lineEnd : hash;
    let a = from;
    while (a < end && isSpace(s.charCodeAt(a))) a++;
    let b = end;
    while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
    if (a === b) continue;

    if (s.charCodeAt(a) === 91 /* [ */) {
      if (preambleLength < 0) preambleLength = entries.length;
      closeSection(current, entries, firstOfCurrent);
      const section = parseHeader(s, ln, base, a, b);
      sections.push(section);
      if (section.kind === 'interface') interfaces.push(section);
      else if (section.kind === 'peer') peers.push(section);
      current = section;
      firstOfCurrent = entries.length;
      continue;
    }

    entries.push(parseEntry(src, s, base, ln, a, b, current, eqs, semis));
    if (current) current.lastContentLine = ln;
  }
  closeSection(current, entries, firstOfCurrent);
  const preamble = entries.slice(0, preambleLength < 0 ? entries.length : preambleLength);
  const eol = crlf > lf ? '\r\n' : '\n';
  return { sections, interfaces, peers, preamble, entries, loneCrLines, eol, firstColumn };
}

/** Entries of one key in a section (or across sections), in file order. */
export function entriesOf(sections: readonly Section[], name: KeyName): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < sections.length; i++) {
    const es = sections[i].entries;
    for (let j = 0; j < es.length; j++) if (es[j].name === name && es[j].placement === 'ok') out.push(es[j]);
  }
  return out;
}

/** The last usable-placement entry of `name` in one section (section.effective). */
export function effectiveIn(section: Section, name: KeyName): Entry | undefined {
  return section.effective(name);
}

/** The entry wg or wg-quick would use for a single-value key: the last one. */
export function effective(sections: readonly Section[], name: KeyName): Entry | undefined {
  for (let i = sections.length - 1; i >= 0; i--) {
    const e = sections[i].effective(name);
    if (e) return e;
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
 * Walks the comma-separated items of an entry's value (AllowedIPs: wg's strsep(",")) without
 * allocating: reset() to an entry, then each next() moves to the following item. For the tens
 * of thousands of AllowedIPs items of a big server; splitList builds the items as objects.
 */
export class CommaItems {
  /** Columns of the current item, trimmed. */
  start = 0;
  end = 0;
  /** Column of the comma after the current item, or -1 for the last one. */
  comma = -1;
  private line = '';
  private from = 0;
  private to = 0;
  private done = true;

  reset(line: string, entry: Entry): this {
    this.line = line;
    this.from = entry.valueStart;
    this.to = entry.valueEnd;
    this.done = false;
    return this;
  }

  next(): boolean {
    if (this.done) return false;
    const line = this.line;
    let comma = line.indexOf(',', this.from);
    if (comma >= this.to) comma = -1;
    const stop = comma < 0 ? this.to : comma;
    let a = this.from;
    while (a < stop && isSpace(line.charCodeAt(a))) a++;
    let b = stop;
    while (b > a && isSpace(line.charCodeAt(b - 1))) b--;
    this.start = a;
    this.end = b;
    this.comma = comma;
    this.from = stop + 1;
    this.done = comma < 0;
    return true;
  }
}

/** `start`, `end`: the item's columns, already trimmed. */
function listItem(line: string, lineNo: number, start: number, end: number, comma: number): ListItem {
  const text = line.slice(start, end);
  return { text, compact: removeSpaces(text), line: lineNo, start, end, commaAfter: comma };
}

/**
 * Splits an entry's value at commas (AllowedIPs: wg's strsep(",")), or at commas and
 * whitespace (Address, DNS: wg-quick's `${value//,/ }` and word splitting).
 */
export function splitList(line: string, entry: Entry, alsoWhitespace: boolean): ListItem[] {
  const items: ListItem[] = [];
  if (!entry.hasEquals) return items;
  if (!alsoWhitespace) {
    for (const it = new CommaItems().reset(line, entry); it.next(); ) items.push(listItem(line, entry.line, it.start, it.end, it.comma));
    return items;
  }
  // word splitting: separators are commas and whitespace; empty words vanish (so a word has
  // no whitespace to trim)
  const end = entry.valueEnd;
  let start = -1;
  for (let i = entry.valueStart; i <= end; i++) {
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
  constructor(private readonly src: TextLines) {}
  get(entry: Entry): IndexedList {
    let l = this.lists.get(entry);
    if (!l) {
      const items = splitList(this.src.line(entry.line), entry, false);
      l = { items, byStart: new Map(items.map((it, i) => [it.start, i])) };
      this.lists.set(entry, l);
    }
    return l;
  }
}
