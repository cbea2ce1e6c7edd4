/**
 * Reference documentation for config keys and options: what the editor shows on hover and next to
 * completion items. Pure data (no vscode, no I/O). Every text here is static and written for this
 * project; nothing from the user's document ever ends up in a doc, so a hover cannot echo a key.
 */

export interface KeyDoc {
  /** The canonical spelling: `PersistentKeepalive`, `[Peer]`, `remote-cert-tls`. */
  readonly name: string;
  /** One sentence: what it does. */
  readonly summary: string;
  /** What applies when the key or option is absent. */
  readonly defaultValue: string;
  /** Syntax and allowed values. */
  readonly values: string;
  /** Where the facts come from (man page section, source file). */
  readonly source: string;
  /** Short facts shown under the title: section, who reads it, flags. */
  readonly tags: readonly string[];
  /** Extra remarks (deprecation advice, "may repeat"); may be empty. */
  readonly notes: readonly string[];
}

/** Headings of the rendered markdown; the editor passes translated ones. */
export interface DocLabels {
  readonly defaultValue: string;
  readonly values: string;
  readonly source: string;
}

export const ENGLISH_LABELS: DocLabels = { defaultValue: 'Default', values: 'Values', source: 'Source' };
