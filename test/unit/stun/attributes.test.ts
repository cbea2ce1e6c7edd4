import assert from 'node:assert/strict';
import {
  Attr,
  Method,
  TEXT_MAX_BYTES,
  TransportProtocol,
  USERNAME_MAX_BYTES,
  decodeChangeRequest,
  decodeErrorCode,
  decodeLifetime,
  decodeMessage,
  decodePadding,
  decodeRequestedTransport,
  decodeResponsePort,
  decodeText,
  decodeUnknownAttributes,
  encodeChangeRequest,
  encodeErrorCode,
  encodeLifetime,
  encodeMessage,
  encodePadding,
  encodeRequestedTransport,
  encodeResponsePort,
  encodeText,
  encodeUnknownAttributes,
  findInvalidUtf8,
  getAttribute,
  type Result,
} from '../../../src/engine/stun';
import { hex } from './rfc5769Vectors';

const TID = hex('00 11 22 33 44 55 66 77 88 99 aa bb');

function value<T>(r: Result<T>): T {
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function errorOf<T>(r: Result<T>): { code: string; message: string } {
  assert.ok(!r.ok, 'expected an error');
  return r.error;
}

describe('CHANGE-REQUEST (RFC 5780 §7.2)', () => {
  const flags: Array<[boolean, boolean, string]> = [
    [false, false, '00000000'],
    [false, true, '00000002'],
    [true, false, '00000004'],
    [true, true, '00000006'],
  ];
  for (const [changeIp, changePort, wire] of flags) {
    it(`change IP ${changeIp}, change port ${changePort} is ${wire}`, () => {
      assert.deepEqual(encodeChangeRequest({ changeIp, changePort }), hex(wire));
      assert.deepEqual(value(decodeChangeRequest(hex(wire))), { changeIp, changePort });
    });
  }
  it('ignores the reserved bits and rejects any length but 4', () => {
    assert.deepEqual(value(decodeChangeRequest(hex('fffffff9'))), { changeIp: false, changePort: false });
    assert.equal(errorOf(decodeChangeRequest(hex('0006'))).code, 'bad-attribute');
  });
});

describe('RESPONSE-PORT (RFC 5780 §7.5)', () => {
  for (const port of [0, 1, 3478, 65535]) {
    it(`port ${port} round-trips as 16-bit port + 2 bytes padding`, () => {
      const bytes = encodeResponsePort(port);
      assert.equal(bytes.length, 4);
      assert.deepEqual(bytes.subarray(2), hex('0000'));
      assert.equal(value(decodeResponsePort(bytes)), port);
    });
  }
  it('accepts a bare 2-byte port as some servers send; rejects other lengths', () => {
    assert.equal(value(decodeResponsePort(hex('0d96'))), 3478);
    assert.equal(errorOf(decodeResponsePort(hex('0d'))).code, 'bad-attribute');
    assert.equal(errorOf(decodeResponsePort(hex('0d960000 00'))).code, 'bad-attribute');
  });
  it('refuses ports outside 0..65535 (erratum 2844)', () => {
    assert.throws(() => encodeResponsePort(65536), RangeError);
    assert.throws(() => encodeResponsePort(-1), RangeError);
  });
});

describe('ERROR-CODE (RFC 8489 §14.8)', () => {
  for (const [code, reason] of [
    [300, 'Try Alternate'],
    [401, 'Unauthenticated'],
    [420, 'Unknown Attribute'],
    [699, ''],
  ] as const) {
    it(`${code} "${reason}" round-trips as class ${Math.floor(code / 100)} number ${code % 100}`, () => {
      const bytes = encodeErrorCode({ code, reason });
      assert.deepEqual(bytes.subarray(0, 4), Uint8Array.of(0, 0, Math.floor(code / 100), code % 100));
      assert.deepEqual(value(decodeErrorCode(bytes)), { code, reason });
    });
  }
  it('a multibyte UTF-8 reason survives', () => {
    assert.deepEqual(value(decodeErrorCode(encodeErrorCode({ code: 438, reason: 'Nonce périmé — 再試行' }))), {
      code: 438,
      reason: 'Nonce périmé — 再試行',
    });
  });
  it('refuses to encode codes outside 300..699 and over-long reasons', () => {
    for (const code of [299, 700, 0, 1000, 404.5]) assert.throws(() => encodeErrorCode({ code, reason: 'x' }), RangeError, String(code));
    assert.throws(() => encodeErrorCode({ code: 400, reason: 'x'.repeat(TEXT_MAX_BYTES + 1) }), RangeError);
  });
  it('rejects classes outside 3..6 and numbers above 99 on receipt', () => {
    assert.equal(errorOf(decodeErrorCode(hex('00000263'))).code, 'bad-value'); // 299
    assert.equal(errorOf(decodeErrorCode(hex('00000700'))).code, 'bad-value'); // 700
    const e = errorOf(decodeErrorCode(hex('00000464'))); // class 4, number 100
    assert.equal(e.code, 'bad-value');
    assert.match(e.message, /number 100/);
  });
  it('ignores the reserved bits, rejects a value under 4 bytes and invalid UTF-8 in the reason', () => {
    assert.deepEqual(value(decodeErrorCode(hex('fffffc14'))), { code: 420, reason: '' });
    assert.equal(errorOf(decodeErrorCode(hex('000004'))).code, 'bad-attribute');
    assert.equal(errorOf(decodeErrorCode(hex('00000400 c328'))).code, 'bad-value');
  });
});

describe('UNKNOWN-ATTRIBUTES (RFC 8489 §14.13)', () => {
  it('round-trips an even count', () => {
    assert.deepEqual(value(decodeUnknownAttributes(encodeUnknownAttributes([0x0042, 0x7fff]))), [0x0042, 0x7fff]);
  });
  it('an odd count is 2n bytes and the message pads it to 4', () => {
    const types = [0x0042, 0x0043, 0x7001];
    const attr = encodeUnknownAttributes(types);
    assert.equal(attr.length, 6);
    const bytes = encodeMessage({ cls: 'error', method: Method.Binding, transactionId: TID, attributes: [{ type: Attr.UnknownAttributes, value: attr }] });
    assert.equal(bytes.length, 20 + 4 + 8);
    const msg = value(decodeMessage(bytes));
    assert.deepEqual(value(decodeUnknownAttributes(getAttribute(msg, Attr.UnknownAttributes)!.value)), types);
  });
  it('decodes the RFC 3489 style (one type repeated to fill 4 bytes) as a duplicate', () => {
    assert.deepEqual(value(decodeUnknownAttributes(hex('0042 0043 7001 7001'))), [0x0042, 0x0043, 0x7001, 0x7001]);
  });
  it('an empty list is empty; an odd byte length is malformed; types beyond 16 bits are refused', () => {
    assert.deepEqual(value(decodeUnknownAttributes(new Uint8Array(0))), []);
    assert.equal(errorOf(decodeUnknownAttributes(hex('004200'))).code, 'bad-attribute');
    assert.throws(() => encodeUnknownAttributes([0x10000]), RangeError);
  });
});

describe('text attributes: SOFTWARE, USERNAME, REALM, NONCE (RFC 8489 §14.3, §14.9, §14.10, §14.14)', () => {
  for (const s of ['', 'natprobe 0.1.0', 'évian', '\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9', 'emoji 🛰️ ok', '\ufeffBOM kept', 'nul\u0000inside']) {
    it(`round-trips ${JSON.stringify(s)}`, () => {
      assert.equal(value(decodeText(encodeText(s))), s);
    });
  }
  it('multibyte characters count in bytes: 2-, 3- and 4-byte sequences', () => {
    assert.deepEqual(encodeText('é€𐍈'), hex('c3a9 e282ac f0908d88'));
  });
  it('rejects invalid UTF-8 (RFC 3629 §4) with the offending byte', () => {
    const invalid: Array<[string, number]> = [
      ['c3', 0], // truncated 2-byte sequence
      ['41 c3 41', 1], // missing continuation
      ['80', 0], // lone continuation byte
      ['c0 af', 0], // overlong "/"
      ['e0 80 af', 0], // overlong 3-byte
      ['ed a0 80', 0], // UTF-16 surrogate D800
      ['f4 90 80 80', 0], // above U+10FFFF
      ['f5 80 80 80', 0],
      ['ff', 0],
      ['61 62 e2 82', 2], // truncated at the end
    ];
    for (const [bytes, at] of invalid) {
      const b = hex(bytes);
      assert.equal(findInvalidUtf8(b), at, bytes);
      const e = errorOf(decodeText(b));
      assert.equal(e.code, 'bad-value');
      assert.match(e.message, new RegExp(`index ${at}`));
    }
  });
  it('accepts the boundary code points U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF', () => {
    const s = '\u007f\u0080\u07ff\u0800\uffff\u{10000}\u{10ffff}';
    assert.equal(findInvalidUtf8(encodeText(s)), -1);
    assert.equal(value(decodeText(encodeText(s))), s);
  });
  it('enforces byte limits: 763 for REALM/NONCE/SOFTWARE, 512 for USERNAME', () => {
    const max = 'a'.repeat(TEXT_MAX_BYTES);
    assert.equal(value(decodeText(encodeText(max))), max);
    assert.equal(errorOf(decodeText(new Uint8Array(TEXT_MAX_BYTES + 1).fill(0x61))).code, 'bad-value');
    assert.throws(() => encodeText(max + 'a'), RangeError);
    const user = encodeText('u'.repeat(USERNAME_MAX_BYTES), USERNAME_MAX_BYTES);
    assert.equal(value(decodeText(user, USERNAME_MAX_BYTES)).length, USERNAME_MAX_BYTES);
    assert.equal(errorOf(decodeText(new Uint8Array(USERNAME_MAX_BYTES + 1).fill(0x75), USERNAME_MAX_BYTES)).code, 'bad-value');
    assert.throws(() => encodeText('u'.repeat(USERNAME_MAX_BYTES + 1), USERNAME_MAX_BYTES), RangeError);
  });
});

describe('PADDING (RFC 5780 §7.6)', () => {
  for (const length of [0, 1, 4, 1500]) {
    it(`a ${length}-byte PADDING fills the message to the next 4-byte boundary`, () => {
      const pad = encodePadding(length);
      assert.equal(pad.length, length);
      assert.ok(pad.every((b) => b === 0));
      const bytes = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: TID, attributes: [{ type: Attr.Padding, value: pad }] });
      assert.equal(bytes.length, 20 + 4 + Math.ceil(length / 4) * 4);
      assert.equal(value(decodePadding(getAttribute(value(decodeMessage(bytes)), Attr.Padding)!.value)), length);
    });
  }
  it('refuses negative, fractional and over-16-bit lengths', () => {
    for (const n of [-1, 1.5, 65536]) assert.throws(() => encodePadding(n), RangeError, String(n));
  });
});

describe('LIFETIME and REQUESTED-TRANSPORT (RFC 8656 §18.2, §18.8)', () => {
  for (const seconds of [0, 600, 3600, 0xffffffff]) {
    it(`LIFETIME ${seconds} s round-trips as an unsigned 32-bit number`, () => {
      const bytes = encodeLifetime(seconds);
      assert.equal(bytes.length, 4);
      assert.equal(value(decodeLifetime(bytes)), seconds);
    });
  }
  it('LIFETIME refuses out-of-range input and wrong-size values', () => {
    assert.throws(() => encodeLifetime(-1), RangeError);
    assert.throws(() => encodeLifetime(2 ** 32), RangeError);
    assert.equal(errorOf(decodeLifetime(hex('000258'))).code, 'bad-attribute');
  });
  it('REQUESTED-TRANSPORT UDP is 17 followed by three RFFU zero bytes', () => {
    assert.deepEqual(encodeRequestedTransport(TransportProtocol.Udp), hex('11000000'));
    assert.equal(value(decodeRequestedTransport(hex('11ffffff'))), 17);
    assert.equal(errorOf(decodeRequestedTransport(hex('11'))).code, 'bad-attribute');
    assert.throws(() => encodeRequestedTransport(256), RangeError);
  });
});
