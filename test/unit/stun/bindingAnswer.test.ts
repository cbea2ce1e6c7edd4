import assert from 'node:assert/strict';
import {
  Attr,
  Method,
  type MessageClass,
  type StunAttribute,
  decodeMessage,
  encodeAddress,
  encodeErrorCode,
  encodeMessage,
  encodeText,
  encodeXorAddress,
  readBindingAnswer,
} from '../../../src/engine/stun';


const TID = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
const FROM = { address: '198.51.100.1', port: 3478 };
const XOR_MAPPED = { address: '203.0.113.7', port: 40001 };
const PLAIN_MAPPED = { address: '203.0.113.9', port: 40009 };

function answer(cls: MessageClass, attributes: StunAttribute[], legacy = false) {
  const bytes = encodeMessage({
    cls,
    method: Method.Binding,
    transactionId: TID,
    attributes,
    ...(legacy ? { legacyCookie: Uint8Array.of(9, 9, 9, 9) } : {}),
  });
  const decoded = decodeMessage(bytes);
  assert.ok(decoded.ok);
  return readBindingAnswer(decoded.value, FROM);
}

describe('readBindingAnswer: one reading of a Binding response', () => {
  it('prefers XOR-MAPPED-ADDRESS over MAPPED-ADDRESS (RFC 8489 §14.2)', () => {
    const a = answer('success', [
      { type: Attr.MappedAddress, value: encodeAddress(PLAIN_MAPPED) },
      { type: Attr.XorMappedAddress, value: encodeXorAddress(XOR_MAPPED, TID) },
    ]);
    assert.deepEqual(a.mapped, XOR_MAPPED);
    assert.deepEqual(a.from, FROM);
  });

  it('falls back to MAPPED-ADDRESS when XOR-MAPPED-ADDRESS does not decode', () => {
    const a = answer('success', [
      { type: Attr.XorMappedAddress, value: Uint8Array.of(0, 7, 0, 0, 1, 2, 3, 4) },
      { type: Attr.MappedAddress, value: encodeAddress(PLAIN_MAPPED) },
    ]);
    assert.deepEqual(a.mapped, PLAIN_MAPPED);
  });

  it('ignores XOR-MAPPED-ADDRESS in a classic RFC 3489 message (no cookie to XOR with)', () => {
    const a = answer('success', [
      { type: Attr.XorMappedAddress, value: encodeXorAddress(XOR_MAPPED, TID) },
      { type: Attr.MappedAddress, value: encodeAddress(PLAIN_MAPPED) },
    ], true);
    assert.deepEqual(a.mapped, PLAIN_MAPPED);
    const only = answer('success', [{ type: Attr.XorMappedAddress, value: encodeXorAddress(XOR_MAPPED, TID) }], true);
    assert.equal(only.mapped, undefined);
  });

  it('reads OTHER-ADDRESS and RESPONSE-ORIGIN, else CHANGED-ADDRESS and SOURCE-ADDRESS (RFC 5780 §7.3-7.4)', () => {
    const other = { address: '198.51.100.2', port: 3479 };
    const origin = { address: '198.51.100.1', port: 3478 };
    const modern = answer('success', [
      { type: Attr.ChangedAddress, value: encodeAddress({ address: '192.0.2.99', port: 1 }) },
      { type: Attr.OtherAddress, value: encodeAddress(other) },
      { type: Attr.ResponseOrigin, value: encodeAddress(origin) },
    ]);
    assert.deepEqual([modern.other, modern.origin], [other, origin]);
    const legacy = answer('success', [
      { type: Attr.ChangedAddress, value: encodeAddress(other) },
      { type: Attr.SourceAddress, value: encodeAddress(origin) },
    ], true);
    assert.deepEqual([legacy.other, legacy.origin], [other, origin]);
  });

  it('reads SOFTWARE and leaves out what does not decode', () => {
    const a = answer('success', [
      { type: Attr.Software, value: encodeText('natprobe test') },
      { type: Attr.OtherAddress, value: Uint8Array.of(0, 1, 0) },
    ]);
    assert.equal(a.software, 'natprobe test');
    assert.equal('other' in a, false);
    assert.equal('mapped' in a, false);
    assert.equal('errorCode' in a, false);
  });

  it('an error response has an error code and no mapping, even when it carries an address', () => {
    const a = answer('error', [
      { type: Attr.ErrorCode, value: encodeErrorCode({ code: 420, reason: 'Unknown Attribute' }) },
      { type: Attr.XorMappedAddress, value: encodeXorAddress(XOR_MAPPED, TID) },
    ]);
    assert.deepEqual(a.errorCode, { code: 420, reason: 'Unknown Attribute' });
    assert.equal(a.mapped, undefined);
  });

  it('an error response without a usable ERROR-CODE still reads as an error (code 0)', () => {
    assert.deepEqual(answer('error', []).errorCode, { code: 0, reason: 'no ERROR-CODE' });
    const bad = answer('error', [{ type: Attr.ErrorCode, value: Uint8Array.of(0, 0, 9, 1) }]);
    assert.deepEqual(bad.errorCode, { code: 0, reason: 'malformed ERROR-CODE' });
  });
});
