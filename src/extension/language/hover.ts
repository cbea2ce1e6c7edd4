import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { docLabels } from './docLabels';
import { docs } from './docsBundle';
import { CONFIG_SELECTOR, configFormatOf } from './languageIds';
import { toVsRange } from './lintDocument';
import { isRuleId, ruleDocUri } from './ruleDocs';

/**
 * The hover of a rule's diagnostic: the rule's title and one sentence of why (ruleSummary), and
 * the link to the full page. VS Code shows the diagnostic's message right above it. Only the
 * rule page's own text: nothing from the document, so never a key value.
 */
export function ruleHoverMarkdown(ruleId: string, pageMarkdown: string): string | undefined {
  const summary = docs().ruleSummary(pageMarkdown);
  if (!summary) return undefined;
  const title = summary.title ? `**${ruleId} — ${summary.title}**` : `**${ruleId}**`;
  return `${title}\n\n${summary.why}`;
}

/**
 * A short rule explanation for each diagnostic under the cursor, and the reference doc of the key,
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
        text = ruleHoverMarkdown(ruleId, fs.readFileSync(ruleDocUri(this.extensionUri, ruleId).fsPath, 'utf8'));
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
