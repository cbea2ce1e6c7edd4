import assert from 'node:assert/strict';
import {
  Attr,
  decodeAddress,
  decodeChangeRequest,
  decodeErrorCode,
  decodeLifetime,
  decodeMessage,
  decodeText,
  decodeXorAddress,
  getAttribute,
  type Result,
  type StunErrorCode,
  type StunMessage,
} from '../../../src/engine/stun';
import { SAMPLE_IPV4_RESPONSE, hex } from './rfc5769Vectors';

const HEADER = '2112a442 00112233 44556677 8899aabb'; // cookie + transaction ID

function rejects<T>(r: Result<T>, code: StunErrorCode, message: RegExp): void {
  assert.ok(!r.ok, 'expected an error result');
  assert.equal(r.error.code, code, r.error.message);
  assert.match(r.error.message, message);
}

function decoded(bytes: Uint8Array): StunMessage {
  const r = decodeMessage(bytes);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

describe('malformed input gives a typed error with a clear message, never an exception', () => {
  describe('too-short', () => {
    it('an empty datagram', () => {
      rejects(decodeMessage(new Uint8Array(0)), 'too-short', /message is 0 bytes but the STUN header alone is 20/);
    });
    it('a header cut at 19 bytes', () => {
      rejects(decodeMessage(SAMPLE_IPV4_RESPONSE.subarray(0, 19)), 'too-short', /19 bytes/);
    });
  });

  describe('not-stun', () => {
    it('an RTP packet (version 2 sets the top bits, RFC 7983 §7)', () => {
      rejects(decodeMessage(hex('80 60 00 01 00000000 deadbeef 00000000 00000000')), 'not-stun', /first byte is 0x80/);
    });
    it('a value that is not a byte array at runtime', () => {
      rejects(decodeMessage('stun' as unknown as Uint8Array), 'not-stun', /not a byte array/);
    });
  });

  describe('bad-length', () => {
    it('a length field that is not a multiple of 4', () => {
      rejects(decodeMessage(hex(`0001 0006 ${HEADER} 0000 0000 0000`)), 'bad-length', /length field is 6, not a multiple of 4/);
    });
    it('trailing bytes after the declared length', () => {
      rejects(decodeMessage(hex(`0001 0000 ${HEADER} 00000000`)), 'bad-length', /says 0 bytes of attributes but 4 follow/);
    });
    it('a length field larger than the datagram (truncated in transit)', () => {
      rejects(decodeMessage(SAMPLE_IPV4_RESPONSE.subarray(0, 72)), 'bad-length', /says 60 bytes of attributes but 52 follow/);
    });
  });

  describe('attribute-overrun', () => {
    it('an attribute that claims more bytes than remain', () => {
      rejects(
        decodeMessage(hex(`0101 0008 ${HEADER} 0020 000c 0001a147`)),
        'attribute-overrun',
        /attribute 0x0020 at offset 20 claims 12 bytes but only 4 remain/,
      );
    });
    it('an attribute whose padding fits but whose value does not', () => {
      rejects(decodeMessage(hex(`0101 0008 ${HEADER} 8022 0005 61626364`)), 'attribute-overrun', /claims 5 bytes but only 4 remain/);
    });
    it('a second attribute running off the end', () => {
      rejects(decodeMessage(hex(`0101 000c ${HEADER} 8022 0000 8022 ffff 00000000`)), 'attribute-overrun', /at offset 24 claims 65535 bytes/);
    });
  });

  describe('bad-attribute (well-framed message, value of the wrong shape)', () => {
    it('an XOR-MAPPED-ADDRESS of 5 bytes', () => {
      const msg = decoded(hex(`0101 000c ${HEADER} 0020 0005 0001a147 e1000000`));
      rejects(decodeXorAddress(getAttribute(msg, Attr.XorMappedAddress)!.value, msg.transactionId), 'bad-attribute', /must be 8 bytes, got 5/);
    });
    it('a CHANGE-REQUEST of 2 bytes', () => {
      const msg = decoded(hex(`0001 0008 ${HEADER} 0003 0002 0006 0000`));
      rejects(decodeChangeRequest(getAttribute(msg, Attr.ChangeRequest)!.value), 'bad-attribute', /CHANGE-REQUEST value must be 4 bytes, got 2/);
    });
    it('a LIFETIME of 8 bytes', () => {
      const msg = decoded(hex(`0103 000c ${HEADER} 000d 0008 00000258 00000000`));
      rejects(decodeLifetime(getAttribute(msg, Attr.Lifetime)!.value), 'bad-attribute', /LIFETIME value must be 4 bytes, got 8/);
    });
  });

  describe('bad-value (right shape, content not allowed)', () => {
    it('an ERROR-CODE of class 2', () => {
      const msg = decoded(hex(`0111 0008 ${HEADER} 0009 0004 00000200`));
      rejects(decodeErrorCode(getAttribute(msg, Attr.ErrorCode)!.value), 'bad-value', /class 2 is outside 3\.\.6/);
    });
    it('a MAPPED-ADDRESS with family 0x03', () => {
      const msg = decoded(hex(`0101 000c ${HEADER} 0001 0008 0003 0d96 c0000201`));
      rejects(decodeAddress(getAttribute(msg, Attr.MappedAddress)!.value), 'bad-value', /family 0x03/);
    });
    it('a SOFTWARE that is not UTF-8', () => {
      const msg = decoded(hex(`0101 0008 ${HEADER} 8022 0003 61ff62 00`));
      rejects(decodeText(getAttribute(msg, Attr.Software)!.value), 'bad-value', /byte 0xff at index 1/);
    });
  });
});
