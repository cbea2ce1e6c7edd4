/**
 * Address attributes. RFC 8489 §14.1 defines the plain layout (MAPPED-ADDRESS, and by reference
 * ALTERNATE-SERVER §14.15, RFC 5780's RESPONSE-ORIGIN §7.3 and OTHER-ADDRESS §7.4, RFC 3489's
 * RESPONSE-ADDRESS, SOURCE-ADDRESS and CHANGED-ADDRESS §11.2); §14.2 the XOR layout
 * (XOR-MAPPED-ADDRESS, and RFC 8656's XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |0 0 0 0 0 0 0 0|    Family     |           Port                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Address (32 bits or 128 bits)                 |
 */
import type { Endpoint, Family } from '../net/udp';
import { MAGIC_COOKIE } from './constants';
import { isUint, readU16, writeU16, writeU32 } from './bytes';
import { fail, ok, type Result } from './result';
import { formatIPv4, formatIPv6, isIPv4Mapped, parseIp } from '../net/ip';

export interface AddressValue extends Endpoint {
  readonly family: Family;
}

/** RFC 8489 §14.1 family byte values. */
export const AddressFamily = { IPv4: 0x01, IPv6: 0x02 } as const;

const COOKIE_HIGH_16 = MAGIC_COOKIE >>> 16;

/**
 * Endpoint -> raw bytes. An IPv4-mapped IPv6 literal (what a dual-stack socket reports for an IPv4
 * peer) is encoded as the IPv4 address it stands for, matching normaliseAddress in net/udp.
 */
function endpointBytes(e: Endpoint): { family: Family; port: number; address: Uint8Array } {
  if (!isUint(e.port, 0xffff)) throw new RangeError(`port ${e.port} is not 0..65535`);
  const ip = parseIp(e.address);
  if (!ip) throw new RangeError(`"${e.address}" is not an IPv4 or IPv6 literal`);
  if (ip.family === 6 && isIPv4Mapped(ip.bytes)) return { family: 4, port: e.port, address: ip.bytes.subarray(12) };
  return { family: ip.family, port: e.port, address: ip.bytes };
}

function layout(family: Family, port: number, address: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + address.length);
  out[1] = family === 4 ? AddressFamily.IPv4 : AddressFamily.IPv6;
  writeU16(out, 2, port);
  out.set(address, 4);
  return out;
}

/** Splits a value into family, port and address bytes, checking the length fits the family. */
function parseLayout(value: Uint8Array, name: string): Result<{ family: Family; port: number; address: Uint8Array }> {
  if (value.length < 4) {
    return fail('bad-attribute', `${name} value is ${value.length} bytes; family and port alone take 4`);
  }
  // The first byte is reserved; RFC 8489 §14.1 says receivers MUST ignore it.
  const familyByte = value[1];
  let family: Family;
  if (familyByte === AddressFamily.IPv4) family = 4;
  else if (familyByte === AddressFamily.IPv6) family = 6;
  else {
    return fail('bad-value', `${name} has address family 0x${familyByte.toString(16).padStart(2, '0')}; only 0x01 (IPv4) and 0x02 (IPv6) exist`);
  }
  const expected = family === 4 ? 8 : 20;
  if (value.length !== expected) {
    return fail('bad-attribute', `${name} value for IPv${family} must be ${expected} bytes, got ${value.length}`);
  }
  return ok({ family, port: readU16(value, 2), address: value.subarray(4) });
}

function toValue(family: Family, port: number, address: Uint8Array): AddressValue {
  return { family, port, address: family === 4 ? formatIPv4(address) : formatIPv6(address) };
}

/** RFC 8489 §14.2: the X-Address is XOR'ed with the cookie (IPv4) or cookie || transaction ID (IPv6). */
function xorInPlace(address: Uint8Array, transactionId: Uint8Array): void {
  const mask = new Uint8Array(16);
  writeU32(mask, 0, MAGIC_COOKIE);
  mask.set(transactionId, 4);
  for (let i = 0; i < address.length; i++) address[i] ^= mask[i];
}

/** Plain address value (MAPPED-ADDRESS layout). Throws RangeError for a bad port or a non-IP string. */
export function encodeAddress(e: Endpoint): Uint8Array {
  const { family, port, address } = endpointBytes(e);
  return layout(family, port, address);
}

export function decodeAddress(value: Uint8Array): Result<AddressValue> {
  const parsed = parseLayout(value, 'address');
  if (!parsed.ok) return parsed;
  const { family, port, address } = parsed.value;
  return ok(toValue(family, port, address));
}

/**
 * XOR address value (XOR-MAPPED-ADDRESS layout). The XOR exists so that NATs rewriting addresses
 * they spot in payloads (RFC 8489 §14.2) cannot corrupt it. Throws RangeError as encodeAddress, or
 * for a transaction ID that is not 12 bytes.
 */
export function encodeXorAddress(e: Endpoint, transactionId: Uint8Array): Uint8Array {
  if (transactionId.length !== 12) throw new RangeError(`transaction ID is ${transactionId.length} bytes; it must be 12`);
  const { family, port, address } = endpointBytes(e);
  const xored = new Uint8Array(address);
  xorInPlace(xored, transactionId);
  return layout(family, port ^ COOKIE_HIGH_16, xored);
}

export function decodeXorAddress(value: Uint8Array, transactionId: Uint8Array): Result<AddressValue> {
  if (transactionId.length !== 12) {
    return fail('bad-value', `transaction ID is ${transactionId.length} bytes; XOR addresses need the 12-byte ID`);
  }
  const parsed = parseLayout(value, 'XOR address');
  if (!parsed.ok) return parsed;
  const { family, port, address } = parsed.value;
  const plain = new Uint8Array(address);
  xorInPlace(plain, transactionId);
  return ok(toValue(family, port ^ COOKIE_HIGH_16, plain));
}
