import * as os from 'node:os';
import * as vscode from 'vscode';
import { redactReport } from '../report/redact';
import { renderMarkdown } from '../report/renderMarkdown';
import { safeJson } from '../report/safeText';
import type { LastReport } from './lastReport';
import { showInfo } from './notify';

const LAST_EXPORT_FOLDER = 'natProbe.lastExportFolder';

/**
 * Where the save dialog starts: the folder of the last export, else the home folder. Not the
 * workspace: a report dropped there is clutter in the user's repository.
 */
function exportFolder(context: vscode.ExtensionContext): vscode.Uri {
  const last = context.globalState.get<string>(LAST_EXPORT_FOLDER);
  if (last) {
    try {
      return vscode.Uri.parse(last, true);
    } catch {
      // unreadable: fall through to the home folder
    }
  }
  return vscode.Uri.file(os.homedir());
}

export type ExportFormat = 'json' | 'markdown';

/** Arguments the command takes from code (tests, other extensions); the palette asks instead. */
export interface ExportArgs {
  readonly format?: ExportFormat;
  readonly uri?: vscode.Uri;
}

/**
 * "NAT Probe: Export report": the last report as JSON (readable by `natprobe compare` and
 * "Compare two reports") or Markdown (for an issue or a chat), always with this machine's
 * addresses replaced by labels. Reports never contain keys or TURN passwords.
 */
export function registerExportReport(context: vscode.ExtensionContext, last: LastReport, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('natProbe.exportReport', async (args?: ExportArgs): Promise<vscode.Uri | undefined> => {
      const report = last.get();
      if (!report) {
        void showInfo(vscode.l10n.t('No NAT report to export yet: run "NAT Probe: Run NAT diagnosis" first.'));
        return undefined;
      }
      const format =
        args?.format ??
        (
          await vscode.window.showQuickPick(
            [
              { label: 'Markdown', description: vscode.l10n.t('for an issue, a ticket or a chat'), format: 'markdown' as const },
              { label: 'JSON', description: vscode.l10n.t('for "natprobe compare" and "Compare two reports"'), format: 'json' as const },
            ],
            { title: vscode.l10n.t('Export the NAT report (your addresses are redacted)') },
          )
        )?.format;
      if (!format) return undefined;
      const stamp = report.startedAt.replace(/[-:]/g, '').split('.')[0].replace('T', '-');
      const name = `natprobe-report-${stamp}.${format === 'json' ? 'json' : 'md'}`;
      const uri =
        args?.uri ??
        (await vscode.window.showSaveDialog({
          title: vscode.l10n.t('Export NAT report'),
          defaultUri: vscode.Uri.joinPath(exportFolder(context), name),
          filters: format === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] },
        }));
      if (!uri) return undefined;
      const redacted = redactReport(report);
      // safeJson: the same values as JSON.stringify, with C1 and bidi characters escaped too.
      const text = format === 'json' ? `${safeJson(redacted, 2)}\n` : renderMarkdown(redacted);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      if (!args?.uri) await context.globalState.update(LAST_EXPORT_FOLDER, vscode.Uri.joinPath(uri, '..').toString());
      output.info(`exported the last report (${format}, addresses redacted) to ${uri.toString(true)}`);
      if (!args?.uri) {
        const open = vscode.l10n.t('Open');
        void showInfo(vscode.l10n.t('Exported the NAT report to {0} (addresses redacted).', uri.fsPath || uri.toString(true)), open).then((c) => {
          if (c === open) void vscode.window.showTextDocument(uri);
        });
      }
      return uri;
    }),
  );
}
