import * as vscode from 'vscode';
import { detectFormatModule } from '../lazyModules';

/** Generic languages a `.conf` file may be given before we look at it (VS Code maps `.conf` to properties). */
const GENERIC_LANGUAGES = new Set(['plaintext', 'properties', 'ini', 'unknown']);

/**
 * `.conf` is shared by WireGuard, OpenVPN and everything else: when such a file opens in a generic
 * language, the content decides. Only switches when detectFormat is confident (returns a format).
 */
async function maybeSwitch(document: vscode.TextDocument): Promise<void> {
  if (document.isClosed || !GENERIC_LANGUAGES.has(document.languageId)) return;
  const name = document.uri.path.toLowerCase();
  if (!name.endsWith('.conf')) return;
  const format = detectFormatModule().detectFormat(document.getText(), document.uri.path);
  if (!format) return;
  await vscode.languages.setTextDocumentLanguage(document, format);
}

export function registerLanguageDetection(context: vscode.ExtensionContext): void {
  const check = (d: vscode.TextDocument): void => {
    maybeSwitch(d).catch(() => undefined);
  };
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(check));
  vscode.workspace.textDocuments.forEach(check);
}
