import * as vscode from 'vscode';
import { registerCompareReports } from './compareReports';
import { registerProbeCommands } from './diagnosisCommand';
import { registerExportReport } from './exportReport';
import { connectLintToReports } from './language/probeReport';
import { registerLanguageSupport } from './language/registerLanguageSupport';
import { LastReport } from './lastReport';
import { lazyLogOutputChannel } from './lazyOutput';
import { registerReportPanel } from './panel/reportPanel';
import { registerPunch } from './punch/punchCommand';
import { registerReach } from './reach/reachCommands';
import { registerShowLastReport } from './showLastReport';
import { type ShownNotification, shownNotifications } from './notify';
import { registerStatusBar } from './statusBar';
import { TurnSecrets, registerSetTurnPassword } from './turnSecrets';
import { registerWorkspaceLint } from './workspaceLint';

// Set by the bundle's first and last lines (scripts/build.mjs banner and footer): activation
// time then includes evaluating the bundle, not only activate().
declare const __natprobeLoadStart: number | undefined;
declare const __natprobeLoadEnd: number | undefined;

/** What activate() returns to other extensions and to the integration tests. */
export interface NatProbeApi {
  /** Milliseconds spent evaluating the bundle plus running activate(). */
  readonly activationMs: number;
  /** The two parts of activationMs: evaluating the bundle, and activate() itself. */
  readonly loadMs: number;
  readonly activateMs: number;
  /**
   * The notifications the extension showed, oldest first (notify.ts): the integration suite runs
   * VS Code with --enable-smoke-test-driver, which shows no toast, and asserts them here.
   */
  readonly notifications: () => readonly ShownNotification[];
}

/** Only wires things up: each feature lives in its own module and registers its disposables. */
export function activate(context: vscode.ExtensionContext): NatProbeApi {
  const started = performance.now();
  const loadMs = typeof __natprobeLoadStart === 'number' && typeof __natprobeLoadEnd === 'number' ? __natprobeLoadEnd - __natprobeLoadStart : 0;
  const output = lazyLogOutputChannel(context, 'NAT Probe');
  const last = new LastReport(context.globalState);
  context.subscriptions.push(last);
  registerReportPanel(context, output, last);
  const secrets = new TurnSecrets(context.secrets);
  registerProbeCommands(context, output, last, secrets);
  registerShowLastReport(context, last, output);
  registerSetTurnPassword(context, secrets);
  registerExportReport(context, last, output);
  registerCompareReports(context, last);
  registerStatusBar(context, last);
  connectLintToReports(context, last.get(), last.onDidChange);
  registerLanguageSupport(context);
  registerWorkspaceLint(context);
  registerReach(context, output, last);
  registerPunch(context, output, last);
  const activateMs = performance.now() - started;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { activationMs: round(loadMs + activateMs), loadMs: round(loadMs), activateMs: round(activateMs), notifications: shownNotifications };
}

export function deactivate(): void {
  // Nothing to tear down beyond context.subscriptions.
}
