/**
 * The STUN message: the 20-byte header (RFC 8489 §5) and the attribute TLVs after it (§14).
 * Attribute values are left as bytes here; one module per attribute family interprets them.
 */
import { randomFillSync } from 'node:crypto';
import { Attr, HEADER_LENGTH, MAGIC_COOKIE, MESSAGE_INTEGRITY_LENGTH, hex16, type MessageClass } from './constants';
import { copyBytes, isUint, pad4, readU16, readU32, writeU16, writeU32 } from './bytes';
import { fail, ok, type Result } from './result';
import { fingerprintOf } from './fingerprint';
import { computeIntegrity } from './integrity';

export type { Result, StunError, StunErrorCode } from './result';

export interface StunAttribute {
  readonly type: number;
  readonly value: Uint8Array;
}

export interface DecodedAttribute extends StunAttribute {
  /** Byte offset of the TLV header in the message (needed to check MESSAGE-INTEGRITY and FINGERPRINT). */
  readonly offset: number;
}

export interface StunMessage {
  readonly cls: MessageClass;
  readonly method: number;
  /** 12 bytes; for RFC 3489 messages (no magic cookie) the last 12 of the 16-byte id. */
  readonly transactionId: Uint8Array;
  /** True when the magic cookie is absent: a classic RFC 3489 message, where XOR-* attributes mean nothing. */
  readonly rfc3489: boolean;
  /** The 4 bytes in the cookie position when `rfc3489` is true (the first 4 of its 128-bit id). */
  readonly legacyCookie?: Uint8Array;
  readonly attributes: readonly DecodedAttribute[];
  /** Total bytes including the 20-byte header. */
  readonly length: number;
}

export interface OutgoingMessage {
  cls: MessageClass;
  method: number;
  transactionId: Uint8Array;
  attributes: readonly StunAttribute[];
  /** Written where the magic cookie goes, to build an RFC 3489 message (4 bytes). */
  legacyCookie?: Uint8Array;
}

export interface EncodeOptions {
  /** Appends MESSAGE-INTEGRITY keyed with this (see shortTermKey / longTermKey). */
  integrityKey?: Uint8Array;
  /** Appends FINGERPRINT as the last attribute. */
  fingerprint?: boolean;
  /**
   * Byte used to pad values to 4 bytes. RFC 8489 §14 says zero; RFC 5389 allowed anything and the
   * RFC 5769 vectors pad with spaces (0x20), which MESSAGE-INTEGRITY covers. Default 0.
   */
  paddingByte?: number;
}

/** RFC 8489 §5: method 0..0xFFF. */
export const MAX_METHOD = 0xfff;
/** The largest message: the 16-bit length field covers attributes only. */
export const MAX_MESSAGE_LENGTH = HEADER_LENGTH + 0xfffc;

const TRANSACTION_ID_LENGTH = 12;

// RFC 8489 §5: the class is two bits, C1 at type bit 8 and C0 at bit 4.
const CLASS_BITS: Readonly<Record<MessageClass, number>> = {
  request: 0x0000,
  indication: 0x0010,
  success: 0x0100,
  error: 0x0110,
};
const CLASS_BY_BITS: readonly MessageClass[] = ['request', 'indication', 'success', 'error'];

/**
 * The 14-bit message type (RFC 8489 §5, figure 3): method bits M0-M3 in type bits 0-3, M4-M6 in
 * bits 5-7 and M7-M11 in bits 9-13, with the class bits in the two gaps.
 */
export function messageType(cls: MessageClass, method: number): number {
  return ((method & 0xf80) << 2) | ((method & 0x070) << 1) | (method & 0x00f) | CLASS_BITS[cls];
}

/** Inverse of messageType for any 14-bit type. */
export function splitMessageType(type: number): { cls: MessageClass; method: number } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = CLASS_BY_BITS[((type >> 7) & 0b10) | ((type >> 4) & 0b01)];
  return { cls, method };
}

/**
 * Decodes one datagram. Checks only the framing every STUN message shares; attribute values are
 * copied out unchecked, for the attribute modules to interpret. Never throws; linear in the input.
 */
export function decodeMessage(bytes: Uint8Array): Result<StunMessage> {
  if (!(bytes instanceof Uint8Array)) return fail('not-stun', 'input is not a byte array');
  const size = bytes.length;
  if (size < HEADER_LENGTH) {
    return fail('too-short', `message is ${size} bytes but the STUN header alone is ${HEADER_LENGTH} (RFC 8489 §5)`);
  }
  // RFC 8489 §5 and RFC 7983 §7: the two most significant bits of every STUN message are zero.
  if ((bytes[0] & 0xc0) !== 0) {
    return fail('not-stun', `first byte is 0x${bytes[0].toString(16).padStart(2, '0')}; STUN messages start with two zero bits (RFC 8489 §5)`);
  }
  const declared = readU16(bytes, 2);
  if (declared % 4 !== 0) {
    return fail('bad-length', `header length field is ${declared}, not a multiple of 4 (RFC 8489 §5)`);
  }
  if (declared !== size - HEADER_LENGTH) {
    return fail('bad-length', `header length field says ${declared} bytes of attributes but ${size - HEADER_LENGTH} follow the header`);
  }

  const { cls, method } = splitMessageType(readU16(bytes, 0));
  // RFC 8489 §5: without the magic cookie this is an RFC 3489 message and bytes 4..19 are all
  // transaction ID; we keep the last 12 as the ID so both kinds match responses the same way.
  const rfc3489 = readU32(bytes, 4) !== MAGIC_COOKIE;

  const attributes: DecodedAttribute[] = [];
  let at = HEADER_LENGTH;
  while (at < size) {
    const remaining = size - at;
    // The length checks above make `remaining` a positive multiple of 4, so a TLV header fits;
    // this guard only keeps the loop safe should that reasoning ever change.
    if (remaining < 4) {
      return fail('attribute-overrun', `${remaining} bytes at offset ${at} are too few for an attribute header`);
    }
    const type = readU16(bytes, at);
    const length = readU16(bytes, at + 2);
    if (length > remaining - 4) {
      return fail(
        'attribute-overrun',
        `attribute ${hex16(type)} at offset ${at} claims ${length} bytes but only ${remaining - 4} remain`,
      );
    }
    attributes.push({ type, value: copyBytes(bytes, at + 4, at + 4 + length), offset: at });
    // RFC 8489 §14: values are padded to 4 bytes; the padding's content is ignored. Since
    // `remaining` is a multiple of 4, a value that fits also fits with its padding.
    at += 4 + pad4(length);
  }

  const message: StunMessage = {
    cls,
    method,
    transactionId: copyBytes(bytes, 8, HEADER_LENGTH),
    rfc3489,
    ...(rfc3489 ? { legacyCookie: copyBytes(bytes, 4, 8) } : {}),
    attributes,
    length: size,
  };
  return ok(message);
}

/**
 * A cheap "is this STUN?" test for demultiplexing (RFC 7983 §7; RFC 8489 §6.3): two zero bits,
 * a length field that is a multiple of 4 and matches the datagram, and the magic cookie.
 */
export function isStunPacket(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_LENGTH) return false;
  if ((bytes[0] & 0xc0) !== 0) return false;
  const declared = readU16(bytes, 2);
  return declared % 4 === 0 && declared === bytes.length - HEADER_LENGTH && readU32(bytes, 4) === MAGIC_COOKIE;
}

/**
 * Builds a message. Values are padded to 4 bytes (RFC 8489 §14); MESSAGE-INTEGRITY (§14.5) and
 * then FINGERPRINT (§14.7) are appended when asked, in that order as §14.5 requires.
 * Throws RangeError for arguments no valid message can carry (these are programming errors, not
 * network input): unknown class, method > 0xFFF, a transaction ID that is not 12 bytes, a legacy
 * cookie that is not 4 bytes, attribute types or values beyond 16 bits, or a message over 64 KiB.
 */
export function encodeMessage(msg: OutgoingMessage, options: EncodeOptions = {}): Uint8Array {
  if (!Object.prototype.hasOwnProperty.call(CLASS_BITS, msg.cls)) throw new RangeError(`unknown message class "${String(msg.cls)}"`);
  if (!isUint(msg.method, MAX_METHOD)) throw new RangeError(`method ${msg.method} is outside 0..0xfff (RFC 8489 §5)`);
  if (msg.transactionId.length !== TRANSACTION_ID_LENGTH) {
    throw new RangeError(`transaction ID is ${msg.transactionId.length} bytes; it must be ${TRANSACTION_ID_LENGTH}`);
  }
  if (msg.legacyCookie !== undefined && msg.legacyCookie.length !== 4) {
    throw new RangeError(`legacy cookie is ${msg.legacyCookie.length} bytes; it must be 4`);
  }
  const paddingByte = options.paddingByte ?? 0;
  if (!isUint(paddingByte, 0xff)) throw new RangeError(`padding byte ${paddingByte} is not 0..255`);

  let size = HEADER_LENGTH;
  for (const a of msg.attributes) {
    if (!isUint(a.type, 0xffff)) throw new RangeError(`attribute type ${a.type} is not a 16-bit number`);
    if (a.value.length > 0xffff) throw new RangeError(`attribute ${hex16(a.type)} value is ${a.value.length} bytes; at most 65535 fit`);
    size += 4 + pad4(a.value.length);
  }
  const integrityAt = size;
  if (options.integrityKey) size += 4 + MESSAGE_INTEGRITY_LENGTH;
  const fingerprintAt = size;
  if (options.fingerprint) size += 8;
  if (size > MAX_MESSAGE_LENGTH) throw new RangeError(`message would be ${size} bytes; at most ${MAX_MESSAGE_LENGTH} fit`);

  const out = new Uint8Array(size);
  writeU16(out, 0, messageType(msg.cls, msg.method));
  writeU16(out, 2, size - HEADER_LENGTH);
  if (msg.legacyCookie) out.set(msg.legacyCookie, 4);
  else writeU32(out, 4, MAGIC_COOKIE);
  out.set(msg.transactionId, 8);

  let at = HEADER_LENGTH;
  for (const a of msg.attributes) {
    writeU16(out, at, a.type);
    writeU16(out, at + 2, a.value.length);
    out.set(a.value, at + 4);
    const end = at + 4 + pad4(a.value.length);
    if (paddingByte !== 0) out.fill(paddingByte, at + 4 + a.value.length, end);
    at = end;
  }

  if (options.integrityKey) {
    writeU16(out, integrityAt, Attr.MessageIntegrity);
    writeU16(out, integrityAt + 2, MESSAGE_INTEGRITY_LENGTH);
    // computeIntegrity rewrites the length in its own copy of the header (RFC 8489 §14.5).
    out.set(computeIntegrity(options.integrityKey, out, integrityAt), integrityAt + 4);
  }
  if (options.fingerprint) {
    writeU16(out, fingerprintAt, Attr.Fingerprint);
    writeU16(out, fingerprintAt + 2, 4);
    // The header length already covers FINGERPRINT, as RFC 8489 §14.7 requires for the CRC.
    writeU32(out, fingerprintAt + 4, fingerprintOf(out.subarray(0, fingerprintAt)));
  }
  return out;
}

/** RFC 8489 §5: 96 bits from a cryptographically strong source, so responses cannot be forged blind. */
export function newTransactionId(): Uint8Array {
  return randomFillSync(new Uint8Array(TRANSACTION_ID_LENGTH));
}

/** The first attribute of `type`; RFC 8489 §14: only the first occurrence counts, later ones are ignored. */
export function getAttribute(msg: StunMessage, type: number): DecodedAttribute | undefined {
  return msg.attributes.find((a) => a.type === type);
}

/** Every attribute of `type`, in message order (for diagnostics; semantics use getAttribute). */
export function getAttributes(msg: StunMessage, type: number): DecodedAttribute[] {
  return msg.attributes.filter((a) => a.type === type);
}

/** RFC 8489 §14: types 0x0000-0x7FFF are comprehension-required. */
export function isComprehensionRequired(type: number): boolean {
  return type >= 0 && type < 0x8000;
}

/**
 * Comprehension-required types in `msg` that are not in `known`, each once, in message order:
 * what RFC 8489 §6.3.1 says to list in UNKNOWN-ATTRIBUTES of a 420 response.
 */
export function comprehensionRequiredUnknown(msg: StunMessage, known: ReadonlySet<number>): number[] {
  const unknown = new Set<number>();
  for (const a of msg.attributes) {
    if (isComprehensionRequired(a.type) && !known.has(a.type)) unknown.add(a.type);
  }
  return [...unknown];
}
