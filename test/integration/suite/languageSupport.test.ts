import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { currentHostFacts } from '../../../src/lint/hostFacts';
import { waitFor } from './helpers';

// WireGuard/OpenVPN editing support (src/extension/language): languages, content detection,
// diagnostics, quick fixes, fix-all, rule hovers and document symbols, in a real VS Code.

const PRIVATE_KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PUBLIC_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';

const created: vscode.Uri[] = [];

function workspaceUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function createFile(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceUri(name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  created.push(uri);
  return uri;
}

/** The open document for `uri` as VS Code currently holds it (a language switch replaces the object). */
function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

async function languageOf(uri: vscode.Uri, expected: string): Promise<string> {
  await vscode.workspace.openTextDocument(uri);
  return waitFor(`language ${expected} for ${uri.path}`, () => openDocument(uri)?.languageId === expected && expected);
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

function ruleDiagnostics(uri: vscode.Uri, ruleId: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'natprobe' && codeOf(d) === ruleId);
}

const BROKEN_WG = `[Interface]
PrivatKey = ${PRIVATE_KEY}
Address = 10.0.0.1/24
ListenPort = 21820

# laptop
[Peer]
PublicKey = ${PUBLIC_KEY}
AllowedIPs = 10.0.0.2/32
PersistentKeepalive 25
`;

describe('WireGuard/OpenVPN language support', () => {
  after(async () => {
    for (const uri of created) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  it('gives wg0.conf the wireguard language and client.ovpn the openvpn language', async () => {
    assert.equal(await languageOf(workspaceUri('wg0.conf'), 'wireguard'), 'wireguard');
    assert.equal(await languageOf(workspaceUri('client.ovpn'), 'openvpn'), 'openvpn');
  });

  it('detects an OpenVPN .conf by its content, and leaves an unrelated .conf alone', async () => {
    const ovpn = await createFile('office.conf', 'client\ndev tun\nproto udp\nremote vpn.example.com 1194\nnobind\n');
    assert.equal(await languageOf(ovpn, 'openvpn'), 'openvpn');
    const other = await createFile('app.conf', 'listen = 8080\nworkers = 4\n');
    const doc = await vscode.workspace.openTextDocument(other);
    await new Promise((r) => setTimeout(r, 500));
    const lang = openDocument(other)?.languageId ?? doc.languageId;
    assert.ok(lang !== 'openvpn' && lang !== 'wireguard', `app.conf was switched to ${lang}`);
  });

  it('reports WG01 on a misspelt key, with a rule-doc link and without the key value', async () => {
    const uri = await createFile('wg-broken.conf', BROKEN_WG);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'wireguard');
    const [d] = await waitFor('WG01 diagnostics', () => {
      const found = ruleDiagnostics(uri, 'WG01');
      return found.length >= 2 && found;
    });
    const misspelt = ruleDiagnostics(uri, 'WG01').find((x) => x.range.start.line === 1) ?? d;
    assert.equal(doc.getText(misspelt.range), 'PrivatKey');
    assert.equal(misspelt.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(!misspelt.message.includes(PRIVATE_KEY), 'message leaks the PrivateKey value');
    assert.ok(typeof misspelt.code === 'object', 'code carries a target');
    const target = (misspelt.code as { target: vscode.Uri }).target;
    assert.ok(target.path.endsWith('/docs/rules/WG01.md'), `target ${target.toString()}`);
    await vscode.workspace.fs.stat(target); // the page exists in the extension

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, misspelt.range.start.translate(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    // Short: the rule's title, one sentence of why and the link; the full page is behind the link.
    assert.ok(text.includes('WG01 — A line wg does not recognise'), `hover: ${text.slice(0, 300)}`);
    assert.ok(text.includes('wg rejects the whole file') && text.includes('docs/rules/WG01.md'), `hover: ${text.slice(0, 300)}`);
    assert.ok(!text.includes('What triggers it') && !text.includes('## Why'), `hover has the whole page: ${text.slice(0, 300)}`);
    assert.ok(!text.includes(PRIVATE_KEY), 'hover leaks the PrivateKey value');
  });

  it('applies the preferred quick fix and the diagnostic goes away', async () => {
    const uri = workspaceUri('wg-broken.conf');
    const doc = await vscode.workspace.openTextDocument(uri);
    const diag = await waitFor('WG01 on line 2', () => ruleDiagnostics(uri, 'WG01').find((x) => x.range.start.line === 1));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range);
    const fix = actions.find((a) => a.title === 'Change to PrivateKey');
    assert.ok(fix, `quick fixes: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(fix.edit, 'fix has an edit');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.ok(doc.lineAt(1).text.startsWith('PrivateKey = '), doc.lineAt(1).text);
    await waitFor('WG01 on line 2 to go away', () => !ruleDiagnostics(uri, 'WG01').some((x) => x.range.start.line === 1));
  });

  it('fixes all preferred fixes with source.fixAll.natprobe', async () => {
    const uri = workspaceUri('wg-broken.conf');
    const doc = await vscode.workspace.openTextDocument(uri);
    await waitFor('WG01 on the keepalive line', () => ruleDiagnostics(uri, 'WG01').some((x) => x.range.start.line === 9));
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole, 'source.fixAll.natprobe');
    const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.natprobe');
    assert.ok(fixAll?.edit, `actions: ${actions.map((a) => `${a.kind?.value}: ${a.title}`).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
    assert.equal(doc.lineAt(9).text.replace(/\s+/g, ''), 'PersistentKeepalive=25');
    await waitFor('all WG01 to go away', () => ruleDiagnostics(uri, 'WG01').length === 0);
  });

  it('lists [Interface] and the peers as document symbols', async () => {
    const uri = await createFile(
      'wg-peers.conf',
      `[Interface]\nPrivateKey = ${PRIVATE_KEY}\nListenPort = 21820\n\n# laptop\n[Peer]\nPublicKey = ${PUBLIC_KEY}\nAllowedIPs = 10.0.0.2/32\n\n[Peer]\nPublicKey = ${PUBLIC_KEY}\nEndpoint = 192.0.2.7:51820\nAllowedIPs = 10.0.0.3/32\n\n[Peer]\nPublicKey = ${PUBLIC_KEY}\nAllowedIPs = 10.0.0.4/32\n\n[Peer]\n# phone \u001b[31mred\u001b[0m\nPublicKey = ${PUBLIC_KEY}\nAllowedIPs = 10.0.0.5/32\n`,
    );
    await languageOf(uri, 'wireguard');
    const list = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    // Named by the comment above the header, the Endpoint, the number, the first comment under the header.
    assert.deepEqual(list.map((s) => s.name), ['[Interface]', 'laptop', '192.0.2.7:51820', 'Peer 3', 'phone red']);
    assert.ok(list.every((s) => !s.name.includes(PUBLIC_KEY) && !s.detail.includes(PRIVATE_KEY)));
    assert.equal(list[1].range.start.line, 4, 'the naming comment belongs to the peer');
  });

  it('WQ06 (DNS without resolvconf) as natprobe lint decides it on this host: the same file, the same findings', async () => {
    const uri = await createFile('laptop-dns.conf', `[Interface]\nPrivateKey = ${PRIVATE_KEY}\nAddress = 10.0.0.2/32\nDNS = 10.0.0.1\n\n[Peer]\nPublicKey = ${PUBLIC_KEY}\nAllowedIPs = 10.0.0.0/24\nEndpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\nBogusKey = 1\n`);
    await languageOf(uri, 'wireguard');
    // WG01 on the last line proves the file was linted; then WQ06 is there exactly when the shared decision says so.
    await waitFor('the lint of laptop-dns.conf', () => ruleDiagnostics(uri, 'WG01').length > 0);
    const expected = currentHostFacts().resolvconf === false;
    assert.equal(ruleDiagnostics(uri, 'WQ06').length > 0, expected, `WQ06 expected ${expected} on this host`);
  });

  it('lists remote lines and inline blocks of an OpenVPN config', async () => {
    const uri = await createFile(
      'multi.ovpn',
      'client\ndev tun\nremote a.example.com 1194 udp\nremote b.example.com 443 tcp # fallback\n<ca>\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n</ca>\n',
    );
    await languageOf(uri, 'openvpn');
    const list = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    assert.deepEqual(list.map((s) => s.name), ['remote a.example.com 1194 udp', 'remote b.example.com 443 tcp', '<ca>']);
    assert.equal(list[2].range.end.line, 8);
  });
});
