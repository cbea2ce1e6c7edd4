/**
 * "Is this idle mapping still alive?", asked in one of two ways (mappingLifetime.ts explains the
 * method): from another socket Y with RESPONSE-PORT (RFC 5780 §7.5), which refreshes nothing of
 * the mapping, or, when the server ignores RESPONSE-PORT, by the probe socket itself, comparing
 * its public port. Reading what came back is pure (the *Verdict functions below), so each case is
 * tested without sockets.
 */
import type { Member } from '../../client/stunRouter';
import { type Endpoint, endpointKey } from '../../net/udp';
import { Attr, encodeResponsePort, readBindingAnswer } from '../../stun';
import type { Verdict } from './bracket';
import type { Mode } from './conclude';
import { Cancelled } from './pacing';
import type { Probe, ProbeSockets } from './probeSockets';
import { sameIp } from './watchers';

/** What a RESPONSE-PORT check for a probe's mapping saw. */
export type ResponsePortObservation =
  | {
      readonly kind: 'answer';
      /** Which socket the answer reached: the probe (through its mapping), Y (the requester), or another probe. */
      readonly receiver: 'probe' | 'requester' | 'other';
      readonly receiverName: string;
      readonly success: boolean;
      /** The public address in an answer that reached Y. */
      readonly seen?: Endpoint;
      /** The probe's idle age (s) when the answer arrived. */
      readonly age: number;
    }
  | {
      readonly kind: 'silence';
      /** Y's own plain Binding at the same time: its public address, or undefined if unanswered. */
      readonly control: Endpoint | undefined;
      readonly attempts: number;
      readonly waitedMs: number;
    };

/**
 * The verdict of one RESPONSE-PORT check. `deadAge`: the probe's age when the request reached
 * the NAT (start + smoothed RTT), the age a "dead" is dated at.
 */
export function responsePortVerdict(probe: Endpoint, o: ResponsePortObservation, deadAge: number): Verdict {
  if (o.kind === 'answer') {
    if (o.receiver === 'probe' && o.success) return { kind: 'alive', age: o.age, detail: 'answer arrived' };
    if (o.receiver === 'other') return { kind: 'dead', age: deadAge, detail: `its public port now reaches another socket (${o.receiverName})` };
    if (o.receiver === 'requester' && o.seen && o.seen.port === probe.port && sameIp(o.seen, probe)) {
      return { kind: 'dead', age: deadAge, detail: 'its public port was given to a new mapping' };
    }
    return { kind: 'unknown', detail: 'the server answered to the requesting socket: RESPONSE-PORT ignored' };
  }
  // Silence means "dead" only while the server answers Y and Y is still on the probe's public IP.
  if (!o.control) return { kind: 'unknown', detail: 'the server did not answer the control request either' };
  if (!sameIp(o.control, probe)) return { kind: 'unknown', detail: `the control socket is on ${o.control.address}, the probe on ${probe.address}` };
  return { kind: 'dead', age: deadAge, detail: `no answer in ${o.attempts} tries over ${Math.round(o.waitedMs)} ms` };
}

/** The fallback's verdict: the probe asked again itself and the server saw `seen` at age `age` (s). */
export function sameSocketVerdict(probe: Endpoint, seen: Endpoint, age: number): Verdict {
  if (seen.port === probe.port && sameIp(seen, probe)) return { kind: 'alive', age, detail: `same public port ${seen.port}` };
  return { kind: 'dead', age, detail: `public port changed ${endpointKey(probe)} → ${endpointKey(seen)}` };
}

/** What a RESPONSE-PORT check of a fresh mapping says about the method to use. */
export type Method = { readonly mode: Extract<Mode, 'response-port'> } | { readonly mode: Extract<Mode, 'same-socket'>; readonly why: string };

export function methodFromCapability(capability: Verdict): Method {
  if (capability.kind === 'alive') return { mode: 'response-port' };
  if (capability.kind === 'unknown') return { mode: 'same-socket', why: `RESPONSE-PORT does not work with this server (${capability.detail})` };
  return {
    mode: 'same-socket',
    why: `a RESPONSE-PORT request for a fresh mapping got no answer there (${capability.detail}): the server ignores or drops RESPONSE-PORT`,
  };
}

export class MappingChecks {
  private control: { startedAt: number; result: Promise<Endpoint | undefined> } | undefined;

  /** `y`: the socket that asks about the others (and whose plain request is the control). */
  constructor(
    private readonly s: ProbeSockets,
    private readonly y: Member,
  ) {}

  /** Y's plain Binding: is the server answering now, and which public address does Y have? (One per second at most.) */
  private controlNow(): Promise<Endpoint | undefined> {
    const { clock, est } = this.s;
    const now = clock.now();
    if (this.control && now - this.control.startedAt < 1000) return this.control.result;
    const result = this.s.ask(this.y, () => now + est.silenceWindow()).then(
      (a) => (typeof a === 'string' ? undefined : a.mapped),
      () => undefined,
    );
    this.control = { startedAt: now, result };
    return result;
  }

  /** Is `p`'s mapping alive now? Via Y + RESPONSE-PORT. */
  readonly responsePort = async (p: Probe): Promise<Verdict> => {
    const { clock, est, router, server, signal } = this.s;
    const start = clock.now();
    const ctl = this.controlNow();
    const r = await router.transact({
      from: this.y,
      to: server,
      attributes: [{ type: Attr.ResponsePort, value: encodeResponsePort(p.mapped.port) }],
      giveUpAt: () => start + est.silenceWindow(),
      interval: () => est.probeInterval(),
      signal,
    });
    const control = await ctl;
    if (signal.aborted) throw new Cancelled('cancelled');
    if (r.ok) {
      const d = r.delivery;
      est.sample(d.at - d.sentAt);
      const receiver = d.by === p.member ? 'probe' : d.by === this.y ? 'requester' : 'other';
      const seen = receiver === 'requester' ? readBindingAnswer(d.message, d.from).mapped : undefined;
      const observed = { kind: 'answer', receiver, receiverName: d.by.name, success: d.message.cls === 'success', seen, age: this.s.age(p, d.at) } as const;
      return responsePortVerdict(p.mapped, observed, this.s.age(p, start + (est.smoothed ?? 0)));
    }
    if (r.reason === 'aborted') throw new Cancelled('cancelled');
    const observed = { kind: 'silence', control, attempts: r.attempts, waitedMs: clock.now() - start } as const;
    return responsePortVerdict(p.mapped, observed, this.s.age(p, start + (est.smoothed ?? 0)));
  };

  /** Fallback: `p` asks again itself; a changed public port means the mapping had expired. */
  readonly sameSocket = async (p: Probe): Promise<Verdict> => {
    const { clock, est } = this.s;
    const start = clock.now();
    const a = await this.s.ask(p.member, () => start + Math.max(2 * est.silenceWindow(), 1000));
    if (typeof a === 'string') return { kind: 'unknown', detail: a };
    return sameSocketVerdict(p.mapped, a.mapped, this.s.age(p, a.at - a.rtt / 2));
  };

  /** The check for `mode`. */
  for(mode: Mode): (p: Probe) => Promise<Verdict> {
    return mode === 'response-port' ? this.responsePort : this.sameSocket;
  }
}
