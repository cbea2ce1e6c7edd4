import * as vscode from 'vscode';
import { CONFIG_SELECTOR, configFormatOf } from './languageIds';
import { commentText, sectionHeaderName } from './symbolLines';

const lineEnd = (document: vscode.TextDocument, line: number): vscode.Position => document.lineAt(line).range.end;

/** Last non-blank line in [from, to], or `from`. */
function lastContentLine(document: vscode.TextDocument, from: number, to: number): number {
  for (let i = to; i > from; i--) if (!document.lineAt(i).isEmptyOrWhitespace) return i;
  return from;
}

/**
 * WireGuard: [Interface] and each [Peer]. A peer is named by the `# comment` line right above its
 * header, else by its Endpoint, else "Peer N". Key values are never used as names.
 */
export function wireGuardSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
  type Section = { name: string; header: number; start: number; endpoint?: string; label?: string };
  const sections: Section[] = [];
  let peers = 0;
  for (let i = 0; i < document.lineCount; i++) {
    const text = document.lineAt(i).text;
    const name = sectionHeaderName(text);
    if (name !== undefined) {
      const above = i > 0 ? commentText(document.lineAt(i - 1).text) : undefined;
      const label = above ? above : undefined;
      const isPeer = name.toLowerCase() === 'peer';
      if (isPeer) peers++;
      sections.push({ name: isPeer ? `Peer ${peers}` : `[${name}]`, header: i, start: label && isPeer ? i - 1 : i, label: isPeer ? label : undefined });
      continue;
    }
    const endpoint = /^\s*Endpoint\s*=\s*([^\s#]+)/i.exec(text);
    const current = sections[sections.length - 1];
    if (endpoint && current && !current.endpoint) current.endpoint = endpoint[1];
  }
  return sections.map((s, index) => {
    const next = sections[index + 1];
    const last = lastContentLine(document, s.header, next ? next.start - 1 : document.lineCount - 1);
    const isPeer = s.name.startsWith('Peer ');
    const name = isPeer ? (s.label ?? s.endpoint ?? s.name) : s.name;
    const detail = isPeer ? [s.label || s.endpoint ? s.name : undefined, s.label ? s.endpoint : undefined].filter(Boolean).join(' · ') : '';
    const kind = isPeer ? vscode.SymbolKind.Object : vscode.SymbolKind.Interface;
    return new vscode.DocumentSymbol(name, detail, kind, new vscode.Range(s.start, 0, last, lineEnd(document, last).character), document.lineAt(s.header).range);
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
