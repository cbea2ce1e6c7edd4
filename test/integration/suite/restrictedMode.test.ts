import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as vscode from 'vscode';
import type { NatProbeApi } from '../../../src/extension/extension';
import { ourExtension } from './helpers';

// Restricted Mode in a real VS Code: a config from an untrusted folder must not make the editor
// send packets (issue 12), nor a direct-path test (issue 16). Runs only in the runner's restricted pass (NATPROBE_TEST_TRUST=
// restricted: the VS Code server starts without --disable-workspace-trust, so the fresh workspace
// folder is untrusted); in the normal, trusted pass it is skipped with that reason. The "server"
// is a UDP socket on loopback that counts what reaches it.

describe('Restricted Mode: no reachability test from an untrusted workspace', function () {
  this.timeout(30000);
  let server: dgram.Socket | undefined;
  let received = 0;
  let port = 0;
  const created: vscode.Uri[] = [];

  before(async function () {
    if (vscode.workspace.isTrusted) {
      console.log('      skipped: the workspace is trusted; this runs in the restricted pass (NATPROBE_TEST_TRUST=restricted)');
      this.skip();
    }
    await ourExtension().activate();
    server = dgram.createSocket('udp4');
    server.on('message', () => received++);
    await new Promise<void>((resolve) => server!.bind(0, '127.0.0.1', () => resolve()));
    port = server.address().port;
  });

  after(async () => {
    server?.close();
    for (const uri of created.splice(0)) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  it('the workspace really is untrusted here (VS Code says so to the extension host)', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('no "Test reachability" lens, and neither command sends a packet nor leaves a diagnostic', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder');
    const uri = vscode.Uri.joinPath(folder.uri, 'restricted-wg.conf');
    const text = `[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 10.0.0.1/32\nEndpoint = 127.0.0.1:${port}\n`;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    created.push(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== 'wireguard') await vscode.languages.setTextDocumentLanguage(document, 'wireguard');
    await vscode.window.showTextDocument(document);
    // The linter runs in Restricted Mode (limited support): waiting for its diagnostics shows the
    // extension is working on this document, so an empty lens list below is the trust check.
    const lint = async (): Promise<boolean> => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'natprobe');
    const lensesNow = async (): Promise<vscode.CodeLens[]> =>
      ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).filter((l) => l.command?.command === 'natProbe.testReachability');
    for (let i = 0; i < 30 && !(await lint()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await lensesNow(), []);

    // Run as a keybinding or another extension could: the commands refuse.
    assert.equal(await vscode.commands.executeCommand('natProbe.testReachability', uri, '1').then(undefined, () => undefined), undefined);
    assert.equal(await vscode.commands.executeCommand('natProbe.testFileReachability', uri).then(undefined, () => undefined), undefined);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(received, 0, 'no packet reached the endpoint');
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'NAT Probe reach'), []);
  });
  it('Test a direct path to a peer refuses too, even with the rendezvous in the user settings: a warning, no packet', async () => {
    const api = ourExtension().exports as NatProbeApi;
    // A user setting (not restricted): only the trust check stands between the command and a send.
    await vscode.workspace.getConfiguration('natProbe').update('rendezvous', `127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
    try {
      const before = api.notifications().length;
      assert.equal(await vscode.commands.executeCommand('natProbe.testDirectPath', { role: 'start' }).then(undefined, () => undefined), undefined);
      const shown = api.notifications().slice(before);
      assert.deepEqual(shown.map((n) => n.kind), ['warning']);
      assert.match(shown[0].text, /off in Restricted Mode/);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(received, 0, 'no packet reached the rendezvous');
    } finally {
      await vscode.workspace.getConfiguration('natProbe').update('rendezvous', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
