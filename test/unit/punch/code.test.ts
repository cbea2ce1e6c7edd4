import assert from 'node:assert/strict';
import { CODE_WORDS, deriveKeys, newCode, parseCode } from '../../../src/engine/punch/code';
import { WORDS } from '../../../src/engine/punch/words';

describe('punch session codes', () => {
  it('the word list has 256 distinct words, no two sharing their first three letters, none longer than eight letters', () => {
    assert.equal(WORDS.length, 256);
    assert.equal(new Set(WORDS.map((w) => w.slice(0, 3))).size, 256);
    assert.ok(WORDS.every((w) => /^[a-z]{3,8}$/.test(w)));
  });

  it('a fresh code is six words, one per random byte (48 bits)', () => {
    assert.equal(newCode(() => new Uint8Array([0, 1, 2, 253, 254, 255])), [WORDS[0], WORDS[1], WORDS[2], WORDS[253], WORDS[254], WORDS[255]].join('-'));
    const code = newCode();
    assert.equal(code.split('-').length, CODE_WORDS);
    assert.deepEqual(parseCode(code), { ok: true, code });
  });

  it('reads a code as typed: any case, spaces or hyphens, a word known by its first three letters', () => {
    const code = [WORDS[10], WORDS[20], WORDS[30], WORDS[40], WORDS[50], WORDS[60]].join('-');
    const typed = `  ${WORDS[10].toUpperCase()} ${WORDS[20]}, ${WORDS[30].slice(0, 3)}xx.${WORDS[40]}_${WORDS[50]}-${WORDS[60]} `;
    assert.deepEqual(parseCode(typed), { ok: true, code });
  });

  it('refuses a wrong number of words, unknown words, digits and huge input with a clear reason', () => {
    assert.match((parseCode('acorn actor') as { error: string }).error, /six|6 words/);
    assert.match((parseCode('acorn actor adobe agent album qqq') as { error: string }).error, /"qqq" is not one of the code words/);
    assert.equal(parseCode('acorn actor adobe agent album 123').ok, false);
    assert.equal(parseCode('a'.repeat(100_000)).ok, false);
  });

  it('both ends derive the same keys from the code; the session id sent to the server and the check key differ', () => {
    const a = deriveKeys('acorn-actor-adobe-agent-album-alley');
    const b = deriveKeys('acorn-actor-adobe-agent-album-alley');
    const c = deriveKeys('acorn-actor-adobe-agent-album-amber');
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.sessionId, c.sessionId);
    assert.equal(a.sessionId.length, 16);
    assert.equal(a.checkKey.length, 32);
    assert.notDeepEqual(Buffer.from(a.sessionId), Buffer.from(a.checkKey.slice(0, 16)));
  });
});
