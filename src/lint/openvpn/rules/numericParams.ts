/**
 * OV09: numeric parameters OpenVPN reads with atoi(): text that does not start with a number
 * becomes 0 without a word (`resolv-retry forever` = no retries; `mssfix abc` = no MSS clamping),
 * and trailing text after a number is dropped (`ping 10s` = 10).
 */
import { named, quote, report, type RuleContext } from '../context';
import { edit, fix } from '../fixes';
import { NUMERIC_PARAMS, OPTIONS, ZERO_MEANS, acceptsCount } from '../options';
import { atoi } from './common';

export function ov09(ctx: RuleContext): void {
  for (const d of [...NUMERIC_PARAMS.keys()].flatMap((n) => named(ctx, n))) {
    if (ctx.sink.full) return;
    const indexes = NUMERIC_PARAMS.get(d.name);
    if (!indexes) continue;
    const spec = OPTIONS.get(d.name);
    if (!spec || !acceptsCount(spec, d.paramCount) || d.inline) continue;
    for (const i of indexes) {
      const t = d.args[i - 1];
      if (!t) continue;
      if (d.name === 'resolv-retry' && t.text === 'infinite') continue;
      const { value, clean } = atoi(t.text);
      if (Number.isNaN(value)) {
        if (d.name === 'resolv-retry') {
          report(ctx, 'OV09', 'error', `resolv-retry ${quote(t.text, 'with this value')} is read as 0, meaning ${ZERO_MEANS.get('resolv-retry')}: write 'infinite' (or a number of seconds)`, t.start, t.end, [fix("Change to 'infinite'", [edit(ctx, t.start, t.end, 'infinite')], true)]);
        } else {
          const means = ZERO_MEANS.get(d.name);
          report(ctx, 'OV09', 'error', `${quote(t.text, 'this value')} is not a number: OpenVPN silently reads ${d.name}'s parameter as 0${means ? ` (${means})` : ''}; write a number`, t.start, t.end);
        }
      } else if (!clean) {
        report(ctx, 'OV09', 'warning', `OpenVPN reads ${quote(t.text, 'this value')} as ${value} and ignores the rest: write ${value} (${d.name} takes a plain number)`, t.start, t.end, [fix(`Change to '${value}'`, [edit(ctx, t.start, t.end, String(value))], true)]);
      }
    }
  }
}
