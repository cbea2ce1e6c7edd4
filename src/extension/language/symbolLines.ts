/**
 * The line patterns the outline reads, and the WireGuard outline itself, kept free of vscode so
 * they can be tested on hostile lines. No pattern here backtracks: a lazy group next to `\s*`
 * (as in `\[\s*(.*?)\s*\]`) costs quadratic time on a long run of blanks, so blanks are trimmed
 * in code instead. Every pattern is anchored and linear in the line; what is shown is cut to
 * MAX_NAME characters, so a 60 MB line gives a short name.
 */

/** How much of a text displayName cleans: far more than a name needs. */
const LOOK_AT = 4096;
/** Longest name shown in the outline (the rest ends in "…"). */
export const MAX_NAME = 60;

function head(line: string): string {
  return line.length > LOOK_AT ? line.slice(0, LOOK_AT) : line;
}

/** `[Name]` at the start of a line (blanks allowed around the name): the name, trimmed. */
export function sectionHeaderName(line: string): string | undefined {
  const m = /^\s*\[([^\]#]*)\]/.exec(line);
  return m ? m[1].trim() : undefined;
}

/** The text of a `#` comment line, trimmed ('' for an empty comment). */
export function commentText(line: string): string | undefined {
  const m = /^\s*#+([^]*)$/.exec(line);
  return m ? m[1].trim() : undefined;
}

/**
 * Text fit to show as a name: control characters (terminal escapes, line breaks) and bidi
 * overrides removed, blanks collapsed, at most MAX_NAME characters. '' when nothing is left.
 */
export function displayName(text: string): string {
  // Whole escape sequences first (OSC `ESC ] … BEL`, CSI `ESC [ … m`), so no stray `[31m` stays;
  // then any control character left.
  // eslint-disable-next-line no-control-regex
  const clean = head(text).replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b\[[0-?]*[ -/]*[@-~]?/g, '').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
  if (clean.length <= MAX_NAME) return clean;
  // Do not cut a surrogate pair in half.
  let end = MAX_NAME - 1;
  if (/[\ud800-\udbff]/.test(clean[end - 1])) end--;
  return `${clean.slice(0, end).trimEnd()}…`;
}

/**
 * A comment that names what follows: not empty, not a suppression comment
 * (`# natprobe-disable…`), not a commented-out setting (`# PublicKey = …`, which may even
 * carry a key).
 */
export function nameFromComment(line: string): string | undefined {
  const text = commentText(line);
  if (!text) return undefined;
  if (/^natprobe-(?:disable|enable)/i.test(text)) return undefined;
  if (/^[A-Za-z][A-Za-z0-9 ]{0,40}=/.test(text)) return undefined;
  if (/^\[[^\]]*\]$/.test(text)) return undefined;
  return displayName(text) || undefined;
}

/** The host:port of an `Endpoint = …` line, shown as is (it is no secret). */
export function endpointValue(line: string): string | undefined {
  const m = /^\s*Endpoint\s*=\s*([^\s#]+)/i.exec(line);
  return m ? displayName(m[1]) || undefined : undefined;
}

export interface Lines {
  readonly count: number;
  line(i: number): string;
}

export interface OutlineSection {
  readonly kind: 'interface' | 'peer' | 'other';
  /** What the outline shows. */
  readonly name: string;
  /** The smaller text beside it ("Peer 2 · 192.0.2.7:51820"). */
  readonly detail: string;
  /** The header line, and the first and last line of the section (a naming comment above the header belongs to it). */
  readonly header: number;
  readonly start: number;
  readonly end: number;
}

const isBlank = (line: string): boolean => !/\S/.test(line);

/**
 * WireGuard: [Interface] and each [Peer]. A peer is named by a comment, as the README says: the
 * `# comment` line directly above its header, else the first comment line directly under it
 * (before its first key), else by its Endpoint, else "Peer N". Key values are never used.
 */
export function wireGuardOutline(lines: Lines): OutlineSection[] {
  type Open = { kind: OutlineSection['kind']; header: number; start: number; title: string; label?: string; endpoint?: string; inHead: boolean };
  const open: Open[] = [];
  let peers = 0;
  for (let i = 0; i < lines.count; i++) {
    const text = lines.line(i);
    const name = sectionHeaderName(text);
    if (name !== undefined) {
      const lower = name.toLowerCase();
      const kind = lower === 'peer' ? 'peer' : lower === 'interface' ? 'interface' : 'other';
      const above = kind === 'peer' && i > 0 && sectionHeaderName(lines.line(i - 1)) === undefined ? nameFromComment(lines.line(i - 1)) : undefined;
      if (kind === 'peer') peers++;
      open.push({ kind, header: i, start: above ? i - 1 : i, title: kind === 'peer' ? `Peer ${peers}` : `[${displayName(name) || ' '}]`, label: above, inHead: true });
      continue;
    }
    const current = open[open.length - 1];
    if (!current) continue;
    if (current.inHead) {
      // Comment lines right under the header, before the first key: the first naming one counts.
      if (commentText(text) !== undefined) {
        if (current.kind === 'peer' && current.label === undefined) current.label = nameFromComment(text);
        continue;
      }
      current.inHead = false;
    }
    if (current.endpoint === undefined) current.endpoint = endpointValue(text);
  }
  return open.map((s, index) => {
    const next = open[index + 1];
    let end = next ? next.start - 1 : lines.count - 1;
    while (end > s.header && isBlank(lines.line(end))) end--;
    if (s.kind !== 'peer') return { kind: s.kind, name: s.title, detail: '', header: s.header, start: s.start, end };
    const name = s.label ?? s.endpoint ?? s.title;
    const detail = [s.label || s.endpoint ? s.title : undefined, s.label ? s.endpoint : undefined].filter(Boolean).join(' · ');
    return { kind: 'peer', name, detail, header: s.header, start: s.start, end };
  });
}
