import * as vscode from 'vscode';
import type { ReachResult } from '../../engine/reach/types';
import type { ReachRow } from '../../report/messages';
import type { LastReport } from '../lastReport';
import { setReachRows } from '../panel/reportPanel';
import { configFormatOf } from '../language/languageIds';
import { probeReportForLint } from '../language/probeReport';
import { TEST_FILE_REACHABILITY_COMMAND, TEST_REACHABILITY_COMMAND, registerReachCodeLens } from './reachCodeLens';
import { runReachProcess, type ReachRun } from './reachProcess';
import { ReachStore } from './reachStore';

/** Per endpoint; silence costs this much, an answer one round trip. */
const REACH_BUDGET_MS = 3000;

const OUTCOME_WORDS: Record<ReachResult['outcome'], () => string> = {
  reachable: () => vscode.l10n.t('reachable'),
  'no-answer': () => vscode.l10n.t('no answer'),
  refused: () => vscode.l10n.t('refused'),
  unresolved: () => vscode.l10n.t('could not resolve'),
  'not-tested': () => vscode.l10n.t('not tested'),
  error: () => vscode.l10n.t('unexpected answer'),
};

export function outcomeWord(outcome: ReachResult['outcome']): string {
  return OUTCOME_WORDS[outcome]?.() ?? outcome;
}

/** The diagnostic for one result: information when it answered, a warning with the reason otherwise. */
export function reachDiagnostic(document: vscode.TextDocument, result: ReachResult): vscode.Diagnostic {
  const line = Math.min(result.target.line, Math.max(0, document.lineCount - 1));
  const text = document.lineAt(line);
  const range = new vscode.Range(line, text.firstNonWhitespaceCharacterIndex, line, text.text.length);
  const parts = [`${result.target.label}: ${outcomeWord(result.outcome)}${result.rttMs !== undefined ? ` (${result.rttMs} ms)` : ''}. ${result.summary}`];
  if (result.nextStep) parts.push(result.nextStep);
  const d = new vscode.Diagnostic(range, parts.join(' '), result.outcome === 'reachable' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Warning);
  d.source = 'NAT Probe reach';
  d.code = `reach:${result.outcome}`;
  return d;
}

export interface ReachHost {
  readonly store: ReachStore;
}

/**
 * Test reachability (one endpoint, from its lens) and Test reachability of all endpoints in
 * this file. Each runs `natprobe reach` in a child process, only when asked, never in an
 * untrusted workspace; results become diagnostics on the Endpoint/remote lines and rows in the
 * report panel. Returns the results (the integration tests read them).
 */
export function registerReach(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, last: LastReport): ReachHost {
  const store = new ReachStore();
  const diagnostics = vscode.languages.createDiagnosticCollection('natprobe-reach');
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  context.subscriptions.push(store, diagnostics);
  registerReachCodeLens(context);

  const toRow = (s: { fileName: string; result: ReachResult }): ReachRow => {
    const t = s.result.target;
    return {
      fileName: s.fileName,
      label: t.label,
      endpoint: `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}/${t.transport}`,
      outcome: s.result.outcome,
      ...(s.result.rttMs !== undefined ? { rttMs: s.result.rttMs } : {}),
      summary: s.result.summary,
      ...(s.result.nextStep ? { nextStep: s.result.nextStep } : {}),
    };
  };
  const publish = (uriText: string): void => {
    setReachRows(store.all().map(toRow));
    probeReportForLint.setReach(store.all().map((s) => s.result));
    const uri = vscode.Uri.parse(uriText);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uriText);
    if (!document) {
      diagnostics.delete(uri);
      return;
    }
    diagnostics.set(uri, store.of(uri).map((s) => reachDiagnostic(document, s.result)));
  };
  context.subscriptions.push(
    store.onDidChange(publish),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && store.of(e.document.uri).length > 0) store.clear(e.document.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => store.clear(d.uri)),
  );

  const run = async (uriArg: unknown, selector: unknown): Promise<readonly ReachResult[] | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Reachability tests are off in Restricted Mode: trust this workspace to let NAT Probe send packets to the servers its configs name.'));
      return undefined;
    }
    const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
    const document = uri ? await vscode.workspace.openTextDocument(uri) : undefined;
    const format = document ? configFormatOf(document) : undefined;
    if (!document || !format) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Open a WireGuard or OpenVPN config to test its servers.'));
      return undefined;
    }
    const pick = typeof selector === 'string' && selector.length <= 64 ? selector : undefined;
    const fileName = document.uri.path.split('/').pop() || 'config.conf';
    const onDisk = document.uri.scheme === 'file' && !document.isDirty ? document.uri.fsPath : undefined;
    const base = {
      cli,
      text: document.getText(),
      ...(onDisk ? { file: onDisk } : {}),
      fileName,
      format,
      ...(pick !== undefined && format === 'wireguard' ? { peer: pick } : {}),
      ...(pick !== undefined && format === 'openvpn' ? { remote: Number(pick) } : {}),
      budgetMs: REACH_BUDGET_MS,
      ...(last.get() ? { report: last.get()! } : {}),
    };
    const attempt = (confirmed: boolean): Thenable<ReachRun> =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('NAT Probe: testing the servers in {0}…', fileName), cancellable: true },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return runReachProcess({ ...base, confirmed, signal: abort.signal });
        },
      );
    let outcome: ReachRun;
    try {
      outcome = await attempt(false);
      if (outcome.heldBack) {
        const send = vscode.l10n.t('Send anyway');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('A tunnel with this config’s key looks up on this machine'),
          { modal: true, detail: vscode.l10n.t('{0}. Sending a handshake initiation anyway pauses that tunnel’s inbound traffic until its next packet reaches the server.', outcome.heldBack) },
          send,
        );
        if (choice === send) outcome = await attempt(true);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      output.error(`reach: ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('NAT Probe could not test reachability: {0}', message));
      return undefined;
    }
    for (const n of outcome.notes) output.info(`reach: ${n}`);
    for (const r of outcome.results) output.info(`reach: ${r.target.label}: ${r.outcome}${r.rttMs !== undefined ? ` ${r.rttMs} ms` : ''}: ${r.summary}`);
    if (outcome.results.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} names no endpoint to test.', fileName));
      return outcome.results;
    }
    // The document may have been edited while the probe ran: results for an older text are dropped.
    if (document.getText() === base.text) store.set(document, outcome.results);
    return outcome.results;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(TEST_REACHABILITY_COMMAND, (uri: unknown, selector: unknown) => run(uri, selector)),
    vscode.commands.registerCommand(TEST_FILE_REACHABILITY_COMMAND, (uri: unknown) => run(uri, undefined)),
  );
  return { store };
}
