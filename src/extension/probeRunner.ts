import * as vscode from 'vscode';
import type { ServerSpec } from '../engine/discovery/serverSpec';
import type { PortSpec } from '../engine/probes/portList';
import type { PictureInfo } from '../report/messages';
import type { RecordOutcome, Run, RunKind } from '../report/networkResults';
import type { Report } from '../report/report';
import { lifetimePercent } from '../report/lifetimeProgress';
import { verdictLine } from '../report/renderText';
import { safeText } from '../report/safeText';
import type { LastReport } from './lastReport';
import { showError, showWarning, withNotificationProgress } from './notify';
import { MAX_TURN_SERVERS } from '../engine/probes/turnRank';
import { ProbeCancelled, type TurnCredential, runProbeProcess } from './probeProcess';
import { readProbeSettings } from './settings';
import type { TurnSecrets } from './turnSecrets';

export interface ProbeRequest {
  /** Which parts of the picture the run measures (networkResults.ts). */
  readonly kind: RunKind;
  /**
   * What the run does ("Testing VPN ports against …"), the progress notification's first message
   * under the title "NAT Probe"; later messages say how far it got, after it.
   */
  readonly title: string;
  /** Overrides natProbe.servers (Test VPN ports talks to the ports server only). */
  readonly servers?: readonly ServerSpec[];
  readonly ports?: readonly PortSpec[];
  readonly lifetime?: boolean;
  /** Include the TURN Allocate when a TURN server is configured. */
  readonly turn?: boolean;
  /** Told what became of the run once it is recorded (a summary toast only for a run that counted). */
  readonly onRecorded?: (report: Report, outcome: RecordOutcome, cancelled: boolean) => void;
}

export interface ProbeHost {
  /** dist/cli.js: the engine runs there, in its own process (probeProcess.ts). */
  readonly cli: string;
  readonly output: vscode.LogOutputChannel;
  readonly last: LastReport;
  readonly secrets: TurnSecrets;
  /** Shows a report in the panel: the quick verdict (partial) first, then the final report. */
  readonly show: (report: Report, partial: boolean, picture?: PictureInfo) => void;
}

/**
 * One diagnosis from the palette: progress notification with Cancel, every line of "what was
 * sent where" in the log channel, the quick verdict in the panel as soon as it stands, then the
 * final report, recorded in the results of its network (lastReport.ts): the panel, the status
 * bar and the linter follow that network's picture, which a cancelled, failed or offline run
 * does not replace. Returns the run's own report.
 */
export async function runProbe(host: ProbeHost, request: ProbeRequest): Promise<Report | undefined> {
  const { output } = host;
  const settings = readProbeSettings();
  for (const p of settings.problems) output.warn(`ignoring a setting: ${p}`);
  for (const r of settings.renamed) output.info(r);
  const servers = request.servers ?? settings.servers;
  if (servers.length === 0) {
    void showError(vscode.l10n.t('No STUN server to ask: natProbe.servers is empty or every entry is invalid (see the NAT Probe log).'));
    return undefined;
  }

  // Every configured TURN server (up to the CLI's cap), allocated on in parallel and ranked by RTT.
  const turn: TurnCredential[] = [];
  const turnServers = request.turn ? settings.turnServers.slice(0, MAX_TURN_SERVERS) : [];
  if (request.turn && settings.turnServers.length > MAX_TURN_SERVERS) output.warn(`TURN: testing the first ${MAX_TURN_SERVERS} of ${settings.turnServers.length} configured servers`);
  for (const turnServer of turnServers) {
    const password = await host.secrets.getOrAsk(turnServer);
    if (password === undefined) output.info(`TURN test skipped: no password entered for ${turnServer.username} at ${turnServer.urlText}`);
    else turn.push({ url: turnServer.url, username: turnServer.username, password });
  }

  output.info(`diagnosis: ${servers.map((s) => `${s.host}:${s.port}`).join(', ')}; budget ${settings.budgetMs} ms${settings.askRouter ? '' : '; router not asked (natProbe.askRouter off)'}${request.ports ? `; ports ${request.ports.map((p) => `${p.protocol}/${p.port}`).join(', ')}` : ''}`);
  let report: Report;
  let cancelled = false;
  try {
    // Title "NAT Probe" and the step as the message: VS Code shows "title: message", and a title
    // of its own would run into every message ("…against 127.0.0.1:3478…: No NAT: …").
    const step = request.title.replace(/…$/, '');
    report = await withNotificationProgress({ title: 'NAT Probe', cancellable: true }, (progress, token) => {
      progress.report({ message: request.title });
      let percent = 0;
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => {
        cancelled = true;
        controller.abort(new Error('cancelled'));
      });
      return runProbeProcess({
        cli: host.cli,
        servers,
        budgetMs: settings.budgetMs,
        askRouter: settings.askRouter,
        ports: request.ports,
        lifetime: request.lifetime,
        turn: turn.length ? turn : undefined,
        signal: controller.signal,
        onLog: (line) => output.info(line),
        onWarning: (line) => output.warn(line),
        onQuickVerdict: (quick) => {
          output.info(`quick verdict: ${verdictLine(quick)}`);
          progress.report({ message: vscode.l10n.t('{0} — quick verdict: {1} More tests running…', step, verdictLine(quick)) });
          // The quick verdict merged with the parts it does not measure: the ports and the lifetime stay in view.
          const preview = host.last.preview({ kind: request.kind, report: quick, cancelled: false });
          host.show(preview.report, true, preview.info);
        },
        onLifetime: (p) => {
          // The run's length is bounded (lifetimeProgress.ts): a percentage, and the bar moves with it.
          const now = lifetimePercent(p.elapsedMs);
          progress.report({
            increment: Math.max(0, now - percent),
            message:
              p.highSeconds !== null
                ? vscode.l10n.t('{0} % — a mapping idle {1} s is still alive; one idle {2} s was gone.', now, p.lowSeconds, p.highSeconds)
                : vscode.l10n.t('{0} % — a mapping idle {1} s is still alive.', now, p.lowSeconds),
          });
          percent = Math.max(percent, now);
        },
      }).finally(() => cancel.dispose());
    });
  } catch (err) {
    if (err instanceof ProbeCancelled) {
      output.info('diagnosis cancelled before the probe had started');
      return undefined;
    }
    const message = err instanceof Error ? err.message : String(err);
    output.error(`diagnosis failed: ${message}`);
    void showError(vscode.l10n.t('NAT Probe: the diagnosis failed: {0}', safeText(message, 300)));
    return undefined;
  }
  output.info(`verdict: ${verdictLine(report)}`);
  if (report.mappingLifetime) output.info(`mapping lifetime: ${report.mappingLifetime.value ?? 'unknown'} (${report.mappingLifetime.reason})`);
  for (const p of report.ports ?? []) output.info(`port ${p.protocol}/${p.port}: ${p.reachable} (${p.basis})`);
  if (report.turn) output.info(`TURN: ${report.turn.value}${report.turn.error ? ` (${report.turn.error})` : ''}`);
  if (report.turnServers && report.turnServers.length > 1) output.info(`TURN relays ranked by RTT: ${report.turnServers.map((t) => `${t.url} ${t.value === 'yes' && t.rttMs !== null ? `${t.rttMs} ms` : t.value}`).join(', ')}`);
  const outcome = await recordAndShow(host, { kind: request.kind, report, cancelled });
  request.onRecorded?.(report, outcome, cancelled);
  return report;
}

/** Records a finished run in its network's results and shows what the user should see now: the offline card, or the network's picture. */
export async function recordAndShow(host: Pick<ProbeHost, 'last' | 'output' | 'show'>, run: Run): Promise<RecordOutcome> {
  const outcome = await host.last.record(run);
  host.output.info(`results: ${describeOutcome(outcome)}`);
  const offline = host.last.offline();
  if (outcome.kind === 'offline' && offline) {
    host.show(offline.report, false, host.last.offlineInfo());
    return outcome;
  }
  const shown = host.last.get();
  if (shown) host.show(shown, false, host.last.info());
  else host.show(run.report, false);
  // A cancel was the user's wish: the log says what was kept; a failure is worth a word.
  if (outcome.kind === 'ignored' && shown && !run.cancelled) {
    void showWarning(vscode.l10n.t('NAT Probe: the run ended without a result ({0}); the last good results are kept.', safeText(outcome.reason, 200)));
  }
  return outcome;
}

function describeOutcome(o: RecordOutcome): string {
  switch (o.kind) {
    case 'offline':
      return `offline (${o.reason}); the last good results are kept`;
    case 'ignored':
      return `nothing recorded (${o.reason})`;
    case 'new-network':
      return 'a network not seen before (earlier ports and lifetime belong to another network)';
    case 'merged':
      return o.kept.length ? `merged; kept from earlier runs on this network: ${o.kept.join(', ')}` : 'merged; every part is from this run';
  }
}
