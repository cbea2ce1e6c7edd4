import assert from 'node:assert/strict';
import {
  Attr,
  MAGIC_COOKIE,
  Method,
  comprehensionRequiredUnknown,
  decodeMessage,
  encodeMessage,
  encodeText,
  getAttribute,
  getAttributes,
  isStunPacket,
  messageType,
  newTransactionId,
  shortTermKey,
  splitMessageType,
  verifyFingerprint,
  verifyIntegrity,
  type MessageClass,
  type StunMessage,
} from '../../../src/engine/stun';
import { SAMPLE_IPV4_RESPONSE, hex } from './rfc5769Vectors';

const TID = hex('00 11 22 33 44 55 66 77 88 99 aa bb');

function decoded(bytes: Uint8Array): StunMessage {
  const r = decodeMessage(bytes);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

describe('STUN message header (RFC 8489 §5)', () => {
  describe('message type: class bits C1 (bit 8) and C0 (bit 4) interleaved with the method', () => {
    // RFC 8489 §5 and RFC 8656: 0x0001 Binding request, 0x0011 indication, 0x0101 success, 0x0111 error.
    const expected: Array<[number, MessageClass, number]> = [
      [Method.Binding, 'request', 0x0001],
      [Method.Binding, 'indication', 0x0011],
      [Method.Binding, 'success', 0x0101],
      [Method.Binding, 'error', 0x0111],
      [Method.Allocate, 'request', 0x0003],
      [Method.Allocate, 'indication', 0x0013],
      [Method.Allocate, 'success', 0x0103],
      [Method.Allocate, 'error', 0x0113],
      [Method.Refresh, 'request', 0x0004],
      [Method.Refresh, 'indication', 0x0014],
      [Method.Refresh, 'success', 0x0104],
      [Method.Refresh, 'error', 0x0114],
    ];
    for (const [method, cls, type] of expected) {
      it(`method 0x${method.toString(16).padStart(3, '0')} ${cls} is type 0x${type.toString(16).padStart(4, '0')}`, () => {
        assert.equal(messageType(cls, method), type);
        assert.deepEqual(splitMessageType(type), { cls, method });
        const bytes = encodeMessage({ cls, method, transactionId: TID, attributes: [] });
        assert.equal((bytes[0] << 8) | bytes[1], type);
        const msg = decoded(bytes);
        assert.equal(msg.cls, cls);
        assert.equal(msg.method, method);
      });
    }

    it('round-trips every 12-bit method in every class', () => {
      for (let method = 0; method <= 0xfff; method++) {
        for (const cls of ['request', 'indication', 'success', 'error'] as const) {
          const type = messageType(cls, method);
          assert.ok(type >= 0 && type <= 0x3fff);
          assert.deepEqual(splitMessageType(type), { cls, method });
        }
      }
    });
  });

  it('an empty Binding request is 20 bytes: type, zero length, magic cookie, transaction ID', () => {
    const bytes = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: TID, attributes: [] });
    assert.deepEqual(bytes, hex('0001 0000 2112a442 00112233 44556677 8899aabb'));
    const msg = decoded(bytes);
    assert.equal(msg.length, 20);
    assert.equal(msg.rfc3489, false);
    assert.equal(msg.legacyCookie, undefined);
    assert.deepEqual(msg.transactionId, TID);
    assert.deepEqual(msg.attributes, []);
  });

  it('pads attribute values to 4 bytes and records each TLV offset', () => {
    const bytes = encodeMessage({
      cls: 'request',
      method: Method.Binding,
      transactionId: TID,
      attributes: [
        { type: Attr.Software, value: encodeText('abcde') },
        { type: 0x7f01, value: new Uint8Array(0) },
        { type: Attr.Username, value: encodeText('xy') },
      ],
    });
    // 20 header + (4 + 8) + 4 + (4 + 4)
    assert.equal(bytes.length, 44);
    assert.deepEqual(bytes.subarray(24, 32), hex('61 62 63 64 65 00 00 00'));
    const msg = decoded(bytes);
    assert.deepEqual(
      msg.attributes.map((a) => [a.type, a.offset, a.value.length]),
      [
        [Attr.Software, 20, 5],
        [0x7f01, 32, 0],
        [Attr.Username, 36, 2],
      ],
    );
  });

  it('decodes a classic RFC 3489 message (no magic cookie): the ID is the last 12 of 16 bytes', () => {
    // RFC 3489 §11.1: a 128-bit transaction ID where the cookie now sits. Binding Response with a
    // MAPPED-ADDRESS of 192.0.2.7:3478.
    const bytes = hex('0101 000c a1b2c3d4 00112233 44556677 8899aabb  0001 0008 0001 0d96 c0000207');
    const msg = decoded(bytes);
    assert.equal(msg.rfc3489, true);
    assert.deepEqual(msg.legacyCookie, hex('a1b2c3d4'));
    assert.deepEqual(msg.transactionId, TID);
    assert.equal(msg.cls, 'success');
    assert.equal(msg.method, Method.Binding);
    assert.equal(getAttribute(msg, Attr.MappedAddress)?.value.length, 8);
    assert.equal(isStunPacket(bytes), false, 'no magic cookie, so not RFC 7983-demuxable STUN');
  });

  it('encodes an RFC 3489 message when given the legacy cookie', () => {
    const bytes = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: TID, attributes: [], legacyCookie: hex('a1b2c3d4') });
    assert.deepEqual(bytes, hex('0001 0000 a1b2c3d4 00112233 44556677 8899aabb'));
    assert.deepEqual(decoded(bytes).legacyCookie, hex('a1b2c3d4'));
  });

  it('reads from a Buffer slice that starts at a nonzero byteOffset', () => {
    const pool = Buffer.alloc(SAMPLE_IPV4_RESPONSE.length + 13, 0xee);
    pool.set(SAMPLE_IPV4_RESPONSE, 7);
    const slice = pool.subarray(7, 7 + SAMPLE_IPV4_RESPONSE.length);
    assert.notEqual(slice.byteOffset, 0);
    const msg = decoded(slice);
    assert.deepEqual(msg.attributes.map((a) => a.type), [Attr.Software, Attr.XorMappedAddress, Attr.MessageIntegrity, Attr.Fingerprint]);
    assert.equal(verifyFingerprint(msg, slice), 'valid');
    assert.equal(verifyIntegrity(msg, slice, shortTermKey('VOkJxbRl1RmTxUk/WvJxBt')), 'valid');
    assert.equal(isStunPacket(slice), true);
  });

  it('returns copies: changing the input afterwards does not change the decoded message', () => {
    const bytes = new Uint8Array(SAMPLE_IPV4_RESPONSE);
    const msg = decoded(bytes);
    bytes.fill(0);
    assert.deepEqual(msg.transactionId, hex('b7e7a701 bc34d686 fa87dfae'));
    assert.equal(getAttribute(msg, Attr.Software)?.value[0], 0x74);
  });

  describe('isStunPacket (RFC 7983 demultiplexing)', () => {
    it('accepts a STUN message with the magic cookie', () => {
      assert.equal(isStunPacket(SAMPLE_IPV4_RESPONSE), true);
    });
    it('rejects RTP-like first bits, a wrong length field, a short datagram and a missing cookie', () => {
      const rtp = new Uint8Array(SAMPLE_IPV4_RESPONSE);
      rtp[0] = 0x80;
      assert.equal(isStunPacket(rtp), false);
      assert.equal(isStunPacket(SAMPLE_IPV4_RESPONSE.subarray(0, 76)), false);
      assert.equal(isStunPacket(SAMPLE_IPV4_RESPONSE.subarray(0, 19)), false);
      const noCookie = new Uint8Array(SAMPLE_IPV4_RESPONSE);
      noCookie[4] ^= 0xff;
      assert.equal(isStunPacket(noCookie), false);
      assert.equal(isStunPacket(new Uint8Array(0)), false);
    });
  });

  describe('attribute lookup (RFC 8489 §14)', () => {
    const bytes = encodeMessage({
      cls: 'success',
      method: Method.Binding,
      transactionId: TID,
      attributes: [
        { type: Attr.Software, value: encodeText('first') },
        { type: 0x0042, value: new Uint8Array(4) },
        { type: Attr.Software, value: encodeText('second') },
        { type: 0x0042, value: new Uint8Array(4) },
        { type: 0xc001, value: new Uint8Array(4) },
        { type: 0x7fff, value: new Uint8Array(0) },
      ],
    });
    const msg = decoded(bytes);

    it('getAttribute returns the first occurrence; later duplicates are ignored', () => {
      assert.deepEqual(getAttribute(msg, Attr.Software)?.value, encodeText('first'));
      assert.equal(getAttribute(msg, Attr.Realm), undefined);
      assert.equal(getAttributes(msg, Attr.Software).length, 2);
    });

    it('comprehensionRequiredUnknown lists unknown types below 0x8000 once each, in order', () => {
      assert.deepEqual(comprehensionRequiredUnknown(msg, new Set([Attr.Software])), [0x0042, 0x7fff]);
      assert.deepEqual(comprehensionRequiredUnknown(msg, new Set([0x0042, 0x7fff])), []);
    });
  });

  describe('MESSAGE-INTEGRITY and FINGERPRINT added by encodeMessage', () => {
    const key = shortTermKey('s3cret');
    const base = {
      cls: 'request' as const,
      method: Method.Binding,
      transactionId: TID,
      attributes: [{ type: Attr.Username, value: encodeText('alice:bob') }],
    };

    it('appends MESSAGE-INTEGRITY then FINGERPRINT, and both verify', () => {
      const bytes = encodeMessage(base, { integrityKey: key, fingerprint: true });
      const msg = decoded(bytes);
      assert.deepEqual(msg.attributes.map((a) => a.type), [Attr.Username, Attr.MessageIntegrity, Attr.Fingerprint]);
      assert.equal(verifyIntegrity(msg, bytes, key), 'valid');
      assert.equal(verifyFingerprint(msg, bytes), 'valid');
      assert.equal(verifyIntegrity(msg, bytes, shortTermKey('s3cre7')), 'invalid');
    });

    it('MESSAGE-INTEGRITY alone verifies; the message then has no FINGERPRINT', () => {
      const bytes = encodeMessage(base, { integrityKey: key });
      const msg = decoded(bytes);
      assert.equal(verifyIntegrity(msg, bytes, key), 'valid');
      assert.equal(verifyFingerprint(msg, bytes), 'absent');
    });

    it('FINGERPRINT alone verifies; integrity is then absent', () => {
      const bytes = encodeMessage(base, { fingerprint: true });
      const msg = decoded(bytes);
      assert.equal(verifyFingerprint(msg, bytes), 'valid');
      assert.equal(verifyIntegrity(msg, bytes, key), 'absent');
    });

    it('attributes after MESSAGE-INTEGRITY are not covered by it (RFC 8489 §14.5)', () => {
      const signed = encodeMessage(base, { integrityKey: key });
      // Append an attribute after MI and fix the header length, as a middlebox or sloppy peer might.
      const extra = hex('80 22 00 04 61 62 63 64');
      const bytes = new Uint8Array(signed.length + extra.length);
      bytes.set(signed);
      bytes.set(extra, signed.length);
      bytes[3] += extra.length;
      const msg = decoded(bytes);
      assert.equal(verifyIntegrity(msg, bytes, key), 'valid');
    });

    it('a FINGERPRINT that is not the last attribute is invalid (RFC 8489 §14.7)', () => {
      const bytes = encodeMessage({ ...base, attributes: [{ type: Attr.Fingerprint, value: new Uint8Array(4) }, ...base.attributes] });
      assert.equal(verifyFingerprint(decoded(bytes), bytes), 'invalid');
    });

    it('MESSAGE-INTEGRITY of the wrong size is invalid, not an exception', () => {
      const bytes = encodeMessage({ ...base, attributes: [{ type: Attr.MessageIntegrity, value: new Uint8Array(19) }] });
      assert.equal(verifyIntegrity(decoded(bytes), bytes, key), 'invalid');
    });

    it('bytes that are not the ones decoded are invalid', () => {
      const bytes = encodeMessage(base, { integrityKey: key, fingerprint: true });
      const msg = decoded(bytes);
      assert.equal(verifyFingerprint(msg, bytes.subarray(0, 40)), 'invalid');
      assert.equal(verifyIntegrity(msg, bytes.subarray(0, 40), key), 'invalid');
    });
  });

  describe('encodeMessage refuses arguments no message can carry', () => {
    const ok = { cls: 'request' as const, method: Method.Binding, transactionId: TID, attributes: [] };
    it('method above 0xfff, transaction ID not 12 bytes, legacy cookie not 4 bytes', () => {
      assert.throws(() => encodeMessage({ ...ok, method: 0x1000 }), RangeError);
      assert.throws(() => encodeMessage({ ...ok, method: -1 }), RangeError);
      assert.throws(() => encodeMessage({ ...ok, transactionId: new Uint8Array(16) }), RangeError);
      assert.throws(() => encodeMessage({ ...ok, legacyCookie: new Uint8Array(3) }), RangeError);
      assert.throws(() => encodeMessage({ ...ok, cls: 'response' as MessageClass }), RangeError);
    });
    it('attribute types beyond 16 bits and messages beyond the 16-bit length field', () => {
      assert.throws(() => encodeMessage({ ...ok, attributes: [{ type: 0x10000, value: new Uint8Array(0) }] }), RangeError);
      assert.throws(() => encodeMessage({ ...ok, attributes: [{ type: 1, value: new Uint8Array(0x10000) }] }), RangeError);
      const big = { type: Attr.Padding, value: new Uint8Array(0xfff0) };
      assert.doesNotThrow(() => encodeMessage({ ...ok, attributes: [big] }));
      assert.throws(() => encodeMessage({ ...ok, attributes: [big] }, { integrityKey: new Uint8Array(16) }), RangeError);
    });
  });

  it('newTransactionId gives 12 fresh random bytes', () => {
    const a = newTransactionId();
    const b = newTransactionId();
    assert.equal(a.length, 12);
    assert.notDeepEqual(a, b);
  });

  it('MAGIC_COOKIE is 0x2112A442', () => {
    assert.equal(MAGIC_COOKIE, 0x2112a442);
  });
});
