import { detectFormat } from './detectFormat';
import { lintOpenVpn } from './openvpn';
import { markSecretFixes } from './secretFixes';
import { withSuppressions } from './suppression';
import type { ConfigFormat, LintOptions, LintResult } from './types';
import { lintWireGuard } from './wireguard';

export type { ConfigFormat, Finding, Fix, LintOptions, LintResult, Range, RuleSetting, TextEdit } from './types';
export { readRuleSettings } from './suppression';
export { detectFormat } from './detectFormat';

export type LintOutcome = LintResult | { readonly format: undefined; readonly error: string };

/** Lints one config. Never throws on any input: what cannot be read becomes a finding. */
export function lintText(text: string, options: LintOptions & { format?: ConfigFormat | 'auto' } = {}): LintOutcome {
  const format = !options.format || options.format === 'auto' ? detectFormat(text, options.fileName) : options.format;
  if (!format) {
    return { format: undefined, error: 'cannot tell whether this is a WireGuard or an OpenVPN config; pass --format wireguard|openvpn' };
  }
  const result = format === 'wireguard' ? lintWireGuard(text, options) : lintOpenVpn(text, options);
  markSecretFixes(result.findings, text);
  return withSuppressions(text, result, options);
}
