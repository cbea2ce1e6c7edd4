import assert from 'node:assert/strict';
import { type ReflectorAddresses, type Slot, answer } from '../../../src/engine/server/reflectorLogic';
import {
  Attr,
  Method,
  type StunAttribute,
  type StunMessage,
  decodeAddress,
  decodeErrorCode,
  decodeMessage,
  decodeUnknownAttributes,
  decodeXorAddress,
  encodeChangeRequest,
  encodeMessage,
  encodePadding,
  encodeResponsePort,
  getAttribute,
  newTransactionId,
  verifyFingerprint,
} from '../../../src/engine/stun';
import { prng } from '../../support/prng';

const PRIMARY = { address: '198.51.100.1', port: 3478 };
const ALTERNATE = { address: '198.51.100.2', port: 3479 };
const FULL: ReflectorAddresses = { primary: PRIMARY, alternate: ALTERNATE };
const SINGLE: ReflectorAddresses = { primary: PRIMARY };
const CLIENT = { address: '203.0.113.5', port: 40000 };
const S00: Slot = { ip: 0, port: 0 };

function request(attributes: StunAttribute[] = [], extra: { method?: number; legacyCookie?: Uint8Array; cls?: 'request' | 'indication' } = {}): Uint8Array {
  return encodeMessage({ cls: extra.cls ?? 'request', method: extra.method ?? Method.Binding, transactionId: newTransactionId(), attributes, legacyCookie: extra.legacyCookie });
}

function reply(addresses: ReflectorAddresses, data: Uint8Array, on: Slot = S00) {
  const outcome = answer(addresses, 'test', data, CLIENT, on);
  assert.equal(outcome.kind, 'reply', outcome.kind === 'dropped' ? outcome.why : '');
  if (outcome.kind !== 'reply') throw new Error('unreachable');
  const decoded = decodeMessage(outcome.reply.data);
  assert.ok(decoded.ok);
  return { ...outcome.reply, message: decoded.value as StunMessage, raw: outcome.reply.data };
}

const addr = (m: StunMessage, type: number) => {
  const a = getAttribute(m, type);
  if (!a) return undefined;
  const d = decodeAddress(a.value);
  return d.ok ? { address: d.value.address, port: d.value.port } : undefined;
};

describe('natprobe serve answers as an RFC 5780 server (§6.1)', () => {
  it('a Binding request gets XOR-MAPPED-ADDRESS, RESPONSE-ORIGIN, OTHER-ADDRESS, SOFTWARE and a valid FINGERPRINT', () => {
    const r = reply(FULL, request());
    assert.deepEqual(r.via, S00);
    assert.deepEqual(r.to, CLIENT);
    assert.equal(r.message.cls, 'success');
    const xor = decodeXorAddress(getAttribute(r.message, Attr.XorMappedAddress)!.value, r.message.transactionId);
    assert.ok(xor.ok);
    assert.deepEqual({ address: xor.value.address, port: xor.value.port }, CLIENT);
    assert.deepEqual(addr(r.message, Attr.ResponseOrigin), PRIMARY);
    assert.deepEqual(addr(r.message, Attr.OtherAddress), ALTERNATE);
    assert.equal(verifyFingerprint(r.message, r.raw), 'valid');
  });

  it('OTHER-ADDRESS is the diagonal of the address the request arrived on', () => {
    const r = reply(FULL, request(), { ip: 1, port: 0 });
    assert.deepEqual(addr(r.message, Attr.ResponseOrigin), { address: ALTERNATE.address, port: PRIMARY.port });
    assert.deepEqual(addr(r.message, Attr.OtherAddress), { address: PRIMARY.address, port: ALTERNATE.port });
  });

  it('CHANGE-REQUEST change IP and port: the reply leaves from the alternate address and port', () => {
    const r = reply(FULL, request([{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: true, changePort: true }) }]));
    assert.deepEqual(r.via, { ip: 1, port: 1 });
    assert.deepEqual(addr(r.message, Attr.ResponseOrigin), ALTERNATE);
  });

  it('CHANGE-REQUEST change port only: same IP, alternate port', () => {
    const r = reply(FULL, request([{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: false, changePort: true }) }]));
    assert.deepEqual(r.via, { ip: 0, port: 1 });
    assert.deepEqual(addr(r.message, Attr.ResponseOrigin), { address: PRIMARY.address, port: ALTERNATE.port });
  });

  it('a single-address server sends no OTHER-ADDRESS and refuses CHANGE-REQUEST with 420, naming it', () => {
    const plain = reply(SINGLE, request());
    assert.equal(getAttribute(plain.message, Attr.OtherAddress), undefined);
    const r = reply(SINGLE, request([{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: true, changePort: false }) }]));
    assert.equal(r.message.cls, 'error');
    const code = decodeErrorCode(getAttribute(r.message, Attr.ErrorCode)!.value);
    assert.ok(code.ok && code.value.code === 420);
    const unknown = decodeUnknownAttributes(getAttribute(r.message, Attr.UnknownAttributes)!.value);
    assert.ok(unknown.ok);
    assert.deepEqual(unknown.value, [Attr.ChangeRequest]);
  });

  it('RESPONSE-PORT sends the reply to the same IP at the port asked for (§6.1)', () => {
    const r = reply(FULL, request([{ type: Attr.ResponsePort, value: encodeResponsePort(41000) }]));
    assert.deepEqual(r.to, { address: CLIENT.address, port: 41000 });
  });

  it('an unknown comprehension-required attribute gets 420 with UNKNOWN-ATTRIBUTES', () => {
    const r = reply(FULL, request([{ type: 0x0030, value: new Uint8Array(4) }]));
    const code = decodeErrorCode(getAttribute(r.message, Attr.ErrorCode)!.value);
    assert.ok(code.ok && code.value.code === 420);
    const unknown = decodeUnknownAttributes(getAttribute(r.message, Attr.UnknownAttributes)!.value);
    assert.ok(unknown.ok);
    assert.deepEqual(unknown.value, [0x0030]);
  });

  it('a method other than Binding gets no answer (silence cannot amplify a spoofed request)', () => {
    const out = answer(FULL, 'test', request([], { method: Method.Allocate }), CLIENT, S00);
    assert.equal(out.kind, 'dropped');
    if (out.kind === 'dropped') assert.match(out.why, /not Binding/);
  });

  it('PADDING is mirrored, never larger than the request asked', () => {
    const r = reply(FULL, request([{ type: Attr.Padding, value: encodePadding(600) }]));
    assert.equal(getAttribute(r.message, Attr.Padding)!.value.length, 600);
  });

  it('an RFC 3489 request (no magic cookie) gets MAPPED-, SOURCE- and CHANGED-ADDRESS with its own transaction ID', () => {
    const legacyCookie = Uint8Array.of(1, 2, 3, 4);
    const r = reply(FULL, request([], { legacyCookie }));
    assert.equal(r.message.rfc3489, true);
    assert.deepEqual([...(r.message.legacyCookie ?? [])], [1, 2, 3, 4]);
    assert.deepEqual(addr(r.message, Attr.MappedAddress), CLIENT);
    assert.deepEqual(addr(r.message, Attr.SourceAddress), PRIMARY);
    assert.deepEqual(addr(r.message, Attr.ChangedAddress), ALTERNATE);
    assert.equal(getAttribute(r.message, Attr.XorMappedAddress), undefined);
  });

  it('responses, indications, garbage and a bad FINGERPRINT are dropped, with the reason', () => {
    const drop = (data: Uint8Array) => answer(FULL, 'test', data, CLIENT, S00);
    assert.equal(drop(request([], { cls: 'indication' })).kind, 'dropped');
    assert.equal(drop(new Uint8Array([1, 2, 3])).kind, 'dropped');
    const fp = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] }, { fingerprint: true });
    fp[fp.length - 1] ^= 1;
    const out = drop(fp);
    assert.equal(out.kind, 'dropped');
    if (out.kind === 'dropped') assert.match(out.why, /FINGERPRINT/);
  });
});

describe('the reflector under a fuzzer', function () {
  this.timeout(120000);
  it('1,000,000 mutated and random datagrams: never throws, never amplifies beyond a fixed bound', () => {
    const rand = prng(0x5eed1234);
    const seeds = [
      request(),
      request([{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: true, changePort: true }) }]),
      request([{ type: Attr.ResponsePort, value: encodeResponsePort(5000) }, { type: Attr.Padding, value: encodePadding(64) }]),
      request([], { legacyCookie: Uint8Array.of(9, 9, 9, 9) }),
    ];
    let replies = 0;
    const N = 1_000_000;
    for (let i = 0; i < N; i++) {
      let data: Uint8Array;
      if (i % 4 === 0) {
        data = new Uint8Array(Math.floor(rand() * 120));
        for (let j = 0; j < data.length; j++) data[j] = rand() * 256;
        if (data.length >= 8 && rand() < 0.5) {
          data[0] &= 0x3f;
          data.set([0x21, 0x12, 0xa4, 0x42], 4);
          data[2] = ((data.length - 20) >> 8) & 0xff;
          data[3] = (data.length - 20) & 0xfc;
        }
      } else {
        data = Uint8Array.from(seeds[i % seeds.length]);
        const flips = 1 + Math.floor(rand() * 3);
        for (let f = 0; f < flips; f++) data[Math.floor(rand() * data.length)] ^= 1 << Math.floor(rand() * 8);
      }
      const out = answer(FULL, 'natprobe fuzz', data, CLIENT, { ip: (i & 1) as 0 | 1, port: ((i >> 1) & 1) as 0 | 1 });
      if (out.kind === 'reply') {
        replies++;
        assert.ok(out.reply.data.length <= data.length + 200, `reply of ${out.reply.data.length} bytes to ${data.length}`);
        assert.equal(out.reply.to.address, CLIENT.address, 'replies only ever go back to the sender’s address');
      }
    }
    console.log(`      ${N} datagrams, ${replies} answered, ${N - replies} dropped`);
    assert.ok(replies > 1000, 'the fuzzer must also reach the answering paths');
  });
});
