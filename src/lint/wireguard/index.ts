/**
 * The WireGuard / wg-quick linter. Never throws: unreadable input and internal errors become
 * findings with ruleId PARSE. Findings are bounded by options.maxFindings.
 */
import { looksBinary } from '../text';
import { TextLines } from './lines';
import { DEFAULT_MAX_FINDINGS, type Finding, type LintOptions, type LintResult } from '../types';
import { Collector, range } from './findings';
import { derivePublicKey } from './keys';
import { effective, parseWireGuard } from './parser';
import type { Rule, RuleContext } from './rules/context';
import { Memo } from './rules/memo';
import { checkDuplicates } from './rules/duplicates';
import { checkKeyFormats, checkMissingKeys, checkPeerIdentity } from './rules/keys';
import { checkEphemeralListenPort } from './rules/ports';
import { checkBlockedEndpointPorts, checkKeepalive, checkReachability } from './rules/probe';
import { checkAllowedIpOverlap, checkDefaultRoutes } from './rules/routing';
import { checkFileShape, checkHeaders, checkLines } from './rules/structure';
import { checkValues } from './rules/values';
import { checkFileMode, checkFileName, checkHooks, checkMtu, checkResolvconf, checkSaveConfig } from './rules/wgquick';
import { buildSummary, emptySummary } from './summary';

export { applyTextEdits } from './fixes';
export { stripWgQuick } from './strip';
export { parseWireGuard } from './parser';

/** Rule families in the order they run (the order findings appear before sorting). */
const RULES: readonly [string, Rule][] = [
  ['file shape', checkFileShape],
  ['headers', checkHeaders],
  ['lines', checkLines],
  ['duplicates', checkDuplicates],
  ['key formats', checkKeyFormats],
  ['missing keys', checkMissingKeys],
  ['peer identity', checkPeerIdentity],
  ['values', checkValues],
  ['allowed IPs overlap', checkAllowedIpOverlap],
  ['default routes', checkDefaultRoutes],
  ['keepalive', checkKeepalive],
  ['reachability', checkReachability],
  ['blocked endpoint ports', checkBlockedEndpointPorts],
  ['file name', checkFileName],
  ['SaveConfig', checkSaveConfig],
  ['MTU', checkMtu],
  ['hooks', checkHooks],
  ['resolvconf', checkResolvconf],
  ['file mode', checkFileMode],
  ['ephemeral ListenPort', checkEphemeralListenPort],
];

function maxOf(options: LintOptions): number {
  const m = options.maxFindings;
  if (typeof m !== 'number' || Number.isNaN(m)) return DEFAULT_MAX_FINDINGS;
  return Math.max(0, Math.floor(m));
}

function internalError(out: Collector, where: string, e: unknown): void {
  const name = e instanceof Error ? e.name : typeof e;
  out.add('PARSE', 'error', `The linter hit an internal error (${name} in ${where}) and could not check everything in this file; please report it.`, range(0, 0, 0));
}

function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

export function lintWireGuard(text: string, options: LintOptions = {}): LintResult {
  const opts: LintOptions = options && typeof options === 'object' ? options : {};
  const out = new Collector(maxOf(opts));
  let summary = emptySummary();
  try {
    const input = typeof text === 'string' ? text : String(text);
    if (looksBinary(input)) {
      out.add('PARSE', 'error', 'This is a binary file (NUL bytes or control characters), not a WireGuard config: nothing was checked.', range(0, 0, 0));
    } else {
      const src = TextLines.fromText(input);
      const parsed = parseWireGuard(src);
      let ownPublicKey: string | undefined;
      const pk = effective(parsed.interfaces, 'PrivateKey');
      if (pk && pk.usable) ownPublicKey = derivePublicKey(pk.compactValue);
      const ctx: RuleContext = { text: input, src, parsed, options: opts, out, ownPublicKey, memo: new Memo(src, parsed) };
      for (const [where, rule] of RULES) {
        try {
          rule(ctx);
        } catch (e) {
          internalError(out, where, e);
        }
      }
      try {
        summary = buildSummary(ctx);
      } catch (e) {
        internalError(out, 'summary', e);
      }
    }
  } catch (e) {
    internalError(out, 'parser', e);
  }
  const findings = out.findings.slice().sort(byPosition);
  return { format: 'wireguard', findings, truncated: out.truncated, summary };
}
