import * as os from 'node:os';
import * as vscode from 'vscode';
import { systemClock } from '../engine/clock';
import { DEFAULT_BUDGET_MS, DEFAULT_SERVERS } from '../engine/defaults';
import { diagnose } from '../engine/discovery/discover';
import { systemResolver } from '../engine/discovery/resolve';
import { type ServerSpec, parseServerSpec } from '../engine/discovery/serverSpec';
import { nodeUdpFactory } from '../engine/net/nodeUdp';
import type { Report } from '../report/report';
import { verdictLine } from '../report/renderText';
import { VERSION } from '../version';
import type { LastReport } from './lastReport';
import { showReportPanel } from './reportPanel';

/**
 * "NAT Probe: Run NAT diagnosis" and "NAT Probe: Measure NAT mapping lifetime": progress with
 * Cancel, the log channel, then the report panel. The lifetime run takes about as long as the
 * NAT's idle timeout (up to 2 minutes), so it is its own command, never part of the quick one.
 */
export function registerDiagnosisCommand(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, last: LastReport): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('natProbe.runDiagnosis', () => runProbe(context, output, last, { title: 'NAT Probe: diagnosing…' })),
    vscode.commands.registerCommand('natProbe.measureLifetime', () =>
      runProbe(context, output, last, { title: 'NAT Probe: measuring the NAT mapping lifetime (up to 2 minutes)…', lifetime: true }),
    ),
    vscode.commands.registerCommand('natProbe.showLastReport', async (): Promise<Report | undefined> => {
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

async function runProbe(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  last: LastReport,
  what: { title: string; lifetime?: boolean },
): Promise<Report | undefined> {
  const config = vscode.workspace.getConfiguration('natProbe');
  const servers: ServerSpec[] = [];
  for (const text of config.get<string[]>('servers', [...DEFAULT_SERVERS])) {
    const parsed = parseServerSpec(text);
    if (parsed.ok) servers.push(parsed.value);
    else output.warn(`ignoring server setting: ${parsed.error}`);
  }
  const budgetMs = config.get<number>('budgetMs', DEFAULT_BUDGET_MS);
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: what.title, cancellable: true },
    (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
      return diagnose({
        servers,
        factory: nodeUdpFactory,
        clock: systemClock,
        resolve: systemResolver,
        interfaces: () =>
          Object.entries(os.networkInterfaces()).flatMap(([name, addrs]) =>
            (addrs ?? []).map((a) => ({ name, address: a.address, family: a.family === 'IPv6' ? (6 as const) : (4 as const), internal: a.internal })),
          ),
        budgetMs,
        signal: controller.signal,
        version: VERSION,
        log: (line) => output.info(line),
        lifetime: what.lifetime
          ? {
              onProgress: (p) =>
                progress.report({
                  message: `a mapping idle ${p.lowSeconds} s is still alive${p.highSeconds !== null ? `; one idle ${p.highSeconds} s was gone` : ''} (${Math.round(p.elapsedMs / 1000)} s)`,
                }),
            }
          : undefined,
      });
    },
  );
  output.info(`verdict: ${verdictLine(report)}`);
  if (report.mappingLifetime) output.info(`mapping lifetime: ${report.mappingLifetime.value ?? 'unknown'} (${report.mappingLifetime.reason})`);
  await last.set(report);
  showReportPanel(context, report);
  return report;
}
