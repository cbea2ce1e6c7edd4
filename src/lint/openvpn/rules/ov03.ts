/** OV03: options OpenVPN 2.6 still reads but deprecates or ignores, with their replacements. */
import { named, report, type RuleContext } from '../context';
import { deleteDirective, fill, fix, replaceDirective } from '../fixes';
import { DEPRECATED, KEYWORD_PARAMS, OPTIONS, acceptsCount } from '../options';

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
    const advice = kwBad ? dep.advice.replace(/ ?\$\d/g, '') : fill(dep.advice, d);
    report(ctx, 'OV03', 'warning', `'${d.name}' is deprecated: ${advice}`, d.nameToken.start, d.nameToken.end, fixes);
  }
}
