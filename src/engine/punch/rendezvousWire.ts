/**
 * The rendezvous messages: STUN (RFC 8489) with a method of our own, so they share the socket,
 * the codec, FINGERPRINT and the per-source rate limit of `natprobe serve`.
 *
 * Which method value. RFC 8489 §18.2 (and the IANA "STUN Methods" registry, as updated by
 * RFC 7983) splits methods into 0x000-0x07F (IETF Review) and 0x080-0x0FF (Expert Review), and
 * reserves 0x100-0xFFF, whose message types would start with a byte above 3 and break the
 * STUN/DTLS/RTP demultiplexing of RFC 7983 §7. No range is set aside for private or experimental
 * use, so we take a value the registry lists as unassigned, 0x0D7, in the Expert Review half (far
 * from GOOG-PING, 0x080, the one value assigned there), never expect an ordinary STUN server to
 * know it (our own answers a method it does not know with silence), and would ask the expert
 * for it if the protocol were ever offered to others. Attribute types come from the Expert Review
 * half of the comprehension-required range (0x4000-0x7FFF, RFC 8489 §18.3), where the registry
 * lists nothing near 0x4E50: a server that does not know them must refuse with 420 rather than
 * misread a join.
 *
 * A join (request): SESSION (the scrypt-derived id, never the code), NONCE (this client's random
 * member id), up to MAX_CANDIDATES CANDIDATE (the local addresses it declares: IPv4 ones, and
 * global IPv6 ones, each in the XOR-MAPPED-ADDRESS layout whose family byte says which, with the
 * strict length of that family), FINGERPRINT.
 * The answer (success): XOR-MAPPED-ADDRESS (what the server sees of the joiner) and, once the
 * other member has joined, PEER-ADDRESS (what it saw of the peer) and the peer's CANDIDATEs.
 * Refusals are one error, 403, whatever the cause, so a refusal says nothing about a session.
 *
 * Relayed candidates (RFC 8445 §5.1.1.2) are declared through the signalling channel like the
 * others, but what the two ends need to share a relay is less than a candidate: which TURN server
 * and how far each end is from it. So a join may carry up to MAX_RELAYS RELAY attributes, one per
 * configured TURN server: its address and port (XOR-encoded like XOR-MAPPED-ADDRESS, IPv4) and
 * this end's figure for it: the RTT of its authenticated Allocate in units of 0.1 ms
 * (1..RELAY_MAX_TENTHS), RELAY_FAILED (tried, no relayed address), RELAY_NO_RTT (allocated, but
 * no unambiguous RTT) or RELAY_MEASURING (the allocation is still under way: join again later). The rendezvous keeps the latest list a
 * member sent and hands it to the peer with the rest of the introduction, nothing more.
 */
import type { Endpoint } from '../net/udp';
import {
  Attr,
  type StunAttribute,
  type StunMessage,
  decodeXorAddress,
  encodeMessage,
  encodePadding,
  encodeXorAddress,
  getAttribute,
  getAttributes,
  newTransactionId,
} from '../stun';
import { SESSION_ID_LENGTH } from './code';

export const RENDEZVOUS_METHOD = 0x0d7;

export const RendezvousAttr = {
  Session: 0x4e50,
  Nonce: 0x4e51,
  Candidate: 0x4e52,
  PeerAddress: 0x4e53,
  Relay: 0x4e54,
} as const;

export const NONCE_LENGTH = 12;
/** Host candidates a client may declare: a few interfaces, not a scan of its LAN. */
export const MAX_CANDIDATES = 8;
/** TURN servers a join may name: as many as diagnose and punch allocate on (MAX_TURN_SERVERS). */
export const MAX_RELAYS = 8;
/** A RELAY value: an IPv4 XOR address (8 bytes) and the 32-bit figure. */
export const RELAY_VALUE_LENGTH = 12;
/** The largest RTT a RELAY may carry, in 0.1 ms: one minute (no Allocate takes longer, the probe's budget is shorter). */
export const RELAY_MAX_TENTHS = 600_000;
export const RELAY_FAILED = 0;
export const RELAY_MEASURING = 0xffff_ffff;
/** Allocated, but every request was retransmitted, so no RTT can be told (Karn's rule). */
export const RELAY_NO_RTT = 0xffff_fffe;

/** One end's figure for one TURN server: its RTT in ms (0.1 ms steps), or why there is none yet. */
export interface RelayFigure {
  readonly server: Endpoint;
  readonly rttMs: number | 'failed' | 'no-rtt' | 'measuring';
}

/** The one refusal: unknown, full, replayed, flooded, malformed all look the same from outside. */
export const REFUSED = { code: 403, reason: 'Refused' } as const;

export interface Join {
  readonly sessionId: Uint8Array;
  readonly nonce: Uint8Array;
  readonly candidates: readonly Endpoint[];
  /** This end's figures for its TURN servers (absent: none configured). */
  readonly relays?: readonly RelayFigure[];
}

export interface Introduction {
  /** What the server saw of us. */
  readonly reflexive: Endpoint;
  /** Present once the peer has joined. */
  readonly peer?: { readonly reflexive: Endpoint; readonly candidates: readonly Endpoint[]; readonly relays?: readonly RelayFigure[] };
}

/** An address attribute on the wire (4-byte header and the XOR address value, RFC 8489 §14.2): IPv4 and IPv6. */
const ADDRESS_ATTR_V4 = 4 + 8;
const ADDRESS_ATTR_V6 = 4 + 20;
/**
 * The largest introduction (header, XOR-MAPPED-ADDRESS, PEER-ADDRESS, MAX_CANDIDATES CANDIDATEs
 * and MAX_RELAYS RELAYs, FINGERPRINT), every address counted as IPv6 (CANDIDATE carries either
 * family: a peer may declare its global IPv6 addresses). A join must be at least this long, so a
 * join sent with a forged source never buys its victim more bytes than it cost (RFC 8489 §16.1.2,
 * amplification); the client pads its joins with PADDING (RFC 5780 §7.6) to this size.
 */
export const MIN_JOIN_BYTES = 20 + ADDRESS_ATTR_V6 + ADDRESS_ATTR_V6 + MAX_CANDIDATES * ADDRESS_ATTR_V6 + MAX_RELAYS * (4 + RELAY_VALUE_LENGTH) + 8;
/** The bound before IPv6 candidates (every address IPv4): what the size of a join was checked against until then. */
export const MIN_JOIN_BYTES_IPV4 = 20 + ADDRESS_ATTR_V4 + ADDRESS_ATTR_V4 + MAX_CANDIDATES * ADDRESS_ATTR_V4 + MAX_RELAYS * (4 + RELAY_VALUE_LENGTH) + 8;

/** The RTT as the wire carries it: 0.1 ms steps, at least one step (a loopback RTT is not "failed"). */
function figureOf(f: RelayFigure): number {
  if (f.rttMs === 'failed') return RELAY_FAILED;
  if (f.rttMs === 'measuring') return RELAY_MEASURING;
  if (f.rttMs === 'no-rtt') return RELAY_NO_RTT;
  return Math.min(RELAY_MAX_TENTHS, Math.max(1, Math.round(f.rttMs * 10)));
}

function encodeRelay(f: RelayFigure, transactionId: Uint8Array): Uint8Array {
  const value = new Uint8Array(RELAY_VALUE_LENGTH);
  value.set(encodeXorAddress(f.server, transactionId), 0);
  new DataView(value.buffer).setUint32(8, figureOf(f));
  return value;
}

/** One RELAY value, strictly: 12 bytes, an IPv4 address with a port, a figure in range. */
function decodeRelay(value: Uint8Array, transactionId: Uint8Array): RelayFigure | string {
  if (value.length !== RELAY_VALUE_LENGTH) return `a RELAY is ${value.length} bytes, not ${RELAY_VALUE_LENGTH}`;
  const a = decodeXorAddress(value.subarray(0, 8), transactionId);
  if (!a.ok || a.value.family !== 4 || a.value.port === 0) return 'a RELAY does not name an IPv4 address and port';
  const n = new DataView(value.buffer, value.byteOffset, value.length).getUint32(8);
  const server = { address: a.value.address, port: a.value.port };
  if (n === RELAY_FAILED) return { server, rttMs: 'failed' };
  if (n === RELAY_MEASURING) return { server, rttMs: 'measuring' };
  if (n === RELAY_NO_RTT) return { server, rttMs: 'no-rtt' };
  if (n > RELAY_MAX_TENTHS) return `a RELAY's RTT (${n / 10} ms) is out of range`;
  return { server, rttMs: n / 10 };
}

/** The RELAY attributes of a message: every one valid, at most MAX_RELAYS, no server twice. */
function decodeRelays(msg: StunMessage): Decoded<RelayFigure[]> {
  const raw = getAttributes(msg, RendezvousAttr.Relay);
  if (raw.length > MAX_RELAYS) return { ok: false, why: `more than ${MAX_RELAYS} RELAYs` };
  const out: RelayFigure[] = [];
  for (const r of raw) {
    const f = decodeRelay(r.value, msg.transactionId);
    if (typeof f === 'string') return { ok: false, why: f };
    if (out.some((o) => o.server.address === f.server.address && o.server.port === f.server.port)) return { ok: false, why: 'a RELAY names a server twice' };
    out.push(f);
  }
  return { ok: true, value: out };
}

/** Only IPv4 servers go on the wire (the RELAY value has room for an IPv4 address only; IPv6 TURN servers are measured, not told). */
function wireRelays(relays: readonly RelayFigure[] | undefined): RelayFigure[] {
  return (relays ?? []).filter((f) => !f.server.address.includes(':')).slice(0, MAX_RELAYS);
}

export function encodeJoin(join: Join, transactionId: Uint8Array = newTransactionId()): Uint8Array {
  const attributes: StunAttribute[] = [
    { type: RendezvousAttr.Session, value: join.sessionId },
    { type: RendezvousAttr.Nonce, value: join.nonce },
    ...join.candidates.slice(0, MAX_CANDIDATES).map((c) => ({ type: RendezvousAttr.Candidate, value: encodeXorAddress(c, transactionId) })),
    ...wireRelays(join.relays).map((f) => ({ type: RendezvousAttr.Relay, value: encodeRelay(f, transactionId) })),
  ];
  const unpadded = 20 + attributes.reduce((n, a) => n + 4 + Math.ceil(a.value.length / 4) * 4, 0) + 8;
  if (unpadded < MIN_JOIN_BYTES) attributes.push({ type: Attr.Padding, value: encodePadding(Math.max(0, MIN_JOIN_BYTES - unpadded - 4)) });
  return encodeMessage({ cls: 'request', method: RENDEZVOUS_METHOD, transactionId, attributes }, { fingerprint: true });
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: string };

/** A join as the server reads it; anything off by one byte is refused, not repaired. */
export function decodeJoin(msg: StunMessage): Decoded<Join> {
  const session = getAttribute(msg, RendezvousAttr.Session);
  const nonce = getAttribute(msg, RendezvousAttr.Nonce);
  if (!session || session.value.length !== SESSION_ID_LENGTH) return { ok: false, why: 'no SESSION of the right length' };
  if (!nonce || nonce.value.length !== NONCE_LENGTH) return { ok: false, why: 'no NONCE of the right length' };
  const raw = getAttributes(msg, RendezvousAttr.Candidate);
  if (raw.length > MAX_CANDIDATES) return { ok: false, why: `more than ${MAX_CANDIDATES} candidates` };
  const candidates: Endpoint[] = [];
  for (const c of raw) {
    const a = decodeXorAddress(c.value, msg.transactionId);
    if (!a.ok || a.value.port === 0) return { ok: false, why: 'a CANDIDATE is not an address' };
    candidates.push({ address: a.value.address, port: a.value.port });
  }
  const relays = decodeRelays(msg);
  if (!relays.ok) return relays;
  return { ok: true, value: { sessionId: session.value, nonce: nonce.value, candidates, ...(relays.value.length ? { relays: relays.value } : {}) } };
}

export function encodeIntroduction(request: StunMessage, intro: Introduction): Uint8Array {
  const id = request.transactionId;
  const attributes: StunAttribute[] = [{ type: Attr.XorMappedAddress, value: encodeXorAddress(intro.reflexive, id) }];
  if (intro.peer) {
    attributes.push({ type: RendezvousAttr.PeerAddress, value: encodeXorAddress(intro.peer.reflexive, id) });
    for (const c of intro.peer.candidates.slice(0, MAX_CANDIDATES)) attributes.push({ type: RendezvousAttr.Candidate, value: encodeXorAddress(c, id) });
    for (const f of wireRelays(intro.peer.relays)) attributes.push({ type: RendezvousAttr.Relay, value: encodeRelay(f, id) });
  }
  return encodeMessage({ cls: 'success', method: RENDEZVOUS_METHOD, transactionId: id, attributes }, { fingerprint: true });
}

/**
 * An answer as the client reads it. The peer's data is bounded like a join's; a RELAY list that
 * is not valid as a whole (too many, a bad length or figure, a server twice) is dropped whole:
 * the peer's figures are then unknown, and the direct path is tried all the same.
 */
export function decodeIntroduction(msg: StunMessage): Decoded<Introduction> {
  const mapped = getAttribute(msg, Attr.XorMappedAddress);
  const self = mapped ? decodeXorAddress(mapped.value, msg.transactionId) : undefined;
  if (!self?.ok) return { ok: false, why: 'the rendezvous answer has no XOR-MAPPED-ADDRESS' };
  const reflexive = { address: self.value.address, port: self.value.port };
  const peerAttr = getAttribute(msg, RendezvousAttr.PeerAddress);
  if (!peerAttr) return { ok: true, value: { reflexive } };
  const peer = decodeXorAddress(peerAttr.value, msg.transactionId);
  if (!peer.ok || peer.value.port === 0) return { ok: false, why: 'PEER-ADDRESS is not an address' };
  const raw = getAttributes(msg, RendezvousAttr.Candidate).slice(0, MAX_CANDIDATES);
  const candidates: Endpoint[] = [];
  for (const c of raw) {
    const a = decodeXorAddress(c.value, msg.transactionId);
    if (a.ok && a.value.port !== 0) candidates.push({ address: a.value.address, port: a.value.port });
  }
  const relays = decodeRelays(msg);
  const peerRelays = relays.ok && relays.value.length ? { relays: relays.value } : {};
  return { ok: true, value: { reflexive, peer: { reflexive: { address: peer.value.address, port: peer.value.port }, candidates, ...peerRelays } } };
}
