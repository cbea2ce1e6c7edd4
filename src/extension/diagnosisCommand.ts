import * as vscode from 'vscode';
import { parseServerSpec } from '../engine/discovery/serverSpec';
import type { RecordOutcome } from '../report/networkResults';
import type { Report } from '../report/report';
import type { LastReport } from './lastReport';
import { parseReport } from '../report/parseReport';
import { formatDuration } from '../report/durations';
import { type PortsSummaryWords, portsSummary } from '../report/portsSummary';
import { showError, showInfo } from './notify';
import { type ProbeHost, type ProbeRequest, recordAndShow, runProbe } from './probeRunner';
import { type ReportFocus, showReportPanel } from './panel/reportPanel';
import { readProbeSettings } from './settings';
import type { TurnSecrets } from './turnSecrets';

/**
 * The probe commands: Run NAT diagnosis (behaviour, plus the TURN relay when one is configured),
 * Measure NAT mapping lifetime (takes about as long as the NAT's idle timeout, up to 2 minutes, so
 * never part of the quick one) and Test VPN ports (against a `natprobe serve --ports` server).
 * Each returns its report, which the integration tests use.
 */
export function registerProbeCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, last: LastReport, secrets: TurnSecrets): void {
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  const host: ProbeHost = { cli, output, last, secrets, show: (report, partial, picture) => showReportPanel(context, report, { partial, picture }) };
  // Ports and lifetime results land far down the panel: the final picture scrolls there and
  // highlights the section (the quick verdict before it does not).
  const focusing = (focus: ReportFocus): ProbeHost => ({ ...host, show: (report, partial, picture) => showReportPanel(context, report, { partial, picture, focus: partial ? undefined : focus }) });
  context.subscriptions.push(
    vscode.commands.registerCommand('natProbe.runDiagnosis', () => runProbe(host, { kind: 'diagnosis', title: vscode.l10n.t('Diagnosing…'), turn: true })),
    // A one-line summary after a run that counted; a cancelled, failed or offline run has said its own word.
    vscode.commands.registerCommand('natProbe.measureLifetime', () =>
      runProbe(focusing('lifetime'), {
        kind: 'lifetime',
        title: vscode.l10n.t('Measuring the NAT mapping lifetime (up to 2 minutes)…'),
        lifetime: true,
        onRecorded: (report, outcome, cancelled) => {
          if (counted(outcome, cancelled)) void showInfo(lifetimeSummary(report));
        },
      }),
    ),
    vscode.commands.registerCommand('natProbe.testPorts', () =>
      testPorts(focusing('ports'), (report, outcome, cancelled) => {
        if (counted(outcome, cancelled)) void showInfo(vscode.l10n.t('VPN ports: {0}', portsSummary(report.ports, portsWords())));
      }),
    ),
    // Hidden (not in the palette): records a report as if a run had made it, and shows the result
    // as a run would, e.g. one made with `natprobe diagnose --json`, or one a test builds (an
    // offline or cancelled run cannot be staged through the real commands in a test). Checked
    // like a saved report before anything trusts it. Returns the outcome.
    vscode.commands.registerCommand(RECORD_RUN_COMMAND, async (value: unknown, kind: unknown, cancelled: unknown) => {
      const parsed = parseReport(value);
      if (!parsed.ok || (kind !== 'diagnosis' && kind !== 'lifetime' && kind !== 'ports')) {
        output.warn(`${RECORD_RUN_COMMAND}: not a report and a run kind (${parsed.ok ? `kind ${typeof kind === 'string' ? kind.slice(0, 20) : typeof kind}` : parsed.error})`);
        return undefined;
      }
      return recordAndShow(host, { kind, report: parsed.report, cancelled: cancelled === true });
    }),
  );
}

/** See registerProbeCommands. */
export const RECORD_RUN_COMMAND = '_natProbe.recordRun';

/** Whether a run's results went into the picture (not cancelled, not offline, not a failure). */
function counted(outcome: RecordOutcome, cancelled: boolean): boolean {
  return !cancelled && (outcome.kind === 'merged' || outcome.kind === 'new-network');
}

/** "udp/51820 blocked, 5 reachable", in the display language. */
function portsWords(): PortsSummaryWords {
  return {
    blocked: (ports) => vscode.l10n.t('{0} blocked', ports),
    reachable: (n) => vscode.l10n.t('{0} reachable', n),
    unknown: (n) => vscode.l10n.t('{0} could not be told', n),
    join: (parts) => parts.join(', '),
    more: (n) => vscode.l10n.t('+{0} more', n),
    none: vscode.l10n.t('no port tested'),
  };
}

/** The one line after a lifetime run: the figure, or why there is none. */
function lifetimeSummary(report: Report): string {
  const l = report.mappingLifetime;
  if (!l) return vscode.l10n.t('Mapping lifetime: not measured.');
  if (l.notApplicable) return vscode.l10n.t('Mapping lifetime: not applicable ({0}).', l.reason);
  if (l.value === null || l.value === undefined) return vscode.l10n.t('Mapping lifetime: could not tell ({0}).', l.reason);
  return vscode.l10n.t('Mapping lifetime: an idle mapping lives {0}.', formatDuration(l.value * 1000, { ms: (n) => vscode.l10n.t('{0} ms', n), s: (n) => vscode.l10n.t('{0} s', n) }));
}

/**
 * Port tests need a server that answers on those ports (`natprobe serve --ports`): a public STUN
 * server does not listen on 51820, and silence there would say nothing about the path. So the
 * command asks for one when natProbe.portsServer is empty, and offers to remember it.
 */
async function testPorts(host: ProbeHost, onRecorded?: ProbeRequest['onRecorded']): Promise<Report | undefined> {
  const settings = readProbeSettings();
  let server = settings.portsServer;
  if (!server) {
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Test VPN ports: which server runs "natprobe serve --ports"?'),
      prompt: vscode.l10n.t('host[:port] of a machine outside your network running "natprobe serve --primary IP --ports default". Public STUN servers cannot answer on VPN ports.'),
      placeHolder: 'vpn.example.com:3478',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const r = parseServerSpec(v);
        return r.ok ? undefined : r.error;
      },
    });
    if (!text) return undefined;
    const parsed = parseServerSpec(text);
    if (!parsed.ok) return undefined;
    server = parsed.value;
    const remember = vscode.l10n.t('Remember it');
    void showInfo(vscode.l10n.t('Use {0} for port tests from now on?', text), remember).then(async (choice) => {
      if (choice === remember) await vscode.workspace.getConfiguration('natProbe').update('portsServer', text, vscode.ConfigurationTarget.Global);
    });
  }
  if (settings.ports.length === 0) {
    void showError(vscode.l10n.t('natProbe.ports is empty: nothing to test.'));
    return undefined;
  }
  return runProbe(host, {
    kind: 'ports',
    title: vscode.l10n.t('Testing VPN ports against {0}…', `${server.host}:${server.port}`),
    onRecorded,
    servers: [server],
    ports: settings.ports,
  });
}
