import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { blake2s } from '@noble/hashes/blake2s';
import {
  aeadOpen,
  aeadSeal,
  dh,
  hash,
  hmac,
  mac,
  publicKeyOf,
  tai64n,
  utf8,
  xaeadOpen,
  xaeadSeal,
} from '../../../src/engine/reach/wireguard/primitives';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const range = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from }, (_, i) => from + i);

const SUNSCREEN = utf8(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
);

describe('reach: WireGuard primitives against published vectors', () => {
  it('BLAKE2s-256("abc") (RFC 7693 Appendix B)', () => {
    assert.equal(toHex(hash(utf8('abc'))), '508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982');
  });

  it('keyed BLAKE2s (BLAKE2 reference blake2s-kat, first keyed entry) and the 16-byte MAC', () => {
    assert.equal(
      toHex(blake2s(new Uint8Array(0), { key: range(0, 32) })),
      '48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49',
    );
    // A 16-byte output sets the digest length in BLAKE2s's parameter block, so it is not a
    // prefix of the 32-byte one; the value is from Python's hashlib.blake2s (independent code).
    assert.equal(toHex(mac(range(0, 32), range(0, 3))), '1e2a79436a7796a3e9826bfedf07659f');
  });

  it('HMAC-BLAKE2s (RFC 2104 over BLAKE2s; cross-checked with Python hmac + hashlib.blake2s)', () => {
    assert.equal(
      toHex(hmac(utf8('key'), utf8('The quick brown fox jumps over the lazy dog'))),
      'f93215bb90d4af4c3061cd932fb169fb8bb8a91d0b4022baea1271e1323cd9a0',
    );
  });

  it('X25519 (RFC 7748 §6.1): public keys and the shared secret', () => {
    const alice = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bob = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    assert.equal(toHex(publicKeyOf(alice)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    assert.equal(toHex(publicKeyOf(bob)), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    assert.equal(toHex(dh(alice, publicKeyOf(bob))), shared);
    assert.equal(toHex(dh(bob, publicKeyOf(alice))), shared);
  });

  it('X25519 refuses a low-order public key (all-zero shared secret)', () => {
    assert.throws(() => dh(range(1, 33), new Uint8Array(32)), /no usable shared secret/);
  });

  it('ChaCha20-Poly1305 (RFC 8439 §2.8.2) through the counter nonce', () => {
    // The RFC's nonce starts 07000000, which WireGuard's (32 zero bits || LE64 counter) never
    // does: the vector checks the cipher aeadSeal uses, then aeadSeal's own nonce layout.
    const c = crypto.createCipheriv('chacha20-poly1305', range(0x80, 0xa0), hex('070000004041424344454647'), { authTagLength: 16 });
    c.setAAD(hex('50515253c0c1c2c3c4c5c6c7'), { plaintextLength: SUNSCREEN.length });
    const body = Buffer.concat([c.update(SUNSCREEN), c.final()]);
    assert.equal(toHex(body.subarray(0, 16)), 'd31a8d34648e60db7b86afbc53ef7ec2');
    assert.equal(toHex(c.getAuthTag()), '1ae10b594f09e26a7e902ecbd0600691');
    const key = range(0, 32);
    const sealed = aeadSeal(key, 7n, SUNSCREEN, utf8('ad'));
    assert.equal(sealed.length, SUNSCREEN.length + 16);
    assert.deepEqual(aeadOpen(key, 7n, sealed, utf8('ad')), SUNSCREEN);
    assert.equal(aeadOpen(key, 8n, sealed, utf8('ad')), undefined, 'another counter must not open');
    assert.equal(aeadOpen(key, 7n, sealed, utf8('AD')), undefined, 'other associated data must not open');
    const direct = crypto.createCipheriv('chacha20-poly1305', key, hex('000000000700000000000000'), { authTagLength: 16 });
    direct.setAAD(utf8('ad'), { plaintextLength: SUNSCREEN.length });
    assert.equal(toHex(sealed), toHex(Buffer.concat([direct.update(SUNSCREEN), direct.final(), direct.getAuthTag()])));
  });

  it('XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §A.3.1)', () => {
    const key = range(0x80, 0xa0);
    const nonce = range(0x40, 0x58);
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const sealed = xaeadSeal(key, nonce, SUNSCREEN, aad);
    assert.equal(toHex(sealed.subarray(0, 32)), 'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb');
    assert.equal(toHex(sealed.subarray(sealed.length - 16)), 'c0875924c1c7987947deafd8780acf49');
    assert.deepEqual(xaeadOpen(key, nonce, sealed, aad), SUNSCREEN);
    assert.equal(xaeadOpen(key, nonce, sealed, new Uint8Array(0)), undefined);
  });

  it('TAI64N: 2^62 + seconds, then nanoseconds, big-endian', () => {
    assert.equal(toHex(tai64n(1_700_000_000_123)), '400000006553f1000754d4c0');
  });
});
