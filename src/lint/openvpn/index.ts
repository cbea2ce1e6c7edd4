/**
 * The OpenVPN 2.6 linter: parse as OpenVPN does (parser.ts), then run the rules OV01–OV14,
 * PORT01 and PORT02 (this file's part). Never throws: input it cannot read becomes a PARSE
 * finding, and a bug in a rule becomes a PARSE finding too.
 */
import { looksBinary } from '../text';
import { DEFAULT_MAX_FINDINGS, type ConfigSummary, type Finding, type LintOptions, type LintResult } from '../types';
import { FindingSink, type Rule, type RuleContext } from './context';
import { buildModel } from './model';
import { parseConfig } from './parser';
import { LineIndex } from './positions';
import { ov01 } from './rules/unknownOptions';
import { ov02 } from './rules/removedOptions';
import { ov03 } from './rules/deprecatedOptions';
import { ov04 } from './rules/cipherNegotiation';
import { ov05 } from './rules/unreadableLines';
import { ov06 } from './rules/inlineBlocks';
import { ov07 } from './rules/protocols';
import { ov08 } from './rules/ports';
import { ov09 } from './rules/numericParams';
import { ov10 } from './rules/keepalive';
import { ov11 } from './rules/natKeepalive';
import { ov12 } from './rules/fragmentOverTcp';
import { ov13 } from './rules/nobind';
import { ov14 } from './rules/tunMtu';
import { ov15 } from './rules/startupRefusals';
import { ov16 } from './rules/startupWarnings';
import { port01 } from './rules/blockedPorts';
import { port02 } from './rules/sharedPorts';
import { summarize } from './summary';

/** Rules in the order their findings matter most when maxFindings cuts the list. */
export const RULES: readonly (readonly [string, Rule])[] = [
  ['OV05', ov05],
  ['OV06', ov06],
  ['OV01', ov01],
  ['OV02', ov02],
  ['OV07', ov07],
  ['OV08', ov08],
  ['OV09', ov09],
  ['OV10', ov10],
  ['OV12', ov12],
  ['OV13', ov13],
  ['OV14', ov14],
  ['OV15', ov15],
  ['PORT01', port01],
  ['OV03', ov03],
  ['OV04', ov04],
  ['OV11', ov11],
  ['OV16', ov16],
  ['PORT02', port02],
];

export const OPENVPN_RULE_IDS = ['OV01', 'OV02', 'OV03', 'OV04', 'OV05', 'OV06', 'OV07', 'OV08', 'OV09', 'OV10', 'OV11', 'OV12', 'OV13', 'OV14', 'OV15', 'OV16', 'PORT01', 'PORT02'] as const;

const EMPTY_SUMMARY: ConfigSummary = { format: 'openvpn', listenPorts: [], endpoints: [], peers: [] };
const ORIGIN = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

function parseFinding(message: string): Finding {
  return { ruleId: 'PARSE', severity: 'error', message, range: ORIGIN, fixes: [] };
}

function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

function describeError(e: unknown): string {
  const name = e instanceof Error ? e.name : 'error';
  return `${name}`.slice(0, 40);
}

/** Lints one OpenVPN config. Never throws. */
export function lintOpenVpn(text: string, options: LintOptions = {}): LintResult {
  options = options ?? {};
  const requested = options?.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const max = typeof requested === 'number' && Number.isFinite(requested) ? Math.max(0, Math.floor(requested)) : DEFAULT_MAX_FINDINGS;
  const bounded = (findings: Finding[]): { findings: Finding[]; truncated: boolean } => ({ findings: findings.slice(0, max), truncated: findings.length > max });
  try {
    if (typeof text !== 'string') {
      return { format: 'openvpn', ...bounded([parseFinding('not text: nothing to lint')]), summary: EMPTY_SUMMARY };
    }
    if (looksBinary(text)) {
      const what = text.includes('\u0000') ? 'NUL bytes' : 'mostly control characters';
      return {
        format: 'openvpn',
        ...bounded([parseFinding(`this file holds ${what}, so it is not an OpenVPN config (binary or a wrong encoding such as UTF-16): save it as UTF-8 text`)]),
        summary: EMPTY_SUMMARY,
      };
    }
    const parsed = parseConfig(text);
    const model = buildModel(parsed);
    const index = new LineIndex(text, parsed.loneCr);
    const sink = new FindingSink(max);
    const eol = /\r\n/.test(text.slice(0, 65536)) ? '\r\n' : '\n';
    const ctx: RuleContext = { text, parsed, model, index, options: options ?? {}, sink, eol };
    for (const [id, rule] of RULES) {
      if (sink.full) {
        sink.truncated = true;
        break;
      }
      try {
        rule(ctx);
      } catch (e) {
        sink.add({ ...parseFinding(`internal error in rule ${id} (${describeError(e)}): please report it; the other rules still ran`) });
      }
    }
    let summary = EMPTY_SUMMARY;
    try {
      summary = summarize(model, index);
    } catch {
      // The summary is best effort; findings are what matter.
    }
    const findings = sink.findings.sort(byPosition);
    return { format: 'openvpn', findings, truncated: sink.truncated, summary };
  } catch (e) {
    return { format: 'openvpn', ...bounded([parseFinding(`internal error while reading this file (${describeError(e)}): please report it`)]), summary: EMPTY_SUMMARY };
  }
}
