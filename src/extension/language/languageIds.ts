import type * as vscode from 'vscode';
import type { ConfigFormat } from '../../lint/index';

/** The language IDs this extension contributes (package.json contributes.languages). */
export const CONFIG_LANGUAGES: readonly ConfigFormat[] = ['wireguard', 'openvpn'];

export const CONFIG_SELECTOR: vscode.DocumentSelector = CONFIG_LANGUAGES.map((language) => ({ language }));

export function configFormatOf(document: vscode.TextDocument): ConfigFormat | undefined {
  return (CONFIG_LANGUAGES as readonly string[]).includes(document.languageId) ? (document.languageId as ConfigFormat) : undefined;
}
