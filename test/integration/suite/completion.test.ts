import assert from 'node:assert/strict';
import * as vscode from 'vscode';

// Key/option reference docs in a real VS Code: completion of WireGuard keys, OpenVPN options,
// inline blocks and values, and hovers on keys, options and headers (src/extension/language/
// completion.ts and hover.ts over src/lint/docs). Hovers never show a value from the document.

const PRIVATE_KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PUBLIC_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const PSK = 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=';

const WG = `[Interface]
PrivateKey = ${PRIVATE_KEY}
ListenPort = 51820
Address = 10.0.0.1/24

[Peer]
PublicKey = ${PUBLIC_KEY}
PresharedKey = ${PSK}
AllowedIPs = 10.0.0.2/32

[Peer]
PersistentKeepalive = 
`;

const OVPN = `client
dev tun
proto 
remote vpn.example.com 1194
remote-cert-tls server

<key>
-----BEGIN PRIVATE KEY-----
${PRIVATE_KEY}
-----END PRIVATE KEY-----
</key>
`;

const created: vscode.Uri[] = [];

async function createFile(name: string, text: string, language: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  created.push(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  assert.equal(doc.languageId, language, `${name} opened as ${doc.languageId}`);
  return uri;
}

/** Polls an async check until it returns a value (the extension may still be activating). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const labelOf = (item: vscode.CompletionItem): string => (typeof item.label === 'string' ? item.label : item.label.label);

/** Our items only (VS Code may add word-based suggestions of kind Text). */
async function completionLabels(uri: vscode.Uri, position: vscode.Position, trigger?: string): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position, trigger);
  return list.items.filter((i) => i.kind !== vscode.CompletionItemKind.Text).map(labelOf);
}

async function completionItem(uri: vscode.Uri, position: vscode.Position, label: string, trigger?: string): Promise<vscode.CompletionItem | undefined> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position, trigger);
  return list.items.find((i) => labelOf(i) === label && i.kind !== vscode.CompletionItemKind.Text);
}

function markdownOf(content: vscode.MarkdownString | vscode.MarkedString): string {
  if (typeof content === 'string') return content;
  return 'value' in content ? content.value : '';
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers.flatMap((h) => h.contents.map(markdownOf)).join('\n');
}

describe('Key and option docs: completion and hover', () => {
  after(async () => {
    for (const uri of created) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  it('WireGuard: completion in [Peer] offers PersistentKeepalive but not ListenPort, in [Interface] the reverse', async () => {
    const uri = await createFile('wg-docs.conf', WG, 'wireguard');
    const inPeer = await eventually('completion in [Peer]', async () => {
      const labels = await completionLabels(uri, new vscode.Position(9, 0));
      return labels.includes('Endpoint') ? labels : undefined;
    });
    assert.ok(inPeer.includes('PersistentKeepalive'), inPeer.join(', '));
    assert.ok(!inPeer.includes('ListenPort'), inPeer.join(', '));
    assert.ok(!inPeer.includes('PublicKey'), 'PublicKey is already set in this [Peer]');
    const inInterface = await completionLabels(uri, new vscode.Position(4, 0));
    assert.ok(inInterface.includes('MTU') && inInterface.includes('Table'), inInterface.join(', '));
    assert.ok(!inInterface.includes('PersistentKeepalive'), inInterface.join(', '));

    const item = await completionItem(uri, new vscode.Position(9, 0), 'PersistentKeepalive');
    assert.ok(item?.insertText instanceof vscode.SnippetString, 'a snippet');
    assert.equal(item.insertText.value, 'PersistentKeepalive = $0');
    const documentation = item.documentation instanceof vscode.MarkdownString ? item.documentation.value : String(item.documentation);
    assert.match(documentation, /NAT/);
  });

  it('WireGuard: offers values after `=` and headers after `[`', async () => {
    const uri = created.find((u) => u.path.endsWith('wg-docs.conf'));
    assert.ok(uri);
    const values = await completionLabels(uri, new vscode.Position(11, 22), ' ');
    assert.ok(values.includes('25'), values.join(', '));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(12, 0), '[');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const headers = await completionLabels(uri, new vscode.Position(12, 1), '[');
    assert.deepEqual(headers, ['[Peer]'], 'one [Interface] is enough');
    const undo = new vscode.WorkspaceEdit();
    undo.delete(uri, new vscode.Range(12, 0, 12, 1));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await (await vscode.workspace.openTextDocument(uri)).save();
  });

  it('WireGuard: hover on PersistentKeepalive shows its default; hover on a PrivateKey line never shows the key', async () => {
    const uri = created.find((u) => u.path.endsWith('wg-docs.conf'));
    assert.ok(uri);
    const keepalive = await eventually('hover doc on PersistentKeepalive', async () => {
      const text = await hoverText(uri, new vscode.Position(11, 4));
      return text.includes('PersistentKeepalive') ? text : undefined;
    });
    assert.match(keepalive, /Default/);
    assert.match(keepalive, /off/);
    assert.match(keepalive, /wg\(8\)/);

    const header = await hoverText(uri, new vscode.Position(5, 2));
    assert.match(header, /\[Peer\]/);

    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.lineAt(1).text;
    let sawDoc = false;
    for (let column = 0; column <= line.length; column++) {
      const text = await hoverText(uri, new vscode.Position(1, column));
      for (const secret of [PRIVATE_KEY, PUBLIC_KEY, PSK]) assert.ok(!text.includes(secret), `hover at 1:${column} shows a key`);
      if (text.includes('PrivateKey')) sawDoc = true;
    }
    assert.ok(sawDoc, 'hover on the PrivateKey name shows its doc');
    for (const lineNo of [6, 7]) {
      const text = await hoverText(uri, new vscode.Position(lineNo, doc.lineAt(lineNo).text.length - 5));
      for (const secret of [PRIVATE_KEY, PUBLIC_KEY, PSK]) assert.ok(!text.includes(secret), `hover on line ${lineNo} shows a key`);
    }
  });

  it('OpenVPN: option names and inline blocks at line start, values after the name', async () => {
    const uri = await createFile('docs.ovpn', OVPN, 'openvpn');
    const names = await eventually('option completion', async () => {
      const labels = await completionLabels(uri, new vscode.Position(5, 0));
      return labels.includes('remote') ? labels : undefined;
    });
    for (const name of ['remote', 'persist-key', 'keepalive', '<ca>', '<tls-crypt>']) assert.ok(names.includes(name), `${name} missing`);
    assert.ok(!names.includes('block-outside-dns'), 'Windows-only options are not offered');
    const block = await completionItem(uri, new vscode.Position(5, 0), '<ca>');
    assert.ok(block?.insertText instanceof vscode.SnippetString);
    assert.equal(block.insertText.value, '<ca>\n$0\n</ca>');

    const protos = await completionLabels(uri, new vscode.Position(2, 6), ' ');
    for (const p of ['udp', 'tcp-client', 'udp6']) assert.ok(protos.includes(p), `${p} missing: ${protos.join(', ')}`);
    const closing = await completionLabels(uri, new vscode.Position(10, 0));
    assert.deepEqual(closing, ['</key>'], 'inside <key> only the closing tag');
    assert.deepEqual(await completionLabels(uri, new vscode.Position(8, 3)), [], 'nothing inside key material');
  });

  it('OpenVPN: hover on an option shows what, default and source; inline key content shows nothing', async () => {
    const uri = created.find((u) => u.path.endsWith('docs.ovpn'));
    assert.ok(uri);
    const text = await eventually('hover doc on remote-cert-tls', async () => {
      const t = await hoverText(uri, new vscode.Position(4, 3));
      return t.includes('remote-cert-tls') ? t : undefined;
    });
    assert.match(text, /Default/);
    assert.match(text, /OpenVPN 2\.6 reference manual/);
    const tag = await hoverText(uri, new vscode.Position(6, 2));
    assert.match(tag, /private key/);
    for (const lineNo of [7, 8, 9]) {
      const t = await hoverText(uri, new vscode.Position(lineNo, 3));
      assert.ok(!t.includes(PRIVATE_KEY), `hover on line ${lineNo} shows key material`);
      assert.ok(!t.includes('`key`'), `hover on line ${lineNo} treats key content as an option`);
    }
  });
});
