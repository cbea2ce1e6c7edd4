/**
 * Reference docs for WireGuard keys and OpenVPN options, with the logic behind hover and
 * completion. Pure (no vscode): the extension only turns these values into editor objects.
 */
import type { ConfigFormat } from '../types';
import { openVpnDoc } from './openvpnOptions';
import type { KeyDoc } from './types';
import { wireGuardDoc } from './wireguardKeys';

export type { DocLabels, KeyDoc } from './types';
export { ENGLISH_LABELS } from './types';
export { WIREGUARD_DOCS, WIREGUARD_HEADERS, wireGuardDoc, type WireGuardKeyDoc } from './wireguardKeys';
export { OPENVPN_DOCS, openVpnDoc, type OpenVpnOptionDoc } from './openvpnOptions';
export { renderDocMarkdown } from './render';
export { docTargetAt, type DocTarget } from './position';
export { completionsAt, snippetEscape, type CompletionKind, type CompletionResult, type CompletionSpec } from './complete';
export { openVpnValues, wireGuardValues, type ValueSuggestion } from './values';
export { ruleSummary, type RuleSummary } from './ruleSummary';

/** The doc of a WireGuard key/header or an OpenVPN option, by the name as the format spells it. */
export function docFor(format: ConfigFormat, name: string): KeyDoc | undefined {
  return format === 'wireguard' ? wireGuardDoc(name) : openVpnDoc(name);
}
