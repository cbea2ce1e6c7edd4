import * as vscode from 'vscode';
import { CONFIG_SELECTOR, configFormatOf } from './languageIds';
import { wireGuardOutline } from './symbolLines';

const lineEnd = (document: vscode.TextDocument, line: number): vscode.Position => document.lineAt(line).range.end;

/** WireGuard: [Interface] and each [Peer], named as wireGuardOutline says (by comment, Endpoint or number). */
export function wireGuardSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
  const sections = wireGuardOutline({ count: document.lineCount, line: (i) => document.lineAt(i).text });
  return sections.map((s) => {
    const kind = s.kind === 'peer' ? vscode.SymbolKind.Object : vscode.SymbolKind.Interface;
    return new vscode.DocumentSymbol(s.name, s.detail, kind, new vscode.Range(s.start, 0, s.end, lineEnd(document, s.end).character), document.lineAt(s.header).range);
  });
}

/** OpenVPN: each `remote` line and each inline `<tag>` block (remotes inside `<connection>` are its children). */
export function openVpnSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
  const top: vscode.DocumentSymbol[] = [];
  let open: { tag: string; line: number; children: vscode.DocumentSymbol[] } | undefined;
  const close = (endLine: number): void => {
    if (!open) return;
    const range = new vscode.Range(open.line, 0, endLine, lineEnd(document, endLine).character);
    const symbol = new vscode.DocumentSymbol(`<${open.tag}>`, '', open.tag === 'connection' ? vscode.SymbolKind.Namespace : vscode.SymbolKind.Struct, range, document.lineAt(open.line).range);
    symbol.children = open.children;
    top.push(symbol);
    open = undefined;
  };
  for (let i = 0; i < document.lineCount; i++) {
    const text = document.lineAt(i).text;
    if (open) {
      const end = /^\s*<\/([A-Za-z][\w-]*)>/.exec(text);
      if (end && end[1] === open.tag) {
        close(i);
        continue;
      }
      if (open.tag !== 'connection') continue;
    } else {
      const start = /^\s*<([A-Za-z][\w-]*)>\s*$/.exec(text);
      if (start) {
        open = { tag: start[1], line: i, children: [] };
        continue;
      }
    }
    const remote = /^\s*(?:--)?remote\s+(.*)$/.exec(text);
    if (!remote) continue;
    const args = remote[1].split(/\s+/).filter(Boolean);
    const comment = args.findIndex((a) => a.startsWith('#') || a.startsWith(';'));
    const shown = (comment >= 0 ? args.slice(0, comment) : args).join(' ');
    if (!shown) continue;
    const range = document.lineAt(i).range;
    const symbol = new vscode.DocumentSymbol(`remote ${shown}`, '', vscode.SymbolKind.Event, range, range);
    (open ? open.children : top).push(symbol);
  }
  close(document.lineCount - 1);
  return top;
}

class ConfigSymbols implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const format = configFormatOf(document);
    if (format === 'wireguard') return wireGuardSymbols(document);
    if (format === 'openvpn') return openVpnSymbols(document);
    return [];
  }
}

export function registerSymbols(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.languages.registerDocumentSymbolProvider(CONFIG_SELECTOR, new ConfigSymbols(), { label: 'NAT Probe' }));
}
