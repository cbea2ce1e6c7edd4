/** WG09 (the same prefix in two peers; nested prefixes) and WG16 (one family's default route only). */
import type { Range, TextEdit } from '../../types';
import { range } from '../findings';
import { deleteLine, fix, replace } from '../fixes';
import { ListCache, effective } from '../parser';
import type { RuleContext } from './context';
import { type AllowedIpOcc, compareOcc, occContains, occText } from './memo';

/** Removes the item from its comma list, or the whole line when it is the only entry. */
function removeItem(ctx: RuleContext, o: AllowedIpOcc, lists: ListCache): TextEdit {
  const entry = o.entry;
  const { items, byStart } = lists.get(entry);
  const index = byStart.get(o.start) ?? 0;
  let nonEmpty = 0;
  for (const it of items) if (it.compact.length > 0 && ++nonEmpty > 1) break;
  if (nonEmpty <= 1) return deleteLine(ctx.src, entry.line);
  const it = items[index];
  if (index < items.length - 1) return replace(entry.line, it.start, items[index + 1].start, '');
  return replace(entry.line, items[index - 1].end, it.end, '');
}

function itemRange(o: AllowedIpOcc): Range {
  return range(o.entry.line, o.start, o.end);
}

/** Two sections are one peer when they are the same section or share a valid PublicKey. */
function samePeer(ctx: RuleContext, a: AllowedIpOcc, b: AllowedIpOcc): boolean {
  if (a.peer === b.peer) return true;
  const keys = ctx.memo.peerKeys();
  const ka = keys[a.peer]?.compactValue;
  return ka !== undefined && ka === keys[b.peer]?.compactValue;
}

export function checkAllowedIpOverlap(ctx: RuleContext): void {
  const occs = ctx.memo.occurrences();
  if (occs.length < 2) return;
  const peers = ctx.parsed.peers;
  const last = new Map<number | string, AllowedIpOcc>();
  const lists = new ListCache(ctx.src.lines);
  for (const o of occs) last.set(o.key, o);
  for (const o of occs) {
    const w = last.get(o.key);
    if (!w || samePeer(ctx, w, o) || ctx.out.wouldDrop()) continue;
    const text = occText(o);
    ctx.out.add(
      'WG09',
      'error',
      `${text} is also in AllowedIPs of the peer on line ${peers[w.peer].headerLine + 1}: wg gives a prefix to one peer only and silently moves it to that later peer, so this one never gets its traffic; remove it from one of them.`,
      itemRange(o),
      [fix(`Remove ${text} here (where wg ignores it)`, [removeItem(ctx, o, lists)], true)],
      [{ range: itemRange(w), message: `${text} again (this peer gets it)` }],
    );
  }
  // Nested prefixes across peers (default routes aside): sort by network, then length,
  // and keep the chain of enclosing prefixes on a stack. Only a prefix shorter than a host
  // route can enclose another, so a server with /32 and /128 peers skips all this.
  const nested = occs.filter((o) => o.cidr > 0);
  if (!nested.some((o) => o.cidr < (o.family === 4 ? 32 : 128))) return;
  nested.sort(compareOcc);
  const stack: AllowedIpOcc[] = [];
  for (const o of nested) {
    while (stack.length > 0 && !occContains(stack[stack.length - 1], o)) stack.pop();
    for (let s = stack.length - 1; s >= 0; s--) {
      const outer = stack[s];
      if (outer.key === o.key || samePeer(ctx, outer, o)) continue;
      if (ctx.out.wouldDrop()) return;
      const inner = occText(o);
      const wide = occText(outer);
      ctx.out.add(
        'WG09',
        'information',
        `${inner} lies inside ${wide} of the peer on line ${peers[outer.peer].headerLine + 1}: the longer prefix wins, so ${inner} goes to this peer and the rest of ${wide} to that one; fine if intended.`,
        itemRange(o),
        [],
        [{ range: itemRange(outer), message: `${wide} (the wider prefix)` }],
      );
      break;
    }
    stack.push(o);
  }
}

export function checkDefaultRoutes(ctx: RuleContext): void {
  const table = effective(ctx.parsed.interfaces, 'Table');
  if (table && table.value.toLowerCase() === 'off') return;
  let v4: AllowedIpOcc | undefined;
  let v6: AllowedIpOcc | undefined;
  for (const o of ctx.memo.occurrences()) {
    if (o.cidr !== 0) continue;
    if (o.family === 4) v4 ??= o;
    else v6 ??= o;
  }
  const one = v4 && !v6 ? v4 : v6 && !v4 ? v6 : undefined;
  if (!one) return;
  const four = one.family === 4;
  const has = four ? '0.0.0.0/0' : '::/0';
  const missing = four ? '::/0' : '0.0.0.0/0';
  ctx.out.add(
    'WG16',
    'warning',
    `${has} routes all ${four ? 'IPv4' : 'IPv6'} traffic into the tunnel but no peer has ${missing}: ${four ? 'IPv6' : 'IPv4'} traffic still leaves outside the tunnel (a leak); add ${missing}.`,
    range(one.entry.line, one.start, one.end),
    [fix(`Add ${missing}`, [replace(one.entry.line, one.end, one.end, `, ${missing}`)], true)],
  );
}
