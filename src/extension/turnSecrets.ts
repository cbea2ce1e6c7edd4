import * as vscode from 'vscode';
import { showInfo } from './notify';
import { readProbeSettings, type TurnServerSetting } from './settings';

/**
 * TURN passwords live in VS Code's SecretStorage (the OS keychain where there is one), keyed by
 * server and user; never in settings, logs or reports.
 */
export class TurnSecrets {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(server: TurnServerSetting): string {
    return `natProbe.turn:${server.urlText}|${server.username}`;
  }

  get(server: TurnServerSetting): Thenable<string | undefined> {
    return this.secrets.get(this.key(server));
  }

  store(server: TurnServerSetting, password: string): Thenable<void> {
    return this.secrets.store(this.key(server), password);
  }

  delete(server: TurnServerSetting): Thenable<void> {
    return this.secrets.delete(this.key(server));
  }

  /** The stored password, or asks once (and stores it); undefined when the user dismisses the box. */
  async getOrAsk(server: TurnServerSetting): Promise<string | undefined> {
    const stored = await this.get(server);
    if (stored !== undefined) return stored;
    const entered = await askPassword(server);
    if (entered !== undefined) await this.store(server, entered);
    return entered;
  }
}

function askPassword(server: TurnServerSetting): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('TURN password for {0} at {1}', server.username, server.urlText),
    prompt: vscode.l10n.t('Kept in VS Code secret storage, never in settings. Change it with "NAT Probe: Set TURN password".'),
    password: true,
    ignoreFocusOut: true,
  });
}

/** Registers "NAT Probe: Set TURN password" over the configured TURN servers. */
export function registerSetTurnPassword(context: vscode.ExtensionContext, secrets: TurnSecrets): void {
  context.subscriptions.push(vscode.commands.registerCommand('natProbe.setTurnPassword', () => setTurnPasswordCommand(secrets, readProbeSettings().turnServers)));
}

/** "NAT Probe: Set TURN password": pick a configured TURN server, then set or forget its password. */
export async function setTurnPasswordCommand(secrets: TurnSecrets, servers: readonly TurnServerSetting[]): Promise<void> {
  if (servers.length === 0) {
    const open = vscode.l10n.t('Open settings');
    const choice = await showInfo(vscode.l10n.t('No TURN server is configured: add one to natProbe.relayServers first.'), open);
    if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'natProbe.relayServers');
    return;
  }
  const picked =
    servers.length === 1
      ? servers[0]
      : (await vscode.window.showQuickPick(servers.map((s) => ({ label: s.urlText, description: s.username, server: s })), { title: vscode.l10n.t('TURN server') }))?.server;
  if (!picked) return;
  const password = await askPassword(picked);
  if (password === undefined) return;
  if (password === '') {
    await secrets.delete(picked);
    void showInfo(vscode.l10n.t('Forgot the TURN password for {0} at {1}.', picked.username, picked.urlText));
  } else {
    await secrets.store(picked, password);
    void showInfo(vscode.l10n.t('Saved the TURN password for {0} at {1} in secret storage.', picked.username, picked.urlText));
  }
}
