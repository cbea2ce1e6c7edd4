import type * as vscode from 'vscode';
import { registerCodeActions } from './codeActions';
import { registerLanguageDetection } from './detectLanguage';
import { registerDiagnostics } from './diagnostics';
import { registerHover } from './hover';
import { registerSymbols } from './symbols';

/** WireGuard/OpenVPN editing support: content detection, diagnostics, quick fixes, rule hovers, outline. */
export function registerLanguageSupport(context: vscode.ExtensionContext): void {
  registerDiagnostics(context);
  registerCodeActions(context);
  registerHover(context);
  registerSymbols(context);
  registerLanguageDetection(context);
}
