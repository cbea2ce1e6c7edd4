import type * as vscode from 'vscode';
import { registerCodeActions } from './codeActions';
import { registerCompletion } from './completion';
import { registerLanguageDetection } from './detectLanguage';
import { registerDiagnostics } from './diagnostics';
import { registerHover } from './hover';
import { registerSymbols } from './symbols';

/**
 * WireGuard/OpenVPN editing support: content detection, diagnostics, quick fixes, hovers (rule
 * explanations and key/option docs), completion, outline.
 */
export function registerLanguageSupport(context: vscode.ExtensionContext): void {
  registerDiagnostics(context);
  registerCodeActions(context);
  registerHover(context);
  registerCompletion(context);
  registerSymbols(context);
  registerLanguageDetection(context);
}
