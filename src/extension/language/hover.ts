import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { docLabels } from './docLabels';
import { docs } from './docsBundle';
import { CONFIG_SELECTOR, configFormatOf } from './languageIds';
import { toVsRange } from './lintDocument';
import { isRuleId, ruleDocUri } from './ruleDocs';

const SECTIONS = ['What triggers it', 'Why'];

/**
 * The "What triggers it" and "Why" sections of a rule page, or undefined. Only the rule's
 * explanation is shown: nothing from the user's document (so never a key value).
 */
export function ruleExplanation(markdown: string): string | undefined {
  const lines = markdown.split(/\r?\n/);
  const title = lines.find((l) => l.startsWith('# '))?.slice(2).trim();
  const parts: string[] = [];
  for (const name of SECTIONS) {
    const start = lines.findIndex((l) => l.trim() === `## ${name}`);
    if (start < 0) continue;
    let end = lines.findIndex((l, i) => i > start && /^#{1,2} /.test(l));
    if (end < 0) end = lines.length;
    const body = lines.slice(start + 1, end).join('\n').trim();
    if (body) parts.push(`**${name}**\n\n${body}`);
  }
  if (!parts.length) return undefined;
  return [title ? `**${title}**` : undefined, ...parts].filter(Boolean).join('\n\n');
}

/**
 * Rule explanations for the diagnostics under the cursor, and the reference doc of the key,
 * option or section header under it (both can show at once). Only our own texts are shown:
 * nothing from the document, so never a key value.
 */
class ConfigHover implements vscode.HoverProvider {
  private readonly cache = new Map<string, string | undefined>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  private explain(ruleId: string): string | undefined {
    if (!this.cache.has(ruleId)) {
      let text: string | undefined;
      try {
        text = ruleExplanation(fs.readFileSync(ruleDocUri(this.extensionUri, ruleId).fsPath, 'utf8'));
      } catch {
        text = undefined;
      }
      this.cache.set(ruleId, text);
    }
    return this.cache.get(ruleId);
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const here = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'natprobe' && d.range.contains(position));
    const seen = new Set<string>();
    const contents: vscode.MarkdownString[] = [];
    let range: vscode.Range | undefined;
    for (const d of here) {
      const id = typeof d.code === 'object' ? d.code.value : d.code;
      if (!isRuleId(id) || seen.has(id)) continue;
      seen.add(id);
      const text = this.explain(id);
      if (!text) continue;
      const link = vscode.l10n.t('Open {0} rule page', id);
      const md = new vscode.MarkdownString(`${text}\n\n[${link}](${ruleDocUri(this.extensionUri, id).toString()})`);
      md.isTrusted = false;
      contents.push(md);
      range = range ? range.union(d.range) : d.range;
    }
    const format = configFormatOf(document);
    const target = format ? docs().docTargetAt(document.getText(), format, { line: position.line, column: position.character }) : undefined;
    const doc = format && target ? docs().docFor(format, target.name) : undefined;
    if (target && doc) {
      const md = new vscode.MarkdownString(docs().renderDocMarkdown(doc, docLabels()));
      md.isTrusted = false;
      contents.push(md);
      const at = toVsRange(target.range);
      range = range ? range.union(at) : at;
    }
    return contents.length ? new vscode.Hover(contents, range) : undefined;
  }
}

export function registerHover(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider(CONFIG_SELECTOR, new ConfigHover(context.extensionUri)));
}
