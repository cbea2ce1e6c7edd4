/**
 * Every rule ID the linter can report, per format. Suppression comments, the
 * natProbe.lint.rules setting and `natprobe lint --disable` are checked against these lists;
 * test/unit/lint/ruleIndex.test.ts keeps them equal to docs/rules/README.md's index.
 */
import type { ConfigFormat } from './types';

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);

/** An unused suppression comment (SUP01) and one that names no rule it can hide (SUP02). */
export const SUPPRESSION_RULE_IDS = ['SUP01', 'SUP02'] as const;

export const RULE_IDS_BY_FORMAT: Readonly<Record<ConfigFormat, readonly string[]>> = {
  wireguard: [...range('WG', 17), ...range('WQ', 8), 'PORT01', 'PORT02', 'PORT03', ...SUPPRESSION_RULE_IDS],
  openvpn: [...range('OV', 16), 'PORT01', 'PORT02', ...SUPPRESSION_RULE_IDS],
};

export const RULE_IDS: ReadonlySet<string> = new Set([...RULE_IDS_BY_FORMAT.wireguard, ...RULE_IDS_BY_FORMAT.openvpn]);

/** Unreadable input. Never suppressed, never re-graded: it means nothing else was checked. */
export const PARSE_RULE_ID = 'PARSE';
