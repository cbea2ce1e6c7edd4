/**
 * Robustness fuzzing: over a million generated datagrams go through decodeMessage and every value
 * decoder. The property is the codec contract: nothing throws, every answer is `ok` or a typed
 * error, decoded messages are self-consistent and survive re-encoding.
 *
 * Reproduce a failure with STUN_FUZZ_SEED=<seed printed in the failure>; scale the run with
 * STUN_FUZZ_SCALE (e.g. 10 for a longer soak).
 */
import assert from 'node:assert/strict';
import * as stun from '../../../src/engine/stun';
import type { MessageClass, Result, StunAttribute, StunErrorCode, StunMessage } from '../../../src/engine/stun';
import { LONG_TERM_REQUEST, SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE, SAMPLE_REQUEST, SHORT_TERM_PASSWORD } from './rfc5769Vectors';
import { prngUint32 as mulberry32 } from '../../support/prng';

// Bound once: under tsx every `stun.x` access is a chain of CommonJS re-export getters, which
// would otherwise cost about a tenth of the fuzzer's run time.
const {
  Attr,
  LEGACY_XOR_MAPPED_ADDRESS,
  Method,
  comprehensionRequiredUnknown,
  decodeAddress,
  decodeChangeRequest,
  decodeErrorCode,
  decodeLifetime,
  decodeMessage,
  decodePadding,
  decodeRequestedTransport,
  decodeResponsePort,
  decodeText,
  decodeUnknownAttributes,
  decodeXorAddress,
  encodeAddress,
  encodeChangeRequest,
  encodeErrorCode,
  encodeLifetime,
  encodeMessage,
  encodeResponsePort,
  encodeText,
  encodeUnknownAttributes,
  encodeXorAddress,
  isStunPacket,
  shortTermKey,
  verifyFingerprint,
  verifyIntegrity,
} = stun;

const SEED = Number(process.env.STUN_FUZZ_SEED ?? 0x5eed5) >>> 0;
const SCALE = Math.max(0.01, Number(process.env.STUN_FUZZ_SCALE ?? 1));
const ERROR_CODES: ReadonlySet<StunErrorCode> = new Set(['too-short', 'not-stun', 'bad-length', 'attribute-overrun', 'bad-attribute', 'bad-value']);
const VERDICTS = new Set(['absent', 'valid', 'invalid']);
const KEY = shortTermKey(SHORT_TERM_PASSWORD);
const KNOWN = new Set<number>(Object.values(Attr));
const CLASSES: readonly MessageClass[] = ['request', 'indication', 'success', 'error'];

class Fuzzer {
  private readonly next: () => number;
  cases = 0;
  decodedOk = 0;
  attributesChecked = 0;
  readonly errors = new Map<string, number>();

  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  int(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const r = this.next();
      out[i] = r;
      if (i + 1 < n) out[i + 1] = r >>> 8;
      if (i + 2 < n) out[i + 2] = r >>> 16;
      if (i + 3 < n) out[i + 3] = r >>> 24;
    }
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Runs one input through every entry point; any throw or malformed answer fails with the seed. */
  run(kind: string, input: Uint8Array): void {
    this.cases++;
    // Sometimes present the input as a Buffer slice at an odd offset, as node:dgram may.
    const bytes = this.chance(0.1) ? offsetCopy(input, 1 + this.int(7)) : input;
    try {
      this.check(bytes);
    } catch (e) {
      const hexInput = Buffer.from(input).toString('hex');
      throw new Error(
        `fuzz failure: seed=${this.seed} (STUN_FUZZ_SEED=${this.seed}) kind=${kind} case=${this.cases}\ninput=${hexInput}\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    }
  }

  private check(bytes: Uint8Array): void {
    const r = decodeMessage(bytes);
    this.checkResult(r);
    const stun = isStunPacket(bytes);
    assert.equal(typeof stun, 'boolean');
    if (!r.ok) {
      // isStunPacket is the cheap header check; it may pass a message whose attributes are broken.
      const framing = r.error.code === 'too-short' || r.error.code === 'not-stun' || r.error.code === 'bad-length';
      if (framing) assert.equal(stun, false, `isStunPacket accepted a message with ${r.error.code}`);
      return;
    }
    this.decodedOk++;
    const msg = r.value;
    if (stun) assert.equal(msg.rfc3489, false);
    assert.equal(msg.length, bytes.length);
    assert.equal(msg.transactionId.length, 12);
    assert.ok(CLASSES.includes(msg.cls));
    assert.ok(msg.method >= 0 && msg.method <= 0xfff);
    assert.equal(msg.legacyCookie?.length ?? 4, 4);
    let expectedOffset = 20;
    for (const a of msg.attributes) {
      assert.equal(a.offset, expectedOffset);
      expectedOffset += 4 + ((a.value.length + 3) & ~3);
      this.attributesChecked++;
      this.decodeValue(a.type, a.value, msg.transactionId);
    }
    assert.equal(expectedOffset, bytes.length);
    assert.ok(VERDICTS.has(verifyFingerprint(msg, bytes)));
    assert.ok(VERDICTS.has(verifyIntegrity(msg, bytes, KEY)));
    assert.ok(Array.isArray(comprehensionRequiredUnknown(msg, KNOWN)));

    // Whatever decodes re-encodes to the same structure (padding bytes aside).
    const again = decodeMessage(
      encodeMessage({ cls: msg.cls, method: msg.method, transactionId: msg.transactionId, attributes: msg.attributes, legacyCookie: msg.legacyCookie }),
    );
    assert.ok(again.ok);
    assertSameMessage(again.value, msg);
  }

  private decodeValue(type: number, value: Uint8Array, tid: Uint8Array): void {
    switch (type) {
      case Attr.MappedAddress:
      case Attr.ResponseAddress:
      case Attr.SourceAddress:
      case Attr.ChangedAddress:
      case Attr.AlternateServer:
      case Attr.ResponseOrigin:
      case Attr.OtherAddress:
        return this.checkResult(decodeAddress(value));
      case Attr.XorMappedAddress:
      case Attr.XorPeerAddress:
      case Attr.XorRelayedAddress:
      case LEGACY_XOR_MAPPED_ADDRESS:
        return this.checkResult(decodeXorAddress(value, tid));
      case Attr.ChangeRequest:
        return this.checkResult(decodeChangeRequest(value));
      case Attr.ResponsePort:
        return this.checkResult(decodeResponsePort(value));
      case Attr.ErrorCode:
        return this.checkResult(decodeErrorCode(value));
      case Attr.UnknownAttributes:
        return this.checkResult(decodeUnknownAttributes(value));
      case Attr.Username:
      case Attr.Realm:
      case Attr.Nonce:
      case Attr.Software:
        return this.checkResult(decodeText(value));
      case Attr.Padding:
        return this.checkResult(decodePadding(value));
      case Attr.Lifetime:
        return this.checkResult(decodeLifetime(value));
      case Attr.RequestedTransport:
        return this.checkResult(decodeRequestedTransport(value));
      default:
        // No codec for this type: still feed the value to one decoder, chosen by type, for coverage.
        switch (type % 6) {
          case 0:
            return this.checkResult(decodeAddress(value));
          case 1:
            return this.checkResult(decodeXorAddress(value, tid));
          case 2:
            return this.checkResult(decodeErrorCode(value));
          case 3:
            return this.checkResult(decodeText(value));
          case 4:
            return this.checkResult(decodeUnknownAttributes(value));
          default:
            return this.checkResult(decodeResponsePort(value));
        }
    }
  }

  private checkResult(r: Result<unknown>): void {
    assert.equal(typeof r, 'object');
    if (r.ok === true) {
      assert.ok('value' in r);
      return;
    }
    assert.equal(r.ok, false);
    assert.ok(ERROR_CODES.has(r.error.code), `untyped error code ${String(r.error.code)}`);
    assert.equal(typeof r.error.message, 'string');
    assert.ok(r.error.message.length > 0);
    this.errors.set(r.error.code, (this.errors.get(r.error.code) ?? 0) + 1);
  }

  report(label: string): string {
    const errors = [...this.errors].map(([k, v]) => `${k} ${v}`).join(', ');
    return `${label}: ${this.cases} cases, ${this.decodedOk} decoded ok, ${this.attributesChecked} attribute values checked (seed ${this.seed}; errors seen: ${errors})`;
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** assert.deepEqual, specialised: the generic one would dominate the fuzzer's run time. */
function assertSameMessage(a: StunMessage, b: StunMessage): void {
  assert.ok(a.cls === b.cls && a.method === b.method && a.rfc3489 === b.rfc3489 && a.length === b.length, 'header differs after re-encoding');
  assert.ok(sameBytes(a.transactionId, b.transactionId) && sameBytes(a.legacyCookie, b.legacyCookie), 'ID differs after re-encoding');
  assert.equal(a.attributes.length, b.attributes.length);
  a.attributes.forEach((x, i) => {
    const y = b.attributes[i];
    assert.ok(x.type === y.type && x.offset === y.offset && sameBytes(x.value, y.value), `attribute ${i} differs after re-encoding`);
  });
}

/**
 * Frames random bytes as a STUN message: top bits cleared, length field right, often the cookie,
 * and a chain of TLV headers whose lengths mostly fit, so the attribute walk and the value
 * decoders see random content instead of stopping at the first header.
 */
function frameRandom(f: Fuzzer, bytes: Uint8Array): Uint8Array {
  const body = (bytes.length - 20) & ~3;
  const framed = bytes.subarray(0, 20 + body);
  framed[0] &= 0x3f;
  framed[2] = body >>> 8;
  framed[3] = body & 0xff;
  if (f.chance(0.7)) framed.set([0x21, 0x12, 0xa4, 0x42], 4);
  let at = 20;
  while (framed.length - at >= 4) {
    const room = framed.length - at - 4;
    const type = f.chance(0.6) ? f.pick(KNOWN_TYPES) : f.int(0x10000);
    const len = f.chance(0.05) ? f.int(0x10000) : f.int(Math.min(room, 40) + 1);
    framed[at] = type >>> 8;
    framed[at + 1] = type & 0xff;
    framed[at + 2] = len >>> 8;
    framed[at + 3] = len & 0xff;
    at += 4 + ((len + 3) & ~3);
  }
  return framed;
}

function offsetCopy(input: Uint8Array, offset: number): Uint8Array {
  const pool = Buffer.alloc(input.length + offset + 3);
  pool.set(input, offset);
  return pool.subarray(offset, offset + input.length);
}

/** A random but plausible attribute, so framed messages reach the value decoders with near-valid data. */
function randomEndpoint(f: Fuzzer): { address: string; port: number } {
  let address: string;
  if (f.chance(0.5)) {
    address = `${f.int(256)}.${f.int(256)}.${f.int(256)}.${f.int(256)}`;
  } else {
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push((f.chance(0.3) ? 0 : f.int(0x10000)).toString(16));
    address = groups.join(':');
  }
  return { address, port: f.int(0x10000) };
}

const KNOWN_TYPES: readonly number[] = [...KNOWN, LEGACY_XOR_MAPPED_ADDRESS];
const METHODS: readonly number[] = Object.values(Method);
const PLAIN_ADDRESS_TYPES = [Attr.MappedAddress, Attr.OtherAddress, Attr.ResponseOrigin, Attr.ChangedAddress];
const XOR_ADDRESS_TYPES = [Attr.XorMappedAddress, Attr.XorPeerAddress, Attr.XorRelayedAddress];
const TEXT_TYPES = [Attr.Software, Attr.Username, Attr.Realm, Attr.Nonce];
const REASONS = ['', 'Bad Request', 'Stale Nonce', 'é✓🛰'];
const TEXTS = ['natprobe', 'ユーザー', 'x'.repeat(37), ''];

function randomAttribute(f: Fuzzer, tid: Uint8Array): StunAttribute {
  switch (f.int(12)) {
    case 0:
      return { type: f.pick(PLAIN_ADDRESS_TYPES), value: encodeAddress(randomEndpoint(f)) };
    case 1:
      return { type: f.pick(XOR_ADDRESS_TYPES), value: encodeXorAddress(randomEndpoint(f), tid) };
    case 2:
      return { type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: f.chance(0.5), changePort: f.chance(0.5) }) };
    case 3:
      return { type: Attr.ResponsePort, value: encodeResponsePort(f.int(0x10000)) };
    case 4:
      return { type: Attr.ErrorCode, value: encodeErrorCode({ code: 300 + f.int(400), reason: f.pick(REASONS) }) };
    case 5:
      return { type: Attr.UnknownAttributes, value: encodeUnknownAttributes([f.int(0x10000), f.int(0x10000), f.int(0x10000)].slice(f.int(4))) };
    case 6:
      return { type: f.pick(TEXT_TYPES), value: encodeText(f.pick(TEXTS)) };
    case 7:
      return { type: Attr.Lifetime, value: encodeLifetime(f.int(0x10000) * 0x10000) };
    default: {
      // Raw bytes of a random length under a known or random type: the malformed-value path.
      const type = f.chance(0.7) ? f.pick(KNOWN_TYPES) : f.int(0x10000);
      return { type, value: f.bytes(f.chance(0.5) ? f.int(24) : f.int(120)) };
    }
  }
}

function randomMessage(f: Fuzzer): Uint8Array {
  const tid = f.bytes(12);
  const attributes: StunAttribute[] = [];
  for (let i = f.int(7); i > 0; i--) attributes.push(randomAttribute(f, tid));
  return encodeMessage(
    {
      cls: f.pick(CLASSES),
      method: f.chance(0.8) ? f.pick(METHODS) : f.int(0x1000),
      transactionId: tid,
      attributes,
      ...(f.chance(0.1) ? { legacyCookie: f.bytes(4) } : {}),
    },
    { integrityKey: f.chance(0.3) ? KEY : undefined, fingerprint: f.chance(0.5), paddingByte: f.chance(0.2) ? f.int(256) : 0 },
  );
}

/** One structural edit of a valid message: the ways real datagrams go wrong, and some that don't. */
function mutate(f: Fuzzer, original: Uint8Array): Uint8Array {
  let b = new Uint8Array(original);
  const edits = 1 + f.int(3);
  for (let e = 0; e < edits; e++) {
    switch (f.int(9)) {
      case 0: {
        // bit flips
        const flips = 1 + f.int(4);
        for (let i = 0; i < flips && b.length > 0; i++) b[f.int(b.length)] ^= 1 << f.int(8);
        break;
      }
      case 1: // truncation
        b = b.slice(0, f.int(b.length + 1));
        break;
      case 2: {
        // extension with random bytes
        const grown = new Uint8Array(b.length + 1 + f.int(32));
        grown.set(b);
        grown.set(f.bytes(grown.length - b.length), b.length);
        b = grown;
        break;
      }
      case 3: {
        // header length edits: random, off by a little, or "fixed up" to match the datagram
        if (b.length < 4) break;
        const declared = (b[2] << 8) | b[3];
        const choice = f.int(4);
        const next = choice === 0 ? f.int(0x10000) : choice === 1 ? declared + f.pick([-8, -4, -1, 1, 4, 8]) : Math.max(0, b.length - 20);
        b[2] = (next >>> 8) & 0xff;
        b[3] = next & 0xff;
        break;
      }
      case 4: {
        // an attribute length field set to something else
        if (b.length < 24) break;
        const at = 20 + 4 * f.int((b.length - 20) >> 2);
        const len = f.pick([0, 1, 3, 4, 5, 8, 20, 0xffff, f.int(0x10000)]);
        if (at + 3 < b.length) {
          b[at + 2] = len >>> 8;
          b[at + 3] = len & 0xff;
        }
        break;
      }
      case 5: // random byte overwrite
        if (b.length > 0) b[f.int(b.length)] = f.int(256);
        break;
      case 6: {
        // truncate to a 4-byte boundary and fix the header, so framing passes and attributes overrun
        const cut = 20 + 4 * f.int(Math.max(1, (b.length - 20) >> 2));
        b = b.slice(0, Math.min(cut, b.length));
        if (b.length >= 4) {
          b[2] = ((b.length - 20) >>> 8) & 0xff;
          b[3] = (b.length - 20) & 0xff;
        }
        break;
      }
      case 7: {
        // change an attribute type to another known one (e.g. SOFTWARE bytes read as an address)
        if (b.length < 24) break;
        const at = 20 + 4 * f.int((b.length - 20) >> 2);
        const type = f.pick(KNOWN_TYPES);
        b[at] = type >>> 8;
        b[at + 1] = type & 0xff;
        break;
      }
      default: {
        // clear the top bits and set the cookie, pushing more inputs past the first checks
        if (b.length >= 8) {
          b[0] &= 0x3f;
          b.set([0x21, 0x12, 0xa4, 0x42], 4);
        }
        break;
      }
    }
  }
  return b;
}

describe('fuzzing the STUN codec (seeded; never throws, always a typed result)', function () {
  this.timeout(120_000);
  const n = (base: number): number => Math.round(base * SCALE);
  const totals = { cases: 0, ok: 0 };
  const vectors = [SAMPLE_REQUEST, SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE, LONG_TERM_REQUEST];

  after(() => {
    console.log(`      fuzz total: ${totals.cases} cases, ${totals.ok} decoded ok`);
  });

  function finish(f: Fuzzer, label: string): void {
    totals.cases += f.cases;
    totals.ok += f.decodedOk;
    console.log(`      ${f.report(label)}`);
  }

  it('random datagrams of 0..600 bytes', () => {
    const f = new Fuzzer(SEED);
    for (let i = 0; i < n(500_000); i++) {
      const len = f.int(601);
      const bytes = f.bytes(len);
      // Frame a quarter of them, so more than the header checks get exercised.
      if (len >= 20 && f.chance(0.25)) f.run('random-framed', frameRandom(f, bytes));
      else f.run('random', bytes);
    }
    finish(f, 'random');
  });

  it('random well-formed messages built with the encoders', () => {
    const f = new Fuzzer(SEED + 1);
    for (let i = 0; i < n(100_000); i++) f.run('encoded', randomMessage(f));
    finish(f, 'encoded');
  });

  it('mutations (bit flips, truncations, extensions, length edits) of the RFC 5769 vectors and encoded messages', () => {
    const f = new Fuzzer(SEED + 2);
    const corpus = [...vectors, ...Array.from({ length: 64 }, () => randomMessage(f))];
    for (let i = 0; i < n(400_000); i++) f.run('mutated', mutate(f, f.pick(corpus)));
    finish(f, 'mutated');
  });

  it('every single-bit flip and every truncation of each RFC 5769 vector', () => {
    const f = new Fuzzer(SEED + 3);
    for (const v of vectors) {
      for (let bit = 0; bit < v.length * 8; bit++) {
        const b = new Uint8Array(v);
        b[bit >> 3] ^= 1 << (bit & 7);
        f.run('vector-bitflip', b);
        // Fingerprinted vectors must notice every flip that still decodes.
        const r = decodeMessage(b);
        if (r.ok && v !== LONG_TERM_REQUEST) assert.notEqual(verifyFingerprint(r.value, b), 'valid', `bit ${bit} flip went unnoticed`);
      }
      for (let len = 0; len < v.length; len++) f.run('vector-truncated', v.subarray(0, len));
    }
    finish(f, 'vector-exhaustive');
    assert.ok(totals.cases >= n(1_000_000), `only ${totals.cases} cases ran`);
  });
});
