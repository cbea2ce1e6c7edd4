import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ourExtension } from './helpers';

interface CommandContribution {
  readonly command: string;
  readonly title: string;
}

describe('contributed commands', () => {
  before(async () => {
    await ourExtension().activate();
  });

  it('package.json contributes at least one command', () => {
    const commands: CommandContribution[] = ourExtension().packageJSON.contributes?.commands ?? [];
    assert.ok(commands.length > 0, 'contributes.commands is empty');
    assert.ok(commands.some((c) => c.command === 'natProbe.runDiagnosis'));
  });

  it('every command in contributes.commands is registered after activation', async () => {
    const contributed: CommandContribution[] = ourExtension().packageJSON.contributes?.commands ?? [];
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
