/**
 * OV06: inline blocks — a `<tag>` never closed (OpenVPN: "Endtag </tag> missing"), an option
 * that may not be inline, a block given twice (the last silently wins), tags that are not alone
 * on their line, closing tags without an opening one, PEM text outside any block, and
 * `<connection>` blocks without exactly one remote.
 */
import { named, quote, report, type RuleContext } from '../context';
import { deleteDirective, fix } from '../fixes';
import { isValidDirective } from '../model';
import { OPTIONS, SINGLE_VALUED_INLINE } from '../options';
import type { Directive } from '../parser';

/** The two options, blocks included, read the same (blanks around lines aside). */
function sameText(ctx: RuleContext, a: Directive, b: Directive): boolean {
  const text = (d: Directive): string => ctx.text.slice(d.lineStart, d.nextLine).split(/\r?\n/).map((l) => l.trim()).join('\n').trim();
  return text(a) === text(b);
}

export function ov06(ctx: RuleContext): void {
  const { parsed, index } = ctx;
  for (const issue of parsed.issues) {
    if (ctx.sink.full) return;
    if (issue.kind === 'missing-end-tag' && issue.tag.startsWith('/')) {
      const name = quote(issue.tag.slice(1), '…').replace(/^'|'$/g, '');
      report(ctx, 'OV06', 'error', `closing tag </${name}> without an opening <${name}>: OpenVPN takes it for the start of a block and fails ("Endtag <//${name}> missing"); delete it or add <${name}> before the content`, issue.start, issue.end);
    } else if (issue.kind === 'missing-end-tag') {
      const where = issue.context === 'connection' ? 'the end of the <connection> block' : 'the end of the file';
      const tag = quote(issue.tag, '…').replace(/^'|'$/g, '');
      report(ctx, 'OV06', 'error', `<${tag}> is never closed: OpenVPN reads everything up to ${where} into it and then fails ("Endtag missing"); add </${tag}> after the content`, issue.start, issue.end);
    } else if (issue.kind === 'orphan-pem') {
      report(ctx, 'OV06', 'error', 'PEM data outside any inline block: OpenVPN reads it as options and refuses the file; wrap it in <ca>, <cert>, <key>, <tls-crypt>… tags or check which block was closed too early', issue.start, Math.min(issue.start + 80, issue.end));
    }
  }

  const tagText = (name: string, fallback: string) => (/^<\/?[A-Za-z0-9-]{0,40}>?$/.test(name) ? `'${name}'` : fallback);
  for (const d of ctx.model.invalid) {
    if (ctx.sink.full) return;
    const name = d.name;
    if (name.startsWith('</')) {
      report(ctx, 'OV06', 'error', `closing tag ${tagText(name, 'here')} without a matching opening tag: OpenVPN reads it as an unknown option; delete it or add the opening tag`, d.nameToken.start, d.nameToken.end, [fix('Delete the stray closing tag', [deleteDirective(ctx, d)])]);
      continue;
    }
    if (name.startsWith('<') && !d.inline) {
      const msg = name.endsWith('>')
        ? `inline tag ${tagText(name, 'here')} must stand alone on its line (a trailing # comment is fine): OpenVPN reads it as an unknown option`
        : `${tagText(name, 'this')} looks like a broken inline tag: write <name> alone on its line`;
      report(ctx, 'OV06', 'error', msg, d.nameToken.start, d.args.length ? d.args[d.args.length - 1].end : d.nameToken.end);
      continue;
    }
    const spec = OPTIONS.get(name);
    if (d.inline && spec && !spec.inline && !spec.windowsOnly) {
      report(ctx, 'OV06', 'error', `'${name}' cannot be given as an inline <${name}> block: OpenVPN refuses it; write '${name} …' on one line`, d.nameToken.start, d.nameToken.end);
    }
  }
  for (const d of named(ctx, 'connection')) {
    if (!d.inline && isValidDirective(d)) {
      report(ctx, 'OV06', 'warning', "'connection' only works as an inline <connection>…</connection> block: this line does nothing", d.nameToken.start, d.nameToken.end);
    }
  }

  const groups = new Map<unknown, Map<string, Directive[]>>();
  for (const name of SINGLE_VALUED_INLINE) {
    for (const d of named(ctx, name)) {
      if (!isValidDirective(d)) continue;
      let byName = groups.get(d.block);
      if (!byName) groups.set(d.block, (byName = new Map()));
      const list = byName.get(name);
      if (list) list.push(d);
      else byName.set(name, [d]);
    }
  }

  for (const list of [...groups.values()].flatMap((m) => [...m.values()])) {
    if (list.length < 2 || !list.some((d) => d.inline)) continue;
    const lastOne = list[list.length - 1];
    for (const d of list.slice(0, -1)) {
      const form = d.inline ? `<${d.name}> block` : `'${d.name}' line`;
      if (
        !report(
          ctx,
          'OV06',
          'warning',
          `this ${form} is replaced by the later ${lastOne.inline ? `<${d.name}> block` : `'${d.name}' line`} (line ${index.position(lastOne.nameToken.start).line + 1}): OpenVPN keeps only the last one; delete one of them`,
          d.nameToken.start,
          d.nameToken.end,
          // Preferred only for an exact repeat: two different certificates or keys, and which
          // one is right is not for a tool to guess.
          [fix(`Delete this ${form}`, [deleteDirective(ctx, d)], sameText(ctx, d, lastOne))],
          [{ range: index.range(lastOne.nameToken.start, lastOne.nameToken.end), message: 'the one OpenVPN uses' }],
        )
      )
        return;
    }
  }

  for (const block of parsed.blocks) {
    if (ctx.sink.full) return;
    const d = block.directive;
    if (!d.inline || d.context !== 'main') continue;
    const remotes = block.directives.filter((x) => x.name === 'remote' && isValidDirective(x));
    if (remotes.length === 0) {
      report(ctx, 'OV06', 'error', 'each <connection> block must contain exactly one remote: OpenVPN refuses the file; add "remote HOST [PORT] [PROTO]" inside it', d.nameToken.start, d.nameToken.end);
    } else if (remotes.length > 1) {
      for (const r of remotes.slice(0, -1)) {
        report(ctx, 'OV06', 'warning', 'a <connection> block holds one remote: this one is replaced by the next remote in the block; give each remote its own <connection> block', r.nameToken.start, r.nameToken.end);
      }
    }
  }
}
