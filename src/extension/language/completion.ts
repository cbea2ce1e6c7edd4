import * as vscode from 'vscode';
import type { CompletionKind, CompletionSpec, DocLabels } from '../../lint/docs';
import type { ConfigFormat } from '../../lint/index';
import { docLabels } from './docLabels';
import { docs } from './docsBundle';
import { configFormatOf } from './languageIds';

const KIND: Record<CompletionKind, vscode.CompletionItemKind> = {
  section: vscode.CompletionItemKind.Module,
  key: vscode.CompletionItemKind.Property,
  option: vscode.CompletionItemKind.Property,
  block: vscode.CompletionItemKind.Snippet,
  'closing-tag': vscode.CompletionItemKind.Snippet,
  value: vscode.CompletionItemKind.Value,
};

function toItem(spec: CompletionSpec, format: ConfigFormat, range: vscode.Range, labels: DocLabels): vscode.CompletionItem {
  const item = new vscode.CompletionItem(spec.label, KIND[spec.kind]);
  item.insertText = new vscode.SnippetString(spec.insertText);
  item.range = range;
  if (spec.filterText) item.filterText = spec.filterText;
  if (spec.sortText) item.sortText = spec.sortText;
  if (spec.detail) item.detail = spec.detail;
  if (spec.deprecated) item.tags = [vscode.CompletionItemTag.Deprecated];
  const doc = spec.doc ? docs().docFor(format, spec.doc) : undefined;
  if (doc) {
    const md = new vscode.MarkdownString(docs().renderDocMarkdown(doc, labels));
    md.isTrusted = false;
    item.documentation = md;
    if (!item.detail) item.detail = doc.summary;
  }
  if (spec.retrigger) item.command = { command: 'editor.action.triggerSuggest', title: vscode.l10n.t('Suggest values') };
  return item;
}

/**
 * WireGuard: section headers, the keys of the current section, common values. OpenVPN: option
 * names, inline blocks, common values. What to offer comes from src/lint/docs (pure); this only
 * maps it to VS Code items.
 */
class ConfigCompletion implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): vscode.CompletionItem[] | undefined {
    const format = configFormatOf(document);
    if (!format) return undefined;
    const trigger = context.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter ? context.triggerCharacter : undefined;
    const result = docs().completionsAt(document.getText(), format, { line: position.line, column: position.character }, trigger);
    if (!result || !result.items.length) return undefined;
    const range = new vscode.Range(result.line, result.start, result.line, result.end);
    const labels = docLabels();
    return result.items.map((spec) => toItem(spec, format, range, labels));
  }
}

export function registerCompletion(context: vscode.ExtensionContext): void {
  const provider = new ConfigCompletion();
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider({ language: 'wireguard' }, provider, '[', ' ', '='),
    vscode.languages.registerCompletionItemProvider({ language: 'openvpn' }, provider, ' ', '<'),
  );
}
