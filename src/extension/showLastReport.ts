import * as vscode from 'vscode';
import type { Report } from '../report/report';
import type { LastReport } from './lastReport';
import { showReportPanel } from './panel/reportPanel';

/** "NAT Probe: Show last report": the panel with the most recent report. Returns it (the integration tests use it). */
export function registerShowLastReport(context: vscode.ExtensionContext, last: LastReport): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('natProbe.showLastReport', (): Report | undefined => {
      const report = last.get();
      if (!report) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No NAT report yet: run "NAT Probe: Run NAT diagnosis" first.'));
        return undefined;
      }
      showReportPanel(context, report);
      return report;
    }),
  );
}
