import * as vscode from 'vscode';
import type { Report } from '../report/report';
import type { HostToWebview } from '../report/messages';

let panel: vscode.WebviewPanel | undefined;

/** The report webview: a strict CSP with a per-render nonce, scripts only from dist/. */
export function showReportPanel(context: vscode.ExtensionContext, report: Report): void {
  if (!panel) {
    panel = vscode.window.createWebviewPanel('natProbe.report', 'NAT Probe report', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    });
    panel.onDidDispose(() => (panel = undefined), undefined, context.subscriptions);
    panel.webview.html = html(panel.webview, context.extensionUri);
  }
  const message: HostToWebview = { type: 'report', report };
  void panel.webview.postMessage(message);
  panel.reveal();
}

function html(webview: vscode.Webview, root: vscode.Uri): string {
  const nonce = Array.from({ length: 32 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview.js'));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>NAT Probe report</title></head>
<body><main id="app"><p>Waiting for a report…</p></main>
<script nonce="${nonce}" src="${script}"></script></body></html>`;
}
