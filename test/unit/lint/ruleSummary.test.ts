// Diagnostic hovers show the rule's title, one sentence of why and the link, not the whole rule
// page: ruleSummary is that short form, read from each page in docs/rules.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_WHY, firstSentence, ruleSummary } from '../../../src/lint/docs/ruleSummary';

const RULES = path.join(__dirname, '..', '..', '..', 'docs', 'rules');
const page = (id: string): string => fs.readFileSync(path.join(RULES, `${id}.md`), 'utf8');
const ids = fs.readdirSync(RULES).filter((f) => /^[A-Z]{2,5}\d{0,3}\.md$/.test(f)).map((f) => f.slice(0, -3));

describe('rule summary for hovers', function () {
  it('every rule page gives a title and one short line of why', function () {
    assert.ok(ids.length > 40, `${ids.length} pages`);
    for (const id of ids) {
      const s = ruleSummary(page(id));
      assert.ok(s, `${id}: no summary`);
      assert.ok(s.title && !s.title.startsWith(id), `${id}: title ${s.title}`);
      assert.ok(s.why.length >= 20 && s.why.length <= MAX_WHY, `${id}: ${s.why.length} characters: ${s.why}`);
      assert.ok(!/\n/.test(s.why), `${id}: more than one line`);
      assert.ok(!/What triggers it|^#|```/.test(s.why), `${id}: page structure leaked: ${s.why}`);
    }
  });

  it('OV01: no list of every trigger, just why it matters', function () {
    const s = ruleSummary(page('OV01'))!;
    assert.equal(s.title, 'Unknown option, wrong parameters or option in the wrong place');
    assert.match(s.why, /^OpenVPN stops on an unknown option/);
    assert.ok(!/nat-detect|block-outside-dns|topology subnett/.test(s.why), s.why);
    assert.ok(s.why.endsWith('…'), 'a long sentence is cut at a word');
  });

  it('WG14: one sentence, short enough that the key reference below it needs no scrolling', function () {
    const s = ruleSummary(page('WG14'))!;
    assert.equal(s.why, 'Behind a NAT the peer loses its way in once the idle mapping expires, which nobody intends (warning); without a probe the NAT is only a possibility (hint).');
  });

  it('the severity word is dropped (the diagnostic shows it) and a tool\'s lower-case name stays lower case', function () {
    assert.match(ruleSummary(page('WQ06'))!.why, /^wg-quick accepts the file, then fails half-way on this host/);
    assert.match(ruleSummary(page('WG09'))!.why, /^`wg` accepts the file/);
  });

  it('falls back to the first sentence of "## Why" when a page has no "Why this severity" line', function () {
    const s = ruleSummary('# XX01 — Something\n\n## What triggers it\n\nA thing.\n\n## Why\n\nBecause the tool (see e.g. foo(8). Really) stops. More text.\n');
    assert.deepEqual(s, { title: 'Something', why: 'Because the tool (see e.g. foo(8). Really) stops.' });
    assert.equal(ruleSummary('# XX02 — Nothing to say\n\nNo why here.\n'), undefined);
  });

  it('firstSentence: not at "e.g.", not inside parentheses or code', function () {
    assert.equal(firstSentence('Use e.g. `a. B` here. Then more.'), 'Use e.g. `a. B` here.');
    assert.equal(firstSentence('No full stop at all'), 'No full stop at all');
  });
});
