import * as vscode from 'vscode';
import type { Finding } from '../lint/index';
import type { WorkspaceFile } from '../lint/workspace';
import { toDiagnostic } from './language/diagnostics';
import { hostFactsForLint, lintRulesSetting } from './language/lintDocument';
import { probeReportForLint } from './language/probeReport';
import { detectFormatModule, lint, lintWorkspaceModule } from './lazyModules';

/** Where VPN configs live; client-config-dir files (ccd/) are fragments, not whole configs. */
const INCLUDE = '**/*.{conf,ovpn}';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/ccd/**}';
const MAX_FILES = 2000;
const MAX_BYTES = 16 * 1024 * 1024;
/** Findings only the workspace can make: these stay for open files too. */
const CROSS_FILE_RULES = new Set(['PORT02', 'WG17']);

export interface WorkspaceLintSummary {
  readonly files: number;
  readonly wireguard: number;
  readonly openvpn: number;
  readonly skipped: number;
  readonly errors: number;
  readonly warnings: number;
  readonly crossFile: number;
}

/**
 * "NAT Probe: Lint workspace VPN configs": every WireGuard/OpenVPN config in the workspace, plus
 * the checks one file cannot make (the same ListenPort in two configs; two peers of a tunnel
 * without an Endpoint on either side). Files open in an editor are linted live by the diagnostics
 * provider, so here they only get the cross-file findings; the rest get everything. After the
 * first run, saving a config repeats it, so the cross-file findings stay true.
 */
export function registerWorkspaceLint(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('natprobe-workspace');
  let active = false;
  let running: Promise<WorkspaceLintSummary> | undefined;
  const run = (): Promise<WorkspaceLintSummary> => {
    running ??= lintAll(context.extensionUri, collection).finally(() => (running = undefined));
    return running;
  };
  context.subscriptions.push(
    collection,
    vscode.commands.registerCommand('natProbe.lintWorkspace', async (): Promise<WorkspaceLintSummary> => {
      active = true;
      const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('NAT Probe: linting VPN configs…') }, run);
      const show = vscode.l10n.t('Show Problems');
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t(
            'Linted {0} VPN configs ({1} WireGuard, {2} OpenVPN): {3} errors, {4} warnings, {5} across files.',
            summary.files,
            summary.wireguard,
            summary.openvpn,
            summary.errors,
            summary.warnings,
            summary.crossFile,
          ),
          show,
        )
        .then((choice) => (choice === show ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
      return summary;
    }),
    // An opened file is linted live from now on: keep only what the workspace alone knows.
    vscode.workspace.onDidOpenTextDocument((d) => {
      const current = collection.get(d.uri);
      if (current?.length) collection.set(d.uri, current.filter((x) => CROSS_FILE_RULES.has(codeOf(x))));
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (active && /\.(conf|ovpn)$/i.test(d.uri.path)) void run();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (active && e.affectsConfiguration('natProbe.lint.rules')) void run();
    }),
  );
}

async function lintAll(extensionUri: vscode.Uri, collection: vscode.DiagnosticCollection): Promise<WorkspaceLintSummary> {
  const uris = await vscode.workspace.findFiles(INCLUDE, EXCLUDE, MAX_FILES);
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const report = probeReportForLint.get();
  const perFile = new Map<string, { uri: vscode.Uri; findings: Finding[] }>();
  const summaries: WorkspaceFile[] = [];
  let wireguard = 0;
  let openvpn = 0;
  let skipped = 0;
  // Counted over every file, open ones included (their findings show through the live provider).
  let errors = 0;
  let warnings = 0;
  for (const uri of uris) {
    const doc = open.get(uri.toString());
    let text: string;
    if (doc) text = doc.getText();
    else {
      const stat = await vscode.workspace.fs.stat(uri).then(
        (s) => s,
        () => undefined,
      );
      if (!stat || stat.size > MAX_BYTES) {
        skipped++;
        continue;
      }
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    }
    const format = uri.path.toLowerCase().endsWith('.ovpn') ? 'openvpn' : detectFormatModule().detectFormat(text, uri.path);
    if (!format) {
      skipped++; // some other program's .conf
      continue;
    }
    const rules = lint().readRuleSettings(lintRulesSetting(uri)).settings;
    const outcome = lint().lintText(text, { fileName: uri.fsPath, format, report, rules, host: hostFactsForLint() });
    if (!outcome.format) {
      skipped++;
      continue;
    }
    if (format === 'wireguard') wireguard++;
    else openvpn++;
    errors += outcome.findings.filter((f) => f.severity === 'error').length;
    warnings += outcome.findings.filter((f) => f.severity === 'warning').length;
    perFile.set(uri.fsPath, { uri, findings: doc ? [] : [...outcome.findings] });
    summaries.push({ file: uri.fsPath, summary: outcome.summary, suppressions: outcome.suppressions, rules });
  }
  let crossFile = 0;
  for (const w of lintWorkspaceModule().lintWorkspace(summaries)) {
    perFile.get(w.file)?.findings.push(w.finding);
    crossFile++;
    if (w.finding.severity === 'error') errors++;
    else if (w.finding.severity === 'warning') warnings++;
  }
  collection.clear();
  for (const { uri, findings } of perFile.values()) {
    if (!findings.length) continue;
    collection.set(
      uri,
      findings.map((f) => toDiagnostic(f, uri, extensionUri)),
    );
  }
  return { files: wireguard + openvpn, wireguard, openvpn, skipped, errors, warnings, crossFile };
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
}
