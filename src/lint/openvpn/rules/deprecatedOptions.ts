/** OV03: options OpenVPN 2.6 still reads but deprecates or ignores, with their replacements. */
import { named, report, type RuleContext } from '../context';
import { deleteDirective, fill, fix, replaceDirective } from '../fixes';
import { DEPRECATED, KEYWORD_PARAMS, OPTIONS, acceptsCount } from '../options';
import type { Directive } from '../parser';

/**
 * ncp-ciphers next to data-ciphers is how a profile serves OpenVPN 2.4 (which knows only
 * ncp-ciphers) and 2.5+ at once. 2.5+ treat ncp-ciphers as data-ciphers, and of the two the
 * later line wins (2.6.14: "Note: Treating option '--ncp-ciphers' as '--data-ciphers'", then
 * ncp_ciphers = the later list). ncp-ciphers before data-ciphers: the intended setup, a hint.
 * After it: 2.5+ lose the data-ciphers list, a warning. Returns true when it reported.
 */
function ncpBesideDataCiphers(ctx: RuleContext, d: Directive): boolean {
  const lists = named(ctx, 'data-ciphers').filter((x) => x.context === d.context && x.block === d.block);
  if (lists.length === 0) return false;
  const later = lists.find((x) => x.lineStart > d.lineStart);
  if (later) {
    report(ctx, 'OV03', 'hint', "'ncp-ciphers' is read only by OpenVPN 2.4 here: 2.5+ read it as data-ciphers and the data-ciphers line below replaces it; delete it once no 2.4 peer uses this file", d.nameToken.start, d.nameToken.end, [], [
      { range: ctx.index.range(later.nameToken.start, later.nameToken.end), message: 'the list OpenVPN 2.5+ use' },
    ]);
    return true;
  }
  const earlier = lists[lists.length - 1];
  report(ctx, 'OV03', 'warning', "'ncp-ciphers' is the old name of data-ciphers, and OpenVPN 2.5+ use the later of the two: this line replaces the data-ciphers list above; move it above data-ciphers (if it is there for 2.4 peers) or delete it", d.nameToken.start, d.nameToken.end, [fix("Delete 'ncp-ciphers'", [deleteDirective(ctx, d)])], [
    { range: ctx.index.range(earlier.nameToken.start, earlier.nameToken.end), message: 'the data-ciphers list it replaces' },
  ]);
  return true;
}

export function ov03(ctx: RuleContext): void {
  for (const d of [...DEPRECATED.keys()].flatMap((n) => named(ctx, n))) {
    if (ctx.sink.full) return;
    const dep = DEPRECATED.get(d.name);
    if (!dep) continue;
    const spec = OPTIONS.get(d.name);
    if (spec && !acceptsCount(spec, d.paramCount)) continue; // OV01 already
    const kw = KEYWORD_PARAMS.get(d.name);
    const kwBad = kw !== undefined && d.args[kw.index - 1] !== undefined && !kw.values.includes(d.args[kw.index - 1].text);
    const fixes = [];
    if (kwBad) {
      // OV01 reports the bad value; no replacement built from it.
    } else if (dep.replacement === '') fixes.push(fix(`Delete '${d.name}'`, [deleteDirective(ctx, d)], dep.safe));
    else if (dep.replacement !== undefined && !d.inline) {
      const line = fill(dep.replacement, d);
      fixes.push(fix(`Replace with '${line}'`, [replaceDirective(ctx, d, line)], dep.safe));
    }
    if (d.name === 'ncp-ciphers' && ncpBesideDataCiphers(ctx, d)) continue;
    const advice = kwBad ? dep.advice.replace(/ ?\$\d/g, '') : fill(dep.advice, d);
    report(ctx, 'OV03', 'warning', `'${d.name}' is deprecated: ${advice}`, d.nameToken.start, d.nameToken.end, fixes);
  }
}
