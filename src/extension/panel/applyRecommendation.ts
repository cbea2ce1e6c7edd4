import * as vscode from 'vscode';
import { recommendationEditsModule } from '../lazyModules';
import type { ConfigFormat } from '../../lint/types';
import type { Recommendation } from '../../report/report';

export interface ApplyOutcome {
  readonly ok: boolean;
  /** For the user, already localised; never holds config content beyond the option set. */
  readonly message: string;
  /** Applied: the document's text before the edit (to tell an Undo from other edits). */
  readonly before?: string;
}

/**
 * Applies one recommendation to an open config as a WorkspaceEdit: the document becomes dirty,
 * not saved, and Undo in its editor reverts the whole change in one step.
 */
export async function applyRecommendation(recommendation: Recommendation, document: vscode.TextDocument, format: ConfigFormat, fileName: string): Promise<ApplyOutcome> {
  const version = document.version;
  const before = document.getText();
  const result = recommendationEditsModule().editsForRecommendation(recommendation, document.getText(), format);
  if ('error' in result) return { ok: false, message: result.error };
  if (result.edits.length === 0) return { ok: true, message: vscode.l10n.t('{0}: {1}', fileName, result.summary) };
  if (document.version !== version) return { ok: false, message: vscode.l10n.t('{0} changed while the edit was computed; try again.', fileName) };
  const edit = new vscode.WorkspaceEdit();
  for (const e of result.edits) {
    edit.replace(document.uri, new vscode.Range(e.range.start.line, e.range.start.column, e.range.end.line, e.range.end.column), e.newText);
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) return { ok: false, message: vscode.l10n.t('VS Code did not apply the edit to {0} (is it read-only?).', fileName) };
  return { ok: true, before, message: vscode.l10n.t('{0} in {1}: not saved yet; Undo in its editor reverts it.', result.summary.replace(/\.$/, ''), fileName) };
}
