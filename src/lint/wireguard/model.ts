/**
 * The parsed shape of a WireGuard config, as both readers see it: `wg` (wireguard-tools
 * src/config.c) and wg-quick's own pass over the file (wg-quick/linux.bash, parse_options).
 * Every node keeps columns into the original line, so findings and fixes point at the
 * characters the user wrote, even though wg itself deletes all whitespace before parsing.
 */

/** Keys `wg` reads (config.c process_line). */
export type WgKey = 'PrivateKey' | 'ListenPort' | 'FwMark' | 'PublicKey' | 'PresharedKey' | 'AllowedIPs' | 'Endpoint' | 'PersistentKeepalive';
/** Keys wg-quick reads and strips before the text reaches `wg`. */
export type WqKey = 'Address' | 'DNS' | 'MTU' | 'Table' | 'PreUp' | 'PostUp' | 'PreDown' | 'PostDown' | 'SaveConfig';
export type KeyName = WgKey | WqKey;

export const INTERFACE_WG_KEYS: readonly WgKey[] = ['PrivateKey', 'ListenPort', 'FwMark'];
export const PEER_KEYS: readonly WgKey[] = ['PublicKey', 'PresharedKey', 'AllowedIPs', 'Endpoint', 'PersistentKeepalive'];
export const WQ_KEYS: readonly WqKey[] = ['Address', 'DNS', 'MTU', 'Table', 'PreUp', 'PostUp', 'PreDown', 'PostDown', 'SaveConfig'];
export const HOOK_KEYS: readonly WqKey[] = ['PreUp', 'PostUp', 'PreDown', 'PostDown'];
/** Keys that may repeat: each line adds to the list. Every other key is "last one wins". */
export const MULTI_KEYS: ReadonlySet<KeyName> = new Set<KeyName>(['AllowedIPs', 'Address', 'DNS', 'PreUp', 'PostUp', 'PreDown', 'PostDown']);

const ALL: readonly KeyName[] = [...INTERFACE_WG_KEYS, ...PEER_KEYS, ...WQ_KEYS];
const BY_LOWER = new Map<string, KeyName>(ALL.map((k) => [k.toLowerCase(), k]));
const WQ_SET: ReadonlySet<KeyName> = new Set<KeyName>(WQ_KEYS);
const INTERFACE_SET: ReadonlySet<KeyName> = new Set<KeyName>(INTERFACE_WG_KEYS);
const PEER_SET: ReadonlySet<KeyName> = new Set<KeyName>(PEER_KEYS);

const BY_NAME = new Map<string, KeyName>(ALL.map((k) => [k, k]));

/** The key named `s` in any letter case (wg and wg-quick compare case-insensitively). */
export function keyByName(s: string): KeyName | undefined {
  return BY_NAME.get(s) ?? (s.length <= 19 ? BY_LOWER.get(s.toLowerCase()) : undefined);
}
export function isWqKey(k: KeyName): k is WqKey {
  return WQ_SET.has(k);
}
export function isInterfaceWgKey(k: KeyName): boolean {
  return INTERFACE_SET.has(k);
}
export function isPeerKey(k: KeyName): boolean {
  return PEER_SET.has(k);
}
export function allKeyNames(): readonly KeyName[] {
  return ALL;
}

/**
 * Where an entry sits relative to what its section takes:
 * - ok: a key this section takes (wg's key, or a wg-quick key wg-quick strips)
 * - no-section: before any header ("Line unrecognized" in wg)
 * - unknown-section: under a header wg does not know (reported once, on the header)
 * - wrong-section: a `wg` key of the other section
 * - wg-quick-in-peer: a wg-quick key in [Peer] (wg-quick leaves it, wg rejects it)
 * - wg-quick-unstripped: a wg-quick key under an [Interface] header wg-quick does not
 *   recognise (`[ Interface ]`), so it reaches wg (reported once, on the header: WQ02)
 * - unknown: no such key
 */
export type Placement = 'ok' | 'no-section' | 'unknown-section' | 'wrong-section' | 'wg-quick-in-peer' | 'wg-quick-unstripped' | 'unknown';

export type SectionKind = 'interface' | 'peer' | 'unknown';

export interface Section {
  readonly kind: SectionKind;
  readonly headerLine: number;
  /** Columns of the trimmed header text (`[Interface]`), before any comment. */
  readonly headerStart: number;
  readonly headerEnd: number;
  readonly headerText: string;
  /** wg-quick recognises this header as [Interface] (exact text after trimming, any case). */
  readonly wgQuickInterface: boolean;
  readonly entries: Entry[];
  /** Last line that belongs to the section (up to the next header or the end). */
  lastLine: number;
  /** Last line of the section holding an entry, or the header line. */
  lastContentLine: number;
  /** The entry wg or wg-quick would use for a single-value key here: the last usable-placement one. */
  effective(name: KeyName): Entry | undefined;
}

export interface Entry {
  readonly line: number;
  /** The key as written, trimmed (the whole trimmed content when there is no `=`). */
  readonly key: string;
  /** The key with all whitespace removed, as wg matches it. */
  readonly compactKey: string;
  readonly name: KeyName | undefined;
  readonly placement: Placement;
  readonly hasEquals: boolean;
  /** The value as written, trimmed; '' when there is no `=`. */
  readonly value: string;
  /** The value with ASCII whitespace removed: what wg parses. */
  readonly compactValue: string;
  /** There is a value (compactValue is not ''), known without building compactValue. */
  readonly hasValue: boolean;
  /** The value holds a `;` (wg takes it as part of the value, not as a comment). */
  readonly valueHasSemicolon: boolean;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Trimmed content before any comment. */
  readonly contentStart: number;
  readonly contentEnd: number;
  /** Column of the `#` that starts the comment, or -1. */
  readonly commentStart: number;
  readonly section: Section | undefined;
  /** wg-quick removes this line before handing the text to wg. */
  readonly consumedByWgQuick: boolean;
  /**
   * An entry whose value the value rules should judge (other rules report the rest): placed
   * where it belongs, with `=` and a value, and for wg's keys no `;` (that gets one WG02
   * finding instead of a value error).
   */
  readonly usable: boolean;
}

export interface Parsed {
  readonly sections: Section[];
  readonly interfaces: Section[];
  readonly peers: Section[];
  /** Entries before the first header. */
  readonly preamble: Entry[];
  readonly entries: Entry[];
  /** Lines that end in a lone CR (wg and wg-quick read up to \n only). */
  readonly loneCrLines: number[];
  /** The line terminator to use for inserted lines. */
  readonly eol: string;
  /** Column where content starts on line 0 (1 after a BOM). */
  readonly firstColumn: number;
}
