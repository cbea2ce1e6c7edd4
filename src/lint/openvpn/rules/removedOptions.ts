/** OV02: options OpenVPN 2.6 no longer has (it refuses the file), with what replaced them. */
import { named, report, type RuleContext } from '../context';
import { deleteDirective, fill, fix, replaceDirective } from '../fixes';
import { REMOVED } from '../options';

export function ov02(ctx: RuleContext): void {
  for (const d of [...REMOVED.keys()].flatMap((n) => named(ctx, n))) {
    if (ctx.sink.full) return;
    const spec = REMOVED.get(d.name);
    if (!spec) continue;
    const fixes = [];
    if (spec.replacement === '') fixes.push(fix(`Delete '${d.name}'`, [deleteDirective(ctx, d)], spec.safe));
    else if (spec.replacement !== undefined && !d.inline) {
      const line = fill(spec.replacement, d);
      fixes.push(fix(`Replace with '${line}'`, [replaceDirective(ctx, d, line)], spec.safe));
    }
    const lenient = d.lenient && spec.unknownTo26;
    const message = `'${d.name}' was removed in OpenVPN ${spec.removedIn}${lenient ? ' (OpenVPN skips it here)' : ' and 2.6 refuses the file'}: ${spec.advice}`;
    report(ctx, 'OV02', lenient ? 'warning' : 'error', message, d.nameToken.start, d.nameToken.end, fixes);
  }
}
