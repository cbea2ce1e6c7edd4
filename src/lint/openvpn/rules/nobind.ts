/**
 * OV13: lport together with nobind (OpenVPN refuses to start: "--lport and --nobind don't make
 * sense when used together"). nobind in client (pull) mode is redundant for OpenVPN 2.6, which
 * does not bind there unless lport or bind is given (verified: "UDPv4 link local: (not
 * bound)"), but 2.4/2.5 clients bind port 1194 without it: deleting it changes them, so that
 * redundancy is not reported at all.
 */
import { report, type RuleContext } from '../context';
import { deleteDirective, fix } from '../fixes';
import type { Directive } from '../parser';

export function ov13(ctx: RuleContext): void {
  const { model } = ctx;
  const entries = model.entries.length ? model.entries : [model.global];
  const seen = new Set<Directive>();
  for (const e of entries) {
    if (ctx.sink.full) return;
    const nobind = e.nobind;
    if (!nobind || seen.has(nobind)) continue;
    seen.add(nobind);
    if (e.lport) {
      report(ctx, 'OV13', 'error', 'lport and nobind contradict each other: OpenVPN refuses to start; delete nobind to bind to lport, or delete lport', nobind.nameToken.start, nobind.nameToken.end, [fix("Delete 'nobind'", [deleteDirective(ctx, nobind)]), fix("Delete 'lport'", [deleteDirective(ctx, e.lport)])], [
        { range: ctx.index.range(e.lport.nameToken.start, e.lport.nameToken.end), message: 'the lport line' },
      ]);
    }
  }
}
