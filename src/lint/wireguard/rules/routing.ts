/** WG09 (the same prefix in two peers; nested prefixes) and WG16 (one family's default route only). */
import type { Fix, TextEdit } from '../../types';
import { formatIp, parseInterfaceAddress } from '../addresses';
import { deleteLine, fix, replace } from '../fixes';
import { type AddressBlock, blockInside, nextFreeAddress } from '../nextFreeAddress';
import { ListCache, effective, entriesOf, splitList } from '../parser';
import { type RuleContext, lineText } from './context';
import { sameKeyIndex } from '../sameKey';
import type { AllowedIpTable } from './memo';

/** Removes item `i` from its comma list, or the whole line when it is the only entry. */
function removeItem(ctx: RuleContext, t: AllowedIpTable, i: number, lists: ListCache): TextEdit {
  const entry = t.entry[i];
  const { items, byStart } = lists.get(entry);
  const index = byStart.get(t.start(i)) ?? 0;
  let nonEmpty = 0;
  for (const it of items) if (it.compact.length > 0 && ++nonEmpty > 1) break;
  if (nonEmpty <= 1) return deleteLine(ctx.src, entry.line);
  const it = items[index];
  if (index < items.length - 1) return replace(entry.line, it.start, items[index + 1].start, '');
  return replace(entry.line, items[index - 1].end, it.end, '');
}

/** Two sections (by peer index) are one peer when they are the same section or share a valid PublicKey. */
function samePeer(ctx: RuleContext, a: number, b: number): boolean {
  if (a === b) return true;
  const keys = ctx.memo.peerKeys();
  const ka = keys[a]?.compactValue;
  return ka !== undefined && ka === keys[b]?.compactValue;
}

/** The interface's Address entries that wg-quick gives to the interface, as blocks (10.0.0.1/24). */
function interfaceAddresses(ctx: RuleContext): AddressBlock[] {
  const out: AddressBlock[] = [];
  for (const e of entriesOf(ctx.parsed.interfaces, 'Address')) {
    if (!e.consumedByWgQuick) continue;
    for (const it of splitList(lineText(ctx, e.line), e, true)) {
      const a = parseInterfaceAddress(it.text);
      if ('ip' in a) out.push({ family: a.ip.family, bytes: a.ip.bytes, cidr: a.cidr });
    }
  }
  return out;
}

/**
 * "Give a peer the next free address": for a host route (/32, /128) inside a subnet of the
 * interface's Address, the lowest address of that subnet no Address and no AllowedIPs uses.
 * Computed once per family and subnet per lint (a server with many copied peers has many
 * findings; each fix is applied on its own and the file linted again, so one answer is enough).
 */
class FreeAddresses {
  private addresses?: AddressBlock[];
  private used?: AddressBlock[];
  private readonly cache = new Map<string, string | undefined>();
  constructor(
    private readonly ctx: RuleContext,
    private readonly t: AllowedIpTable,
  ) {}

  /** The prefix to write instead of item i (`10.0.0.4/32`), or undefined. */
  forItem(i: number): string | undefined {
    const t = this.t;
    const family = t.family(i);
    if (t.cidr(i) !== (family === 4 ? 32 : 128)) return undefined;
    const host: AddressBlock = { family, bytes: t.bytes(i), cidr: t.cidr(i) };
    this.addresses ??= interfaceAddresses(this.ctx);
    const subnet = this.addresses.find((a) => blockInside(host, a) && a.cidr < (family === 4 ? 32 : 128));
    if (!subnet) return undefined;
    const key = `${family}/${formatIp(subnet)}/${subnet.cidr}`;
    if (!this.cache.has(key)) {
      this.used ??= [...this.addresses.map((a) => ({ ...a, cidr: a.family === 4 ? 32 : 128 })), ...Array.from({ length: t.length }, (_, k) => ({ family: t.family(k), bytes: t.bytes(k), cidr: t.cidr(k) }))];
      const free = nextFreeAddress(subnet, this.used);
      this.cache.set(key, free ? `${formatIp(free)}/${family === 4 ? 32 : 128}` : undefined);
    }
    return this.cache.get(key);
  }
}

/**
 * WG09 warnings: the same prefix in two peers. wg accepts the file and silently gives the
 * prefix to the later peer (checked with `wg setconf`), so this is a bug in the config but not
 * one the tool refuses: a warning, not an error. Which peer is wrong the file cannot tell (the
 * later one is often a copy of the earlier, but not always), so no fix is preferred: fix-all and
 * `lint --fix` leave it to the author.
 */
function reportSharedPrefixes(ctx: RuleContext, t: AllowedIpTable): void {
  const peers = ctx.parsed.peers;
  const lists = new ListCache(ctx.src);
  const free = new FreeAddresses(ctx, t);
  const last = sameKeyIndex(t.length, (i) => t.hash(i), (i, j) => t.sameKey(i, j), 'last');
  for (let i = 0; i < t.length; i++) {
    const w = last[i];
    if (samePeer(ctx, t.peer(w), t.peer(i)) || ctx.out.wouldDrop()) continue;
    const text = t.text(i);
    const otherLine = peers[t.peer(w)].headerLine + 1;
    const fixes: Fix[] = [];
    const next = free.forItem(i);
    if (next) {
      fixes.push(fix(`Give this peer the next free address, ${next}`, [replace(t.entry[i].line, t.start(i), t.end(i), next)]));
      fixes.push(fix(`Give the peer on line ${otherLine} the next free address, ${next}`, [replace(t.entry[w].line, t.start(w), t.end(w), next)]));
    }
    fixes.push(fix(`Remove ${text} here (where wg ignores it)`, [removeItem(ctx, t, i, lists)]));
    ctx.out.add(
      'WG09',
      'warning',
      `${text} is also in AllowedIPs of the peer on line ${otherLine}: wg gives a prefix to one peer only and silently moves it to that later peer, so this one never gets its traffic; give one of them another address, or remove it from one of them.`,
      t.range(i),
      fixes,
      [{ range: t.range(w), message: `${text} again (this peer gets it)` }],
    );
  }
}

/** Is there a prefix shorter than a host route (other than a default route), i.e. one that can enclose another? */
function hasWidePrefix(t: AllowedIpTable): boolean {
  for (let i = 0; i < t.length; i++) {
    const cidr = t.cidr(i);
    if (cidr > 0 && cidr < (t.family(i) === 4 ? 32 : 128)) return true;
  }
  return false;
}

/**
 * WG09 information: a prefix inside a wider one of another peer (default routes aside). Sorts
 * by network, then length, and keeps the chain of enclosing prefixes on a stack.
 */
function reportNestedPrefixes(ctx: RuleContext, t: AllowedIpTable): void {
  // A server with only /32 and /128 peers skips all this.
  if (!hasWidePrefix(t)) return;
  const peers = ctx.parsed.peers;
  const nested: number[] = [];
  for (let i = 0; i < t.length; i++) if (t.cidr(i) > 0) nested.push(i);
  nested.sort((a, b) => t.compare(a, b));
  const stack: number[] = [];
  for (const o of nested) {
    while (stack.length > 0 && !t.contains(stack[stack.length - 1], o)) stack.pop();
    for (let s = stack.length - 1; s >= 0; s--) {
      const outer = stack[s];
      if (t.sameKey(outer, o) || samePeer(ctx, t.peer(outer), t.peer(o))) continue;
      if (ctx.out.wouldDrop()) return;
      const inner = t.text(o);
      const wide = t.text(outer);
      ctx.out.add(
        'WG09',
        'information',
        `${inner} lies inside ${wide} of the peer on line ${peers[t.peer(outer)].headerLine + 1}: the longer prefix wins, so ${inner} goes to this peer and the rest of ${wide} to that one; fine if intended.`,
        t.range(o),
        [],
        [{ range: t.range(outer), message: `${wide} (the wider prefix)` }],
      );
      break;
    }
    stack.push(o);
  }
}

export function checkAllowedIpOverlap(ctx: RuleContext): void {
  const t = ctx.memo.allowedIps();
  if (t.length < 2) return;
  reportSharedPrefixes(ctx, t);
  reportNestedPrefixes(ctx, t);
}

/**
 * wg-quick installs a default route only in the tables it manages: with Table unset or `auto`
 * (via its fwmark rule) and with `main` (or its number, 254). Any other table (a number or a name) is policy
 * routing: the routes land in that table and only the user's own `ip rule`s send traffic there,
 * so one family's default route there says nothing about leaks. `off` installs no route.
 */
function installsDefaultRoute(ctx: RuleContext): boolean {
  const table = effective(ctx.parsed.interfaces, 'Table');
  if (!table || !table.usable) return true;
  const v = table.value.trim().toLowerCase();
  // 254 is main's number (iproute2's rt_tables).
  return v === 'auto' || v === 'main' || v === '254' || v === '';
}

/** Commands of a hook line: wg-quick hands it to bash, where these separate commands. */
const COMMAND_SEPARATOR = /;|&&|\|\|?/;
/** A packet filter rule that refuses traffic of one family (the usual kill switch), or IPv6 turned off. */
const BLOCKS_IPV6 = [/\bip6tables(?:-nft|-legacy)?\b.*\b(?:REJECT|DROP)\b/, /\bnft\b.*\b(?:ip6|inet)\b.*\b(?:reject|drop)\b/, /\bdisable_ipv6\s*=\s*1\b/];
const BLOCKS_IPV4 = [/\biptables(?:-nft|-legacy)?\b.*\b(?:REJECT|DROP)\b/, /\bnft\b.*\b(?:ip|inet)\b.*\b(?:reject|drop)\b/];

/** Does a PreUp/PostUp command block the other family (a kill switch), so nothing leaks? */
function hooksBlock(ctx: RuleContext, family: 4 | 6): boolean {
  const patterns = family === 6 ? BLOCKS_IPV6 : BLOCKS_IPV4;
  for (const section of ctx.parsed.interfaces) {
    for (const e of section.entries) {
      if (e.name !== 'PostUp' && e.name !== 'PreUp') continue;
      for (const command of e.value.split(COMMAND_SEPARATOR)) if (patterns.some((p) => p.test(command))) return true;
    }
  }
  return false;
}

export function checkDefaultRoutes(ctx: RuleContext): void {
  if (!installsDefaultRoute(ctx)) return;
  const t = ctx.memo.allowedIps();
  let v4 = -1;
  let v6 = -1;
  for (let i = 0; i < t.length; i++) {
    if (t.cidr(i) !== 0) continue;
    if (t.family(i) === 4) {
      if (v4 < 0) v4 = i;
    } else if (v6 < 0) v6 = i;
  }
  const one = v4 >= 0 && v6 < 0 ? v4 : v6 >= 0 && v4 < 0 ? v6 : -1;
  if (one < 0) return;
  const four = t.family(one) === 4;
  if (hooksBlock(ctx, four ? 6 : 4)) return;
  const has = four ? '0.0.0.0/0' : '::/0';
  const missing = four ? '::/0' : '0.0.0.0/0';
  const line = t.entry[one].line;
  ctx.out.add(
    'WG16',
    'warning',
    `${has} routes all ${four ? 'IPv4' : 'IPv6'} traffic into the tunnel but no peer has ${missing}: ${four ? 'IPv6' : 'IPv4'} traffic still leaves outside the tunnel (a leak); add ${missing}, or block ${four ? 'IPv6' : 'IPv4'} in a PostUp rule.`,
    t.range(one),
    // Not preferred: the other remedy (a PostUp rule that blocks the family) is as valid, and a
    // route into the tunnel changes where traffic goes.
    [fix(`Add ${missing}`, [replace(line, t.end(one), t.end(one), `, ${missing}`)])],
  );
}
