import * as vscode from 'vscode';
import { parseServerSpec } from '../../engine/discovery/serverSpec';
import { parseCode } from '../../engine/punch/code';
import type { PunchRow } from '../../report/messages';
import type { LastReport } from '../lastReport';
import { showError, showInfo, showWarning, withNotificationProgress } from '../notify';
import { revealReportPanel, setPunchRow } from '../panel/reportPanel';
import type { PunchOutput } from './punchOutput';
import { runPunchProcess } from './punchProcess';
import { type PunchReportFiles, writePunchReportFiles } from './punchReportFiles';
import { readSide } from '../compareReports';

export const TEST_DIRECT_PATH_COMMAND = 'natProbe.testDirectPath';

/** What a caller (a test, a walkthrough link) may pass to skip the questions: the role, and the peer's code to join. */
interface DirectPathOptions {
  readonly role?: 'start' | 'join';
  readonly code?: string;
  /** The peer's report for compare's prediction, or 'skip' for none; absent: asked (Pick file… / Skip) when there is a last report. */
  readonly peerReport?: vscode.Uri | 'skip';
}

/**
 * Why there is no prediction beside the proof, and the two ways to get one: give the peer's
 * report when the command asks (it asks only when this machine has a report; on the command
 * line `natprobe punch --report … --peer-report …`), or Compare the two reports afterwards.
 */
export function noPredictionHint(hasOwnReport: boolean): string {
  return hasOwnReport
    ? vscode.l10n.t('No prediction: compare needs both ends’ reports. Give the peer’s report when this test asks for it (Pick file…; natprobe punch --peer-report on the command line), or open it with “NAT Probe: Compare two reports”.')
    : vscode.l10n.t('No prediction: compare needs both ends’ reports, and this machine has none yet. Run “NAT Probe: Run NAT diagnosis” first: the next test then asks for the peer’s report (natprobe punch --report … --peer-report … on the command line); or use “NAT Probe: Compare two reports”.');
}

/**
 * The row the panel shows, built only from the child's checked fields. `noPrediction`: the
 * reports were not passed (no last report, or the peer's skipped), so the CLI's "give --report
 * and --peer-report" stands in for a prediction and the panel says it in its own words;
 * undefined when both were passed, so an "unknown" is compare's own verdict and keeps its reason.
 */
export function punchRow(via: string, o: PunchOutput, at: Date, noPrediction: string | undefined): PunchRow {
  const prediction = noPrediction !== undefined && o.prediction.direct === 'unknown' ? { direct: 'unknown' as const, reason: noPrediction } : o.prediction;
  return {
    via,
    direct: o.direct,
    reason: o.reason,
    ...(o.pair ? { pair: o.pair } : {}),
    ...(o.ms !== null ? { ms: o.ms } : {}),
    ...(o.rttMs !== null ? { rttMs: o.rttMs } : {}),
    prediction,
    agrees: o.agrees,
    packetsSent: o.packets.sent,
    at: at.toISOString(),
  };
}

/**
 * "NAT Probe: Test a direct path to a peer": `natprobe punch` in a child process, through the
 * rendezvous the user named (natProbe.rendezvous; there is no default, so nothing is sent
 * anywhere until they name their own `natprobe serve --rendezvous`). Start shows a fresh code with
 * a Copy button and waits for the peer; Join asks for the peer's code. The result goes to the
 * report panel ("Direct path to a peer", with compare's prediction beside it) and a toast.
 * Off in Restricted Mode, as Test reachability is: the rendezvous setting can come from the
 * workspace's own .vscode/settings.json, and an untrusted folder must not choose where we send.
 */
export function registerPunch(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, last: LastReport): void {
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;

  const run = async (options?: DirectPathOptions): Promise<PunchRow | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void showWarning(vscode.l10n.t('Testing a direct path is off in Restricted Mode: trust this workspace to let NAT Probe send packets to the rendezvous its settings name.'));
      return undefined;
    }
    const openSettings = vscode.l10n.t('Open settings');
    const via = vscode.workspace.getConfiguration('natProbe').get<unknown>('rendezvous', '');
    const viaText = typeof via === 'string' ? via.trim() : '';
    const spec = viaText ? parseServerSpec(viaText) : undefined;
    if (!spec?.ok) {
      const message = !viaText
        ? vscode.l10n.t('Testing a direct path needs a rendezvous: a host of yours running “natprobe serve --rendezvous”, named in the setting natProbe.rendezvous (HOST[:PORT]). Both peers name the same one.')
        : vscode.l10n.t('natProbe.rendezvous: {0}', spec?.ok === false ? spec.error : '');
      void showError(message, openSettings).then((choice) => {
        if (choice === openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', 'natProbe.rendezvous');
      });
      return undefined;
    }

    const startLabel = vscode.l10n.t('Start (show a code)');
    const joinLabel = vscode.l10n.t('Join (enter the peer’s code)');
    let role = options?.role;
    if (role !== 'start' && role !== 'join') {
      const picked = await vscode.window.showQuickPick(
        [
          { label: startLabel, detail: vscode.l10n.t('Shows a code to give to the peer, then waits up to a minute for it.'), role: 'start' as const },
          { label: joinLabel, detail: vscode.l10n.t('The peer started and gave you its code.'), role: 'join' as const },
        ],
        { title: vscode.l10n.t('Test a direct path to a peer via {0}', viaText) },
      );
      if (!picked) return undefined;
      role = picked.role;
    }
    let code: string | undefined;
    if (role === 'join') {
      const given = typeof options?.code === 'string' ? options.code : await vscode.window.showInputBox({
        title: vscode.l10n.t('The peer’s code'),
        prompt: vscode.l10n.t('Six words, as the peer’s NAT Probe or natprobe punch shows them.'),
        ignoreFocusOut: true,
        validateInput: (text) => {
          if (!text.trim()) return undefined;
          const parsed = parseCode(text);
          return parsed.ok ? undefined : parsed.error;
        },
      });
      if (given === undefined || !given.trim()) return undefined;
      const parsed = parseCode(given);
      if (!parsed.ok) {
        void showError(vscode.l10n.t('That is not a code: {0}', parsed.error));
        return undefined;
      }
      code = parsed.code;
    }

    // Compare's prediction beside the proof: this machine's picture and, if the user has one, the peer's report.
    const mine = last.get();
    let files: PunchReportFiles | undefined;
    if (mine && options?.peerReport !== 'skip') {
      let peerUri = options?.peerReport instanceof vscode.Uri ? options.peerReport : undefined;
      if (!peerUri) {
        const pickLabel = vscode.l10n.t('Pick file…');
        const choice = await vscode.window.showQuickPick(
          [
            { label: pickLabel, detail: vscode.l10n.t('The peer’s “natprobe diagnose --json” or exported JSON report: compare’s prediction shows beside the proof.') },
            { label: vscode.l10n.t('Skip'), detail: vscode.l10n.t('Test the path without a prediction.') },
          ],
          { title: vscode.l10n.t('Add the peer’s report for a prediction') },
        );
        if (!choice) return undefined;
        if (choice.label === pickLabel) {
          const picked = await vscode.window.showOpenDialog({ title: vscode.l10n.t('The peer’s report'), canSelectMany: false, filters: { JSON: ['json'] }, openLabel: vscode.l10n.t('Use') });
          if (!picked?.length) return undefined;
          peerUri = picked[0];
        }
      }
      if (peerUri) {
        try {
          const peer = await readSide(peerUri);
          files = await writePunchReportFiles(mine, peer.report);
        } catch (err) {
          void showError(err instanceof Error ? err.message : String(err));
          return undefined;
        }
      }
    }

    const copy = vscode.l10n.t('Copy code');
    let outcome: Awaited<ReturnType<typeof runPunchProcess>>;
    try {
      outcome = await withNotificationProgress({ title: vscode.l10n.t('NAT Probe: testing a direct path via {0}', viaText), cancellable: true }, (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: role === 'join' ? vscode.l10n.t('meeting the peer…') : vscode.l10n.t('getting a code…') });
        return runPunchProcess({
          cli,
          via: viaText,
          ...(code !== undefined ? { code } : {}),
          signal: abort.signal,
          ...(files ? { reportArgs: files.args } : {}),
          onCode: (fresh) => {
            progress.report({ message: vscode.l10n.t('waiting for the peer to join with {0}', fresh) });
            output.info(`punch: waiting for the peer via ${viaText}`);
            void showInfo(vscode.l10n.t('Your code: {0}. On the peer, within a minute: “NAT Probe: Test a direct path to a peer” → Join, or natprobe punch --via {1} --code {0}', fresh, viaText), copy).then((choice) => {
              if (choice === copy) void vscode.env.clipboard.writeText(fresh);
            });
          },
        });
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      output.error(`punch: ${message}`);
      void showError(vscode.l10n.t('NAT Probe could not test a direct path: {0}', message));
      return undefined;
    } finally {
      await files?.remove();
    }
    if (outcome.kind === 'cancelled') {
      output.info('punch: cancelled');
      return undefined;
    }
    const o = outcome.output;
    output.info(`punch: direct ${o.direct}${o.pair ? ` ${o.pair.kind} in ${o.ms} ms, RTT ${o.rttMs} ms` : ''}: ${o.reason}; ${o.packets.sent} packets sent`);
    const row = punchRow(viaText, o, new Date(), files ? undefined : noPredictionHint(mine !== undefined));
    setPunchRow(row);
    revealReportPanel(context, last.get());
    if (o.direct === 'yes' && o.pair) void showInfo(vscode.l10n.t('Direct path: yes, {0} in {1} ms (RTT {2} ms).', o.pair.kind, String(o.ms), String(o.rttMs)));
    else if (o.rendezvous === 'unreachable') void showError(vscode.l10n.t('The rendezvous {0} did not answer: {1}', viaText, o.reason));
    else void showWarning(vscode.l10n.t('Direct path: {0}. {1}', o.direct === 'no' ? vscode.l10n.t('no') : vscode.l10n.t('could not tell'), o.reason));
    return row;
  };

  context.subscriptions.push(vscode.commands.registerCommand(TEST_DIRECT_PATH_COMMAND, (options?: DirectPathOptions) => run(options && typeof options === 'object' ? options : undefined)));
}
