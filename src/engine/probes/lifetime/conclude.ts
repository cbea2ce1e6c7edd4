/**
 * From what the lifetime probe saw to the answer it gives: a pure function, so each reading of
 * the observations (idle timeout, absolute timeout, inbound refresh) is tested on its own,
 * without sockets or a clock. docs/probes/lifetime.md explains the method behind each reading.
 */
import type { MappingLifetime, Tristate } from '../../../report/report';

export type Mode = 'response-port' | 'same-socket';

export interface Observations {
  readonly mode: Mode;
  /** Why the fallback was used (mode 'same-socket'). */
  readonly fallbackWhy: string;
  /** A mapping survived this idle age (s). */
  readonly lo: number;
  /** A mapping was dead at this idle age (s); Infinity when none died. */
  readonly hi: number;
  /** K: a mapping that only ever received (RESPONSE-PORT answers). */
  readonly inbound: { readonly lastAlive: number; readonly deadAt?: number; readonly gapBeforeDeath?: number; readonly checks: number };
  /** A: a mapping kept alive by keepalives every `period` s. */
  readonly absolute: { readonly lastAlive: number; readonly deadAt?: number; readonly how?: string; readonly period: number };
  /** K's ping period at the end (s). */
  readonly inboundPeriod: number;
  /** How far past `hi` a survivor must be seen to count (s). */
  readonly margin: number;
  readonly maxSeconds: number;
  readonly absoluteUpToMax: boolean;
  readonly stream: boolean;
  readonly socketsUsed: number;
  readonly idleMs: number;
  readonly totalMs: number;
}

export function concludeLifetime(o: Observations): MappingLifetime {
  const idle = idleReading(o);
  const refreshed = inboundReading(o, idle.absoluteExplainsIdle);
  const absolute = absoluteReading(o, idle.absoluteExplainsIdle);
  const parts = [idle.text, refreshed.text, ...(absolute.text ? [absolute.text] : [])];
  const reason = `${parts.join('; ')}. ${method(o)}; ${flow(o)}; ${timing(o)}.`;
  const absoluteSeconds = idle.absoluteSeconds ?? absolute.seconds;
  return { value: idle.seconds, idleSeconds: idle.seconds, refreshedByInbound: refreshed.value, absoluteSeconds, reason };
}

function idleReading(o: Observations): { seconds: number | null; absoluteSeconds: number | null; absoluteExplainsIdle: boolean; text: string } {
  const { lo, hi, absolute } = o;
  if (!Number.isFinite(hi)) {
    return { seconds: null, absoluteSeconds: null, absoluteExplainsIdle: false, text: `no mapping expired within ${round1(lo)} s idle (the longest tested; maxSeconds ${o.maxSeconds})` };
  }
  // An absolute timeout explains the idle deaths when the kept-alive mapping did not outlive them.
  if (absolute.deadAt !== undefined && absolute.lastAlive < hi) {
    const aLo = Math.max(absolute.lastAlive, lo);
    const aHi = Math.min(absolute.deadAt, hi);
    const seconds = Math.round((aLo + Math.max(aLo, aHi)) / 2);
    return {
      seconds: null,
      absoluteSeconds: seconds,
      absoluteExplainsIdle: true,
      text:
        `mappings die about ${seconds} s after creation whatever the traffic (an absolute timeout: one kept alive by ` +
        `keepalives every ${round1(absolute.period)} s died too; ${absolute.how ?? ''}); the idle timeout is longer and cannot be measured`,
    };
  }
  const seconds = Math.round((lo + hi) / 2);
  return {
    seconds,
    absoluteSeconds: null,
    absoluteExplainsIdle: false,
    text: `idle timeout about ${seconds} s (a mapping idle ${round1(lo)} s still worked, one idle ${round1(hi)} s did not)`,
  };
}

function inboundReading(o: Observations, absoluteExplainsIdle: boolean): { value: Tristate; text: string } {
  const { inbound, lo, hi, absolute } = o;
  if (o.mode !== 'response-port') return { value: 'unknown', text: 'inbound refresh not tested (needs RESPONSE-PORT)' };
  if (!Number.isFinite(hi)) return { value: 'unknown', text: 'inbound refresh not tested (no idle expiry to compare with)' };
  if (absoluteExplainsIdle) return { value: 'unknown', text: 'inbound refresh unknown (the absolute timeout comes first)' };
  if (inbound.lastAlive >= hi + o.margin) {
    // K never sent after its first exchange; only the packets it received can have kept it.
    return {
      value: 'yes',
      text: `inbound packets alone keep a mapping open (one that only received, every ${round1(o.inboundPeriod)} s or less, was still open after ${round1(inbound.lastAlive)} s)`,
    };
  }
  if (inbound.deadAt !== undefined && (inbound.gapBeforeDeath ?? Infinity) < lo && absolute.lastAlive >= inbound.deadAt) {
    return {
      value: 'no',
      text: `inbound packets do not refresh a mapping (one that received a packet ${round1(inbound.gapBeforeDeath ?? 0)} s earlier was gone at ${round1(inbound.deadAt)} s)`,
    };
  }
  return { value: 'unknown', text: `inbound refresh unknown (${inbound.checks} checks were not conclusive)` };
}

function absoluteReading(o: Observations, absoluteExplainsIdle: boolean): { seconds: number | null; text?: string } {
  const { absolute } = o;
  if (absolute.deadAt === undefined) {
    const watchedLongEnough = o.absoluteUpToMax || absolute.lastAlive >= o.maxSeconds;
    return {
      seconds: null,
      text:
        `no absolute timeout seen within ${round1(absolute.lastAlive)} s` +
        (watchedLongEnough ? '' : ` (watched only while the idle timeout was measured; ask for up to ${o.maxSeconds} s to watch longer)`),
    };
  }
  if (absoluteExplainsIdle) return { seconds: null };
  const seconds = Math.round((absolute.lastAlive + absolute.deadAt) / 2);
  return {
    seconds,
    text: `absolute timeout about ${seconds} s (a mapping kept alive by keepalives every ${round1(absolute.period)} s was gone at ${round1(absolute.deadAt)} s: ${absolute.how ?? ''})`,
  };
}

function method(o: Observations): string {
  return o.mode === 'response-port'
    ? 'measured with RESPONSE-PORT (RFC 5780 §4.6): idle sockets were asked about by another socket'
    : `measured by the fallback (${o.fallbackWhy}): each idle socket asked again and compared its public port; a changed port proves ` +
        'expiry, the same port is read as "survived", which holds only because this NAT does not keep local ports and assumes it does ' +
        'not hand a re-created mapping the same public port again';
}

function flow(o: Observations): string {
  return o.stream ? 'flows made two-way and older than 2 s first' : 'flows of one request and one answer';
}

function timing(o: Observations): string {
  return `${o.socketsUsed} sockets, idle part ${round1(o.idleMs / 1000)} s, all ${round1(o.totalMs / 1000)} s`;
}

export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
