import * as vscode from 'vscode';
import { registerCompareReports } from './compareReports';
import { registerDiagnosisCommand } from './diagnosisCommand';
import { registerExportReport } from './exportReport';
import { connectLintToReports } from './language/probeReport';
import { registerLanguageSupport } from './language/registerLanguageSupport';
import { LastReport } from './lastReport';
import { registerStatusBar } from './statusBar';
import { registerWorkspaceLint } from './workspaceLint';

// Set by the bundle's first line (scripts/build.mjs banner): activation time then includes
// loading the bundle, not only activate().
declare const __natprobeLoadStart: number | undefined;

/** What activate() returns to other extensions and to the integration tests. */
export interface NatProbeApi {
  /** Milliseconds from the bundle's first line to the end of activate(). */
  readonly activationMs: number;
}

/** Only wires things up: each feature lives in its own module and registers its disposables. */
export function activate(context: vscode.ExtensionContext): NatProbeApi {
  const started = typeof __natprobeLoadStart === 'number' ? __natprobeLoadStart : performance.now();
  const output = vscode.window.createOutputChannel('NAT Probe', { log: true });
  context.subscriptions.push(output);
  const last = new LastReport(context.globalState);
  context.subscriptions.push(last);
  registerDiagnosisCommand(context, output, last);
  registerExportReport(context, last, output);
  registerCompareReports(context, last);
  registerStatusBar(context, last);
  connectLintToReports(context, last.get(), last.onDidChange);
  registerLanguageSupport(context);
  registerWorkspaceLint(context);
  return { activationMs: Math.round((performance.now() - started) * 100) / 100 };
}

export function deactivate(): void {
  // Nothing to tear down beyond context.subscriptions.
}
