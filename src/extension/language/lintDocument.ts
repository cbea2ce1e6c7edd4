import * as vscode from 'vscode';
import type { Finding, Range } from '../../lint/index';
import type { HostFacts } from '../../lint/hostFacts';
import { lint } from '../lazyModules';
import { configFormatOf } from './languageIds';
import { probeReportForLint } from './probeReport';

interface Linted {
  readonly version: number;
  readonly format: string;
  readonly report: unknown;
  readonly rules: string;
  readonly host: string;
  readonly findings: readonly Finding[] | undefined;
}

/** How long a look at the host (is resolvconf installed?) is trusted before looking again. */
const HOST_FACTS_TTL_MS = 60_000;
let hostFactsCache: { facts: HostFacts; at: number } | undefined;

/**
 * The host facts `natprobe lint` uses too (src/lint/hostFacts.ts), so the editor and the CLI
 * report the same findings for the same file (WQ06). Looked at again after a minute, so
 * installing resolvconf clears the warning without a reload.
 */
export function hostFactsForLint(now = Date.now()): HostFacts {
  if (!hostFactsCache || now - hostFactsCache.at > HOST_FACTS_TTL_MS || now < hostFactsCache.at) hostFactsCache = { facts: lint().currentHostFacts(), at: now };
  return hostFactsCache.facts;
}

/**
 * The last lint of each document. Diagnostics and code actions (asked for on every cursor move)
 * both need the findings of the same text: one lint per document version and report serves both.
 */
const lastLint = new WeakMap<vscode.TextDocument, Linted>();

/** Lints a wireguard/openvpn document with the format its language says. Undefined for other documents. */
export function lintDocument(document: vscode.TextDocument): readonly Finding[] | undefined {
  const format = configFormatOf(document);
  if (!format) return undefined;
  const report = probeReportForLint.get();
  const rulesSetting = lintRulesSetting(document);
  const rules = JSON.stringify(rulesSetting ?? null);
  const hostFacts = hostFactsForLint();
  const host = JSON.stringify(hostFacts);
  const cached = lastLint.get(document);
  if (cached && cached.version === document.version && cached.format === format && cached.report === report && cached.rules === rules && cached.host === host) return cached.findings;
  const fileName = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.path;
  const outcome = lint().lintText(document.getText(), { fileName, format, report, host: hostFacts, rules: lint().readRuleSettings(rulesSetting).settings });
  const findings = outcome.format ? outcome.findings : undefined;
  lastLint.set(document, { version: document.version, format, report, rules, host, findings });
  return findings;
}

/**
 * natProbe.lint.rules for this document's folder: rule ID → "off" | severity. Read as untrusted
 * JSON by the linter (readRuleSettings): entries that cannot apply are left out; the settings
 * editor marks them through the schema in package.json.
 */
export function lintRulesSetting(scope?: vscode.TextDocument | vscode.Uri): unknown {
  return vscode.workspace.getConfiguration('natProbe', scope).get<unknown>('lint.rules');
}

export function toVsRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}

export function isLintEnabled(document?: vscode.TextDocument): boolean {
  return vscode.workspace.getConfiguration('natProbe', document).get<boolean>('lint.enabled', true);
}
