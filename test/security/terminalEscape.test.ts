// Issue 9: text from the network reaches the reader only with its control characters made
// visible, in every renderer: terminal text (with and without colour), Markdown, logs, JSON.
import assert from 'node:assert/strict';
import { compareReports } from '../../src/engine/compare';
import { renderComparison } from '../../src/report/renderComparison';
import { renderMarkdown } from '../../src/report/renderMarkdown';
import { renderText } from '../../src/report/renderText';
import { safeDeep, safeJson, safeText } from '../../src/report/safeText';
import { HOSTILE, RAW_CONTROL, everywhere, reportFromHostileServer } from './hostile';

/** The text with our own SGR colour sequences (ESC [ digits m) removed. */
const withoutOwnColours = (s: string): string => s.replace(/\u001b\[\d{1,2}m/g, ''); // eslint-disable-line no-control-regex

describe('security: terminal escape injection', () => {
  it('a real diagnosis keeps the SOFTWARE a server sent as it is in the report (JSON stays faithful)', async () => {
    const report = await reportFromHostileServer();
    assert.equal(report.servers[0].software, HOSTILE);
    assert.deepEqual(JSON.parse(safeJson(report)), JSON.parse(JSON.stringify(report)));
  });

  it('renderText shows that SOFTWARE with every control made visible, with and without colour', async () => {
    const report = await reportFromHostileServer();
    const plain = renderText(report);
    assert.doesNotMatch(plain.replace(/\n/g, ''), RAW_CONTROL);
    assert.ok(plain.includes('\\x1b]0;pwned\\x07'), plain);
    assert.ok(plain.includes('\\x0dVerdict: No NAT\\x0afake line\\x9b31m\\u{202e}evil'), plain);
    const coloured = renderText(report, { color: true });
    assert.doesNotMatch(withoutOwnColours(coloured).replace(/\n/g, ''), RAW_CONTROL);
  });

  it('renderText: no field of a report can carry a control character or a forged line to the terminal', async () => {
    const report = everywhere(await reportFromHostileServer('x'));
    const clean = renderText({ ...report, servers: report.servers.map((s) => ({ ...s, software: 'x' })) }).split('\n').length;
    for (const color of [false, true]) {
      const out = renderText(report, { color });
      assert.doesNotMatch(withoutOwnColours(out).replace(/\n/g, ''), RAW_CONTROL);
      assert.ok(!out.includes('\nfake line'), 'a newline from the network started a line of its own');
      // Same number of lines as the report with harmless text: nothing was forged.
      if (!color) assert.equal(out.split('\n').length, clean + 0);
    }
  });

  it('renderMarkdown: no control characters, no link, image, HTML, entity or emphasis from the network', async () => {
    const md = renderMarkdown(everywhere(await reportFromHostileServer()));
    assert.doesNotMatch(md.replace(/\n/g, ''), RAW_CONTROL);
    assert.ok(!/(^|[^\\])\[click\]\(/.test(md), 'an unescaped link');
    assert.ok(!md.includes('<img'), 'raw HTML');
    assert.ok(!/(^|[^\\])\*\*bold/.test(md), 'unescaped emphasis');
    assert.ok(!md.includes(' &#x202e;'), 'an HTML entity that would decode to a bidi override');
    assert.ok(md.includes('\\[click\\]'), md);
  });

  it('safeText bounds the length and makes each character visible, one escape per character', () => {
    assert.equal(safeText('a\u001bb\u202ec\u2028'), 'a\\x1bb\\u{202e}c\\u{2028}');
    assert.equal(safeText('ok: 203.0.113.5:40000 — fine'), 'ok: 203.0.113.5:40000 — fine');
    assert.equal(safeText('y'.repeat(5000)).length, 1001);
  });

  it('safeDeep copies own data only: a "__proto__" key from JSON does not become the copy\'s prototype', () => {
    const parsed = JSON.parse('{"a":"x","__proto__":{"udpReason":"\\u001b[2J"}}') as Record<string, unknown>;
    const copy = safeDeep(parsed);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal((copy as { udpReason?: string }).udpReason, undefined);
    assert.equal(copy.a, 'x');
  });

  it('safeJson: the same value back, but no raw DEL, C1 or bidi character in the text', () => {
    const value = { software: HOSTILE, n: 1 };
    const text = safeJson(value, 2);
    assert.deepEqual(JSON.parse(text), value);
    assert.doesNotMatch(text, RAW_CONTROL);
    // JSON.stringify alone leaves U+009B and U+202E raw: the reason safeJson exists.
    assert.match(JSON.stringify(value), RAW_CONTROL);
  });
});

describe('security: terminal escape injection through natprobe compare', () => {
  it('the compare verdict quotes report reasons only with their controls made visible', async () => {
    const a = await reportFromHostileServer('x');
    const hostile = { ...a, udp: 'unknown' as const, udpReason: HOSTILE };
    const verdict = compareReports(hostile, a);
    assert.ok(verdict.reason.includes('\\x1b]0;pwned'), verdict.reason);
    assert.doesNotMatch(verdict.reason, RAW_CONTROL);
    assert.doesNotMatch(verdict.reason, /\n/);
  });
});

describe('security: Markdown injection through the compared reports (extension)', () => {
  it('the comparison document escapes the verdict reason, the addresses and the labels of report files', async () => {
    const a = await reportFromHostileServer('x');
    const b = { ...a, udp: 'unknown' as const, udpReason: HOSTILE, publicEndpoints: [{ ...a.publicEndpoints[0], address: '[x](https://evil.example)' }] };
    const md = renderComparison(
      [
        { label: 'a.json', report: a },
        { label: '<img src=x>.json', report: b },
      ],
      compareReports(a, b),
    );
    assert.doesNotMatch(md.replace(/\n/g, ''), RAW_CONTROL);
    assert.ok(!/(^|[^\\])\[click\]\(/.test(md), md);
    assert.ok(!/(^|[^\\])\[x\]\(/.test(md), md);
    assert.ok(!md.includes('<img'), md);
  });
});
