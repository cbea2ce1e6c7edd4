/**
 * TURN Allocate probe (RFC 8656): can this network get a relayed address from the user's TURN
 * server with the user's credentials? Allocate without credentials (expect 401 with REALM and
 * NONCE, §7.2 / RFC 8489 §9.2), Allocate again with the long-term credential, report
 * XOR-RELAYED-ADDRESS and the round-trip time, then free the allocation at once with a Refresh
 * of LIFETIME 0 (§7.3) so the probe leaves nothing behind on the server.
 *
 * The password is only ever used to derive the key; it never appears in a result, an error or
 * a log line.
 */
import type { Clock } from '../clock';
import { RttEstimator } from '../client/rtt';
import { type ExchangeResult, StunSocket, errorText } from '../client/stunSocket';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey } from '../net/udp';
import {
  Attr,
  ErrorCodes,
  Method,
  type StunAttribute,
  type StunMessage,
  TransportProtocol,
  USERNAME_MAX_BYTES,
  decodeErrorCode,
  decodeLifetime,
  decodeText,
  decodeXorAddress,
  encodeLifetime,
  encodeRequestedTransport,
  encodeText,
  getAttribute,
  longTermKey,
  verifyFingerprint,
  verifyIntegrity,
} from '../stun';

export { DEFAULT_TURN_PORT, type ParseTurnUrlResult, type TurnUrl, parseTurnUrl } from './turnUrl';

export interface ProbeTurnOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  /** Resolved address of the TURN server. */
  readonly server: Endpoint;
  readonly username: string;
  readonly password: string;
  readonly budgetMs: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** Software name put in the requests; none by default. */
  readonly software?: string;
}

export interface TurnResult {
  /** yes: a relayed address was allocated; no: the server refused (credentials, quota, …); unknown: no verdict. */
  readonly value: 'yes' | 'no' | 'unknown';
  readonly relayedAddress: string | null;
  /** Round trip of the authenticated Allocate (one try, so unambiguous), or null. */
  readonly rttMs: number | null;
  readonly error: string | null;
  /** Whether the Refresh with LIFETIME 0 freed the allocation (null when none was made). */
  readonly released: boolean | null;
}

/** RFC 8489 §6.2.1 Rc: at most 7 tries of one request. */
const MAX_ATTEMPTS = 7;
/** Reason phrases come from the server: shown, but short and printable. */
function cleanReason(s: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return printable.length > 100 ? `${printable.slice(0, 100)}…` : printable;
}

interface Credentials {
  realm: string;
  nonce: string;
  key: Uint8Array;
}

type Step =
  | { kind: 'answer'; message: StunMessage; raw: Uint8Array; rttMs: number; attempts: number }
  | { kind: 'silence'; detail: string; wrong: number }
  | { kind: 'failed'; detail: string };

type Answer = Extract<Step, { kind: 'answer' }>;

export async function probeTurn(options: ProbeTurnOptions): Promise<TurnResult> {
  let usernameAttr: StunAttribute;
  try {
    usernameAttr = { type: Attr.Username, value: encodeText(options.username, USERNAME_MAX_BYTES) };
  } catch {
    return result('unknown', `the TURN username is longer than ${USERNAME_MAX_BYTES} UTF-8 bytes`);
  }
  const run = new TurnRun(options, usernameAttr);
  try {
    // Up to two 5-tuples: 437 Allocation Mismatch means this one already has an allocation.
    for (let tuple = 0; tuple < 2; tuple++) {
      const outcome = await run.allocate(tuple === 0);
      if (outcome !== 'new-tuple') return outcome;
    }
    return result('no', `437 Allocation Mismatch from the TURN server, twice, from two local ports`);
  } finally {
    run.close();
  }
}

function result(value: TurnResult['value'], error: string | null, extra: Partial<TurnResult> = {}): TurnResult {
  return { value, relayedAddress: null, rttMs: null, error, released: null, ...extra };
}

/** One probe's state: the budget, the RTT estimate, the fixed attributes and the sockets opened. */
class TurnRun {
  private readonly clock: Clock;
  private readonly deadline: number;
  private readonly where: string;
  private readonly est = new RttEstimator();
  private readonly log: (line: string) => void;
  private readonly family: Family;
  private readonly transport: StunAttribute = { type: Attr.RequestedTransport, value: encodeRequestedTransport(TransportProtocol.Udp) };
  private readonly software: StunAttribute[];
  private readonly sockets: StunSocket[] = [];

  constructor(
    private readonly options: ProbeTurnOptions,
    private readonly usernameAttr: StunAttribute,
  ) {
    this.clock = options.clock;
    this.deadline = this.clock.now() + Math.max(0, options.budgetMs);
    this.where = endpointKey(options.server);
    this.log = options.log ?? (() => undefined);
    this.family = options.server.address.includes(':') ? 6 : 4;
    this.software = options.software ? [{ type: Attr.Software, value: encodeText(options.software) }] : [];
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }

  /** Steps 1-3 from one new local port; 'new-tuple' when the server says this 5-tuple already has an allocation. */
  async allocate(mayRetry: boolean): Promise<TurnResult | 'new-tuple'> {
    const socket = await this.open();
    if (typeof socket === 'string') return result('unknown', socket);
    const challenge = await this.askChallenge(socket);
    if ('value' in challenge) return challenge;
    const second = await this.allocateWithCredentials(socket, challenge.creds);
    if ('value' in second) return second;
    return this.accept(socket, second.step, second.creds, challenge.first, mayRetry);
  }

  private async open(): Promise<StunSocket | string> {
    try {
      const s = new StunSocket(await this.options.factory.bind({ family: this.family }), this.clock);
      this.sockets.push(s);
      return s;
    } catch (err) {
      return `cannot open a UDP socket: ${errorText(err)}`;
    }
  }

  /** One request, same transaction ID on every retransmission (RFC 8489 §6.2.1), RTO doubling. */
  private async ask(socket: StunSocket, method: number, attributes: StunAttribute[], key?: Uint8Array, until = (): number => this.deadline): Promise<Step> {
    let sent = 0;
    const r: ExchangeResult = await socket.exchange({
      to: this.options.server,
      method,
      attributes: [...attributes, ...this.software],
      sameTransaction: true,
      integrityKey: key,
      fingerprint: true,
      giveUpAt: until,
      rto: () => Math.min(this.est.rto() * 2 ** sent++, 2000),
      maxAttempts: MAX_ATTEMPTS,
      signal: this.options.signal,
    });
    if (r.ok) {
      if (r.attempts === 1) this.est.sample(r.rttMs);
      return { kind: 'answer', message: r.message, raw: r.raw, rttMs: r.rttMs, attempts: r.attempts };
    }
    if (r.reason === 'timeout') return { kind: 'silence', detail: `${r.attempts} tries over ${Math.round(r.elapsedMs)} ms`, wrong: r.wrongSource.length + r.unusable };
    return { kind: 'failed', detail: r.reason === 'aborted' ? 'cancelled' : r.detail };
  }

  // Replies that came back but could not be used are not silence: the server is reachable, and wrong.
  private noAnswer(detail: string, wrong: number): TurnResult {
    return wrong > 0
      ? result('unknown', `the TURN server at ${this.where} answers, but not correctly: ${wrong} ${wrong === 1 ? 'reply' : 'replies'} that could not be used: a wrong transaction ID, a wrong source, or not STUN (${detail})`)
      : result('unknown', `no answer from the TURN server at ${this.where} (${detail})`);
  }

  /** 1. Allocate without credentials: learn REALM and NONCE (or, from a server without authentication, the allocation itself). */
  private async askChallenge(socket: StunSocket): Promise<TurnResult | { first: Answer; creds: Credentials }> {
    const { where } = this;
    const first = await this.ask(socket, Method.Allocate, [this.transport]);
    if (first.kind === 'silence') return this.noAnswer(first.detail, first.wrong);
    if (first.kind === 'failed') return result('unknown', first.detail);
    const m1 = first.message;
    if (m1.method !== Method.Allocate) return result('unknown', `the TURN server at ${where} answered Allocate with method ${m1.method}`);
    if (verifyFingerprint(m1, first.raw) === 'invalid') return result('unknown', `the answer from ${where} has a wrong FINGERPRINT`);
    if (m1.cls === 'success') {
      // A server without authentication: the allocation exists, report it and free it.
      const relayed = relayedOf(m1);
      if (typeof relayed !== 'string') return result('unknown', `malformed Allocate success from ${where}: ${relayed.error}`);
      const released = await this.release(socket, undefined);
      return result('yes', null, { relayedAddress: relayed, rttMs: round(first.attempts === 1 ? first.rttMs : null), released });
    }
    const e1 = errorOf(m1);
    if (typeof e1 === 'string') return result('unknown', `malformed error response from ${where}: ${e1}`);
    if (e1.code !== ErrorCodes.Unauthenticated) return refusal(e1, null);
    const creds = this.credentialsFrom(m1, undefined);
    if (typeof creds === 'string') return result('unknown', `the TURN server's 401 ${creds} (RFC 8656 §7.2, RFC 8489 §9.2.4)`);
    return { first, creds };
  }

  /** 2. Allocate with the long-term credential (a new transaction); once more on 438. */
  private async allocateWithCredentials(socket: StunSocket, initial: Credentials): Promise<TurnResult | { step: Step; creds: Credentials }> {
    let creds = initial;
    let second: Step | undefined;
    for (let staleRetries = 0; ; staleRetries++) {
      second = await this.ask(socket, Method.Allocate, [this.transport, this.usernameAttr, realmAttr(creds.realm), nonceAttr(creds.nonce)], creds.key);
      if (second.kind !== 'answer') break;
      const e = second.message.cls === 'error' ? errorOf(second.message) : undefined;
      if (e && typeof e !== 'string' && e.code === ErrorCodes.StaleNonce && staleRetries === 0) {
        const fresh = this.credentialsFrom(second.message, creds);
        if (typeof fresh === 'string') return result('unknown', `the TURN server's 438 Stale Nonce ${fresh}`);
        this.log(`turn: 438 Stale Nonce, retrying once with the new nonce`);
        creds = fresh;
        continue;
      }
      break;
    }
    return { step: second, creds };
  }

  /** The answer to step 2: a refusal, a new 5-tuple on 437, or a relayed address that step 3 frees at once. */
  private async accept(socket: StunSocket, second: Step, creds: Credentials, first: Answer, mayRetry: boolean): Promise<TurnResult | 'new-tuple'> {
    const { where } = this;
    if (second.kind === 'silence') return this.noAnswer(`authenticated Allocate: ${second.detail}`, second.wrong);
    if (second.kind === 'failed') return result('unknown', second.detail);
    const m2 = second.message;
    if (verifyFingerprint(m2, second.raw) === 'invalid') return result('unknown', `the answer from ${where} has a wrong FINGERPRINT`);
    if (m2.cls === 'error') {
      const e2 = errorOf(m2);
      if (typeof e2 === 'string') return result('unknown', `malformed error response from ${where}: ${e2}`);
      if (e2.code === ErrorCodes.AllocationMismatch && mayRetry) {
        this.log('turn: 437 Allocation Mismatch, retrying once from a new local port');
        return 'new-tuple';
      }
      if (e2.code === ErrorCodes.StaleNonce) return result('unknown', '438 Stale Nonce again after retrying with the new nonce');
      return refusal(e2, creds.realm);
    }
    if (m2.method !== Method.Allocate) return result('unknown', `the TURN server at ${where} answered Allocate with method ${m2.method}`);
    // RFC 8489 §9.2.5: a success must carry a MESSAGE-INTEGRITY that checks with our key.
    const integrity = verifyIntegrity(m2, second.raw, creds.key);
    if (integrity !== 'valid') {
      await this.release(socket, creds);
      return result(
        'unknown',
        integrity === 'absent'
          ? `the Allocate success from ${where} carries no MESSAGE-INTEGRITY: it cannot be trusted`
          : `the Allocate success from ${where} fails MESSAGE-INTEGRITY: forged, or the server derives another key`,
      );
    }
    const relayed = relayedOf(m2);
    if (typeof relayed !== 'string') {
      await this.release(socket, creds);
      return result('unknown', `malformed Allocate success from ${where}: ${relayed.error}`);
    }
    const rttMs = second.attempts === 1 ? second.rttMs : first.attempts === 1 ? first.rttMs : null;
    this.log(`turn: relayed address ${relayed}`);
    // 3. Free it at once.
    const released = await this.release(socket, creds);
    return result('yes', null, { relayedAddress: relayed, rttMs: round(rttMs), released });
  }

  /** Refresh with LIFETIME 0 (RFC 8656 §7.3): true when the server confirmed it. */
  private async release(socket: StunSocket, creds: Credentials | undefined): Promise<boolean> {
    // Freeing matters even when the budget is spent: give it its own short window.
    const until = Math.max(this.deadline, this.clock.now() + this.est.silenceWindow());
    let c = creds;
    for (let i = 0; i < 2; i++) {
      const attrs: StunAttribute[] = [{ type: Attr.Lifetime, value: encodeLifetime(0) }];
      if (c) attrs.push(this.usernameAttr, realmAttr(c.realm), nonceAttr(c.nonce));
      const r = await this.ask(socket, Method.Refresh, attrs, c?.key, () => until);
      if (r.kind !== 'answer') {
        this.log(`turn: Refresh (lifetime 0) got no answer: ${r.kind === 'silence' ? r.detail : r.detail}`);
        return false;
      }
      if (r.message.cls === 'success') {
        const lifetime = getAttribute(r.message, Attr.Lifetime);
        const seconds = lifetime ? decodeLifetime(lifetime.value) : undefined;
        return !seconds || !seconds.ok || seconds.value === 0;
      }
      const e = errorOf(r.message);
      if (c && typeof e !== 'string' && e.code === ErrorCodes.StaleNonce) {
        const fresh = this.credentialsFrom(r.message, c);
        if (typeof fresh === 'string') return false;
        c = fresh;
        continue;
      }
      this.log(`turn: Refresh (lifetime 0) refused: ${typeof e === 'string' ? e : `${e.code} ${cleanReason(e.reason)}`}`);
      return false;
    }
    return false;
  }

  private credentialsFrom(m: StunMessage, previous: Credentials | undefined): Credentials | string {
    const realmA = getAttribute(m, Attr.Realm);
    const nonceA = getAttribute(m, Attr.Nonce);
    if (!nonceA) return 'has no NONCE';
    if (!realmA && !previous) return 'has no REALM';
    const nonce = decodeText(nonceA.value);
    if (!nonce.ok) return `has a bad NONCE: ${nonce.error.message}`;
    let realm = previous?.realm ?? '';
    if (realmA) {
      const r = decodeText(realmA.value);
      if (!r.ok) return `has a bad REALM: ${r.error.message}`;
      realm = r.value;
    }
    if (previous && realm === previous.realm) return { realm, nonce: nonce.value, key: previous.key };
    return { realm, nonce: nonce.value, key: longTermKey(this.options.username, realm, this.options.password) };
  }
}

function refusal(e: { code: number; reason: string }, realm: string | null): TurnResult {
  const inRealm = realm !== null ? ` (realm "${cleanReason(realm)}")` : '';
  switch (e.code) {
    case ErrorCodes.Unauthenticated:
      return result('no', `401 Unauthorized from the TURN server${inRealm}`);
    case ErrorCodes.WrongCredentials:
      return result('no', `441 Wrong Credentials from the TURN server${inRealm}: the username differs from the one of the allocation`);
    case ErrorCodes.AllocationMismatch:
      return result('no', `437 Allocation Mismatch from the TURN server: this 5-tuple already has an allocation`);
    case ErrorCodes.AllocationQuotaReached:
      return result('no', `486 Allocation Quota Reached from the TURN server: this user has too many allocations`);
    case ErrorCodes.InsufficientCapacity:
      return result('no', `508 Insufficient Capacity from the TURN server: it has no relay port left`);
    case ErrorCodes.Forbidden:
      return result('no', `403 Forbidden from the TURN server${inRealm}`);
    case ErrorCodes.TryAlternate:
      return result('unknown', `300 Try Alternate from the TURN server (ALTERNATE-SERVER is not followed by this probe)`);
    default:
      return result('no', `${e.code} ${cleanReason(e.reason)} from the TURN server${inRealm}`);
  }
}

function realmAttr(realm: string): StunAttribute {
  return { type: Attr.Realm, value: encodeText(realm) };
}

function nonceAttr(nonce: string): StunAttribute {
  return { type: Attr.Nonce, value: encodeText(nonce) };
}

function errorOf(m: StunMessage): { code: number; reason: string } | string {
  const a = getAttribute(m, Attr.ErrorCode);
  if (!a) return 'an error response without ERROR-CODE';
  const e = decodeErrorCode(a.value);
  return e.ok ? e.value : e.error.message;
}

function relayedOf(m: StunMessage): string | { error: string } {
  const a = getAttribute(m, Attr.XorRelayedAddress);
  if (!a) return { error: 'no XOR-RELAYED-ADDRESS' };
  const d = decodeXorAddress(a.value, m.transactionId);
  if (!d.ok) return { error: `XOR-RELAYED-ADDRESS: ${d.error.message}` };
  return endpointKey(d.value);
}

function round(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10;
}
