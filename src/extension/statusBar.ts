import * as vscode from 'vscode';
import type { Report } from '../report/report';
import { safeText } from '../report/safeText';
import type { LastReport } from './lastReport';

/** "NAT: port-restricted · CGNAT" (or "· double NAT") for the last report; a click opens it. */
export function registerStatusBar(context: vscode.ExtensionContext, last: LastReport): void {
  const item = vscode.window.createStatusBarItem('natProbe.verdict', vscode.StatusBarAlignment.Right, 100);
  item.name = 'NAT Probe verdict';
  item.command = 'natProbe.showLastReport';
  const show = (report: Report | undefined): void => {
    if (!report) {
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
  show(last.get());
  context.subscriptions.push(item, last.onDidChange(show));
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
  else if (report.doubleNat?.value === 'yes') parts.push('double NAT');
  return parts.join(' · ');
}
