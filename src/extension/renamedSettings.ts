// Settings renamed so that VS Code's settings editor labels them right. The editor labels an
// extension setting from its key, not from a "title" ("natProbe.budgetMs" showed as "Budget Ms"),
// so the keys themselves had to change. A user's existing value under the old key keeps working:
// it is read when the new key is not set anywhere. No vscode import: unit-tested on its own.

/** The new key and the old one it replaces (both without the "natProbe." section). */
export const RENAMED_SETTINGS = [
  { key: 'timeBudget', oldKey: 'budgetMs' },
  { key: 'relayServers', oldKey: 'turnServers' },
] as const;

/** The parts of `WorkspaceConfiguration.inspect()` that say where a user set a value. */
export interface InspectedValue<T> {
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
  readonly globalLanguageValue?: T;
  readonly workspaceLanguageValue?: T;
  readonly workspaceFolderLanguageValue?: T;
}

/** A `WorkspaceConfiguration`, reduced to what reading a renamed setting needs. */
export interface ConfigReader {
  get<T>(key: string): T | undefined;
  inspect<T>(key: string): InspectedValue<T> | undefined;
}

/** Did the user (or the workspace) set this key at any level? The manifest default does not count. */
export function isSetByUser<T>(i: InspectedValue<T> | undefined): boolean {
  if (!i) return false;
  return [i.globalValue, i.workspaceValue, i.workspaceFolderValue, i.globalLanguageValue, i.workspaceLanguageValue, i.workspaceFolderLanguageValue].some(
    (v) => v !== undefined,
  );
}

export interface RenamedRead<T> {
  readonly value: T;
  /** 'old': the value came from the old key, so the user can be told to rename it */
  readonly from: 'new' | 'old' | 'default';
}

/**
 * The new key when it is set anywhere, else the old key when it is set anywhere (each with VS
 * Code's own precedence across user, workspace and folder), else `fallback`.
 */
export function readRenamed<T>(config: ConfigReader, key: string, oldKey: string, fallback: T): RenamedRead<T> {
  if (isSetByUser(config.inspect<T>(key))) return { value: config.get<T>(key) ?? fallback, from: 'new' };
  if (isSetByUser(config.inspect<T>(oldKey))) return { value: config.get<T>(oldKey) ?? fallback, from: 'old' };
  return { value: fallback, from: 'default' };
}
