import * as vscode from 'vscode';

/** The rule's page shipped in the extension: docs/rules/<ID>.md. */
export function ruleDocUri(extensionUri: vscode.Uri, ruleId: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${ruleId}.md`);
}

/** Rule IDs are short uppercase words with digits; anything else never becomes a path. */
export function isRuleId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{2,5}\d{0,3}$/.test(value);
}
