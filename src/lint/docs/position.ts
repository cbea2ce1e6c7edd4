/**
 * Which documented name sits at a position, found with the linter's own parsers, so hover agrees
 * with what `wg` / `openvpn` read. Only a name and its range come back, never a value.
 */
import { parseConfig } from '../openvpn/parser';
import { splitLines, type SourceLines } from '../text';
import type { ConfigFormat, Position, Range } from '../types';
import { parseWireGuard } from '../wireguard/parser';
import { openVpnDoc } from './openvpnOptions';
import { wireGuardDoc } from './wireguardKeys';

export interface DocTarget {
  readonly format: ConfigFormat;
  /** The documented name: a WireGuard key or header, or an OpenVPN option. */
  readonly name: string;
  /** Where the name is written (a key, a header, an option name, an inline tag). */
  readonly range: Range;
}

/** Editor line starts (lines end at \r\n, \n or a lone \r, as in ../text). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Offset of the end of line `line`'s content (before its terminator). */
export function lineEndOffset(text: string, starts: readonly number[], line: number): number {
  let end = line + 1 < starts.length ? starts[line + 1] : text.length;
  if (end > starts[line] && text.charCodeAt(end - 1) === 10) end--;
  if (end > starts[line] && text.charCodeAt(end - 1) === 13) end--;
  return end;
}

function oneLine(text: string, line: number): SourceLines {
  return { lines: [text], eols: [''], hasBom: line === 0 && text.startsWith('\uFEFF') };
}

function wireGuardTarget(lineText: string, line: number, column: number): DocTarget | undefined {
  // A key and a header are recognised from their own line; the section does not matter here.
  const parsed = parseWireGuard(oneLine(lineText, line));
  const section = parsed.sections[0];
  if (section && section.kind !== 'unknown' && column >= section.headerStart && column < section.headerEnd) {
    const name = section.kind === 'interface' ? '[Interface]' : '[Peer]';
    return { format: 'wireguard', name, range: { start: { line, column: section.headerStart }, end: { line, column: section.headerEnd } } };
  }
  const entry = parsed.entries[0];
  if (entry?.name && column >= entry.keyStart && column < entry.keyEnd && wireGuardDoc(entry.name)) {
    return { format: 'wireguard', name: entry.name, range: { start: { line, column: entry.keyStart }, end: { line, column: entry.keyEnd } } };
  }
  return undefined;
}

function openVpnTarget(text: string, position: Position): DocTarget | undefined {
  const starts = lineStarts(text);
  if (position.line < 0 || position.line >= starts.length) return undefined;
  const lineStart = starts[position.line];
  const lineEnd = lineEndOffset(text, starts, position.line);
  const offset = lineStart + Math.min(Math.max(0, position.column), lineEnd - lineStart);
  const at = (start: number, end: number, name: string): DocTarget | undefined =>
    openVpnDoc(name)
      ? { format: 'openvpn', name, range: { start: { line: position.line, column: start - lineStart }, end: { line: position.line, column: end - lineStart } } }
      : undefined;
  for (const d of parseConfig(text).directives) {
    if (d.lineEnd < lineStart || d.lineStart > lineEnd) {
      // An inline block's closing tag lies beyond its first line.
      if (!(d.inline && d.inline.closeStart >= lineStart && d.inline.closeStart <= lineEnd)) continue;
    }
    const t = d.nameToken;
    // `--name`: the dashes belong to the name as written.
    const dashes = !d.inline && t.quote === 0 && t.start >= 2 && text.startsWith('--', t.start - 2) && !d.setenvOpt ? 2 : 0;
    if (offset >= t.start - dashes && offset < t.end) return at(t.start - dashes, t.end, d.name);
    if (d.inline && d.inline.closeStart >= 0 && offset >= d.inline.closeStart && offset < d.inline.closeEnd) {
      return at(d.inline.closeStart, d.inline.closeEnd, d.name);
    }
  }
  return undefined;
}

/**
 * The documented key, header or option at `position` (0-based line and UTF-16 column), if any.
 * WireGuard: a key before its `=`, or a section header. OpenVPN: an option name (with or without
 * `--`), an inline block's `<tag>` or `</tag>`; never text inside a block.
 */
export function docTargetAt(text: string, format: ConfigFormat, position: Position): DocTarget | undefined {
  if (format === 'wireguard') {
    const { lines } = splitLines(text);
    const lineText = lines[position.line];
    if (lineText === undefined) return undefined;
    return wireGuardTarget(lineText, position.line, position.column);
  }
  return openVpnTarget(text, position);
}
