import * as vscode from 'vscode';
import { type DirectVerdict, compareReports } from '../engine/compare';
import { parseReport } from '../report/parseReport';
import { renderComparison } from '../report/renderComparison';
import type { Report } from '../report/report';
import type { LastReport } from './lastReport';

interface Side {
  readonly label: string;
  readonly report: Report;
}

/**
 * "NAT Probe: Compare two reports": this machine's last report (or a saved one) against a peer's
 * `natprobe diagnose --json` / exported JSON. Predicts whether the two ends can connect directly
 * or need a relay, and opens the reasoning as a Markdown document.
 */
export function registerCompareReports(context: vscode.ExtensionContext, last: LastReport): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('natProbe.compareReports', async (a?: vscode.Uri, b?: vscode.Uri): Promise<DirectVerdict | undefined> => {
      let sides: Side[];
      try {
        sides = await pickSides(last, a, b);
      } catch (err) {
        void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
        return undefined;
      }
      if (sides.length !== 2) return undefined;
      const verdict = compareReports(sides[0].report, sides[1].report, vscode.l10n.t);
      const content = renderComparison(sides, verdict, { t: vscode.l10n.t, formatTime: (iso) => (Number.isFinite(Date.parse(iso)) ? new Date(iso).toLocaleString() : iso) });
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
      await vscode.window.showTextDocument(doc, { preview: true });
      return verdict;
    }),
  );
}

async function pickSides(last: LastReport, a?: vscode.Uri, b?: vscode.Uri): Promise<Side[]> {
  if (a && b) return [await readSide(a), await readSide(b)];
  const mine = last.get();
  const picked = await vscode.window.showOpenDialog({
    title: mine ? vscode.l10n.t("The peer's report (one file: compared with your last report; two files: with each other)") : vscode.l10n.t('Two NAT reports to compare'),
    canSelectMany: true,
    filters: { JSON: ['json'] },
    openLabel: vscode.l10n.t('Compare'),
  });
  if (!picked?.length) return [];
  if (picked.length > 2) throw new Error(vscode.l10n.t('Pick one or two reports, not {0}.', picked.length));
  if (picked.length === 2) return [await readSide(picked[0]), await readSide(picked[1])];
  if (!mine) throw new Error(vscode.l10n.t('One report picked and no last report of this machine: pick two, or run a diagnosis first.'));
  return [{ label: vscode.l10n.t('this machine (last report)'), report: mine }, await readSide(picked[0])];
}

/** A report is a few kilobytes: anything larger (or a device, a FIFO) is refused before it is read. */
const MAX_REPORT_BYTES = 8 * 1024 * 1024;

async function readSide(uri: vscode.Uri): Promise<Side> {
  const name = uri.path.split('/').pop() ?? uri.toString();
  const stat = await vscode.workspace.fs.stat(uri).then(
    (s) => s,
    () => undefined,
  );
  if (stat && (stat.type & vscode.FileType.File) === 0) throw new Error(vscode.l10n.t('{0} is not a regular file.', name));
  if (stat && stat.size > MAX_REPORT_BYTES) throw new Error(vscode.l10n.t('{0} is larger than any NAT Probe report ({1} MB).', name, Math.round(stat.size / 1048576)));
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
  } catch (err) {
    throw new Error(vscode.l10n.t('{0}: {1}', name, err instanceof SyntaxError ? vscode.l10n.t('not JSON') : String(err)));
  }
  const parsed = parseReport(value);
  if (!parsed.ok) throw new Error(vscode.l10n.t('{0} is not a NAT Probe report ({1}); make one with "natprobe diagnose --json" or "Export report".', name, parsed.error));
  return { label: name, report: parsed.report };
}
