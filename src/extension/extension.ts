import * as vscode from 'vscode';
import { registerDiagnosisCommand } from './diagnosisCommand';
import { LastReport } from './lastReport';
import { registerStatusBar } from './statusBar';
import { registerLanguageSupport } from './language/registerLanguageSupport';

/** Only wires things up: each feature lives in its own module and registers its disposables. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('NAT Probe', { log: true });
  context.subscriptions.push(output);
  const last = new LastReport(context.globalState);
  context.subscriptions.push(last);
  registerDiagnosisCommand(context, output, last);
  registerStatusBar(context, last);
  registerLanguageSupport(context);
}

export function deactivate(): void {
  // Nothing to tear down beyond context.subscriptions.
}
