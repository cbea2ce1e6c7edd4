import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { longTermKey, saslprep, shortTermKey } from '../../../src/engine/stun';

describe('SASLprep / OpaqueString for STUN keys (RFC 4013, RFC 8489 §9)', () => {
  it('RFC 5769 §2.4: "The\\u00adM\\u00aatr\\u2168" prepares to "TheMatrIX"', () => {
    assert.equal(saslprep('The\u00adM\u00aatr\u2168'), 'TheMatrIX');
  });
  it('maps the "commonly mapped to nothing" characters of RFC 3454 B.1 to nothing', () => {
    const nothing = ['\u00ad', '\u034f', '\u1806', '\u180b', '\u180c', '\u180d', '\u200b', '\u200c', '\u200d', '\u2060', '\ufe00', '\ufe0f', '\ufeff'];
    for (const ch of nothing) assert.equal(saslprep(`a${ch}b`), 'ab', `U+${ch.codePointAt(0)!.toString(16)}`);
  });
  it('maps non-ASCII spaces (RFC 3454 C.1.2) to U+0020', () => {
    for (const ch of ['\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u202f', '\u205f', '\u3000']) {
      assert.equal(saslprep(`a${ch}b`), 'a b', `U+${ch.codePointAt(0)!.toString(16)}`);
    }
  });
  it('normalises with NFKC and leaves ASCII alone', () => {
    assert.equal(saslprep('\u2168'), 'IX');
    assert.equal(saslprep('e\u0301'), '\u00e9');
    assert.equal(saslprep('ﬁ'), 'fi');
    assert.equal(saslprep('VOkJxbRl1RmTxUk/WvJxBt'), 'VOkJxbRl1RmTxUk/WvJxBt');
  });
});

describe('credential keys', () => {
  it('short-term: the UTF-8 of the prepared password (RFC 8489 §9.1.1)', () => {
    assert.deepEqual(shortTermKey('pass\u00a0word'), new TextEncoder().encode('pass word'));
  });
  it('long-term: MD5(username ":" realm ":" password), realm and password prepared (RFC 8489 §9.2.2)', () => {
    const expected = createHash('md5').update('user:realm:pass word').digest();
    assert.deepEqual(Buffer.from(longTermKey('user', 'rea\u00adlm', 'pass\u3000word')), expected);
  });
});
