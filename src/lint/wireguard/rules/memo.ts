/**
 * Work shared by several rule families, done once per lint: every AllowedIPs entry parsed,
 * each peer's valid PublicKey. Kept lean: a 10,000-peer server has 20,000 prefixes, so they
 * are kept as columns, not as an object each.
 */
import type { Range } from '../../types';
import { type Family, type Prefix, type PrefixProblem, PrefixReader, formatIp, isPrefix, parseAllowedIpAt } from '../addresses';
import { range } from '../findings';
import { checkKey } from '../keys';
import type { Entry, Parsed } from '../model';
import { CommaItems } from '../parser';
import type { TextLines } from '../lines';

/** Per item in AllowedIpTable.keys: the family, the length, then 8 16-bit groups of the network. */
const KEY_UNITS = 10;

/** `to` (a larger array) with `from` copied to its start. */
function copied<T extends Int32Array | Uint16Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Every valid AllowedIPs prefix of every peer, in file order, in typed arrays: a 10,000-peer
 * server has 20,000, and as objects (or key strings) they would be megabytes for the garbage
 * collector to copy on every lint. Item i is in peer(i), entry[i], at start(i)..end(i).
 */
export class AllowedIpTable {
  length = 0;
  readonly entry: Entry[] = [];
  private peers = new Int32Array(256);
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  /**
   * The masked prefix, KEY_UNITS per item: family, length, then the network's 16-bit groups
   * (2 for IPv4, zero-padded). Comparing them in order sorts by network, then length.
   */
  private keys = new Uint16Array(256 * KEY_UNITS);

  /** `b`: the masked network's bytes. */
  add(peer: number, entry: Entry, start: number, end: number, family: Family, b: readonly number[], cidr: number): void {
    if (this.length === this.peers.length) this.grow();
    const i = this.length++;
    this.entry.push(entry);
    this.peers[i] = peer;
    this.starts[i] = start;
    this.ends[i] = end;
    const k = i * KEY_UNITS;
    this.keys[k] = family;
    this.keys[k + 1] = cidr;
    for (let g = 0; g < b.length / 2; g++) this.keys[k + 2 + g] = (b[2 * g] << 8) | b[2 * g + 1];
  }

  private grow(): void {
    const n = this.peers.length * 2;
    this.peers = copied(this.peers, new Int32Array(n));
    this.starts = copied(this.starts, new Int32Array(n));
    this.ends = copied(this.ends, new Int32Array(n));
    this.keys = copied(this.keys, new Uint16Array(n * KEY_UNITS));
  }

  /** Index of the peer (in Parsed.peers). */
  peer(i: number): number {
    return this.peers[i];
  }
  start(i: number): number {
    return this.starts[i];
  }
  end(i: number): number {
    return this.ends[i];
  }
  family(i: number): Family {
    return this.keys[i * KEY_UNITS] === 4 ? 4 : 6;
  }
  cidr(i: number): number {
    return this.keys[i * KEY_UNITS + 1];
  }

  range(i: number): Range {
    return range(this.entry[i].line, this.starts[i], this.ends[i]);
  }

  /** A 31-bit hash of item i's prefix (for sameKeyIndex). */
  hash(i: number): number {
    let h = 0x811c9dc5;
    for (let u = i * KEY_UNITS; u < (i + 1) * KEY_UNITS; u++) h = Math.imul(h ^ this.keys[u], 0x01000193);
    return (h ^ (h >>> 15)) & 0x7fffffff;
  }

  /** Do items i and j have the same prefix? */
  sameKey(i: number, j: number): boolean {
    for (let u = 0; u < KEY_UNITS; u++) if (this.keys[i * KEY_UNITS + u] !== this.keys[j * KEY_UNITS + u]) return false;
    return true;
  }

  /** Sort order: IPv4 before IPv6, then network, then length. */
  compare(i: number, j: number): number {
    const a = i * KEY_UNITS;
    const b = j * KEY_UNITS;
    if (this.keys[a] !== this.keys[b]) return this.keys[a] - this.keys[b];
    for (let g = 2; g < KEY_UNITS; g++) if (this.keys[a + g] !== this.keys[b + g]) return this.keys[a + g] - this.keys[b + g];
    return this.keys[a + 1] - this.keys[b + 1];
  }

  /** Does the prefix of item `outer` contain that of item `inner`? */
  contains(outer: number, inner: number): boolean {
    let bits = this.cidr(outer);
    if (this.family(outer) !== this.family(inner) || bits > this.cidr(inner)) return false;
    for (let g = 2; bits > 0; g++, bits -= 16) {
      const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
      if ((this.keys[outer * KEY_UNITS + g] & mask) !== (this.keys[inner * KEY_UNITS + g] & mask)) return false;
    }
    return true;
  }

  /** The masked network's bytes (4 or 16). */
  bytes(i: number): number[] {
    const bytes: number[] = [];
    for (let g = 0; g < (this.family(i) === 4 ? 2 : 8); g++) {
      const unit = this.keys[i * KEY_UNITS + 2 + g];
      bytes.push(unit >> 8, unit & 255);
    }
    return bytes;
  }

  /** The masked prefix as text (`10.0.0.0/24`, `fd00::/64`). */
  text(i: number): string {
    return `${formatIp({ family: this.family(i), bytes: this.bytes(i) })}/${this.cidr(i)}`;
  }
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
  /** Filled by scan(), on first use. */
  private readonly table = new AllowedIpTable();
  private readonly issues: AllowedIpIssue[] = [];
  private scanned = false;
  private pks?: (Entry | undefined)[];
  /** By line: 1 = the entry's value is a valid key, 0 = it is not, -1 = not checked yet. */
  private readonly keyChecked: Int8Array;
  constructor(
    private readonly src: TextLines,
    private readonly parsed: Parsed,
  ) {
    this.keyChecked = new Int8Array(src.count).fill(-1);
  }

  /** checkKey(e.compactValue) finds nothing; remembered, as two rule families ask for every key. */
  validKey(e: Entry): boolean {
    if (this.keyChecked[e.line] < 0) this.keyChecked[e.line] = checkKey(e.compactValue) ? 0 : 1;
    return this.keyChecked[e.line] === 1;
  }

  /** Each peer's effective PublicKey entry when it is a valid key, by peer index. */
  peerKeys(): (Entry | undefined)[] {
    if (this.pks) return this.pks;
    this.pks = this.parsed.peers.map((p) => {
      const e = p.effective('PublicKey');
      return e && e.usable && this.validKey(e) ? e : undefined;
    });
    return this.pks;
  }

  /** Every valid AllowedIPs prefix of every peer. */
  allowedIps(): AllowedIpTable {
    if (!this.scanned) this.scan();
    return this.table;
  }

  allowedIpIssues(): AllowedIpIssue[] {
    if (!this.scanned) this.scan();
    return this.issues;
  }

  private scan(): void {
    this.scanned = true;
    const peers = this.parsed.peers;
    const items = new CommaItems();
    const reader = new PrefixReader();
    for (let i = 0; i < peers.length; i++) {
      const entries = peers[i].entries;
      for (let k = 0; k < entries.length; k++) {
        const e = entries[k];
        if (e.name === 'AllowedIPs' && e.usable) this.scanEntry(i, e, items, reader);
      }
    }
  }

  /** `items` and `reader`: reused for every entry (nothing allocated per item). */
  private scanEntry(peer: number, e: Entry, items: CommaItems, reader: PrefixReader): void {
    const line = this.src.line(e.line);
    items.reset(line, e);
    while (items.next()) {
      const a = items.start;
      const b = items.end;
      if (reader.read(line, a, b)) {
        this.table.add(peer, e, a, b, reader.family, reader.bytes, reader.cidr);
        continue;
      }
      // Rare: a problem, host bits, or spaces inside the item.
      const p = parseAllowedIpAt(line, a, b);
      if (isPrefix(p)) this.table.add(peer, e, a, b, p.ip.family, p.network.bytes, p.cidr);
      if (!isPrefix(p) || p.hostBits) this.issues.push({ entry: e, start: a, end: b, text: line.slice(a, b), result: p });
    }
  }
}
