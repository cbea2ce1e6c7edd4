import * as vscode from 'vscode';
import type { DocLabels } from '../../lint/docs';

/** Headings of the key/option reference docs shown in hovers and completion details. */
export function docLabels(): DocLabels {
  return { defaultValue: vscode.l10n.t('Default'), values: vscode.l10n.t('Values'), source: vscode.l10n.t('Source') };
}
