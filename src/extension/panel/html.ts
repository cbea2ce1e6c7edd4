import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export const REPORT_VIEW_TYPE = 'natProbe.report';

/** Webview options: scripts on, and resources only from dist/ and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function nonce(): string {
  return randomBytes(24).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/**
 * The page: a strict CSP with a fresh nonce per render; the one script comes from dist/ (no
 * remote resources, no inline script) and brings its stylesheet with it (adopted, see
 * src/webview/main.ts). Inline styles stay allowed for the @vscode-elements components' own
 * style attributes.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource} 'unsafe-inline'`, `script-src 'nonce-${n}'`, `img-src ${webview.cspSource} data:`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>NAT Probe report</title></head>
<body data-l10n="${attribute(JSON.stringify(vscode.l10n.bundle ?? null))}"><main id="app" aria-live="off" aria-busy="true"><p>${attribute(vscode.l10n.t('Loading the report…'))}</p></main>
<script nonce="${n}" src="${script}"></script></body></html>`;
}

/** Text for an HTML attribute or element: the five characters that could end either are escaped. */
function attribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
