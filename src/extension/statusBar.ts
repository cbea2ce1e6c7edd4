import * as vscode from 'vscode';
import type { Report } from '../report/report';
import { safeText } from '../report/safeText';
import type { LastReport } from './lastReport';
import { SHOW_OFFLINE_COMMAND } from './showLastReport';

/** "NAT: port-restricted · CGNAT" for the current network's picture, or "NAT: offline"; a click opens it. */
export function registerStatusBar(context: vscode.ExtensionContext, last: LastReport): void {
  const item = vscode.window.createStatusBarItem('natProbe.verdict', vscode.StatusBarAlignment.Right, 100);
  item.name = 'NAT Probe verdict';
  item.command = 'natProbe.showLastReport';
  const show = (): void => {
    const report = last.get();
    const offline = last.offline();
    if (offline) {
      item.text = `$(debug-disconnect) ${vscode.l10n.t('NAT: offline')}`;
      item.tooltip = report
        ? vscode.l10n.t('You appear to be offline ({0}, {1}). The last good report ({2}) is kept: "NAT Probe: Show last report".', safeText(offline.reason, 300), new Date(offline.at).toLocaleString(), new Date(report.startedAt).toLocaleString())
        : vscode.l10n.t('You appear to be offline ({0}, {1}).', safeText(offline.reason, 300), new Date(offline.at).toLocaleString());
      item.command = SHOW_OFFLINE_COMMAND;
    } else if (!report) {
      item.text = `$(globe) ${vscode.l10n.t('NAT: not diagnosed')}`;
      item.tooltip = vscode.l10n.t('NAT Probe: run a diagnosis to see your NAT type');
      item.command = 'natProbe.runDiagnosis';
    } else {
      item.text = `$(globe) ${statusText(report)}`;
      // The reason can quote a server: shown through safeText like every network text.
      item.tooltip = vscode.l10n.t('{0} ({1}): click for the report', safeText(report.natType.reason, 300), new Date(report.startedAt).toLocaleString());
      item.command = 'natProbe.showLastReport';
    }
    item.show();
  };
  show();
  context.subscriptions.push(item, last.onDidChangeState(show));
}

export function statusText(report: Report): string {
  const words: Record<string, string> = {
    'open-internet': 'no NAT',
    'full-cone': 'full cone',
    'restricted-cone': 'restricted',
    'port-restricted-cone': 'port-restricted',
    symmetric: 'symmetric',
    'symmetric-udp-firewall': 'UDP firewall',
    'udp-blocked': 'UDP blocked',
    unknown: 'unknown',
  };
  const parts = [`NAT: ${words[report.natType.value] ?? report.natType.value}`];
  if (report.cgnat.value === 'yes') parts.push('CGNAT');
  return parts.join(' · ');
}
