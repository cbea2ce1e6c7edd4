/**
 * Work shared by several rule families, done once per lint: every AllowedIPs entry parsed,
 * each peer's valid PublicKey. Kept lean: a 10,000-peer server has 20,000 prefixes, so no
 * per-item objects beyond the parsed prefix itself.
 */
import { type Prefix, type PrefixProblem, formatIp, isPrefix, parseAllowedIpAt } from '../addresses';
import { checkKey } from '../keys';
import type { Entry, Parsed } from '../model';
import { effectiveIn, isSpace } from '../parser';
import type { SourceLines } from '../../text';
import { usable } from './context';

/**
 * One valid AllowedIPs prefix of one peer, kept small (a big server has tens of thousands):
 * the masked prefix is only its key.
 */
export interface AllowedIpOcc {
  readonly peer: number;
  readonly entry: Entry;
  /** Columns of the item (trimmed) in its line. */
  readonly start: number;
  readonly end: number;
  readonly family: 4 | 6;
  readonly cidr: number;
  /**
   * The masked prefix. IPv4: network * 64 + length (a number); IPv6: 8 UTF-16 units, one per
   * 16-bit group, then one for the length. Either way the natural order is network, length.
   */
  readonly key: number | string;
}

/** An AllowedIPs item that is not a clean prefix (a problem, or host bits set). */
export interface AllowedIpIssue {
  readonly entry: Entry;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly result: Prefix | PrefixProblem;
}

export class Memo {
  private occs?: AllowedIpOcc[];
  private issues?: AllowedIpIssue[];
  private pks?: (Entry | undefined)[];
  constructor(
    private readonly src: SourceLines,
    private readonly parsed: Parsed,
  ) {}

  /** Each peer's effective PublicKey entry when it is a valid key, by peer index. */
  peerKeys(): (Entry | undefined)[] {
    if (this.pks) return this.pks;
    this.pks = this.parsed.peers.map((p) => {
      const e = effectiveIn(p, 'PublicKey');
      return e && usable(e) && !checkKey(e.compactValue) ? e : undefined;
    });
    return this.pks;
  }

  occurrences(): AllowedIpOcc[] {
    if (!this.occs) this.scan();
    return this.occs!;
  }

  allowedIpIssues(): AllowedIpIssue[] {
    if (!this.issues) this.scan();
    return this.issues!;
  }

  private scan(): void {
    const occs: AllowedIpOcc[] = [];
    const issues: AllowedIpIssue[] = [];
    const peers = this.parsed.peers;
    for (let i = 0; i < peers.length; i++) {
      for (const e of peers[i].entries) {
        if (e.name !== 'AllowedIPs' || !usable(e)) continue;
        const line = this.src.lines[e.line];
        let from = e.valueStart;
        for (;;) {
          let comma = line.indexOf(',', from);
          if (comma < 0 || comma > e.valueEnd) comma = e.valueEnd;
          let a = from;
          while (a < comma && isSpace(line.charCodeAt(a))) a++;
          let b = comma;
          while (b > a && isSpace(line.charCodeAt(b - 1))) b--;
          const p = parseAllowedIpAt(line, a, b);
          if (isPrefix(p)) occs.push(occurrence(i, e, a, b, p));
          if (!isPrefix(p) || p.hostBits) issues.push({ entry: e, start: a, end: b, text: line.slice(a, b), result: p });
          if (comma >= e.valueEnd) break;
          from = comma + 1;
        }
      }
    }
    this.occs = occs;
    this.issues = issues;
  }
}

function occurrence(peer: number, entry: Entry, start: number, end: number, p: Prefix): AllowedIpOcc {
  const b = p.network.bytes;
  const family = p.ip.family;
  const key =
    family === 4
      ? (b[0] * 16777216 + b[1] * 65536 + b[2] * 256 + b[3]) * 64 + p.cidr
      : String.fromCharCode((b[0] << 8) | b[1], (b[2] << 8) | b[3], (b[4] << 8) | b[5], (b[6] << 8) | b[7], (b[8] << 8) | b[9], (b[10] << 8) | b[11], (b[12] << 8) | b[13], (b[14] << 8) | b[15], p.cidr);
  return { peer, entry, start, end, family, cidr: p.cidr, key };
}

/** Sort order: IPv4 before IPv6, then network, then length. */
export function compareOcc(a: AllowedIpOcc, b: AllowedIpOcc): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.family === 4) return (a.key as number) - (b.key as number);
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Does the prefix of `outer` contain that of `inner`? */
export function occContains(outer: AllowedIpOcc, inner: AllowedIpOcc): boolean {
  if (outer.family !== inner.family || outer.cidr > inner.cidr) return false;
  if (outer.cidr === 0) return true;
  if (outer.family === 4) {
    const div = 2 ** (32 - outer.cidr);
    return Math.floor((outer.key as number) / 64 / div) === Math.floor((inner.key as number) / 64 / div);
  }
  const a = outer.key as string;
  const b = inner.key as string;
  let bits = outer.cidr;
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((a.charCodeAt(i) & mask) !== (b.charCodeAt(i) & mask)) return false;
  }
  return true;
}

/** The masked prefix as text (`10.0.0.0/24`, `fd00::/64`). */
export function occText(o: AllowedIpOcc): string {
  if (o.family === 4) {
    const n = Math.floor((o.key as number) / 64);
    return `${formatIp({ family: 4, bytes: [Math.floor(n / 16777216) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255] })}/${o.cidr}`;
  }
  const k = o.key as string;
  const bytes: number[] = [];
  for (let i = 0; i < 8; i++) bytes.push(k.charCodeAt(i) >> 8, k.charCodeAt(i) & 255);
  return `${formatIp({ family: 6, bytes })}/${o.cidr}`;
}
