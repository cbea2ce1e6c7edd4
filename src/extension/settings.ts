import * as vscode from 'vscode';
import { DEFAULT_BUDGET_MS, DEFAULT_SERVERS } from '../engine/defaults';
import { type ServerSpec, parseServerSpec } from '../engine/discovery/serverSpec';
import { DEFAULT_PORTS_TEXT, type PortSpec, parsePortList } from '../engine/probes/portList';
import { type TurnUrl, parseTurnUrl } from '../engine/probes/turnUrl';
import { type RenamedRead, readRenamed } from './renamedSettings';

/** A TURN server from the settings; its password lives in SecretStorage (turnSecrets.ts). */
export interface TurnServerSetting {
  readonly url: TurnUrl;
  readonly urlText: string;
  readonly username: string;
}

/**
 * The `natProbe.*` settings, read and checked in one place. A bad entry is skipped with a line
 * in the log rather than failing the whole command: the user sees which entry and why.
 */
export interface ProbeSettings {
  readonly servers: ServerSpec[];
  readonly budgetMs: number;
  readonly ports: PortSpec[];
  readonly portsServer: ServerSpec | undefined;
  readonly turnServers: TurnServerSetting[];
  /** natProbe.askRouter: ask the default gateway, read-only, for its external address (default on). */
  readonly askRouter: boolean;
  readonly problems: string[];
  /** settings still read from their old key (natProbe.budgetMs, natProbe.turnServers): one line each for the log */
  readonly renamed: string[];
}

export function readProbeSettings(): ProbeSettings {
  const config = vscode.workspace.getConfiguration('natProbe');
  const problems: string[] = [];
  const renamed: string[] = [];
  // natProbe.timeBudget and natProbe.relayServers were natProbe.budgetMs and natProbe.turnServers
  // (renamed so the settings editor's label, made from the key, reads right); the old key still counts.
  const renamedRead = <T>(key: string, oldKey: string, fallback: T): T => {
    const r: RenamedRead<T> = readRenamed(config, key, oldKey, fallback);
    if (r.from === 'old') renamed.push(`natProbe.${oldKey} is read as natProbe.${key} (its new name); rename it in your settings`);
    return r.value;
  };
  const servers: ServerSpec[] = [];
  for (const text of config.get<unknown[]>('servers', [...DEFAULT_SERVERS])) {
    const parsed = parseServerSpec(String(text));
    if (parsed.ok) servers.push(parsed.value);
    else problems.push(`natProbe.servers: ${parsed.error}`);
  }
  const ports: PortSpec[] = [];
  const portTexts = config.get<unknown[]>('ports', DEFAULT_PORTS_TEXT.split(','));
  for (const text of portTexts) {
    const parsed = parsePortList(String(text));
    if (parsed.ok) ports.push(...parsed.value);
    else problems.push(`natProbe.ports: ${parsed.error}`);
  }
  const portsServerText = config.get<string>('portsServer', '').trim();
  let portsServer: ServerSpec | undefined;
  if (portsServerText) {
    const parsed = parseServerSpec(portsServerText);
    if (parsed.ok) portsServer = parsed.value;
    else problems.push(`natProbe.portsServer: ${parsed.error}`);
  }
  const turnServers: TurnServerSetting[] = [];
  const relays = renamedRead<unknown>('relayServers', 'turnServers', []);
  for (const entry of Array.isArray(relays) ? relays : []) {
    const e = entry as { url?: unknown; username?: unknown };
    if (typeof e !== 'object' || e === null || typeof e.url !== 'string' || typeof e.username !== 'string' || !e.username) {
      problems.push('natProbe.relayServers: each entry needs "url" (turn:HOST[:PORT]) and "username"');
      continue;
    }
    const url = parseTurnUrl(e.url);
    if (url.ok) turnServers.push({ url: url.value, urlText: e.url.trim(), username: e.username });
    else problems.push(`natProbe.relayServers: ${url.error}`);
  }
  const budget = renamedRead<unknown>('timeBudget', 'budgetMs', DEFAULT_BUDGET_MS);
  const budgetMs = typeof budget === 'number' && Number.isFinite(budget) ? Math.min(600_000, Math.max(200, budget)) : DEFAULT_BUDGET_MS;
  // Anything but an explicit false keeps the default: a mistyped value must not silently stop the check.
  const askRouter = config.get<unknown>('askRouter', true) !== false;
  return { servers, budgetMs, ports, portsServer, turnServers, askRouter, problems, renamed };
}

export function useProbeResultsInLint(): boolean {
  return vscode.workspace.getConfiguration('natProbe').get<boolean>('lint.useProbeResults', true);
}
