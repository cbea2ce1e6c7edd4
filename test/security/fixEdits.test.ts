// Every fix keeps the file's line endings, and edits made on decoded text land on the same bytes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEditsToBytes, byteOffsetsOf } from '../../src/cli/byteEdits';
import { lintText } from '../../src/lint';
import { applyPreferredFixes } from '../../src/lint/applyFixes';
import type { Finding } from '../../src/lint/types';
import { prng } from '../support/prng';

const FIXTURES = path.resolve(__dirname, '../fixtures');

function configs(): { name: string; text: string }[] {
  return ['wireguard', 'openvpn'].flatMap((format) =>
    fs
      .readdirSync(path.join(FIXTURES, format))
      .filter((n) => !n.endsWith('.json') && fs.statSync(path.join(FIXTURES, format, n)).isFile())
      .map((n) => ({ name: `${format}/${n}`, text: fs.readFileSync(path.join(FIXTURES, format, n), 'utf8') })),
  );
}

/** The text with each fix applied alone (preferred or not). */
function eachFixApplied(text: string, findings: readonly Finding[]): { title: string; text: string }[] {
  return findings.flatMap((f) => f.fixes.map((x) => ({ title: `${f.ruleId}: ${x.title}`, text: applyPreferredFixes(text, [{ ...f, fixes: [{ ...x, isPreferred: true }] }]).text })));
}

describe('security: fixes keep CRLF line endings', function () {
  this.timeout(120000);
  it('every fix of every fixture, converted to CRLF, writes only CRLF line breaks', function () {
    let checked = 0;
    for (const c of configs()) {
      if (/\r(?!\n)/.test(c.text)) continue; // lone-CR fixtures are about converting endings
      const crlf = c.text.replace(/\r?\n/g, '\r\n');
      const outcome = lintText(crlf, { fileName: path.basename(c.name) });
      if (!outcome.format) continue;
      for (const r of eachFixApplied(crlf, outcome.findings)) {
        checked++;
        assert.doesNotMatch(r.text, /\r\r|(?<!\r)\n|\r(?!\n)/, `${c.name}: ${r.title} broke the CRLF line endings`);
      }
    }
    // A floor, so the test cannot pass by checking nothing (96 fixes when this was written).
    assert.ok(checked > 80, `only ${checked} fixes checked`);
  });
});

describe('security: edits on decoded text land on the original bytes', function () {
  it('byteOffsetsOf agrees with Buffer decoding on 2,000 random byte strings', function () {
    const rand = prng(7);
    const pieces = [[0x41], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xe9], [0xc3], [0xe2, 0x82], [0xf0, 0x9f], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80], [0xff], [0x0a]];
    for (let n = 0; n < 2000; n++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 12) }, () => pieces[Math.floor(rand() * pieces.length)]).flat());
      const text = bytes.toString('utf8');
      // Each code point boundary of the decoded text maps to a byte offset whose prefix decodes to the text before it.
      const boundaries = [...Array(text.length + 1).keys()].filter((i) => !(i > 0 && i < text.length && /[\uDC00-\uDFFF]/.test(text[i])));
      const offsets = byteOffsetsOf(bytes, boundaries);
      boundaries.forEach((u, k) => {
        assert.equal(bytes.subarray(0, offsets[k]).toString('utf8').length, u, `bytes ${bytes.toString('hex')} at ${u}`);
      });
    }
  });

  it('applyEditsToBytes replaces only the edited bytes, and refuses an edit that would join a broken sequence', function () {
    const bytes = Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a, 0x3b, 0x20, 0x78, 0x0a]); // "# caf\xe9\n; x\n"
    const text = bytes.toString('utf8');
    const out = applyEditsToBytes(bytes, text, [{ start: text.indexOf(';'), end: text.indexOf(';') + 1, newText: '#' }]);
    assert.deepEqual(out, Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a, 0x23, 0x20, 0x78, 0x0a]));
    // "\xe2" "X" "\x82\xac": deleting X would make a euro sign out of three replacement characters.
    const broken = Buffer.from([0xe2, 0x58, 0x82, 0xac]);
    assert.equal(applyEditsToBytes(broken, broken.toString('utf8'), [{ start: 1, end: 2, newText: '' }]), undefined);
  });
});
