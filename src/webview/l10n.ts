/**
 * The webview's half of vscode.l10n: the host puts vscode.l10n.bundle (the translations for
 * VS Code's display language, or nothing for English) into the page, and t() looks messages up
 * in it, with `{0}`-style placeholders as vscode.l10n.t has. The English text is the key, so
 * one l10n/bundle.l10n.json lists the host's and the webview's messages alike.
 */
let bundle: ReadonlyMap<string, string> = new Map();

export function setBundle(value: unknown): void {
  const entries = value && typeof value === 'object' ? Object.entries(value as Record<string, unknown>) : [];
  // Only string translations are taken; anything else in the page is ignored.
  bundle = new Map(entries.filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function t(message: string, ...args: ReadonlyArray<string | number>): string {
  const template = bundle.get(message) ?? message;
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : whole));
}
