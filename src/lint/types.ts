/**
 * The linter's contract with the extension, the CLI and the tests. Pure data: the extension
 * turns a Finding into a vscode.Diagnostic and its fixes into quick fixes; the CLI prints it or
 * applies the fixes with --fix.
 */
import type { Report } from '../report/report';
import type { Suppressions } from './suppression';

export type ConfigFormat = 'wireguard' | 'openvpn';

/** 0-based line and column; columns count UTF-16 code units, as VS Code does. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Half-open: `end` is just past the last character. Usually on one line. */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type LintSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The one fix to apply with --fix / "fix all"; at most one per finding. */
  readonly isPreferred?: boolean;
  /**
   * The edits carry key material (a private or preshared key, re-encoded, moved or freshly
   * generated). Such a fix is applied in place only (--fix, the editor); output shows that it
   * exists and what it does, never its edits.
   */
  readonly secret?: true;
}

export interface Finding {
  /** Stable rule ID: WG01…, WQ01…, OV01…, PORT01…, or PARSE for unreadable input. */
  readonly ruleId: string;
  readonly severity: LintSeverity;
  /** One line: what is wrong and what to do. Never contains a secret value. */
  readonly message: string;
  readonly range: Range;
  readonly fixes: readonly Fix[];
  /** Other places that explain this finding (the first definition of a duplicate, say). */
  readonly related?: readonly { readonly range: Range; readonly message: string; readonly file?: string }[];
}

export interface LintOptions {
  /** Used for file-name rules (WQ01) and messages; the path as the user knows it. */
  readonly fileName?: string;
  /** A probe report turns the probe-aware rules (P) on at their full severity. */
  readonly report?: Report;
  /** Upper bound on findings per file, so a hostile 10 MB file cannot flood the editor. */
  readonly maxFindings?: number;
  /**
   * Facts about the host that will use the config, when the caller knows them (the CLI and the
   * extension look at the machine they run on). Rules that need them stay silent otherwise.
   */
  readonly host?: { readonly resolvconf?: boolean };
  /** Per-rule settings (natProbe.lint.rules, `lint --disable`): "off" drops a rule, a severity replaces its own. */
  readonly rules?: ReadonlyMap<string, RuleSetting>;
}

export type RuleSetting = 'off' | LintSeverity;

/** What workspace-wide checks need to know of one file (no secrets: public keys only). */
export interface ConfigSummary {
  readonly format: ConfigFormat;
  /** UDP/TCP ports this config listens on (ListenPort, port/lport in server mode). */
  readonly listenPorts: readonly { readonly protocol: 'udp' | 'tcp'; readonly port: number; readonly range: Range }[];
  /** Remote endpoints this config dials (Endpoint, remote). */
  readonly endpoints: readonly { readonly host: string; readonly port: number; readonly protocol: 'udp' | 'tcp'; readonly range: Range }[];
  /** WireGuard: the public key derived from this file's PrivateKey (base64), when valid. */
  readonly ownPublicKey?: string;
  /** WireGuard: each peer's PublicKey, whether it has an Endpoint, and where it is. */
  readonly peers: readonly { readonly publicKey: string; readonly hasEndpoint: boolean; readonly range: Range }[];
}

export interface LintResult {
  readonly format: ConfigFormat;
  readonly findings: Finding[];
  /** True when maxFindings cut the list. */
  readonly truncated: boolean;
  readonly summary: ConfigSummary;
  /** The file's suppression comments and what they hid (set by lintText when there are any). */
  readonly suppressions?: Suppressions;
}

export const DEFAULT_MAX_FINDINGS = 500;
