import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readRenamed } from '../../../src/extension/renamedSettings';
import { ourExtension } from './helpers';

// natProbe.budgetMs became natProbe.timeBudget (the settings editor labels a setting from its key:
// "Budget Ms"). The fallback to the old key, against VS Code's real configuration service: its
// inspect() levels are what tell "set by the user" from "the manifest default".
describe('renamed settings in a real VS Code: an old natProbe.budgetMs keeps working', () => {
  const config = () => vscode.workspace.getConfiguration('natProbe');

  before(async () => {
    await ourExtension().activate();
  });

  after(async () => {
    for (const key of ['timeBudget', 'budgetMs']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it('nothing set: the default; the old key set in the user settings: its value, marked as read from the old name; the new key set: it wins', async () => {
    assert.deepEqual(readRenamed(config(), 'timeBudget', 'budgetMs', 3000), { value: 3000, from: 'default' });
    await config().update('budgetMs', 7000, vscode.ConfigurationTarget.Global);
    assert.deepEqual(readRenamed(config(), 'timeBudget', 'budgetMs', 3000), { value: 7000, from: 'old' });
    await config().update('timeBudget', 4000, vscode.ConfigurationTarget.Global);
    assert.deepEqual(readRenamed(config(), 'timeBudget', 'budgetMs', 3000), { value: 4000, from: 'new' });
  });

  it('the old key is still a declared setting (so settings.json validates it), marked deprecated', () => {
    const props = ourExtension().packageJSON.contributes.configuration.properties;
    assert.ok(props['natProbe.budgetMs']?.markdownDeprecationMessage);
    assert.equal(config().inspect('budgetMs')?.defaultValue, 3000);
    assert.equal(config().inspect('timeBudget')?.defaultValue, 3000);
  });
});
