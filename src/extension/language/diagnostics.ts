import * as vscode from 'vscode';
import type { Finding } from '../../lint/index';
import type { LintSeverity } from '../../lint/types';
import { configFormatOf } from './languageIds';
import { isLintEnabled, lintDocument, toVsRange } from './lintDocument';
import { probeReportForLint } from './probeReport';
import { ruleDocUri } from './ruleDocs';

const DEBOUNCE_MS = 200;

const SEVERITY: Record<LintSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding, uri: vscode.Uri, extensionUri: vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toVsRange(finding.range), finding.message, SEVERITY[finding.severity]);
  d.source = 'natprobe';
  d.code = { value: finding.ruleId, target: ruleDocUri(extensionUri, finding.ruleId) };
  if (finding.related?.length) {
    d.relatedInformation = finding.related.map((r) => {
      const at = r.file ? vscode.Uri.file(r.file) : uri;
      return new vscode.DiagnosticRelatedInformation(new vscode.Location(at, toVsRange(r.range)), r.message);
    });
  }
  return d;
}

/** Lints wireguard/openvpn documents on open and (debounced) on change; clears them on close. */
export function registerDiagnostics(context: vscode.ExtensionContext): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('natprobe');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  // Bumped on every scheduled lint of a document: a run whose generation is no longer current is dropped.
  const generations = new Map<string, number>();

  const cancel = (key: string): void => {
    const t = timers.get(key);
    if (t) clearTimeout(t);
    timers.delete(key);
  };

  const lintNow = (document: vscode.TextDocument, generation: number): void => {
    const key = document.uri.toString();
    if (generations.get(key) !== generation || document.isClosed) return;
    if (!configFormatOf(document) || !isLintEnabled(document)) {
      collection.delete(document.uri);
      return;
    }
    const version = document.version;
    const findings = lintDocument(document) ?? [];
    // Stale: the document changed or another run was scheduled while this one was computing.
    if (generations.get(key) !== generation || document.version !== version) return;
    collection.set(document.uri, findings.map((f) => toDiagnostic(f, document.uri, context.extensionUri)));
  };

  const schedule = (document: vscode.TextDocument, delay: number): void => {
    const key = document.uri.toString();
    const generation = (generations.get(key) ?? 0) + 1;
    generations.set(key, generation);
    cancel(key);
    if (!configFormatOf(document)) {
      collection.delete(document.uri);
      return;
    }
    if (delay === 0) lintNow(document, generation);
    else timers.set(key, setTimeout(() => { timers.delete(key); lintNow(document, generation); }, delay));
  };

  const lintAllOpen = (): void => vscode.workspace.textDocuments.forEach((d) => schedule(d, 0));

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument((d) => schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document, DEBOUNCE_MS)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      const key = d.uri.toString();
      cancel(key);
      generations.delete(key);
      collection.delete(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('natProbe.lint.enabled') || e.affectsConfiguration('natProbe.lint.rules')) lintAllOpen();
    }),
    // A new probe report (or the setting) changes what the probe-aware rules say.
    probeReportForLint.onDidChange(lintAllOpen),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  lintAllOpen();
  return collection;
}
