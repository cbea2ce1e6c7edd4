/** OV14: tun-mtu outside 100–65536 (OpenVPN: "TUN MTU value (50) must be at least 100"; the kernel refuses larger ones). */
import { named, report, type RuleContext } from '../context';
import { isValidDirective } from '../model';
import { atoi } from './common';

export function ov14(ctx: RuleContext): void {
  for (const d of named(ctx, 'tun-mtu')) {
    if (ctx.sink.full) return;
    if (!isValidDirective(d)) continue;
    const n = atoi(d.args[0].text).value;
    if (Number.isNaN(n)) continue; // OV09
    if (n < 100) report(ctx, 'OV14', 'error', `tun-mtu ${n} is below OpenVPN's minimum of 100: it stops at startup; use 1500 (the default) or the MTU you need`, d.args[0].start, d.args[0].end);
    else if (n > 65536) report(ctx, 'OV14', 'error', `tun-mtu ${n} is above 65536, more than any tun device takes: use 1500 (the default) or the MTU you need`, d.args[0].start, d.args[0].end);
  }
}
