import type { Endpoint } from '../net/udp';
import {
  Attr,
  Method,
  type StunAttribute,
  type StunMessage,
  comprehensionRequiredUnknown,
  decodeChangeRequest,
  decodeMessage,
  decodeResponsePort,
  encodeAddress,
  encodeErrorCode,
  encodeMessage,
  encodePadding,
  encodeText,
  encodeUnknownAttributes,
  encodeXorAddress,
  getAttribute,
  verifyFingerprint,
} from '../stun';

/**
 * The answering half of an RFC 5780 server, as a pure function: a datagram in, at most one
 * datagram out. Sockets live in reflector.ts; keeping this pure lets a fuzzer push a million
 * packets through it without a network.
 *
 * An RFC 5780 server has up to four transport addresses: {primary, alternate IP} x
 * {primary, alternate port} (§6). `Slot` names one of them.
 */
export interface Slot {
  readonly ip: 0 | 1;
  readonly port: 0 | 1;
}

export interface ReflectorAddresses {
  readonly primary: Endpoint;
  /** Second IP and port; absent for a single-address server (then no OTHER-ADDRESS, §6). */
  readonly alternate?: Endpoint;
}

export interface ReflectorReply {
  readonly via: Slot;
  readonly to: Endpoint;
  readonly data: Uint8Array;
}

export type ReflectorOutcome =
  | { readonly kind: 'reply'; readonly reply: ReflectorReply }
  | { readonly kind: 'dropped'; readonly why: string };

/**
 * SOFTWARE in `natprobe serve`'s answers: short, so it adds little to each answer
 * (amplification), and 8 bytes, a multiple of 4, which draft-RFC 3489 SERVER parsers accept.
 */
export const SERVE_SOFTWARE = 'natprobe';

/** Attributes a Binding request may carry that we understand (or deliberately ignore). */
const KNOWN_REQUEST_ATTRIBUTES: ReadonlySet<number> = new Set<number>([
  Attr.ChangeRequest,
  Attr.ResponsePort,
  Attr.Padding,
  // ICE connectivity checks carry credentials; an open reflector has none to check, so it
  // answers without authentication as RFC 8489 §9 allows for a server that needs none.
  Attr.Username,
  Attr.MessageIntegrity,
  Attr.MessageIntegritySha256,
  0x0024, // PRIORITY (ICE)
  0x0025, // USE-CANDIDATE (ICE)
]);

export function slotEndpoint(addresses: ReflectorAddresses, slot: Slot): Endpoint {
  const alt = addresses.alternate;
  const address = slot.ip === 1 && alt ? alt.address : addresses.primary.address;
  const port = slot.port === 1 && alt ? alt.port : addresses.primary.port;
  return { address, port };
}

export function answer(
  addresses: ReflectorAddresses,
  software: string,
  data: Uint8Array,
  from: Endpoint,
  receivedOn: Slot,
): ReflectorOutcome {
  const decoded = decodeMessage(data);
  if (!decoded.ok) return { kind: 'dropped', why: `malformed: ${decoded.error.message}` };
  const request = decoded.value;
  if (request.cls !== 'request') return { kind: 'dropped', why: `not a request (${request.cls})` };
  // RFC 8489 §7.3: a FINGERPRINT that does not match means this is not STUN for us.
  if (!request.rfc3489 && verifyFingerprint(request, data) === 'invalid') {
    return { kind: 'dropped', why: 'FINGERPRINT does not match' };
  }
  const reply = (via: Slot, to: Endpoint, attributes: StunAttribute[], cls: 'success' | 'error'): ReflectorOutcome => ({
    kind: 'reply',
    reply: { via, to, data: encodeResponse(request, cls, attributes) },
  });
  // Error answers carry no SOFTWARE and short reasons: a spoofed request must not buy a bigger
  // answer than a well-formed one (RFC 8489 §16.1.2, amplification).
  const error = (code: number, reason: string, unknownTypes: number[] = []): ReflectorOutcome => {
    const attributes: StunAttribute[] = [{ type: Attr.ErrorCode, value: encodeErrorCode({ code, reason: request.rfc3489 ? classicReason(reason) : reason }) }];
    if (unknownTypes.length > 0) attributes.push({ type: Attr.UnknownAttributes, value: encodeUnknownAttributes(request.rfc3489 ? classicUnknown(unknownTypes) : unknownTypes) });
    return reply(receivedOn, from, attributes, 'error');
  };

  // Any other method (Allocate, Refresh, Send…) is a TURN or unknown request an open reflector has
  // no business answering: silence is the smallest answer, so it cannot be used to amplify.
  if (request.method !== Method.Binding) return { kind: 'dropped', why: `method 0x${request.method.toString(16).padStart(3, '0')} is not Binding` };

  const unknown = comprehensionRequiredUnknown(request, KNOWN_REQUEST_ATTRIBUTES);
  if (unknown.length > 0) {
    return error(420, 'Unknown Attribute', unknown);
  }

  let changeIp = false;
  let changePort = false;
  const changeAttr = getAttribute(request, Attr.ChangeRequest);
  if (changeAttr) {
    const change = decodeChangeRequest(changeAttr.value);
    if (!change.ok) return error(400, 'Bad CHANGE-REQUEST');
    ({ changeIp, changePort } = change.value);
    // RFC 5780 §6.1: a server without a second address cannot honour the request; it says so
    // with 420 rather than answering from the wrong address, which would fool the client.
    if ((changeIp || changePort) && !addresses.alternate) {
      return error(420, 'No alternate address', [Attr.ChangeRequest]);
    }
  }

  let to = from;
  const responsePortAttr = request.rfc3489 ? undefined : getAttribute(request, Attr.ResponsePort);
  if (responsePortAttr) {
    const port = decodeResponsePort(responsePortAttr.value);
    if (!port.ok) return error(400, 'Bad RESPONSE-PORT');
    if (port.value === 0) return error(400, 'RESPONSE-PORT 0');
    // §6.1: the response goes to the request's source IP, at the port asked for.
    to = { address: from.address, port: port.value };
  }

  const via: Slot = {
    ip: (changeIp ? 1 - receivedOn.ip : receivedOn.ip) as 0 | 1,
    port: (changePort ? 1 - receivedOn.port : receivedOn.port) as 0 | 1,
  };
  const origin = slotEndpoint(addresses, via);
  const other = addresses.alternate
    ? slotEndpoint(addresses, { ip: (1 - receivedOn.ip) as 0 | 1, port: (1 - receivedOn.port) as 0 | 1 })
    : undefined;

  const attributes: StunAttribute[] = [];
  if (request.rfc3489) {
    // RFC 3489 §11.2: MAPPED-ADDRESS, SOURCE-ADDRESS and CHANGED-ADDRESS.
    attributes.push({ type: Attr.MappedAddress, value: encodeAddress(from) });
    attributes.push({ type: Attr.SourceAddress, value: encodeAddress(origin) });
    if (other) attributes.push({ type: Attr.ChangedAddress, value: encodeAddress(other) });
  } else {
    attributes.push({ type: Attr.XorMappedAddress, value: encodeXorAddress(from, request.transactionId) });
    // MAPPED-ADDRESS too: RFC 5780 §6.1 keeps it for clients that predate XOR-MAPPED-ADDRESS.
    attributes.push({ type: Attr.MappedAddress, value: encodeAddress(from) });
    attributes.push({ type: Attr.ResponseOrigin, value: encodeAddress(origin) });
    if (other) attributes.push({ type: Attr.OtherAddress, value: encodeAddress(other) });
  }
  // RFC 3489 has no SOFTWARE; classic clients (Vovida stun) read 0x8022 as its draft SERVER
  // attribute and reject a length that is not a multiple of 4, so classic answers omit it.
  if (!request.rfc3489 && software) attributes.push(softwareAttr(software));
  const padding = getAttribute(request, Attr.Padding);
  if (padding && !request.rfc3489) {
    // §7.6: PADDING makes the response as large as the request, to test fragmentation paths.
    // Never larger than what was asked for, so the reflector cannot amplify.
    attributes.push({ type: Attr.Padding, value: encodePadding(Math.min(padding.value.length, 1500)) });
  }
  return reply(via, to, attributes, 'success');
}

/**
 * RFC 3489 has no attribute padding: every value must itself be a multiple of 4 bytes. The reason
 * phrase "MUST be a multiple of 4 bytes" (§11.2.9), so it is padded with spaces...
 */
function classicReason(reason: string): string {
  return reason.padEnd(Math.ceil(reason.length / 4) * 4, ' ');
}

/** ...and an odd list of unknown attributes repeats one of them (§11.2.10). */
function classicUnknown(types: number[]): number[] {
  return types.length % 2 === 1 ? [...types, types[types.length - 1]] : types;
}

function softwareAttr(software: string): StunAttribute {
  return { type: Attr.Software, value: encodeText(software) };
}

function encodeResponse(request: StunMessage, cls: 'success' | 'error', attributes: StunAttribute[]): Uint8Array {
  return encodeMessage(
    {
      cls,
      method: request.method,
      transactionId: request.transactionId,
      attributes,
      legacyCookie: request.rfc3489 ? request.legacyCookie : undefined,
    },
    { fingerprint: !request.rfc3489 },
  );
}
