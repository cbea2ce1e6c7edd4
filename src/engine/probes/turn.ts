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

export async function probeTurn(options: ProbeTurnOptions): Promise<TurnResult> {
  const { clock, signal, server } = options;
  const log = options.log ?? (() => undefined);
  const t0 = clock.now();
  const deadline = t0 + Math.max(0, options.budgetMs);
  const where = endpointKey(server);
  const est = new RttEstimator();
  const result = (value: TurnResult['value'], error: string | null, extra: Partial<TurnResult> = {}): TurnResult => ({
    value,
    relayedAddress: null,
    rttMs: null,
    error,
    released: null,
    ...extra,
  });

  let usernameAttr: StunAttribute;
  try {
    usernameAttr = { type: Attr.Username, value: encodeText(options.username, USERNAME_MAX_BYTES) };
  } catch {
    return result('unknown', `the TURN username is longer than ${USERNAME_MAX_BYTES} UTF-8 bytes`);
  }
  const family: Family = server.address.includes(':') ? 6 : 4;
  const transport: StunAttribute = { type: Attr.RequestedTransport, value: encodeRequestedTransport(TransportProtocol.Udp) };
  const software: StunAttribute[] = options.software ? [{ type: Attr.Software, value: encodeText(options.software) }] : [];

  const sockets: StunSocket[] = [];
  const open = async (): Promise<StunSocket | string> => {
    try {
      const s = new StunSocket(await options.factory.bind({ family }), clock);
      sockets.push(s);
      return s;
    } catch (err) {
      return `cannot open a UDP socket: ${errorText(err)}`;
    }
  };

  /** One request, same transaction ID on every retransmission (RFC 8489 §6.2.1), RTO doubling. */
  const ask = async (socket: StunSocket, method: number, attributes: StunAttribute[], key?: Uint8Array, until = (): number => deadline): Promise<Step> => {
    let sent = 0;
    const r: ExchangeResult = await socket.exchange({
      to: server,
      method,
      attributes: [...attributes, ...software],
      sameTransaction: true,
      integrityKey: key,
      fingerprint: true,
      giveUpAt: until,
      rto: () => Math.min(est.rto() * 2 ** sent++, 2000),
      maxAttempts: MAX_ATTEMPTS,
      signal,
    });
    if (r.ok) {
      if (r.attempts === 1) est.sample(r.rttMs);
      return { kind: 'answer', message: r.message, raw: r.raw, rttMs: r.rttMs, attempts: r.attempts };
    }
    if (r.reason === 'timeout') return { kind: 'silence', detail: `${r.attempts} tries over ${Math.round(r.elapsedMs)} ms`, wrong: r.wrongSource.length + r.unusable };
    return { kind: 'failed', detail: r.reason === 'aborted' ? 'cancelled' : r.detail };
  };

  // Replies that came back but could not be used are not silence: the server is reachable, and wrong.
  const noAnswer = (detail: string, wrong: number): TurnResult =>
    wrong > 0
      ? result('unknown', `the TURN server at ${where} answers, but not correctly: ${wrong} ${wrong === 1 ? 'reply' : 'replies'} that could not be used: a wrong transaction ID, a wrong source, or not STUN (${detail})`)
      : result('unknown', `no answer from the TURN server at ${where} (${detail})`);

  try {
    // Up to two 5-tuples: 437 Allocation Mismatch means this one already has an allocation.
    for (let tuple = 0; tuple < 2; tuple++) {
      const socket = await open();
      if (typeof socket === 'string') return result('unknown', socket);

      // 1. Allocate without credentials: learn REALM and NONCE.
      const first = await ask(socket, Method.Allocate, [transport]);
      if (first.kind === 'silence') return noAnswer(first.detail, first.wrong);
      if (first.kind === 'failed') return result('unknown', first.detail);
      const m1 = first.message;
      if (m1.method !== Method.Allocate) return result('unknown', `the TURN server at ${where} answered Allocate with method ${m1.method}`);
      if (verifyFingerprint(m1, first.raw) === 'invalid') return result('unknown', `the answer from ${where} has a wrong FINGERPRINT`);
      if (m1.cls === 'success') {
        // A server without authentication: the allocation exists, report it and free it.
        const relayed = relayedOf(m1);
        if (typeof relayed !== 'string') return result('unknown', `malformed Allocate success from ${where}: ${relayed.error}`);
        const released = await release(socket, undefined);
        return result('yes', null, { relayedAddress: relayed, rttMs: round(first.attempts === 1 ? first.rttMs : null), released });
      }
      const e1 = errorOf(m1);
      if (typeof e1 === 'string') return result('unknown', `malformed error response from ${where}: ${e1}`);
      if (e1.code !== ErrorCodes.Unauthenticated) return refusal(e1, null);
      let creds = credentialsFrom(m1, undefined);
      if (typeof creds === 'string') return result('unknown', `the TURN server's 401 ${creds} (RFC 8656 §7.2, RFC 8489 §9.2.4)`);

      // 2. Allocate with the long-term credential (a new transaction); once more on 438.
      let second: Step | undefined;
      for (let staleRetries = 0; ; staleRetries++) {
        second = await ask(socket, Method.Allocate, [transport, usernameAttr, realmAttr(creds.realm), nonceAttr(creds.nonce)], creds.key);
        if (second.kind !== 'answer') break;
        const e = second.message.cls === 'error' ? errorOf(second.message) : undefined;
        if (e && typeof e !== 'string' && e.code === ErrorCodes.StaleNonce && staleRetries === 0) {
          const fresh = credentialsFrom(second.message, creds);
          if (typeof fresh === 'string') return result('unknown', `the TURN server's 438 Stale Nonce ${fresh}`);
          log(`turn: 438 Stale Nonce, retrying once with the new nonce`);
          creds = fresh;
          continue;
        }
        break;
      }
      if (second.kind === 'silence') return noAnswer(`authenticated Allocate: ${second.detail}`, second.wrong);
      if (second.kind === 'failed') return result('unknown', second.detail);
      const m2 = second.message;
      if (verifyFingerprint(m2, second.raw) === 'invalid') return result('unknown', `the answer from ${where} has a wrong FINGERPRINT`);
      if (m2.cls === 'error') {
        const e2 = errorOf(m2);
        if (typeof e2 === 'string') return result('unknown', `malformed error response from ${where}: ${e2}`);
        if (e2.code === ErrorCodes.AllocationMismatch && tuple === 0) {
          log('turn: 437 Allocation Mismatch, retrying once from a new local port');
          continue;
        }
        if (e2.code === ErrorCodes.StaleNonce) return result('unknown', '438 Stale Nonce again after retrying with the new nonce');
        return refusal(e2, creds.realm);
      }
      if (m2.method !== Method.Allocate) return result('unknown', `the TURN server at ${where} answered Allocate with method ${m2.method}`);
      // RFC 8489 §9.2.5: a success must carry a MESSAGE-INTEGRITY that checks with our key.
      const integrity = verifyIntegrity(m2, second.raw, creds.key);
      if (integrity !== 'valid') {
        await release(socket, creds);
        return result(
          'unknown',
          integrity === 'absent'
            ? `the Allocate success from ${where} carries no MESSAGE-INTEGRITY: it cannot be trusted`
            : `the Allocate success from ${where} fails MESSAGE-INTEGRITY: forged, or the server derives another key`,
        );
      }
      const relayed = relayedOf(m2);
      if (typeof relayed !== 'string') {
        await release(socket, creds);
        return result('unknown', `malformed Allocate success from ${where}: ${relayed.error}`);
      }
      const rttMs = second.attempts === 1 ? second.rttMs : first.attempts === 1 ? first.rttMs : null;
      log(`turn: relayed address ${relayed}`);
      // 3. Free it at once.
      const released = await release(socket, creds);
      return result('yes', null, { relayedAddress: relayed, rttMs: round(rttMs), released });
    }
    return result('no', `437 Allocation Mismatch from the TURN server, twice, from two local ports`);
  } finally {
    for (const s of sockets) s.close();
  }

  /** Refresh with LIFETIME 0 (RFC 8656 §7.3): true when the server confirmed it. */
  async function release(socket: StunSocket, creds: Credentials | undefined): Promise<boolean> {
    // Freeing matters even when the budget is spent: give it its own short window.
    const until = Math.max(deadline, clock.now() + est.silenceWindow());
    let c = creds;
    for (let i = 0; i < 2; i++) {
      const attrs: StunAttribute[] = [{ type: Attr.Lifetime, value: encodeLifetime(0) }];
      if (c) attrs.push(usernameAttr, realmAttr(c.realm), nonceAttr(c.nonce));
      const r = await ask(socket, Method.Refresh, attrs, c?.key, () => until);
      if (r.kind !== 'answer') {
        log(`turn: Refresh (lifetime 0) got no answer: ${r.kind === 'silence' ? r.detail : r.detail}`);
        return false;
      }
      if (r.message.cls === 'success') {
        const lifetime = getAttribute(r.message, Attr.Lifetime);
        const seconds = lifetime ? decodeLifetime(lifetime.value) : undefined;
        return !seconds || !seconds.ok || seconds.value === 0;
      }
      const e = errorOf(r.message);
      if (c && typeof e !== 'string' && e.code === ErrorCodes.StaleNonce) {
        const fresh = credentialsFrom(r.message, c);
        if (typeof fresh === 'string') return false;
        c = fresh;
        continue;
      }
      log(`turn: Refresh (lifetime 0) refused: ${typeof e === 'string' ? e : `${e.code} ${cleanReason(e.reason)}`}`);
      return false;
    }
    return false;
  }

  function credentialsFrom(m: StunMessage, previous: Credentials | undefined): Credentials | string {
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
    return { realm, nonce: nonce.value, key: longTermKey(options.username, realm, options.password) };
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
