import * as vscode from 'vscode';
import type { Finding, Range } from '../../lint/index';
import { lint } from '../lazyModules';
import { configFormatOf } from './languageIds';
import { probeReportForLint } from './probeReport';

/** Lints a wireguard/openvpn document with the format its language says. Undefined for other documents. */
export function lintDocument(document: vscode.TextDocument): readonly Finding[] | undefined {
  const format = configFormatOf(document);
  if (!format) return undefined;
  const fileName = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.path;
  const outcome = lint().lintText(document.getText(), { fileName, format, report: probeReportForLint.get() });
  return outcome.format ? outcome.findings : undefined;
}

export function toVsRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}

export function isLintEnabled(document?: vscode.TextDocument): boolean {
  return vscode.workspace.getConfiguration('natProbe', document).get<boolean>('lint.enabled', true);
}
