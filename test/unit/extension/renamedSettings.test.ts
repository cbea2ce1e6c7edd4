import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ConfigReader, type InspectedValue, RENAMED_SETTINGS, isSetByUser, readRenamed } from '../../../src/extension/renamedSettings';

// natProbe.budgetMs → natProbe.timeBudget and natProbe.turnServers → natProbe.relayServers were
// renamed so VS Code's settings editor (which labels a setting from its key) shows "Time Budget"
// and "Relay Servers". A user who set the old key must keep their value.

type Level = 'globalValue' | 'workspaceValue' | 'workspaceFolderValue' | 'globalLanguageValue';

/** A WorkspaceConfiguration as VS Code resolves it: the most specific level that holds a value wins, then the manifest default. */
function fakeConfig(values: Record<string, Partial<Record<Level, unknown>>>, defaults: Record<string, unknown> = {}): ConfigReader {
  const order: Level[] = ['globalLanguageValue', 'workspaceFolderValue', 'workspaceValue', 'globalValue'];
  return {
    inspect<T>(key: string): InspectedValue<T> | undefined {
      if (!(key in values) && !(key in defaults)) return undefined;
      return { ...(values[key] ?? {}), defaultValue: defaults[key] } as InspectedValue<T>;
    },
    get<T>(key: string): T | undefined {
      const v = values[key] ?? {};
      for (const level of order) if (v[level] !== undefined) return v[level] as T;
      return defaults[key] as T | undefined;
    },
  };
}

const DEFAULTS = { timeBudget: 3000, budgetMs: 3000 };

describe('renamed settings: the old key still counts while the new one is not set', () => {
  it('nothing set: the built-in default, and no rename to report', () => {
    assert.deepEqual(readRenamed(fakeConfig({}, DEFAULTS), 'timeBudget', 'budgetMs', 3000), { value: 3000, from: 'default' });
  });

  it('a user who set natProbe.budgetMs to 8000 before the rename still gets 8000, and is told the new name', () => {
    const config = fakeConfig({ budgetMs: { globalValue: 8000 } }, DEFAULTS);
    assert.deepEqual(readRenamed(config, 'timeBudget', 'budgetMs', 3000), { value: 8000, from: 'old' });
  });

  it('the old key set in a workspace or folder counts too', () => {
    assert.equal(readRenamed(fakeConfig({ budgetMs: { workspaceValue: 5000 } }, DEFAULTS), 'timeBudget', 'budgetMs', 3000).value, 5000);
    assert.equal(readRenamed(fakeConfig({ budgetMs: { workspaceFolderValue: 6000 } }, DEFAULTS), 'timeBudget', 'budgetMs', 3000).value, 6000);
  });

  it('the new key, once set, wins over the old one at any level (user new 4000 vs workspace old 9000 gives 4000)', () => {
    const config = fakeConfig({ timeBudget: { globalValue: 4000 }, budgetMs: { workspaceValue: 9000 } }, DEFAULTS);
    assert.deepEqual(readRenamed(config, 'timeBudget', 'budgetMs', 3000), { value: 4000, from: 'new' });
  });

  it('the new key at its default does not hide the old one: the manifest default is not a user value', () => {
    assert.equal(isSetByUser({ defaultValue: 3000 } as InspectedValue<number>), false);
    assert.equal(isSetByUser(undefined), false);
    assert.equal(isSetByUser({ globalLanguageValue: 1 }), true);
  });

  it('the new key set to its default value on purpose still wins (3000 over an old 8000)', () => {
    const config = fakeConfig({ timeBudget: { globalValue: 3000 }, budgetMs: { globalValue: 8000 } }, DEFAULTS);
    assert.deepEqual(readRenamed(config, 'timeBudget', 'budgetMs', 3000), { value: 3000, from: 'new' });
  });

  it('TURN relays: entries under natProbe.turnServers are read when natProbe.relayServers is unset', () => {
    const entries = [{ url: 'turn:turn.example.com:3478', username: 'alice' }];
    const config = fakeConfig({ turnServers: { globalValue: entries } }, { relayServers: [], turnServers: [] });
    assert.deepEqual(readRenamed(config, 'relayServers', 'turnServers', []), { value: entries, from: 'old' });
  });

  it('package.json declares each new key, and keeps each old key declared, deprecated, with the same type, range and restriction', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>;
    const restricted = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations as string[];
    for (const { key, oldKey } of RENAMED_SETTINGS) {
      const now = props[`natProbe.${key}`];
      const old = props[`natProbe.${oldKey}`];
      assert.ok(now, `natProbe.${key} is declared`);
      assert.ok(old, `natProbe.${oldKey} stays declared`);
      assert.ok(old.markdownDeprecationMessage, `natProbe.${oldKey} is marked deprecated`);
      assert.equal(now.markdownDeprecationMessage, undefined);
      for (const f of ['type', 'minimum', 'maximum', 'items', 'default']) assert.deepEqual(old[f], now[f], `${oldKey}.${f}`);
      assert.equal(restricted.includes(`natProbe.${oldKey}`), restricted.includes(`natProbe.${key}`), `natProbe.${oldKey} is as restricted as natProbe.${key}`);
    }
  });

  it('settings.ts reads every renamed setting through the fallback, never the old key alone', () => {
    const source = fs.readFileSync(path.resolve(__dirname, '../../../src/extension/settings.ts'), 'utf8');
    for (const { key, oldKey } of RENAMED_SETTINGS) {
      assert.match(source, new RegExp(`renamedRead<\\w+>\\('${key}', '${oldKey}'`), key);
      assert.doesNotMatch(source, new RegExp(`config\\.(get|inspect)[^(]*\\('${oldKey}'`), oldKey);
    }
  });
});
