import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  Attr,
  Method,
  decodeMessage,
  decodeText,
  decodeXorAddress,
  encodeMessage,
  encodeText,
  encodeXorAddress,
  getAttribute,
  longTermKey,
  shortTermKey,
  verifyFingerprint,
  verifyIntegrity,
  type StunMessage,
} from '../../../src/engine/stun';
import {
  LONG_TERM_NONCE,
  LONG_TERM_PASSWORD,
  LONG_TERM_REALM,
  LONG_TERM_REQUEST,
  LONG_TERM_TRANSACTION_ID,
  LONG_TERM_USERNAME,
  SAMPLE_IPV4_RESPONSE,
  SAMPLE_IPV6_RESPONSE,
  SAMPLE_REQUEST,
  SAMPLE_TRANSACTION_ID,
  SHORT_TERM_PASSWORD,
  hex,
} from './rfc5769Vectors';

const PRIORITY = 0x0024; // RFC 8445 ICE attributes used by the §2.1 vector
const ICE_CONTROLLED = 0x8029;

function decoded(bytes: Uint8Array): StunMessage {
  const r = decodeMessage(bytes);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function text(msg: StunMessage, type: number): string {
  const attr = getAttribute(msg, type);
  assert.ok(attr, `attribute 0x${type.toString(16)} missing`);
  const r = decodeText(attr.value);
  assert.ok(r.ok);
  return r.value;
}

function flipBit(bytes: Uint8Array, byte: number, bit = 0): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[byte] ^= 1 << bit;
  return copy;
}

const shortKey = shortTermKey(SHORT_TERM_PASSWORD);
const wrongKey = shortTermKey('VOkJxbRl1RmTxUk/WvJxBu');

describe('RFC 5769 test vectors', () => {
  describe('§2.1 sample request (short-term credentials)', () => {
    const msg = decoded(SAMPLE_REQUEST);

    it('is a Binding request with the magic cookie and the given transaction ID', () => {
      assert.equal(msg.cls, 'request');
      assert.equal(msg.method, Method.Binding);
      assert.equal(msg.rfc3489, false);
      assert.deepEqual(msg.transactionId, SAMPLE_TRANSACTION_ID);
      assert.equal(msg.length, 108);
      assert.deepEqual(
        msg.attributes.map((a) => a.type),
        [Attr.Software, PRIORITY, ICE_CONTROLLED, Attr.Username, Attr.MessageIntegrity, Attr.Fingerprint],
      );
    });

    it('carries SOFTWARE "STUN test client" and USERNAME "evtj:h6vY" (padding is ignored)', () => {
      assert.equal(text(msg, Attr.Software), 'STUN test client');
      assert.equal(text(msg, Attr.Username), 'evtj:h6vY');
    });

    it('MESSAGE-INTEGRITY is valid with the short-term password and invalid with another', () => {
      assert.equal(verifyIntegrity(msg, SAMPLE_REQUEST, shortKey), 'valid');
      assert.equal(verifyIntegrity(msg, SAMPLE_REQUEST, wrongKey), 'invalid');
    });

    it('FINGERPRINT is valid, and flipping any one covered bit makes it invalid', () => {
      assert.equal(verifyFingerprint(msg, SAMPLE_REQUEST), 'valid');
      for (const at of [0, 9, 30, 60, 99]) {
        const bad = flipBit(SAMPLE_REQUEST, at, 1);
        assert.equal(verifyFingerprint(decoded(bad), bad), 'invalid', `bit flip at byte ${at}`);
      }
    });

    it('re-encodes byte for byte (the RFC pads with spaces, which MESSAGE-INTEGRITY covers)', () => {
      const out = encodeMessage(
        {
          cls: 'request',
          method: Method.Binding,
          transactionId: SAMPLE_TRANSACTION_ID,
          attributes: [
            { type: Attr.Software, value: encodeText('STUN test client') },
            { type: PRIORITY, value: hex('6e 00 01 ff') },
            { type: ICE_CONTROLLED, value: hex('93 2f f9 b1 51 26 3b 36') },
            { type: Attr.Username, value: encodeText('evtj:h6vY') },
          ],
        },
        { integrityKey: shortKey, fingerprint: true, paddingByte: 0x20 },
      );
      const again = decoded(out);
      assert.deepEqual(getAttribute(again, Attr.MessageIntegrity)?.value, getAttribute(msg, Attr.MessageIntegrity)?.value);
      assert.deepEqual(getAttribute(again, Attr.Fingerprint)?.value, getAttribute(msg, Attr.Fingerprint)?.value);
      assert.deepEqual(out, SAMPLE_REQUEST);
    });
  });

  for (const [section, bytes, family, address, xorValueLength] of [
    ['§2.2 sample IPv4 response', SAMPLE_IPV4_RESPONSE, 4, '192.0.2.1', 8],
    ['§2.3 sample IPv6 response', SAMPLE_IPV6_RESPONSE, 6, '2001:db8:1234:5678:11:2233:4455:6677', 20],
  ] as const) {
    describe(section, () => {
      const msg = decoded(bytes);

      it('is a Binding success response', () => {
        assert.equal(msg.cls, 'success');
        assert.equal(msg.method, Method.Binding);
        assert.deepEqual(msg.transactionId, SAMPLE_TRANSACTION_ID);
      });

      it(`XOR-MAPPED-ADDRESS is ${address} port 32853`, () => {
        const attr = getAttribute(msg, Attr.XorMappedAddress);
        assert.ok(attr);
        assert.equal(attr.value.length, xorValueLength);
        assert.deepEqual(decodeXorAddress(attr.value, msg.transactionId), { ok: true, value: { family, address, port: 32853 } });
      });

      it('SOFTWARE is "test vector"', () => {
        assert.equal(text(msg, Attr.Software), 'test vector');
      });

      it('MESSAGE-INTEGRITY is valid with the short-term password and invalid with another', () => {
        assert.equal(verifyIntegrity(msg, bytes, shortKey), 'valid');
        assert.equal(verifyIntegrity(msg, bytes, wrongKey), 'invalid');
      });

      it('FINGERPRINT is valid, and one flipped bit in the address makes it invalid', () => {
        assert.equal(verifyFingerprint(msg, bytes), 'valid');
        const bad = flipBit(bytes, 45);
        assert.equal(verifyFingerprint(decoded(bad), bad), 'invalid');
        assert.equal(verifyIntegrity(decoded(bad), bad, shortKey), 'invalid');
      });

      it('re-encodes byte for byte from the address and credentials', () => {
        const out = encodeMessage(
          {
            cls: 'success',
            method: Method.Binding,
            transactionId: SAMPLE_TRANSACTION_ID,
            attributes: [
              { type: Attr.Software, value: encodeText('test vector') },
              { type: Attr.XorMappedAddress, value: encodeXorAddress({ address, port: 32853 }, SAMPLE_TRANSACTION_ID) },
            ],
          },
          { integrityKey: shortKey, fingerprint: true, paddingByte: 0x20 },
        );
        const again = decoded(out);
        assert.deepEqual(getAttribute(again, Attr.MessageIntegrity)?.value, getAttribute(msg, Attr.MessageIntegrity)?.value);
        assert.deepEqual(getAttribute(again, Attr.Fingerprint)?.value, getAttribute(msg, Attr.Fingerprint)?.value);
        assert.deepEqual(out, bytes);
      });
    });
  }

  describe('§2.4 sample request with long-term authentication', () => {
    const msg = decoded(LONG_TERM_REQUEST);
    const key = longTermKey(LONG_TERM_USERNAME, LONG_TERM_REALM, LONG_TERM_PASSWORD);

    it('carries USERNAME, NONCE and REALM as UTF-8 and has no FINGERPRINT', () => {
      assert.equal(msg.cls, 'request');
      assert.deepEqual(msg.transactionId, LONG_TERM_TRANSACTION_ID);
      assert.equal(text(msg, Attr.Username), LONG_TERM_USERNAME);
      assert.equal(text(msg, Attr.Nonce), LONG_TERM_NONCE);
      assert.equal(text(msg, Attr.Realm), LONG_TERM_REALM);
      assert.equal(verifyFingerprint(msg, LONG_TERM_REQUEST), 'absent');
    });

    it('the key is MD5("マトリックス:example.org:TheMatrIX") after SASLprep of the password', () => {
      const expected = createHash('md5').update(`${LONG_TERM_USERNAME}:example.org:TheMatrIX`, 'utf8').digest();
      assert.deepEqual(Buffer.from(key), expected);
    });

    it('MESSAGE-INTEGRITY is valid with the long-term key only', () => {
      assert.equal(verifyIntegrity(msg, LONG_TERM_REQUEST, key), 'valid');
      const unprepared = createHash('md5').update(`${LONG_TERM_USERNAME}:example.org:${LONG_TERM_PASSWORD}`, 'utf8').digest();
      assert.equal(verifyIntegrity(msg, LONG_TERM_REQUEST, unprepared), 'invalid', 'password used without SASLprep');
      assert.equal(verifyIntegrity(msg, LONG_TERM_REQUEST, longTermKey(LONG_TERM_USERNAME, 'example.com', LONG_TERM_PASSWORD)), 'invalid');
      assert.equal(verifyIntegrity(msg, LONG_TERM_REQUEST, shortTermKey(LONG_TERM_PASSWORD)), 'invalid');
    });

    it('one flipped bit in NONCE makes MESSAGE-INTEGRITY invalid', () => {
      const bad = flipBit(LONG_TERM_REQUEST, 50);
      assert.equal(verifyIntegrity(decoded(bad), bad, key), 'invalid');
    });

    it('re-encodes byte for byte', () => {
      const out = encodeMessage(
        {
          cls: 'request',
          method: Method.Binding,
          transactionId: LONG_TERM_TRANSACTION_ID,
          attributes: [
            { type: Attr.Username, value: encodeText(LONG_TERM_USERNAME) },
            { type: Attr.Nonce, value: encodeText(LONG_TERM_NONCE) },
            { type: Attr.Realm, value: encodeText(LONG_TERM_REALM) },
          ],
        },
        { integrityKey: key },
      );
      assert.deepEqual(getAttribute(decoded(out), Attr.MessageIntegrity)?.value, getAttribute(msg, Attr.MessageIntegrity)?.value);
      assert.deepEqual(out, LONG_TERM_REQUEST);
    });
  });
});
