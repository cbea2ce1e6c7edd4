/**
 * How the reasons are worded: English by default (the CLI, the JSON); the extension passes
 * vscode.l10n.t, so the same sentences reach translators (scripts/l10n.mjs collects the
 * `t('…')` messages of compare.ts and relayChoice.ts). `{0}`, `{1}`… are the arguments, as in vscode.l10n.t.
 */
export type Translate = (message: string, ...args: (string | number)[]) => string;

export const english: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
