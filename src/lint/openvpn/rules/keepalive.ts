/**
 * OV10: keepalive OpenVPN refuses at startup — a parameter ≤ 0, a timeout shorter than twice the
 * interval, or keepalive next to ping / ping-restart / ping-exit (helper.c, options.c).
 */
import { report, type RuleContext } from '../context';
import { deleteDirective, fix, replaceDirective } from '../fixes';
import { atoi } from './common';

export function ov10(ctx: RuleContext): void {
  const { model } = ctx;
  const keepalive = model.last.get('keepalive');
  if (!keepalive) return;
  const a = atoi(keepalive.args[0].text).value;
  const b = atoi(keepalive.args[1].text).value;
  const numeric = !Number.isNaN(a) && !Number.isNaN(b);
  // Not preferred: 10 60 is the usual setting, not necessarily the one the author wanted.
  const replace = fix("Change to 'keepalive 10 60'", [replaceDirective(ctx, keepalive, 'keepalive 10 60')]);
  if (numeric && (a <= 0 || b <= 0)) {
    report(ctx, 'OV10', 'error', `keepalive ${a} ${b}: both parameters must be greater than 0 or OpenVPN refuses to start; the usual setting is keepalive 10 60`, keepalive.args[0].start, keepalive.args[1].end, [replace]);
  } else if (numeric && b < 2 * a) {
    report(ctx, 'OV10', 'error', `keepalive ${a} ${b}: the timeout must be at least twice the interval or OpenVPN refuses to start (1:5 or 1:6 is better): use keepalive 10 60`, keepalive.args[0].start, keepalive.args[1].end, [replace]);
  }
  for (const name of ['ping', 'ping-restart', 'ping-exit']) {
    for (const d of model.all.get(name) ?? []) {
      if (ctx.sink.full) return;
      report(ctx, 'OV10', 'error', `${name} together with keepalive makes OpenVPN refuse to start (keepalive already sets ping and ping-restart): delete the ${name} line`, d.nameToken.start, d.nameToken.end, [fix(`Delete '${name}'`, [deleteDirective(ctx, d)], true)], [
        { range: ctx.index.range(keepalive.nameToken.start, keepalive.nameToken.end), message: 'the keepalive line' },
      ]);
    }
  }
}
