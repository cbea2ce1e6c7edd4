// Restricted Mode: a config from an untrusted folder must not make the editor send packets
// (issue 12). Three layers, each checked here: the manifest (the commands are disabled and hidden
// until the workspace is trusted), the CodeLens provider (no lens at all), and the command itself
// (refuses before it opens the document or starts `natprobe reach`). The extension code runs
// against a stand-in `vscode` module (test/support/fakeVscode.ts): VS Code's own Restricted Mode
// is not driven here, see the integration README for why.
import assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { type FakeVscode, installFakeVscode } from '../../support/fakeVscode';

const ROOT = path.resolve(__dirname, '../../..');
const load = createRequire(__filename);

const WIREGUARD = '[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 10.0.0.1/32\nEndpoint = 127.0.0.1:9\n';

function document(text: string, languageId: string): unknown {
  return { languageId, getText: () => text, uri: { toString: () => 'file:///w/wg0.conf', path: '/w/wg0.conf', scheme: 'file' }, isDirty: false };
}

describe('Restricted Mode: no reachability test from an untrusted workspace', () => {
  let fake: FakeVscode;
  let spawned = 0;
  const realExecFile = childProcess.execFile;

  before(() => {
    fake = installFakeVscode();
    // Counts every child process the reach runner could start.
    (childProcess as { execFile: unknown }).execFile = (...args: unknown[]) => {
      spawned++;
      return (realExecFile as (...a: unknown[]) => unknown)(...args);
    };
  });

  after(() => {
    (childProcess as { execFile: unknown }).execFile = realExecFile;
    fake.uninstall();
  });

  it('the manifest: both reach commands are enabled only in a trusted workspace, and the palette hides them otherwise', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
    for (const id of ['natProbe.testReachability', 'natProbe.testFileReachability']) {
      const command = pkg.contributes.commands.find((c: { command: string }) => c.command === id);
      assert.equal(command?.enablement, 'isWorkspaceTrusted', id);
      const palette = pkg.contributes.menus.commandPalette.find((m: { command: string }) => m.command === id);
      assert.ok(palette && (palette.when === 'false' || /(^|&& )isWorkspaceTrusted( &&|$)/.test(palette.when)), `${id}: ${palette?.when}`);
    }
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(nls['capabilities.untrusted'], /Reachability tests .* are off until you trust the workspace/);
  });

  it('the CodeLens provider offers no lens while untrusted, and refreshes into lenses when trust is granted', () => {
    const { registerReachCodeLens } = load('../../../src/extension/reach/reachCodeLens') as typeof import('../../../src/extension/reach/reachCodeLens');
    registerReachCodeLens({ subscriptions: [] } as never);
    const provider = fake.codeLensProviders.at(-1)!;
    let refreshed = 0;
    provider.onDidChangeCodeLenses?.(() => refreshed++);
    fake.trusted = false;
    assert.deepEqual(provider.provideCodeLenses(document(WIREGUARD, 'wireguard')), []);
    fake.grantTrust();
    assert.equal(refreshed, 1, 'granting trust asks VS Code for the lenses again');
    const lenses = provider.provideCodeLenses(document(WIREGUARD, 'wireguard'));
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].command?.command, 'natProbe.testReachability');
    assert.equal(lenses[0].range.start.line, 6, 'on the Endpoint line');
  });

  it('the commands refuse while untrusted: a warning, no document opened, no natprobe process started', async () => {
    const { registerReach } = load('../../../src/extension/reach/reachCommands') as typeof import('../../../src/extension/reach/reachCommands');
    const uri = { scheme: 'file', path: '/w/wg0.conf', fsPath: '/w/wg0.conf', toString: () => 'file:///w/wg0.conf' };
    registerReach({ subscriptions: [], extensionUri: { scheme: 'file', path: '/ext' } } as never, { info: () => undefined, error: () => undefined } as never, { get: () => undefined } as never);
    fake.trusted = false;
    fake.messages.length = 0;
    for (const [id, args] of [
      ['natProbe.testReachability', [uri, '1']],
      ['natProbe.testFileReachability', [uri]],
    ] as const) {
      const command = fake.commands.get(id);
      assert.ok(command, `${id} is registered`);
      assert.equal(await command(...args), undefined, id);
    }
    assert.deepEqual(
      fake.messages.map((m) => m.kind),
      ['warning', 'warning'],
    );
    assert.match(fake.messages[0].text, /Reachability tests are off in Restricted Mode: trust this workspace/);
    assert.equal(fake.openedDocuments, 0, 'the document was not even opened');
    assert.equal(spawned, 0, 'no child process');
  });

  it('the same command, trusted, goes on to open the document (so the refusal above is the trust check, not a broken fake)', async () => {
    const command = fake.commands.get('natProbe.testReachability')!;
    fake.trusted = true;
    const opened = fake.openedDocuments;
    await assert.rejects(async () => command({ scheme: 'file', path: '/w/wg0.conf', toString: () => 'file:///w/wg0.conf' }, '1'), /the fake opens no documents/);
    assert.equal(fake.openedDocuments, opened + 1);
  });
});
