/** WG06: a single-value key set twice (the last one silently wins), a second [Interface]. */
import { range } from '../findings';
import { deleteLine, fix } from '../fixes';
import { type Entry, type KeyName, MULTI_KEYS, type Section } from '../model';
import { type RuleContext, contentRange, headerRange } from './context';

function reportRepeats(ctx: RuleContext, sections: readonly Section[]): void {
  // Last occurrence of each single-value key across these sections.
  const last = new Map<KeyName, Entry>();
  for (const s of sections) {
    for (const e of s.entries) {
      if (e.placement !== 'ok' || !e.hasEquals || !e.name || MULTI_KEYS.has(e.name)) continue;
      last.set(e.name, e);
    }
  }
  if (last.size === 0) return;
  for (const s of sections) {
    for (const e of s.entries) {
      if (e.placement !== 'ok' || !e.hasEquals || !e.name || MULTI_KEYS.has(e.name)) continue;
      const winner = last.get(e.name);
      if (!winner || winner === e) continue;
      const who = e.name === 'SaveConfig' || e.name === 'MTU' || e.name === 'Table' ? 'wg-quick' : 'wg';
      ctx.out.add(
        'WG06',
        'warning',
        `${e.name} is set again on line ${winner.line + 1}: ${who} silently uses the last one and ignores this line; delete one of them.`,
        contentRange(e),
        // Only a repeat of the same value is certainly safe to delete without asking: with two
        // different values the file cannot tell which one the author meant (the later one wins).
        [fix('Delete this earlier line', [deleteLine(ctx.src, e.line)], e.compactValue === winner.compactValue)],
        [{ range: range(winner.line, winner.contentStart, winner.contentEnd), message: `${e.name} set again here (this one wins)` }],
      );
    }
  }
}

export function checkDuplicates(ctx: RuleContext): void {
  const { interfaces, peers } = ctx.parsed;
  // wg merges every [Interface] into one device, so repeats count across them.
  reportRepeats(ctx, interfaces);
  for (let i = 1; i < interfaces.length; i++) {
    ctx.out.add(
      'WG06',
      'warning',
      `A second [Interface] section: wg merges it into the first (line ${interfaces[0].headerLine + 1}) and values set later win; keep one [Interface].`,
      headerRange(interfaces[i]),
      [],
      [{ range: headerRange(interfaces[0]), message: 'first [Interface]' }],
    );
  }
  const one: Section[] = [undefined as unknown as Section];
  for (let i = 0; i < peers.length; i++) {
    const p = peers[i];
    // Fast path: most peers have no repeated key.
    let seen = 0;
    let repeated = false;
    for (let j = 0; j < p.entries.length; j++) {
      const e = p.entries[j];
      if (e.placement !== 'ok' || !e.hasEquals) continue;
      // The single-value keys a [Peer] takes (AllowedIPs may repeat).
      const bit = e.name === 'PublicKey' ? 1 : e.name === 'PresharedKey' ? 2 : e.name === 'Endpoint' ? 4 : e.name === 'PersistentKeepalive' ? 8 : 0;
      if (seen & bit) repeated = true;
      seen |= bit;
    }
    if (!repeated) continue;
    one[0] = p;
    reportRepeats(ctx, one);
  }
}
