import { type Check, nullable, number, object, oneOf, parseReport, string } from './parseReport';
import type { Report } from './report';

/** The lines of `natprobe diagnose --stream`, in order: log and lifetime any time, quick at most once, report last. */
export type StreamEvent =
  | { readonly event: 'log'; readonly line: string }
  | { readonly event: 'lifetime'; readonly lowSeconds: number; readonly highSeconds: number | null; readonly elapsedMs: number }
  | { readonly event: 'quick'; readonly report: Report }
  | { readonly event: 'report'; readonly report: Report };

export type StreamEventName = StreamEvent['event'];

/** A time or duration: finite and not negative (the progress line reads it as seconds). */
const notNegative: Check = (v, p) => number(v, p) ?? ((v as number) < 0 ? `${p}: expected a number ≥ 0, got a negative number` : null);

/**
 * The fields of each event but the reports, which parseReport checks (it is the one validator
 * of reports). A new event is one more line here and in StreamEvent.
 */
const EVENT_FIELDS: Readonly<Record<StreamEventName, Check>> = {
  log: object({ line: string }),
  lifetime: object({ lowSeconds: notNegative, highSeconds: nullable(notNegative), elapsedMs: notNegative }),
  quick: object({}),
  report: object({}),
};

const EVENT_NAME = oneOf(...(Object.keys(EVENT_FIELDS) as StreamEventName[]));

export type ParsedStreamEvent = { readonly ok: true; readonly event: StreamEvent } | { readonly ok: false; readonly error: string; readonly event?: StreamEventName };

/**
 * Checks one parsed line of `--stream` before anything trusts it: an object, a known event, each
 * field of it with its type at every depth (a quick or final report: parseReport). The error
 * names the field by its path ("lifetime.highSeconds: expected …"), never the value, and says
 * which event it was when that much was readable.
 */
export function parseStreamEvent(value: unknown): ParsedStreamEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}` };
  }
  const name = (value as { event?: unknown }).event;
  const nameError = EVENT_NAME(name, 'event');
  if (nameError) return { ok: false, error: nameError };
  const event = name as StreamEventName;
  const error = EVENT_FIELDS[event](value, event);
  if (error) return { ok: false, error, event };
  if (event === 'quick' || event === 'report') {
    const parsed = parseReport((value as { report?: unknown }).report);
    if (!parsed.ok) return { ok: false, error: parsed.error, event };
    return { ok: true, event: { event, report: parsed.report } };
  }
  return { ok: true, event: value as StreamEvent };
}
