/**
 * ICE-style connectivity checks (RFC 8445 §7.2): a STUN Binding request with MESSAGE-INTEGRITY
 * keyed with the short-term credential both ends derived from the session code (RFC 8489 §9.1),
 * answered with a Binding success that names the source the request came from
 * (XOR-MAPPED-ADDRESS) and carries the same integrity. Only an end that knows the code can make
 * either: a forged or replayed answer fails the HMAC or matches no transaction we have open.
 * No USERNAME: both ends hold one shared key, so there is no credential to look up.
 */
import type { Endpoint } from '../net/udp';
import {
  Attr,
  Method,
  decodeMessage,
  decodeXorAddress,
  encodeMessage,
  encodeXorAddress,
  getAttribute,
  type StunMessage,
  verifyFingerprint,
  verifyIntegrity,
} from '../stun';

export function encodeCheck(key: Uint8Array, transactionId: Uint8Array): Uint8Array {
  return encodeMessage({ cls: 'request', method: Method.Binding, transactionId, attributes: [] }, { integrityKey: key, fingerprint: true });
}

/** RFC 8445 §7.3.1: the answer goes to the source the check came from, naming it. */
export function encodeCheckAnswer(key: Uint8Array, request: StunMessage, from: Endpoint): Uint8Array {
  return encodeMessage(
    { cls: 'success', method: Method.Binding, transactionId: request.transactionId, attributes: [{ type: Attr.XorMappedAddress, value: encodeXorAddress(from, request.transactionId) }] },
    { integrityKey: key, fingerprint: true },
  );
}

export type ReadCheck =
  | { readonly kind: 'check'; readonly message: StunMessage }
  | { readonly kind: 'answer'; readonly message: StunMessage; readonly mapped: Endpoint }
  | { readonly kind: 'other' };

/** What a datagram on the punch socket is, if it is a check or an answer authenticated with `key`. */
export function readCheck(data: Uint8Array, key: Uint8Array): ReadCheck {
  const decoded = decodeMessage(data);
  if (!decoded.ok) return { kind: 'other' };
  const m = decoded.value;
  if (m.rfc3489 || m.method !== Method.Binding || (m.cls !== 'request' && m.cls !== 'success')) return { kind: 'other' };
  if (verifyFingerprint(m, data) !== 'valid' || verifyIntegrity(m, data, key) !== 'valid') return { kind: 'other' };
  if (m.cls === 'request') return { kind: 'check', message: m };
  const x = getAttribute(m, Attr.XorMappedAddress);
  const mapped = x ? decodeXorAddress(x.value, m.transactionId) : undefined;
  if (!mapped?.ok) return { kind: 'other' };
  return { kind: 'answer', message: m, mapped: { address: mapped.value.address, port: mapped.value.port } };
}
