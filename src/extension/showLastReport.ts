import * as vscode from 'vscode';
import type { Report } from '../report/report';
import type { LastReport } from './lastReport';
import { showReportPanel } from './panel/reportPanel';

/** Hidden: the offline card again (the status bar's "NAT: offline" opens it). */
export const SHOW_OFFLINE_COMMAND = '_natProbe.showOffline';

/**
 * "NAT Probe: Show last report": the panel with the current network's picture, the last good
 * results even when the latest run was offline, cancelled or failed. Returns it (the integration
 * tests use it). Also the offline card's buttons that are not probe commands.
 */
export function registerShowLastReport(context: vscode.ExtensionContext, last: LastReport, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('natProbe.showLastReport', (): Report | undefined => {
      const report = last.get();
      if (!report) {
        const offline = last.offline();
        if (offline) showReportPanel(context, offline.report, { picture: last.offlineInfo() });
        else void vscode.window.showInformationMessage(vscode.l10n.t('No NAT report yet: run "NAT Probe: Run NAT diagnosis" first.'));
        return undefined;
      }
      showReportPanel(context, report, { picture: last.info() });
      return report;
    }),
    vscode.commands.registerCommand(SHOW_OFFLINE_COMMAND, (): Report | undefined => {
      const offline = last.offline();
      if (!offline) return undefined;
      showReportPanel(context, offline.report, { picture: last.offlineInfo() });
      return offline.report;
    }),
    vscode.commands.registerCommand('_natProbe.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:natprobe.nat-probe')),
    vscode.commands.registerCommand('_natProbe.showLog', () => output.show(true)),
  );
}
