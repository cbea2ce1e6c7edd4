/**
 * What a Binding response says, read by one set of rules for every probe:
 *  - the mapped address is XOR-MAPPED-ADDRESS (RFC 8489 §14.2), else MAPPED-ADDRESS (§14.1).
 *    XOR-MAPPED-ADDRESS is ignored in a classic RFC 3489 message: without the magic cookie there
 *    is nothing defined to XOR with. Only a success response carries a mapping (§6.3.4); addresses
 *    in an error response are not believed;
 *  - OTHER-ADDRESS (RFC 5780 §7.4), else its RFC 3489 ancestor CHANGED-ADDRESS (§11.2.3);
 *  - RESPONSE-ORIGIN (RFC 5780 §7.3), else RFC 3489's SOURCE-ADDRESS (§11.2.5);
 *  - an error response always has an `errorCode`: code 0 when ERROR-CODE is missing or malformed,
 *    so "the server refused" is never mistaken for "the server answered".
 * Attributes that do not decode are left out: a hostile server cannot make this throw.
 */
import type { Endpoint } from '../net/udp';
import { decodeAddress, decodeXorAddress } from './address';
import { Attr } from './constants';
import { type ErrorCodeValue, decodeErrorCode } from './errorCode';
import { type StunMessage, getAttribute } from './message';
import { decodeText } from './text';

export interface BindingAnswer {
  readonly from: Endpoint;
  readonly mapped?: Endpoint;
  readonly other?: Endpoint;
  readonly origin?: Endpoint;
  readonly software?: string;
  readonly errorCode?: ErrorCodeValue;
}

export function readBindingAnswer(message: StunMessage, from: Endpoint): BindingAnswer {
  const software = textOf(message, Attr.Software);
  const other = addressOf(message, Attr.OtherAddress) ?? addressOf(message, Attr.ChangedAddress);
  const origin = addressOf(message, Attr.ResponseOrigin) ?? addressOf(message, Attr.SourceAddress);
  const mapped = message.cls === 'success' ? mappedOf(message) : undefined;
  const errorCode = message.cls === 'error' ? errorCodeOf(message) : undefined;
  return {
    from,
    ...(mapped ? { mapped } : {}),
    ...(other ? { other } : {}),
    ...(origin ? { origin } : {}),
    ...(software !== undefined ? { software } : {}),
    ...(errorCode ? { errorCode } : {}),
  };
}

function mappedOf(message: StunMessage): Endpoint | undefined {
  const xor = message.rfc3489 ? undefined : getAttribute(message, Attr.XorMappedAddress);
  if (xor) {
    const d = decodeXorAddress(xor.value, message.transactionId);
    if (d.ok) return { address: d.value.address, port: d.value.port };
  }
  return addressOf(message, Attr.MappedAddress);
}

function addressOf(message: StunMessage, type: number): Endpoint | undefined {
  const a = getAttribute(message, type);
  if (!a) return undefined;
  const d = decodeAddress(a.value);
  return d.ok ? { address: d.value.address, port: d.value.port } : undefined;
}

function textOf(message: StunMessage, type: number): string | undefined {
  const a = getAttribute(message, type);
  if (!a) return undefined;
  const d = decodeText(a.value);
  return d.ok ? d.value : undefined;
}

function errorCodeOf(message: StunMessage): ErrorCodeValue {
  const ec = getAttribute(message, Attr.ErrorCode);
  if (!ec) return { code: 0, reason: 'no ERROR-CODE' };
  const d = decodeErrorCode(ec.value);
  return d.ok ? d.value : { code: 0, reason: 'malformed ERROR-CODE' };
}
