import * as vscode from 'vscode';
import type { Report } from '../report/report';
import { safeText } from '../report/safeText';
import type { LastReport } from './lastReport';
import { SHOW_OFFLINE_COMMAND } from './showLastReport';

/** "NAT: Port-restricted cone · CGNAT" (or "· double NAT"), in the panel's words, for the current network's picture, or "NAT: offline"; a click opens it. */
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
      // When UDP itself is in question, its reason (what was seen: blocked, nothing listening, or silence) is the one to show.
      const why = report.udp === 'yes' ? report.natType.reason : report.udpReason;
      item.tooltip = vscode.l10n.t('{0} ({1}): click for the report', safeText(why, 300), new Date(report.startedAt).toLocaleString());
      item.command = 'natProbe.showLastReport';
    }
    item.show();
  };
  show();
  context.subscriptions.push(item, last.onDidChangeState(show));
}

export function statusText(report: Report): string {
  // The report panel's words (src/webview/strings.ts), so both say the same and share one translation.
  const words: Record<string, string> = {
    'open-internet': vscode.l10n.t('Open internet'),
    'full-cone': vscode.l10n.t('Full cone'),
    'restricted-cone': vscode.l10n.t('Restricted cone'),
    'port-restricted-cone': vscode.l10n.t('Port-restricted cone'),
    symmetric: vscode.l10n.t('Symmetric'),
    'symmetric-udp-firewall': vscode.l10n.t('Firewall, no NAT'),
    'udp-blocked': vscode.l10n.t('UDP blocked'),
    unknown: vscode.l10n.t('Could not tell'),
  };
  const parts = [vscode.l10n.t('NAT: {0}', words[report.natType.value] ?? report.natType.value)];
  if (report.cgnat.value === 'yes') parts.push(vscode.l10n.t('CGNAT'));
  else if (report.doubleNat?.value === 'yes') parts.push(vscode.l10n.t('double NAT'));
  return parts.join(' · ');
}
