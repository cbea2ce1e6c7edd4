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
import { showReportPanel } from './reportPanel';

/** "NAT Probe: Run NAT diagnosis": progress with Cancel, the log, then the report panel. */
export function registerDiagnosisCommand(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('natProbe.runDiagnosis', async (): Promise<Report | undefined> => {
      const config = vscode.workspace.getConfiguration('natProbe');
      const servers: ServerSpec[] = [];
      for (const text of config.get<string[]>('servers', [...DEFAULT_SERVERS])) {
        const parsed = parseServerSpec(text);
        if (parsed.ok) servers.push(parsed.value);
        else output.warn(`ignoring server setting: ${parsed.error}`);
      }
      const budgetMs = config.get<number>('budgetMs', DEFAULT_BUDGET_MS);
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'NAT Probe: diagnosing…', cancellable: true },
        (_progress, token) => {
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
          });
        },
      );
      output.info(`verdict: ${verdictLine(report)}`);
      showReportPanel(context, report);
      return report;
    }),
  );
}
