/**
 * The rendezvous of `natprobe serve --rendezvous`: two clients that present the same session id
 * are introduced to each other — each learns the other's server-reflexive address and the local
 * candidates it declared — and that is all. No traffic is relayed; a session is forgotten
 * SESSION_LIFETIME_MS after it was created; memory is bounded by maxSessions; a session is
 * answered only to the two (source, nonce) pairs that joined it, so a guessed id, a replayed
 * join from another address or a third joiner all get the same one-line refusal (REFUSED).
 *
 * Pure state plus a clock: reflector.ts passes it the datagrams whose method is
 * RENDEZVOUS_METHOD and sends what it returns, charged to the per-source rate limit like every
 * other answer (a flood of joins runs dry there first).
 */
import type { Endpoint } from '../net/udp';
import { sameEndpoint } from '../net/udp';
import { Attr, decodeMessage, encodeErrorCode, encodeMessage, splitMessageType, verifyFingerprint, type StunMessage } from '../stun';
import { MIN_JOIN_BYTES_IPV4, RENDEZVOUS_METHOD, REFUSED, type RelayFigure, RendezvousAttr, decodeJoin, encodeIntroduction } from '../punch/rendezvousWire';
import { sourceKey } from './sourceRateLimit';

/** "forgets a session after a minute": long enough to read a code over the phone and type it. */
export const SESSION_LIFETIME_MS = 60_000;
/** Sessions held at once: two members of at most 8 candidates and 8 relays each, about 1.5 KB a session. */
export const DEFAULT_MAX_SESSIONS = 10_000;
/**
 * Sessions one source (an IPv4 address, an IPv6 /64) may have waiting for their second member:
 * a person waits for one or two peers at a time. Introduced sessions do not count, so retrying
 * punch many times in a minute is never refused.
 */
export const DEFAULT_MAX_SESSIONS_PER_SOURCE = 8;

export interface RendezvousOptions {
  readonly now: () => number;
  readonly maxSessions?: number;
  /** Sessions one source may have waiting for a peer at once. */
  readonly maxSessionsPerSource?: number;
}

export type RendezvousOutcome =
  | { readonly kind: 'reply'; readonly data: Uint8Array; readonly event: 'waiting' | 'introduced' }
  | { readonly kind: 'refused'; readonly data: Uint8Array; readonly why: string }
  | { readonly kind: 'dropped'; readonly why: string };

interface Member {
  readonly nonce: string;
  readonly source: Endpoint;
  readonly candidates: readonly Endpoint[];
  /** The member's TURN figures: the latest join's (a member joins again once its allocations are measured). */
  relays: readonly RelayFigure[] | undefined;
}

interface Session {
  readonly createdAt: number;
  readonly creator: string;
  readonly members: Member[];
  /** Still counted against its creator's waiting sessions. */
  waiting: boolean;
}

const HEX = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** True when the datagram is a STUN message with the rendezvous method: the reflector's switch. */
export function isRendezvousMessage(data: Uint8Array): boolean {
  // Bytes 0-1 are the message type (RFC 8489 §5); the top two bits are zero for STUN.
  return data.length >= 20 && (data[0] & 0xc0) === 0 && splitMessageType((data[0] << 8) | data[1]).method === RENDEZVOUS_METHOD;
}

export class Rendezvous {
  /** Map order is creation order, which is expiry order: purging looks at the front only. */
  private readonly sessions = new Map<string, Session>();
  private readonly perSource = new Map<string, number>();
  private readonly maxSessions: number;
  private readonly maxPerSource: number;
  readonly counters = { introduced: 0, waiting: 0, refused: 0 };

  constructor(private readonly options: RendezvousOptions) {
    this.maxSessions = Math.max(1, options.maxSessions ?? DEFAULT_MAX_SESSIONS);
    this.maxPerSource = Math.max(1, options.maxSessionsPerSource ?? DEFAULT_MAX_SESSIONS_PER_SOURCE);
  }

  /** Sessions held now (after forgetting the expired ones). */
  get size(): number {
    this.purge();
    return this.sessions.size;
  }

  handle(data: Uint8Array, from: Endpoint): RendezvousOutcome {
    const decoded = decodeMessage(data);
    if (!decoded.ok) return { kind: 'dropped', why: `malformed: ${decoded.error.message}` };
    const msg = decoded.value;
    // Only requests are answered (an answer to an answer could loop between two servers), and a
    // join must carry a valid FINGERPRINT (RFC 8489 §7.3) so a stray datagram is never read as one.
    if (msg.cls !== 'request' || msg.rfc3489) return { kind: 'dropped', why: 'not a rendezvous request' };
    if (verifyFingerprint(msg, data) !== 'valid') return { kind: 'dropped', why: 'no valid FINGERPRINT' };
    // Shorter than the largest all-IPv4 answer: silence, so a forged source cannot be used to
    // amplify. Clients pad to MIN_JOIN_BYTES (room for IPv6 everywhere); a join from before IPv6
    // candidates is padded to the IPv4 bound only, so answer() also refuses any answer longer
    // than the join it answers (a peer that declared IPv6 addresses to such a client).
    if (data.length < MIN_JOIN_BYTES_IPV4) return { kind: 'dropped', why: `a join shorter than ${MIN_JOIN_BYTES_IPV4} bytes` };
    const unknown = msg.attributes.find((a) => a.type < 0x8000 && !KNOWN.has(a.type));
    if (unknown) return this.refuse(msg, `unknown attribute 0x${unknown.type.toString(16)}`);
    const join = decodeJoin(msg);
    if (!join.ok) return this.refuse(msg, join.why);
    this.purge();
    const id = HEX(join.value.sessionId);
    const nonce = HEX(join.value.nonce);
    const session = this.sessions.get(id);
    if (!session) {
      const creator = sourceKey(from.address);
      if (this.sessions.size >= this.maxSessions) return this.refuse(msg, 'session table full');
      if ((this.perSource.get(creator) ?? 0) >= this.maxPerSource) return this.refuse(msg, 'too many sessions from this source');
      this.sessions.set(id, { createdAt: this.options.now(), creator, members: [{ nonce, source: from, candidates: join.value.candidates, relays: join.value.relays }], waiting: true });
      this.perSource.set(creator, (this.perSource.get(creator) ?? 0) + 1);
      return this.answer(msg, from, undefined, data.length);
    }
    const me = session.members.find((m) => m.nonce === nonce);
    if (me) {
      // The same member asking again (its answer was lost, or it polls for the peer). From any
      // other address it is a replay, or a member whose NAT moved it: neither is answered.
      if (!sameEndpoint(me.source, from)) return this.refuse(msg, 'known member from another address');
      // Its candidates stay those of its first join; its relay figures are the latest it sent.
      me.relays = join.value.relays;
      return this.answer(msg, from, session.members.find((m) => m !== me), data.length);
    }
    if (session.members.length >= 2) return this.refuse(msg, 'session already has two members');
    if (sameEndpoint(session.members[0].source, from)) return this.refuse(msg, 'both members from one address');
    const peer = session.members[0];
    session.members.push({ nonce, source: from, candidates: join.value.candidates, relays: join.value.relays });
    this.release(session);
    return this.answer(msg, from, peer, data.length);
  }

  private answer(msg: StunMessage, from: Endpoint, peer: Member | undefined, joinBytes: number): RendezvousOutcome {
    const data = encodeIntroduction(msg, { reflexive: from, ...(peer ? { peer: { reflexive: peer.source, candidates: peer.candidates, ...(peer.relays ? { relays: peer.relays } : {}) } } : {}) });
    // Never more bytes out than in (RFC 8489 §16.1.2): only a join padded to the old all-IPv4
    // bound, whose peer declared IPv6 addresses, can get here; the refusal is shorter than any join.
    if (data.length > joinBytes) return this.refuse(msg, `the answer (${data.length} bytes) would be longer than the join (${joinBytes})`);
    if (peer) this.counters.introduced++;
    else this.counters.waiting++;
    return { kind: 'reply', data, event: peer ? 'introduced' : 'waiting' };
  }

  private refuse(msg: StunMessage, why: string): RendezvousOutcome {
    this.counters.refused++;
    // Same bytes for every cause but the transaction id: no SOFTWARE, no reason beyond "Refused".
    const data = encodeMessage(
      { cls: 'error', method: RENDEZVOUS_METHOD, transactionId: msg.transactionId, attributes: [{ type: Attr.ErrorCode, value: encodeErrorCode(REFUSED) }] },
      { fingerprint: true },
    );
    return { kind: 'refused', data, why };
  }

  private purge(): void {
    const now = this.options.now();
    for (const [id, s] of this.sessions) {
      if (now - s.createdAt < SESSION_LIFETIME_MS) break;
      this.sessions.delete(id);
      this.release(s);
    }
  }

  private release(s: Session): void {
    if (!s.waiting) return;
    s.waiting = false;
    const n = (this.perSource.get(s.creator) ?? 1) - 1;
    if (n <= 0) this.perSource.delete(s.creator);
    else this.perSource.set(s.creator, n);
  }
}

const KNOWN: ReadonlySet<number> = new Set<number>([RendezvousAttr.Session, RendezvousAttr.Nonce, RendezvousAttr.Candidate, RendezvousAttr.Relay, Attr.Padding]);
