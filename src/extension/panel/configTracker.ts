import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigFormat } from '../../lint/types';

/**
 * Which WireGuard/OpenVPN document "Apply to config" edits: the active editor's when it is one,
 * else the config editor used most recently (while the report panel has focus there is no
 * active text editor), else one visible in any editor group. A document only counts while a
 * tab shows it. Fires onDidChange whenever that answer may have changed.
 */
export class ConfigTracker implements vscode.Disposable {
  private recent: vscode.Uri | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.remember(vscode.window.activeTextEditor);
    const changed = () => this.emitter.fire();
    this.subscriptions = [
      this.emitter,
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        this.remember(editor);
        changed();
      }),
      vscode.window.onDidChangeVisibleTextEditors(changed),
      vscode.window.tabGroups.onDidChangeTabs(changed),
      // The extension switches a .conf file's language once its content is clear.
      vscode.workspace.onDidOpenTextDocument(changed),
      vscode.workspace.onDidCloseTextDocument(changed),
    ];
  }

  private remember(editor: vscode.TextEditor | undefined): void {
    if (editor && formatOf(editor.document)) this.recent = editor.document.uri;
  }

  /** The document and its format, or undefined when no WireGuard/OpenVPN file is open. */
  current(): { document: vscode.TextDocument; format: ConfigFormat; fileName: string } | undefined {
    const found = (document: vscode.TextDocument | undefined) => {
      const format = document && !document.isClosed ? formatOf(document) : undefined;
      return document && format && isInATab(document.uri) ? { document, format, fileName: path.basename(document.uri.path) } : undefined;
    };
    const active = found(vscode.window.activeTextEditor?.document);
    if (active) return active;
    if (this.recent) {
      const key = this.recent.toString();
      const recent = found(vscode.workspace.textDocuments.find((d) => d.uri.toString() === key));
      if (recent) return recent;
    }
    for (const editor of vscode.window.visibleTextEditors) {
      const visible = found(editor.document);
      if (visible) return visible;
    }
    return undefined;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

function formatOf(document: vscode.TextDocument): ConfigFormat | undefined {
  return document.languageId === 'wireguard' || document.languageId === 'openvpn' ? document.languageId : undefined;
}

function isInATab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
}
