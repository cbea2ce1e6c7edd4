// Adversarial input for each family of patterns in the linter, the completion and the outline:
// runs of blanks, brackets and comment marks with no end, where a backtracking pattern goes
// quadratic or worse. Sizes are chosen so that a quadratic pattern takes minutes (well past the
// timeout) and a linear one milliseconds; figures belong in bench/, this only catches the class.
import * as assert from 'node:assert/strict';
import { badBackslashes } from '../../src/lint/openvpn/rules/unreadableLines';
import { completionsAt } from '../../src/lint/docs/complete';
import { detectFormat } from '../../src/lint/detectFormat';
import { lintText } from '../../src/lint';
import { writesKeyMaterial } from '../../src/lint/secretFixes';
import { commentText, sectionHeaderName } from '../../src/extension/language/symbolLines';

const N = 300_000;
const blanks = ' '.repeat(N);

describe('security: no pattern backtracks super-linearly', function () {
  this.timeout(10000);

  it('completion: a value followed by a long run of blanks and more text (trailing-blank trim)', function () {
    const r = completionsAt(`[Peer]\nPersistentKeepalive = ${blanks}x\n`, 'wireguard', { line: 1, column: 22 });
    assert.ok(r === undefined || r.end >= 22);
    const list = completionsAt(`[Interface]\nDNS = 1.1.1.1,${blanks}x\n`, 'wireguard', { line: 1, column: 14 });
    assert.ok(list === undefined || list.end >= 14);
  });

  it('outline: a [ with blanks and no ], a comment of blanks before text', function () {
    assert.equal(sectionHeaderName(`[${blanks}x`), undefined);
    assert.equal(sectionHeaderName(`  [ ${blanks}Peer${blanks}]`), 'Peer');
    assert.equal(commentText(`#${blanks}x${blanks}y`), `x${blanks}y`);
    assert.equal(commentText(`## peer one  `), 'peer one');
  });

  it('format detection: lines of blanks, dashes and brackets', function () {
    for (const line of [`${blanks}x`, `${'-'.repeat(N)}x`, `[${blanks}`, `PrivateKey${blanks}x`]) detectFormat(`${line}\n`, `${'wg'.repeat(1000)}.conf`);
  });

  it('secret-fix detection: blanks after a line break with no key name', function () {
    assert.equal(writesKeyMaterial(`\n${blanks}private${blanks}key${blanks}x`), false);
    assert.equal(writesKeyMaterial(`\nPrivateKey = s3cr`), true);
  });

  it('OV05 and the parsers: one long line of backslashes, quotes, blanks or commas', function () {
    assert.equal(badBackslashes(`ca ${'\\x'.repeat(N)}`, 256).length, 257);
    for (const line of [`ca ${'\\x'.repeat(N)}`, `remote "${blanks}`, `AllowedIPs = ${','.repeat(N)}`, `Address = ${blanks},${blanks}x`, `[Peer${blanks}`]) {
      lintText(`${line}\n`, { format: line.startsWith('ca') || line.startsWith('remote') ? 'openvpn' : 'wireguard' });
    }
  });
});
