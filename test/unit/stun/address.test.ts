import assert from 'node:assert/strict';
import {
  Attr,
  Method,
  canonicalIp,
  decodeAddress,
  decodeMessage,
  decodeXorAddress,
  encodeAddress,
  encodeMessage,
  encodeXorAddress,
  getAttribute,
  type AddressValue,
} from '../../../src/engine/stun';
import { hex } from './rfc5769Vectors';

const TID = hex('b7e7a701 bc34d686 fa87dfae');

function value<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

describe('address attributes (RFC 8489 §14.1, §14.2)', () => {
  const cases: Array<[string, AddressValue]> = [
    ['IPv4', { family: 4, address: '192.0.2.1', port: 32853 }],
    ['IPv4 port 0', { family: 4, address: '0.0.0.0', port: 0 }],
    ['IPv4 port 65535', { family: 4, address: '255.255.255.255', port: 65535 }],
    ['IPv6', { family: 6, address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }],
    ['IPv6 loopback port 0', { family: 6, address: '::1', port: 0 }],
    ['IPv6 all zero port 65535', { family: 6, address: '::', port: 65535 }],
    ['IPv6 link-local', { family: 6, address: 'fe80::1:2', port: 3478 }],
  ];

  for (const [name, addr] of cases) {
    it(`MAPPED-ADDRESS layout round-trips ${name} (${addr.address} port ${addr.port})`, () => {
      const bytes = encodeAddress(addr);
      assert.equal(bytes.length, addr.family === 4 ? 8 : 20);
      assert.equal(bytes[0], 0, 'first byte is reserved zero');
      assert.equal(bytes[1], addr.family === 4 ? 0x01 : 0x02);
      assert.deepEqual(value(decodeAddress(bytes)), addr);
    });

    it(`XOR-MAPPED-ADDRESS layout round-trips ${name}`, () => {
      const bytes = encodeXorAddress(addr, TID);
      assert.deepEqual(value(decodeXorAddress(bytes, TID)), addr);
    });
  }

  it('MAPPED-ADDRESS 192.0.2.1:32853 is 00 01 80 55 c0 00 02 01 on the wire', () => {
    assert.deepEqual(encodeAddress({ address: '192.0.2.1', port: 32853 }), hex('0001 8055 c0000201'));
  });

  it('XOR-MAPPED-ADDRESS XORs the port with 0x2112 and IPv4 with the magic cookie (RFC 5769 §2.2)', () => {
    assert.deepEqual(encodeXorAddress({ address: '192.0.2.1', port: 32853 }, TID), hex('0001 a147 e112a643'));
  });

  it('XOR-MAPPED-ADDRESS XORs IPv6 with the cookie followed by the transaction ID (RFC 5769 §2.3)', () => {
    assert.deepEqual(
      encodeXorAddress({ address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }, TID),
      hex('0002 a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9'),
    );
  });

  it('the reserved first byte is ignored on receipt', () => {
    assert.deepEqual(value(decodeAddress(hex('ff01 8055 c0000201'))), { family: 4, address: '192.0.2.1', port: 32853 });
  });

  describe('literals are accepted in any RFC 4291 form and returned canonical (RFC 5952)', () => {
    const forms: Array<[string, string]> = [
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs is shortened
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
      ['0:0:0:0:0:0:0:0', '::'],
      ['::0:1', '::1'],
      ['1::', '1::'],
      ['2001:db8::0:0:1', '2001:db8::1'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], // the longest run wins
      ['::192.0.2.33', '::c000:221'],
      ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
      ['fe80::1%eth0', 'fe80::1'], // the zone cannot travel in STUN
    ];
    for (const [input, canonical] of forms) {
      it(`${input} -> ${canonical}`, () => {
        assert.equal(canonicalIp(input), canonical);
        assert.equal(value(decodeAddress(encodeAddress({ address: input, port: 1 }))).address, canonical);
      });
    }

    it('IPv4-mapped IPv6 (::ffff:a.b.c.d, as dual-stack sockets report IPv4 peers) is sent as IPv4', () => {
      const bytes = encodeAddress({ address: '::ffff:192.0.2.1', port: 80 });
      assert.deepEqual(bytes, encodeAddress({ address: '192.0.2.1', port: 80 }));
      assert.deepEqual(value(decodeXorAddress(encodeXorAddress({ address: '::FFFF:c000:0201', port: 80 }, TID), TID)), {
        family: 4,
        address: '192.0.2.1',
        port: 80,
      });
    });

    it('an IPv4-mapped address received as IPv6 prints in the RFC 5952 §5 mixed form', () => {
      const v6 = hex('0002 0050 00000000 00000000 0000ffff c0000201');
      assert.deepEqual(value(decodeAddress(v6)), { family: 6, address: '::ffff:192.0.2.1', port: 80 });
    });

    it('refuses hostnames, malformed literals and bad ports with RangeError', () => {
      for (const bad of ['example.com', '', '1.2.3', '1.2.3.256', '01.2.3.4', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::', 'g::1', '1:2:3:4:5:6:7:8::', '::1%']) {
        assert.throws(() => encodeAddress({ address: bad, port: 1 }), RangeError, bad);
        assert.equal(canonicalIp(bad), undefined, bad);
      }
      for (const port of [-1, 65536, 1.5, NaN]) {
        assert.throws(() => encodeAddress({ address: '192.0.2.1', port }), RangeError, String(port));
      }
      assert.throws(() => encodeXorAddress({ address: '192.0.2.1', port: 1 }, new Uint8Array(16)), RangeError);
    });
  });

  describe('malformed values are errors, not exceptions', () => {
    it('a value shorter than family + port', () => {
      const r = decodeAddress(hex('0001 80'));
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'bad-attribute');
    });
    it('an unknown family byte', () => {
      const r = decodeAddress(hex('0003 8055 c0000201'));
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'bad-value');
      assert.match(r.error.message, /family 0x03/);
    });
    it('an IPv4 family with IPv6 length, and an IPv6 family with IPv4 length', () => {
      for (const bytes of [hex('0001 8055 c0000201 00000000'), hex('0002 8055 c0000201')]) {
        const r = decodeXorAddress(bytes, TID);
        assert.ok(!r.ok);
        assert.equal(r.error.code, 'bad-attribute');
      }
    });
    it('a transaction ID that is not 12 bytes', () => {
      const r = decodeXorAddress(hex('0001 a147 e112a643'), new Uint8Array(4));
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'bad-value');
    });
  });

  it('inside a message: XOR-MAPPED-ADDRESS is decoded with that message transaction ID', () => {
    const addr = { address: '2001:db8::42', port: 50000 };
    const bytes = encodeMessage({
      cls: 'success',
      method: Method.Binding,
      transactionId: TID,
      attributes: [
        { type: Attr.XorMappedAddress, value: encodeXorAddress(addr, TID) },
        { type: Attr.OtherAddress, value: encodeAddress({ address: '198.51.100.2', port: 3479 }) },
      ],
    });
    const msg = value(decodeMessage(bytes));
    assert.deepEqual(value(decodeXorAddress(getAttribute(msg, Attr.XorMappedAddress)!.value, msg.transactionId)), { family: 6, ...addr });
    assert.deepEqual(value(decodeAddress(getAttribute(msg, Attr.OtherAddress)!.value)), { family: 4, address: '198.51.100.2', port: 3479 });
  });
});
