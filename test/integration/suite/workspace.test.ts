import assert from 'node:assert/strict';
import * as vscode from 'vscode';

// The runner opens a fresh folder with fixture files (scripts/vscode/run-integration.mjs: makeWorkspace).
describe('test workspace', () => {
  it('is open with the fixture files', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, `expected one workspace folder, got ${folders.length}`);
    const found = await vscode.workspace.findFiles('**/*.{conf,ovpn}');
    const names = found.map((u) => u.path.split('/').pop()).sort();
    assert.deepEqual(names, ['client.ovpn', 'wg0.conf']);
  });
});
