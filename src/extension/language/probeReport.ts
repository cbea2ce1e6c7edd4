import * as vscode from 'vscode';
import { reportWithReach } from '../../engine/reach/ports';
import type { ReachResult } from '../../engine/reach/types';
import type { Report } from '../../report/report';
import { useProbeResultsInLint } from '../settings';

/**
 * The probe report the linter's probe-aware rules read (keepalive vs the measured mapping
 * lifetime, Endpoint/remote ports the probe found blocked). The extension feeds it the last
 * report; natProbe.lint.useProbeResults turns that off. Diagnostics re-lint on every change.
 */
class ProbeReportForLint implements vscode.Disposable {
  private report: Report | undefined;
  private reach: readonly ReachResult[] = [];
  /** The report with reach answers folded in, made once per change (lint results are cached per report object). */
  private merged: Report | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  get(): Report | undefined {
    return useProbeResultsInLint() ? this.merged : undefined;
  }

  /** Reach answers count as port evidence, as the report's ports test does. */
  setReach(results: readonly ReachResult[]): void {
    const had = this.reach.some((r) => r.outcome === 'reachable');
    this.reach = results;
    this.merged = reportWithReach(this.report, this.reach);
    if (had || results.some((r) => r.outcome === 'reachable')) this.emitter.fire();
  }

  set(report: Report | undefined): void {
    this.report = report;
    this.merged = reportWithReach(report, this.reach);
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
