/**
 * The first packet of an OpenVPN session and the check of the server's answer (OpenVPN 2.6
 * control channel: ssl_pkt.c, reliable.c, tls_crypt.c).
 *
 * Client hard reset, before wrapping: opcode/key-id byte (opcode << 3 | key id 0), our 8-byte
 * session id, an empty ACK array (one length byte, 0), the message packet id 0 (4 bytes).
 * - tls-auth: an HMAC (the `auth` digest) and a replay id (4-byte counter + 4-byte time) go
 *   after the session id; the HMAC covers replay id, opcode, session id and the rest, in that
 *   order (the HMAC record is "swapped" to the front while it is computed).
 * - tls-crypt: replay id after the session id, then a 32-byte HMAC-SHA256 tag over the header
 *   and the plaintext, then the rest encrypted with AES-256-CTR whose IV is the tag's first 16
 *   bytes (a synthetic IV).
 * - tls-crypt-v2: tls-crypt with the client key Kc, opcode HARD_RESET_CLIENT_V3, and the wrapped
 *   key WKc appended so the (stateless) server can recover Kc.
 *
 * A 2.6 server answers HARD_RESET_SERVER_V2 with one ACK: packet id 0 and our session id; that
 * ACK is what proves the answer is to us. A p2p server busy with another peer sends only the ACK
 * (P_ACK_V1: ACK array and session id, no message id), wrapped with the same key: that proves
 * as much. Everything from the network is parsed within bounds.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { concatBytes as concat } from '../../stun/bytes';
import { TLS_CRYPT_TAG_BYTES } from './keys';

export const P_CONTROL_HARD_RESET_CLIENT_V2 = 7;
export const P_CONTROL_HARD_RESET_SERVER_V2 = 8;
export const P_ACK_V1 = 5;
export const P_CONTROL_HARD_RESET_CLIENT_V3 = 10;
const OPCODE_SHIFT = 3;
const SESSION_ID_BYTES = 8;
const REPLAY_ID_BYTES = 8;
/** reliable.h RELIABLE_ACK_SIZE: a packet carries at most 8 ACKs. */
const MAX_ACKS = 8;
/** Bigger than any control packet OpenVPN sends (its TLS MTU is 1250 by default). */
export const MAX_REPLY_BYTES = 2048;
/**
 * ssl_pkt.h EARLY_NEG_START: a tls-crypt-v2 client whose first replay counter has this top byte
 * tells the server it can resend WKc later, so the server answers without keeping any state.
 */
export const EARLY_NEG_START = 0x0f000000;
const TLV_EARLY_NEG_FLAGS = 0x0001;
const EARLY_NEG_FLAG_RESEND_WKC = 0x0001;

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  1: 'P_CONTROL_HARD_RESET_CLIENT_V1',
  2: 'P_CONTROL_HARD_RESET_SERVER_V1',
  3: 'P_CONTROL_SOFT_RESET_V1',
  4: 'P_CONTROL_V1',
  5: 'P_ACK_V1',
  6: 'P_DATA_V1',
  7: 'P_CONTROL_HARD_RESET_CLIENT_V2',
  8: 'P_CONTROL_HARD_RESET_SERVER_V2',
  9: 'P_DATA_V2',
  10: 'P_CONTROL_HARD_RESET_CLIENT_V3',
  11: 'P_CONTROL_WKC_V1',
};

export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `unknown opcode ${opcode}`;
}

/** Control-channel wrapping with the keys already chosen for the client's side. */
export type Wrap =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'tls-auth';
      /** node digest name and its length in bytes. */
      readonly digest: string;
      readonly digestBytes: number;
      readonly sendHmacKey: Uint8Array;
      readonly receiveHmacKey: Uint8Array;
    }
  | {
      readonly kind: 'tls-crypt' | 'tls-crypt-v2';
      readonly sendCipherKey: Uint8Array;
      readonly sendHmacKey: Uint8Array;
      readonly receiveCipherKey: Uint8Array;
      readonly receiveHmacKey: Uint8Array;
      /** tls-crypt-v2 only: WKc. */
      readonly wrappedKey?: Uint8Array;
    };

export interface ResetParams {
  readonly sessionId: Uint8Array;
  /** The wrapping's replay counter (tls-auth / tls-crypt); OpenVPN never sends 0. */
  readonly replayId: number;
  /** Seconds since 1970, the replay id's time part. */
  readonly time: number;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}


function hmac(digest: string, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac(digest, key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function aes256Ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array, decrypt: boolean): Uint8Array {
  const c = decrypt ? createDecipheriv('aes-256-ctr', key, iv) : createCipheriv('aes-256-ctr', key, iv);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** Builds the client's hard reset for this wrapping. */
export function buildClientReset(wrap: Wrap, p: ResetParams): Uint8Array {
  if (p.sessionId.length !== SESSION_ID_BYTES) throw new RangeError('session id must be 8 bytes');
  const opcode = wrap.kind === 'tls-crypt-v2' ? P_CONTROL_HARD_RESET_CLIENT_V3 : P_CONTROL_HARD_RESET_CLIENT_V2;
  const op = Uint8Array.of(opcode << OPCODE_SHIFT);
  // Empty ACK array, then our message packet id 0: the first packet of the reliability layer.
  const rest = Uint8Array.of(0, 0, 0, 0, 0);
  if (wrap.kind === 'none') return concat(op, p.sessionId, rest);
  const replay = concat(u32(p.replayId), u32(p.time));
  if (wrap.kind === 'tls-auth') {
    const mac = hmac(wrap.digest, wrap.sendHmacKey, replay, op, p.sessionId, rest);
    return concat(op, p.sessionId, mac, replay, rest);
  }
  const header = concat(op, p.sessionId, replay);
  const tag = hmac('sha256', wrap.sendHmacKey, header, rest);
  const body = aes256Ctr(wrap.sendCipherKey, tag.subarray(0, 16), rest, false);
  return wrap.kind === 'tls-crypt-v2' && wrap.wrappedKey ? concat(header, tag, body, wrap.wrappedKey) : concat(header, tag, body);
}

/** Frames one packet for OpenVPN over TCP: a 2-byte big-endian length, then the packet. */
export function frameForTcp(packet: Uint8Array): Uint8Array {
  if (packet.length > 0xffff) throw new RangeError('packet too long for TCP framing');
  return concat(Uint8Array.of(packet.length >> 8, packet.length & 0xff), packet);
}

export interface ServerReset {
  /** P_ACK_V1: the server took our reset but started no session of its own (a busy p2p server). */
  readonly opcode: 'P_CONTROL_HARD_RESET_SERVER_V2' | 'P_ACK_V1';
  readonly serverSessionId: Uint8Array;
  /** The server's message packet id (0 for its first packet); P_ACK_V1 has none. */
  readonly messageId?: number;
  /** The server asked a tls-crypt-v2 client to send WKc again with its next packet. */
  readonly resendWrappedKey: boolean;
  /** Bytes after the message packet id that are not a TLV this code knows. */
  readonly otherPayloadBytes: number;
}

/**
 * `unwrapped`: the packet failed our wrapping but is a plain answer for our session: the server
 * runs without tls-auth / tls-crypt (a 2.6 server answers any reset it can read).
 */
export type ReplyCheck = { ok: true; reset: ServerReset } | { ok: false; error: string; unwrapped?: true };

/**
 * Checks one packet from the server against our reset: opcode, wrapping (HMAC / tag), and an
 * ACK of our message 0 carrying our session id. Any bytes: never throws, reads only in bounds.
 */
export function checkServerReply(data: Uint8Array, wrap: Wrap, ourSessionId: Uint8Array): ReplyCheck {
  const check = checkWrapped(data, wrap, ourSessionId);
  if (check.ok || wrap.kind === 'none' || data.length > MAX_REPLY_BYTES) return check;
  if (checkWrapped(data, { kind: 'none' }, ourSessionId).ok) return { ok: false, error: `it is not wrapped: the server answered without ${wrap.kind}`, unwrapped: true };
  return check;
}

function checkWrapped(data: Uint8Array, wrap: Wrap, ourSessionId: Uint8Array): ReplyCheck {
  if (data.length > MAX_REPLY_BYTES) return { ok: false, error: `${data.length} bytes, more than an OpenVPN control packet (${MAX_REPLY_BYTES})` };
  if (data.length < 1 + SESSION_ID_BYTES) return { ok: false, error: `${data.length} bytes, too short for an OpenVPN packet` };
  const opcode = data[0] >> OPCODE_SHIFT;
  const keyId = data[0] & 0x07;
  if (opcode !== P_CONTROL_HARD_RESET_SERVER_V2 && opcode !== P_ACK_V1) return { ok: false, error: `${opcodeName(opcode)}, not P_CONTROL_HARD_RESET_SERVER_V2 or P_ACK_V1` };
  if (keyId !== 0) return { ok: false, error: `key id ${keyId} in an answer to a hard reset (must be 0)` };
  const head = data.subarray(0, 1 + SESSION_ID_BYTES);
  const serverSessionId = data.slice(1, 1 + SESSION_ID_BYTES);
  let rest: Uint8Array;
  if (wrap.kind === 'none') {
    rest = data.subarray(1 + SESSION_ID_BYTES);
  } else if (wrap.kind === 'tls-auth') {
    const macAt = 1 + SESSION_ID_BYTES;
    const replayAt = macAt + wrap.digestBytes;
    const restAt = replayAt + REPLAY_ID_BYTES;
    if (data.length < restAt) return { ok: false, error: `${data.length} bytes, too short for a tls-auth packet` };
    const replay = data.subarray(replayAt, restAt);
    rest = data.subarray(restAt);
    const expected = hmac(wrap.digest, wrap.receiveHmacKey, replay, head, rest);
    if (!timingSafeEqual(expected, data.subarray(macAt, replayAt))) return { ok: false, error: 'its tls-auth HMAC does not match our key' };
  } else {
    const tagAt = 1 + SESSION_ID_BYTES + REPLAY_ID_BYTES;
    const bodyAt = tagAt + TLS_CRYPT_TAG_BYTES;
    if (data.length < bodyAt) return { ok: false, error: `${data.length} bytes, too short for a tls-crypt packet` };
    const tag = data.subarray(tagAt, bodyAt);
    rest = aes256Ctr(wrap.receiveCipherKey, tag.subarray(0, 16), data.subarray(bodyAt), true);
    const expected = hmac('sha256', wrap.receiveHmacKey, data.subarray(0, tagAt), rest);
    if (!timingSafeEqual(expected, tag)) return { ok: false, error: `its ${wrap.kind} tag does not match our key` };
  }
  return parseReliable(rest, ourSessionId, serverSessionId, opcode === P_ACK_V1);
}

function parseReliable(rest: Uint8Array, ourSessionId: Uint8Array, serverSessionId: Uint8Array, ackOnly: boolean): ReplyCheck {
  if (rest.length < 1) return { ok: false, error: 'no ACK array' };
  const acks = rest[0];
  if (acks > MAX_ACKS) return { ok: false, error: `${acks} ACKs (OpenVPN sends at most ${MAX_ACKS})` };
  if (acks === 0) return { ok: false, error: 'no ACK of our reset' };
  const sidAt = 1 + 4 * acks;
  const midAt = sidAt + SESSION_ID_BYTES;
  if (rest.length < midAt + (ackOnly ? 0 : 4)) return { ok: false, error: 'truncated after the ACK array' };
  const view = new DataView(rest.buffer, rest.byteOffset, rest.byteLength);
  let acksOurs = false;
  for (let i = 0; i < acks; i++) if (view.getUint32(1 + 4 * i) === 0) acksOurs = true;
  if (!acksOurs) return { ok: false, error: 'it does not ACK our packet 0' };
  const echoed = rest.subarray(sidAt, midAt);
  if (!equalBytes(echoed, ourSessionId)) return { ok: false, error: 'it ACKs a session id that is not ours' };
  if (ackOnly) {
    if (rest.length > midAt) return { ok: false, error: `${rest.length - midAt} bytes after the ACK, which P_ACK_V1 does not have` };
    return { ok: true, reset: { opcode: 'P_ACK_V1', serverSessionId, resendWrappedKey: false, otherPayloadBytes: 0 } };
  }
  const messageId = view.getUint32(midAt);
  const payload = rest.subarray(midAt + 4);
  const tlv = readEarlyNegotiation(payload);
  return { ok: true, reset: { opcode: 'P_CONTROL_HARD_RESET_SERVER_V2', serverSessionId, messageId, resendWrappedKey: tlv.resendWrappedKey, otherPayloadBytes: tlv.otherBytes } };
}

/** ssl_pkt.h early negotiation: TLVs (2-byte type, 2-byte length) in the server's reset. */
function readEarlyNegotiation(payload: Uint8Array): { resendWrappedKey: boolean; otherBytes: number } {
  let at = 0;
  let resendWrappedKey = false;
  let otherBytes = 0;
  while (payload.length - at >= 4) {
    const type = (payload[at] << 8) | payload[at + 1];
    const length = (payload[at + 2] << 8) | payload[at + 3];
    if (at + 4 + length > payload.length) break;
    if (type === TLV_EARLY_NEG_FLAGS && length === 2) {
      const flags = (payload[at + 4] << 8) | payload[at + 5];
      if (flags & EARLY_NEG_FLAG_RESEND_WKC) resendWrappedKey = true;
    } else otherBytes += 4 + length;
    at += 4 + length;
  }
  otherBytes += payload.length - at;
  return { resendWrappedKey, otherBytes };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Splits OpenVPN-over-TCP bytes into packets (2-byte length prefix each). A length of 0 or above
 * MAX_REPLY_BYTES cannot be a control packet: the stream is then given up, since nothing tells
 * where the next packet would start.
 */
export class TcpPacketReader {
  private buffer = new Uint8Array(0);
  private failed: string | undefined;

  push(chunk: Uint8Array): { packets: Uint8Array[]; error?: string } {
    if (this.failed) return { packets: [], error: this.failed };
    const joined = concat(this.buffer, chunk);
    const packets: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 2) {
      const length = (joined[at] << 8) | joined[at + 1];
      if (length === 0 || length > MAX_REPLY_BYTES) {
        this.failed = `a packet length of ${length} bytes, which no OpenVPN control packet has`;
        this.buffer = new Uint8Array(0);
        return { packets, error: this.failed };
      }
      if (joined.length - at - 2 < length) break;
      packets.push(joined.slice(at + 2, at + 2 + length));
      at += 2 + length;
    }
    this.buffer = joined.slice(at);
    return { packets };
  }
}
