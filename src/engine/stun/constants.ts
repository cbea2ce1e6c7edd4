/**
 * Numbers from the STUN family of RFCs. Everything here is wire format: changing a value breaks
 * interoperability, so each one cites where it comes from.
 */

/** RFC 8489 §5: fixed value in bytes 4..7 of every post-RFC 3489 message. */
export const MAGIC_COOKIE = 0x2112a442;

/** RFC 8489 §5: every message starts with a 20-byte header. */
export const HEADER_LENGTH = 20;

/** RFC 8489 §14.7: the CRC-32 is XOR'ed with this so FINGERPRINT never equals an application CRC. */
export const FINGERPRINT_XOR = 0x5354554e;

/** RFC 8489 §14.5: MESSAGE-INTEGRITY carries a 20-byte HMAC-SHA1. */
export const MESSAGE_INTEGRITY_LENGTH = 20;

/** RFC 8489 §18.2 (Binding) and RFC 8656 (the TURN methods). */
export const Method = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;

/**
 * Attribute types. RFC 8489 §18.3 (core), RFC 3489 §11.2 (classic: RESPONSE-ADDRESS, SOURCE-ADDRESS,
 * CHANGED-ADDRESS, CHANGE-REQUEST), RFC 5780 §7 (NAT behaviour discovery), RFC 8656 §18 (TURN).
 * Types below 0x8000 are comprehension-required, the rest comprehension-optional (RFC 8489 §14).
 */
export const Attr = {
  MappedAddress: 0x0001,
  ResponseAddress: 0x0002,
  ChangeRequest: 0x0003,
  SourceAddress: 0x0004,
  ChangedAddress: 0x0005,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedTransport: 0x0019,
  XorMappedAddress: 0x0020,
  Padding: 0x0026,
  ResponsePort: 0x0027,
  MessageIntegritySha256: 0x001c,
  PasswordAlgorithm: 0x001d,
  Userhash: 0x001e,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
  ResponseOrigin: 0x802b,
  OtherAddress: 0x802c,
} as const;

/**
 * Pre-RFC 5389 drafts of rfc3489bis put XOR-MAPPED-ADDRESS at 0x8020, and some old servers still
 * send it there. Same value layout as 0x0020; only meaningful when the magic cookie is present.
 */
export const LEGACY_XOR_MAPPED_ADDRESS = 0x8020;

/** RFC 8489 §5: the two class bits C1 C0 give 0b00 request, 0b01 indication, 0b10 success, 0b11 error. */
export type MessageClass = 'request' | 'indication' | 'success' | 'error';

/** RFC 8656 §18.8: REQUESTED-TRANSPORT carries an IANA protocol number (17 = UDP; 6 = TCP per RFC 6062). */
export const TransportProtocol = { Udp: 17, Tcp: 6 } as const;

/**
 * Text limits. RFC 8489 §14.3: USERNAME fewer than 509 bytes (RFC 5389 §15.3 said fewer than 513;
 * we accept the older, larger bound when decoding). RFC 8489 §14.8/§14.9/§14.10/§14.14: REASON,
 * REALM, NONCE and SOFTWARE are fewer than 128 characters, "as long as 763 bytes when decoding".
 */
export const USERNAME_MAX_BYTES = 512;
export const TEXT_MAX_BYTES = 763;

/** Human name of an attribute type, for error messages and logs ("XOR-MAPPED-ADDRESS", "0x7f01"). */
export function attributeName(type: number): string {
  return ATTRIBUTE_NAMES.get(type) ?? hex16(type);
}

/** "0x0020": attribute types are always shown as four hex digits so they read like the RFC tables. */
export function hex16(n: number): string {
  return `0x${(n & 0xffff).toString(16).padStart(4, '0')}`;
}

const ATTRIBUTE_NAMES: ReadonlyMap<number, string> = new Map([
  [Attr.MappedAddress, 'MAPPED-ADDRESS'],
  [Attr.ResponseAddress, 'RESPONSE-ADDRESS'],
  [Attr.ChangeRequest, 'CHANGE-REQUEST'],
  [Attr.SourceAddress, 'SOURCE-ADDRESS'],
  [Attr.ChangedAddress, 'CHANGED-ADDRESS'],
  [Attr.Username, 'USERNAME'],
  [Attr.MessageIntegrity, 'MESSAGE-INTEGRITY'],
  [Attr.ErrorCode, 'ERROR-CODE'],
  [Attr.UnknownAttributes, 'UNKNOWN-ATTRIBUTES'],
  [Attr.ChannelNumber, 'CHANNEL-NUMBER'],
  [Attr.Lifetime, 'LIFETIME'],
  [Attr.XorPeerAddress, 'XOR-PEER-ADDRESS'],
  [Attr.Data, 'DATA'],
  [Attr.Realm, 'REALM'],
  [Attr.Nonce, 'NONCE'],
  [Attr.XorRelayedAddress, 'XOR-RELAYED-ADDRESS'],
  [Attr.RequestedTransport, 'REQUESTED-TRANSPORT'],
  [Attr.XorMappedAddress, 'XOR-MAPPED-ADDRESS'],
  [Attr.Padding, 'PADDING'],
  [Attr.ResponsePort, 'RESPONSE-PORT'],
  [Attr.MessageIntegritySha256, 'MESSAGE-INTEGRITY-SHA256'],
  [Attr.PasswordAlgorithm, 'PASSWORD-ALGORITHM'],
  [Attr.Userhash, 'USERHASH'],
  [Attr.Software, 'SOFTWARE'],
  [Attr.AlternateServer, 'ALTERNATE-SERVER'],
  [Attr.Fingerprint, 'FINGERPRINT'],
  [Attr.ResponseOrigin, 'RESPONSE-ORIGIN'],
  [Attr.OtherAddress, 'OTHER-ADDRESS'],
  [LEGACY_XOR_MAPPED_ADDRESS, 'XOR-MAPPED-ADDRESS (legacy 0x8020)'],
]);
