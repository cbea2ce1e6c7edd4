import type { ReachOutcome, ReachResult } from '../../engine/reach/types';
import { type Check, count, listOf, number, object, oneOf, optional, port, string } from '../../report/parseReport';
import type { ReachRun } from './reachProcess';

// No vscode import: the check of what `natprobe reach --json` printed, tested in plain node.

const OUTCOMES: readonly ReachOutcome[] = ['reachable', 'no-answer', 'refused', 'unresolved', 'not-tested', 'error'];

/** Every field of a ReachResult (src/engine/reach/types.ts); a new field is one more line here. */
const RESULT: Check = object({
  target: object({
    protocol: oneOf('wireguard', 'openvpn'),
    host: string,
    port,
    transport: oneOf('udp', 'tcp'),
    line: count,
    label: string,
  }),
  outcome: oneOf(...OUTCOMES),
  address: optional(string),
  rttMs: optional(number),
  summary: string,
  evidence: listOf(string),
  possibleCauses: optional(listOf(string)),
  nextStep: optional(string),
  packetsSent: count,
});

const RUN: Check = object({ results: listOf(RESULT), notes: optional(listOf(string)), heldBack: optional(string) });

export type ParsedReachRun = { readonly ok: true; readonly run: ReachRun } | { readonly ok: false; readonly error: string };

/**
 * Checks the reach child's JSON before diagnostics or the panel use it: every field of every
 * result, at every depth, has its type and allowed words (as parseReport does for reports), so a
 * broken or hostile child cannot put a number where a label is read, or an outcome nothing
 * expects. The first problem is named by its path ("results[1].target.port: expected …").
 */
export function parseReachRun(value: unknown): ParsedReachRun {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Array.isArray((value as { results?: unknown }).results)) {
    return { ok: false, error: 'no results' };
  }
  const error = RUN(value, 'output');
  if (error) return { ok: false, error: error.replace(/^output\./, '') };
  const v = value as { results: ReachResult[]; notes?: string[]; heldBack?: string };
  return { ok: true, run: { results: v.results, notes: v.notes ?? [], ...(v.heldBack !== undefined ? { heldBack: v.heldBack } : {}) } };
}
