import * as vscode from 'vscode';
import { openVpnEndpointLocations, wireGuardEndpointLocations } from '../../engine/reach/targets';
import { CONFIG_SELECTOR, configFormatOf } from '../language/languageIds';

export const TEST_REACHABILITY_COMMAND = 'natProbe.testReachability';
export const TEST_FILE_REACHABILITY_COMMAND = 'natProbe.testFileReachability';

/** Endpoints past this many get no lens of their own (the whole-file command still tests them). */
const MAX_LENSES = 200;

/**
 * "Test reachability" above each WireGuard Endpoint (of a [Peer] with a PublicKey) and each
 * OpenVPN remote. Nothing runs until the user clicks; in an untrusted workspace there are no
 * lenses at all (a config from an untrusted folder must not get one click away from sending).
 */
class ReachLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  refresh(): void {
    this.emitter.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    const format = configFormatOf(document);
    if (!format) return [];
    const text = document.getText();
    const locations = format === 'wireguard' ? wireGuardEndpointLocations(text) : openVpnEndpointLocations(text);
    return locations.slice(0, MAX_LENSES).map((loc) => {
      const range = new vscode.Range(loc.line, 0, loc.line, 0);
      return new vscode.CodeLens(range, {
        title: vscode.l10n.t('Test reachability'),
        tooltip: vscode.l10n.t('Send the first packet of the real protocol with this config’s keys to {0} and see whether it answers', loc.label),
        command: TEST_REACHABILITY_COMMAND,
        arguments: [document.uri, loc.selector],
      });
    });
  }
}

export function registerReachCodeLens(context: vscode.ExtensionContext): void {
  const provider = new ReachLensProvider();
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, provider),
    vscode.workspace.onDidGrantWorkspaceTrust(() => provider.refresh()),
  );
}
