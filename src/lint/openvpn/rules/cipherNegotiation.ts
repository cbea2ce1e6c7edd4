/**
 * OV04: in client (pull) and server mode OpenVPN 2.6 ignores `cipher X` for negotiation unless X is in
 * data-ciphers ("DEPRECATED OPTION: --cipher set to 'X' but missing in --data-ciphers"), and says
 * nothing when data-ciphers-fallback is set. The names are compared exactly as written, case
 * included, as OpenVPN 2.6.14 does (`cipher aes-256-gcm` warns against the default list).
 */
import { quote, report, type RuleContext } from '../context';
import { deleteDirective, edit, fix, insertAfter, replaceDirective, writeParam } from '../fixes';
import { DEFAULT_DATA_CIPHERS } from '../options';

export function ov04(ctx: RuleContext): void {
  const { model } = ctx;
  if (!model.pull && !model.explicitServer) return;
  const cipher = model.last.get('cipher');
  if (!cipher || model.last.has('data-ciphers-fallback')) return;
  const name = cipher.args[0].text;
  const list = model.last.get('data-ciphers') ?? model.last.get('ncp-ciphers');
  const ciphers = list ? list.args[0].text.split(':') : DEFAULT_DATA_CIPHERS;
  if (ciphers.includes(name)) return;
  const shown = quote(name, 'this cipher');
  const fixes = [];
  const sameButCase = ciphers.find((c) => c.toLowerCase() === name.toLowerCase());
  if (sameButCase) {
    fixes.push(fix(`Write '${sameButCase}' as in the list`, [edit(ctx, cipher.args[0].start, cipher.args[0].end, sameButCase)], true));
  } else if (list) {
    // Not preferred (nor the others below): whether to accept this cipher is a security choice.
    fixes.push(fix(`Add ${shown} to ${list.name}`, [edit(ctx, list.args[0].start, list.args[0].end, writeParam(`${list.args[0].text}:${name}`))]));
  } else {
    fixes.push(fix(`Add 'data-ciphers ${DEFAULT_DATA_CIPHERS.join(':')}:${name}'`, [insertAfter(ctx, cipher, `data-ciphers ${DEFAULT_DATA_CIPHERS.join(':')}:${writeParam(name)}`)]));
  }
  fixes.push(fix(`Replace with 'data-ciphers-fallback ${name}'`, [replaceDirective(ctx, cipher, `data-ciphers-fallback ${writeParam(name)}`)]));
  fixes.push(fix(`Delete 'cipher'`, [deleteDirective(ctx, cipher)]));
  const where = list ? `${list.name} (${ciphers.join(':')})` : `the default data-ciphers (${DEFAULT_DATA_CIPHERS.join(':')})`;
  report(ctx, 'OV04', 'warning', `cipher ${shown} is not in ${where}, so OpenVPN 2.6 ignores it when negotiating: add it to data-ciphers if the server needs it, or delete it`, cipher.nameToken.start, cipher.args[0].end, fixes);
}
