/**
 * What to offer at a position: section headers, keys, option names, inline blocks and common
 * values. Pure: the editor turns the result into completion items. Context comes from the
 * linter's own parsers (the WireGuard section the line belongs to; whether an OpenVPN line sits in
 * a `<connection>` or inside a data block). Nothing from the user's text is put in an item.
 */
import { OPTIONS, STANDALONE } from '../openvpn/options';
import { parseConfig } from '../openvpn/parser';
import { tokenizeLine } from '../openvpn/tokenizer';
import { splitLines } from '../text';
import type { ConfigFormat, Position } from '../types';
import { INTERFACE_WG_KEYS, MULTI_KEYS, PEER_KEYS, WQ_KEYS, keyByName, type KeyName } from '../wireguard/model';
import { parseWireGuard, removeSpaces } from '../wireguard/parser';
import { OPENVPN_DOCS } from './openvpnOptions';
import { lineEndOffset, lineStarts } from './position';
import { openVpnValues, wireGuardValues, type ValueSuggestion } from './values';
import { WIREGUARD_HEADERS } from './wireguardKeys';

export type CompletionKind = 'section' | 'key' | 'option' | 'block' | 'closing-tag' | 'value';

export interface CompletionSpec {
  readonly label: string;
  /** Snippet syntax (`$0`, `${1:…}`); literal text is escaped. */
  readonly insertText: string;
  readonly kind: CompletionKind;
  /** The documented name whose doc goes with the item (same format as the request). */
  readonly doc?: string;
  /** A few words: what a value means. */
  readonly detail?: string;
  readonly sortText?: string;
  readonly filterText?: string;
  readonly deprecated?: boolean;
  /** Open the suggestions again after inserting (values follow). */
  readonly retrigger?: boolean;
}

export interface CompletionResult {
  readonly items: readonly CompletionSpec[];
  /** The text the items replace: [start, end) columns on `line`. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

/** Literal text inside a snippet. */
export function snippetEscape(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

const SECRET_KEYS: ReadonlySet<KeyName> = new Set<KeyName>(['PrivateKey', 'PublicKey', 'PresharedKey']);
/** wg-quick word-splits these at commas; wg splits AllowedIPs at commas. */
const LIST_KEYS: ReadonlySet<KeyName> = new Set<KeyName>(['AllowedIPs', 'Address', 'DNS']);

function valueItems(values: readonly ValueSuggestion[], doc: string, leadingSpace: boolean): CompletionSpec[] {
  return values.map((v, i) => ({
    label: v.value,
    insertText: (leadingSpace ? ' ' : '') + snippetEscape(v.value),
    kind: 'value' as const,
    doc,
    detail: v.detail,
    sortText: String(i).padStart(3, '0'),
    filterText: v.value,
  }));
}

// ---------------------------------------------------------------- WireGuard

function wireGuardCompletions(text: string, position: Position, trigger: string | undefined): CompletionResult | undefined {
  const src = splitLines(text);
  const line = position.line;
  const lineText = src.lines[line];
  if (lineText === undefined) return undefined;
  const col = Math.min(Math.max(0, position.column), lineText.length);
  const before = lineText.slice(0, col);
  const after = lineText.slice(col);
  if (before.includes('#')) return undefined;
  const parsed = parseWireGuard(src);

  // A header being typed: `[`, `[Pe`.
  const header = /^(\s*)\[[^\]=]*$/.exec(before);
  if (header) {
    if (trigger === ' ' || trigger === '=') return undefined;
    const start = header[1].length;
    const end = col + (/^[A-Za-z ]*\]?/.exec(after)?.[0].length ?? 0);
    return { line, start, end, items: headerItems(parsed.interfaces.some((s) => s.headerLine !== line)) };
  }
  if (trigger === '[') return undefined;

  const eq = before.indexOf('=');
  if (eq < 0) {
    // A key being typed at the start of a line.
    const word = /^(\s*)([A-Za-z]*)$/.exec(before);
    if (!word || trigger === ' ' || trigger === '=') return undefined;
    const start = word[1].length;
    const tail = /^[A-Za-z]*/.exec(after)?.[0] ?? '';
    const end = col + tail.length;
    const hasEquals = /^\s*=/.test(after.slice(tail.length));
    let section = undefined as (typeof parsed.sections)[number] | undefined;
    for (const s of parsed.sections) if (s.headerLine < line) section = s;
    const items: CompletionSpec[] = [];
    if (section && section.kind !== 'unknown') {
      const keys: readonly KeyName[] = section.kind === 'interface' ? [...INTERFACE_WG_KEYS, ...WQ_KEYS] : PEER_KEYS;
      const present = new Set(section.entries.filter((e) => e.line !== line && e.placement === 'ok' && e.name).map((e) => e.name as KeyName));
      keys.forEach((k, i) => {
        if (present.has(k) && !MULTI_KEYS.has(k)) return;
        const hasValues = wireGuardValues(k).length > 0;
        items.push({
          label: k,
          insertText: hasEquals ? k : `${k} = $0`,
          kind: 'key',
          doc: k,
          sortText: `0${String(i).padStart(2, '0')}`,
          retrigger: !hasEquals && hasValues,
        });
      });
    }
    if (!hasEquals && after.trim() === '') items.push(...headerItems(parsed.interfaces.some((s) => s.headerLine !== line)).map((h) => ({ ...h, filterText: h.label.slice(1, -1) })));
    return items.length ? { line, start, end, items } : undefined;
  }

  // A value: `Key = …` (for lists, the item after the last comma).
  const name = keyByName(removeSpaces(before.slice(0, eq)));
  if (!name || SECRET_KEYS.has(name)) return undefined;
  const values = wireGuardValues(name);
  if (!values.length) return undefined;
  let itemStart = eq + 1;
  if (LIST_KEYS.has(name)) {
    const comma = before.lastIndexOf(',');
    if (comma > eq) itemStart = comma + 1;
  }
  while (itemStart < col && /\s/.test(before[itemStart])) itemStart++;
  const typed = before.slice(itemStart);
  if ((trigger === ' ' || trigger === '=') && typed !== '') return undefined;
  const rest = (LIST_KEYS.has(name) ? /^[^,#]*/ : /^[^#]*/).exec(after)?.[0] ?? '';
  // trimEnd, not replace(/\s+$/): that regex is quadratic on a long run of blanks before text.
  const end = col + rest.trimEnd().length;
  const leadingSpace = itemStart === eq + 1 && col === eq + 1;
  return { line, start: itemStart, end, items: valueItems(values, name, leadingSpace) };
}

function headerItems(hasInterface: boolean): CompletionSpec[] {
  return WIREGUARD_HEADERS.filter((h) => h !== '[Interface]' || !hasInterface).map((h, i) => ({
    label: h,
    insertText: h,
    kind: 'section' as const,
    doc: h,
    sortText: `1${i}`,
    filterText: h,
  }));
}

// ---------------------------------------------------------------- OpenVPN

/** The options people write most; they sort first. */
const COMMON = new Set([
  'client', 'dev', 'proto', 'remote', 'resolv-retry', 'nobind', 'persist-key', 'persist-tun', 'remote-cert-tls', 'verify-x509-name',
  'ca', 'cert', 'key', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'key-direction', 'data-ciphers', 'cipher', 'auth', 'verb', 'mute',
  'keepalive', 'port', 'server', 'server-ipv6', 'topology', 'push', 'route', 'ifconfig-pool-persist', 'client-config-dir',
  'client-to-client', 'explicit-exit-notify', 'status', 'log', 'log-append', 'user', 'group', 'dh', 'auth-user-pass', 'auth-nocache',
  'redirect-gateway', 'dhcp-option', 'dns', 'tun-mtu', 'mssfix', 'fragment', 'connect-retry', 'connect-retry-max', 'remote-random',
  'http-proxy', 'socks-proxy', 'float', 'lport', 'rport', 'bind', 'local', 'management', 'script-security', 'up', 'down', 'pull-filter',
  'allow-compression', 'tls-version-min', 'pkcs12', 'crl-verify', 'peer-fingerprint', 'ping', 'ping-restart', 'sndbuf', 'rcvbuf',
]);

/** Accepted in a config file, but only the server sets them or they are for debugging. */
const NOT_OFFERED = new Set(['peer-id', 'key-derivation', 'protocol-flags', 'auth-token', 'auth-token-user', 'push-continuation']);

function offeredOption(name: string, inConnection: boolean): boolean {
  const spec = OPTIONS.get(name);
  if (!spec || spec.windowsOnly || spec.buildDependent || spec.scope !== 'config') return false;
  if (STANDALONE.has(name) || NOT_OFFERED.has(name)) return false;
  if (inConnection) return spec.connection && name !== 'connection';
  return true;
}

interface OpenVpnContext {
  /** Inside `<connection>`: only connection-level options apply. */
  readonly inConnection: boolean;
  /** Inside a data block (`<ca>` …): the tag, so only `</tag>` is offered. */
  readonly openData?: string;
}

/** Where the line starting at `lineStart` sits, from the options before it. */
function openVpnContext(text: string, lineStart: number): OpenVpnContext {
  const head = parseConfig(text.slice(0, lineStart));
  const open = head.issues.find((i) => i.kind === 'missing-end-tag' && i.context === 'main');
  if (!open || open.kind !== 'missing-end-tag') return { inConnection: false };
  if (open.tag !== 'connection') return { inConnection: false, openData: open.tag };
  // Inside an unfinished <connection> (the parser stops there): maybe inside a block within it.
  const nl = text.indexOf('\n', open.end);
  if (nl < 0 || nl + 1 > lineStart) return { inConnection: true };
  const inner = parseConfig(text.slice(nl + 1, lineStart));
  const innerOpen = inner.issues.find((i) => i.kind === 'missing-end-tag');
  return innerOpen && innerOpen.kind === 'missing-end-tag' ? { inConnection: true, openData: innerOpen.tag } : { inConnection: true };
}

function optionItems(ctx: OpenVpnContext, bare: boolean): CompletionSpec[] {
  const items: CompletionSpec[] = [];
  for (const [name, spec] of OPTIONS) {
    if (!offeredOption(name, ctx.inConnection)) continue;
    const doc = OPENVPN_DOCS.get(name);
    const deprecated = doc?.deprecated === true;
    const takesParams = spec.min > 0;
    items.push({
      label: name,
      insertText: bare || !takesParams ? name : `${name} $0`,
      kind: 'option',
      doc: name,
      sortText: `${deprecated ? 2 : COMMON.has(name) ? 0 : 1}${name}`,
      deprecated,
      retrigger: !bare && takesParams && openVpnValues(name, 1).length > 0,
    });
  }
  return items;
}

function blockItems(ctx: OpenVpnContext, typedAngle: boolean): CompletionSpec[] {
  const items: CompletionSpec[] = [];
  for (const [name, spec] of OPTIONS) {
    if (!spec.inline || !offeredOption(name, ctx.inConnection)) continue;
    items.push({
      label: `<${name}>`,
      insertText: `<${name}>\n$0\n</${name}>`,
      kind: 'block',
      doc: name,
      sortText: `${COMMON.has(name) || name === 'connection' ? 0 : 1}${name}~`,
      filterText: typedAngle ? `<${name}>` : name,
      deprecated: OPENVPN_DOCS.get(name)?.deprecated === true,
    });
  }
  return items;
}

function openVpnCompletions(text: string, position: Position, trigger: string | undefined): CompletionResult | undefined {
  const starts = lineStarts(text);
  const line = position.line;
  if (line < 0 || line >= starts.length) return undefined;
  const lineStart = starts[line];
  const lineText = text.slice(lineStart, lineEndOffset(text, starts, line));
  const col = Math.min(Math.max(0, position.column), lineText.length);
  const before = lineText.slice(0, col);
  const after = lineText.slice(col);
  const tail = /^\S*/.exec(after)?.[0] ?? '';
  const ctx = openVpnContext(text, lineStart);

  const tl = tokenizeLine(before, 0, before.length, false);
  if (tl.error || tl.commentStart >= 0) return undefined;
  const tokens = tl.tokens;
  const endsInSpace = before.length > 0 && /\s$/.test(before);
  const typingFirst = tokens.length === 0 || (tokens.length === 1 && !endsInSpace);

  if (ctx.openData) {
    // Inside `<ca>` … : the only thing to offer is the closing tag, at the start of a line.
    if (!typingFirst || (tokens[0] && !tokens[0].text.startsWith('<'))) return undefined;
    if (tail !== '' && !tail.startsWith('<')) return undefined;
    const start = tokens[0]?.start ?? col;
    const tag = `</${ctx.openData}>`;
    return { line, start, end: col + tail.length, items: [{ label: tag, insertText: tag, kind: 'closing-tag', doc: ctx.openData, filterText: tag }] };
  }

  if (typingFirst) {
    if (trigger === ' ' || trigger === '=') return undefined;
    const word = tokens[0]?.text ?? '';
    const wordStart = tokens[0]?.start ?? col;
    const end = col + tail.length;
    const bare = after.trim() !== '' && after.trim() !== tail;
    if (word.startsWith('--')) {
      if (trigger === '<') return undefined;
      return { line, start: wordStart + 2, end, items: optionItems(ctx, bare) };
    }
    if (word.startsWith('<')) return bare ? undefined : { line, start: wordStart, end, items: blockItems(ctx, true) };
    if (trigger === '<') return undefined;
    const items = optionItems(ctx, bare);
    if (!bare) items.push(...blockItems(ctx, false));
    return { line, start: wordStart, end, items };
  }

  // A parameter of a known option.
  if (trigger === '<' || trigger === '=') return undefined;
  if (trigger === ' ' && !endsInSpace) return undefined;
  let name = tokens[0].text;
  if (name.startsWith('--') && name.length > 2) name = name.slice(2);
  if (!OPTIONS.has(name)) return undefined;
  const index = endsInSpace ? tokens.length : tokens.length - 1;
  const values = openVpnValues(name, index);
  if (!values.length) return undefined;
  const start = endsInSpace ? col : tokens[tokens.length - 1].start;
  return { line, start, end: col + tail.length, items: valueItems(values, name, false) };
}

/**
 * Completions at `position` (0-based line, UTF-16 column). `trigger` is the character that opened
 * the list when it was typed (`[`, ` `, `=`, `<`); then only what fits right after that character
 * is offered, so typing a space or `=` elsewhere stays quiet.
 */
export function completionsAt(text: string, format: ConfigFormat, position: Position, trigger?: string): CompletionResult | undefined {
  return format === 'wireguard' ? wireGuardCompletions(text, position, trigger) : openVpnCompletions(text, position, trigger);
}
