import * as vscode from 'vscode';
import type { Report } from '../../report/report';
import { useProbeResultsInLint } from '../settings';

/**
 * The probe report the linter's probe-aware rules read (keepalive vs the measured mapping
 * lifetime, Endpoint/remote ports the probe found blocked). The extension feeds it the last
 * report; natProbe.lint.useProbeResults turns that off. Diagnostics re-lint on every change.
 */
class ProbeReportForLint implements vscode.Disposable {
  private report: Report | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  get(): Report | undefined {
    return useProbeResultsInLint() ? this.report : undefined;
  }

  set(report: Report | undefined): void {
    this.report = report;
    this.emitter.fire();
  }

  /** The setting changed: the same report now counts or no longer does. */
  settingChanged(): void {
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export const probeReportForLint = new ProbeReportForLint();

/** Follows the last report (and the setting), so open configs are re-linted when either changes. */
export function connectLintToReports(context: vscode.ExtensionContext, current: Report | undefined, onDidChange: vscode.Event<Report>): void {
  probeReportForLint.set(current);
  context.subscriptions.push(
    probeReportForLint,
    onDidChange((r) => probeReportForLint.set(r)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('natProbe.lint.useProbeResults')) probeReportForLint.settingChanged();
    }),
  );
}
