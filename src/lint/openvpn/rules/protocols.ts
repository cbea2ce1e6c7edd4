/** OV07: a protocol OpenVPN does not know in proto, proto-force or the third parameter of remote. */
import { named, quote, report, type RuleContext } from '../context';
import { edit, fix } from '../fixes';
import { OPTIONS, PROTOCOLS, acceptsCount } from '../options';
import type { Token } from '../tokenizer';
import { editDistance } from './common';
import type { Fix } from '../../types';

function suggestions(ctx: RuleContext, t: Token, server: boolean): Fix[] {
  const lower = t.text.toLowerCase();
  if (PROTOCOLS.has(lower)) return [fix(`Change to '${lower}'`, [edit(ctx, t.start, t.end, lower)], true)];
  let best: string[] = [];
  let bestD = 3;
  for (const p of PROTOCOLS) {
    const d = editDistance(lower, p, 2);
    if (d < bestD) {
      best = [p];
      bestD = d;
    } else if (d === bestD) best.push(p);
  }
  if (best.length === 0) best = ['udp', server ? 'tcp-server' : 'tcp-client'];
  return best.slice(0, 3).map((p, i) => fix(`Change to '${p}'`, [edit(ctx, t.start, t.end, p)], i === 0 && best.length === 1 && bestD === 1));
}

export function ov07(ctx: RuleContext): void {
  for (const d of named(ctx, 'proto', 'proto-force', 'remote')) {
    if (ctx.sink.full) return;
    let t: Token | undefined;
    if (d.name === 'proto' || d.name === 'proto-force') t = d.args[0];
    else if (d.name === 'remote') t = d.args[2];
    if (!t) continue;
    const spec = OPTIONS.get(d.name);
    if (!spec || !acceptsCount(spec, d.paramCount)) continue;
    if (PROTOCOLS.has(t.text)) continue;
    const where = d.name === 'remote' ? 'the remote' : d.name;
    report(
      ctx,
      'OV07',
      'error',
      `bad protocol ${quote(t.text, 'here')} in ${where}: OpenVPN refuses the file; use udp, tcp-client (client side) or tcp-server (server side), optionally with 4 or 6 (udp4, tcp6-client); names are lower case`,
      t.start,
      t.end,
      suggestions(ctx, t, ctx.model.serverMode),
    );
  }
}
