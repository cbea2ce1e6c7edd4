/**
 * PORT02 (this file's part): listening on UDP 500 or 4500, IPsec's IKE and NAT-T ports, which
 * NAT routers and firewalls often treat specially (IPsec passthrough, ALGs, rate limits).
 * The cross-file part (two configs claiming one port) is in ../../workspace.ts.
 */
import { named, report, type RuleContext } from '../context';
import { edit, fix } from '../fixes';
import { isValidDirective, protocolFamily } from '../model';

export function port02(ctx: RuleContext): void {
  const { model } = ctx;
  for (const d of named(ctx, 'port', 'lport')) {
    if (ctx.sink.full) return;
    if (!isValidDirective(d)) continue;
    const t = d.args[0];
    if (t.text !== '500' && t.text !== '4500') continue;
    const entry = d.block ? model.entries.find((e) => e.block === d.block) : model.global;
    if (!entry || protocolFamily(entry.proto) !== 'udp') continue;
    const what = t.text === '500' ? 'IKE' : 'IPsec NAT traversal';
    report(ctx, 'PORT02', 'warning', `UDP ${t.text} is IPsec's port (${what}): NAT routers with IPsec passthrough and firewalls often rewrite, rate-limit or block it; use another port such as 1194`, t.start, t.end, [fix("Change to '1194'", [edit(ctx, t.start, t.end, '1194')])]);
  }
}
