// TextLines (lines as offsets, cut on demand) must read exactly as splitLines, and the parser must
// build the same model from either.
import * as assert from 'node:assert/strict';
import { splitLines } from '../../../../src/lint/text';
import { TextLines } from '../../../../src/lint/wireguard/lines';
import { parseWireGuard } from '../../../../src/lint/wireguard/parser';
import type { Entry, Parsed } from '../../../../src/lint/wireguard/model';
import { fixtures, prng } from './helpers';

function same(t: string): void {
  const want = splitLines(t);
  const got = TextLines.fromText(t);
  assert.equal(got.count, want.lines.length, JSON.stringify(t));
  assert.equal(got.hasBom, want.hasBom);
  for (let i = -1; i <= want.lines.length; i++) {
    assert.equal(got.line(i), want.lines[i] ?? '', JSON.stringify(t));
    assert.equal(got.eol(i), want.eols[i], JSON.stringify(t));
    if (i >= 0 && i < want.lines.length) assert.equal(got.lineLength(i), want.lines[i].length);
  }
  assert.deepEqual({ lines: got.lines, eols: got.eols, hasBom: got.hasBom }, want, JSON.stringify(t));
}

function entryView(e: Entry): unknown {
  return [e.line, e.key, e.compactKey, e.name, e.placement, e.hasEquals, e.value, e.compactValue, e.hasValue, e.valueHasSemicolon, e.keyStart, e.keyEnd, e.valueStart, e.valueEnd, e.commentStart, e.consumedByWgQuick, e.usable, e.section?.headerLine];
}
function view(p: Parsed): unknown {
  return {
    sections: p.sections.map((s) => [s.kind, s.headerLine, s.headerStart, s.headerEnd, s.headerText, s.wgQuickInterface, s.lastLine, s.lastContentLine, s.entries.map(entryView)]),
    entries: p.entries.map(entryView),
    preamble: p.preamble.map(entryView),
    counts: [p.interfaces.length, p.peers.length],
    loneCrLines: p.loneCrLines,
    eol: p.eol,
    firstColumn: p.firstColumn,
  };
}

describe('TextLines', function () {
  it('reads as splitLines (fixtures and 20,000 random texts)', function () {
    for (const f of fixtures()) same(f.text);
    const rand = prng(7);
    const parts = ['a', 'bc', '\n', '\r', '\r\n', '\n\r', '\uFEFF', ' ', '#', '\r\r\n', '=', ';', '[Peer]', 'PublicKey'];
    for (let i = 0; i < 20_000; i++) {
      let t = '';
      const n = Math.floor(rand() * 14);
      for (let k = 0; k < n; k++) t += parts[Math.floor(rand() * parts.length)];
      same(t);
    }
  });

  it('the parser builds the same model from TextLines as from splitLines', function () {
    const rand = prng(11);
    const parts = [' ', '\t', '#', ';', '=', ',', '[Peer]', '[Interface]', '\n', '\r\n', '\r', '\uFEFF', 'PublicKey', 'AllowedIPs', 'Address', 'DNS', 'x', '10.0.0.1/32'];
    const texts = fixtures().map((f) => f.text);
    for (let i = 0; i < 5000; i++) {
      let t = '';
      const n = Math.floor(rand() * 20);
      for (let k = 0; k < n; k++) t += parts[Math.floor(rand() * parts.length)];
      texts.push(t);
    }
    for (const t of texts) assert.deepEqual(view(parseWireGuard(TextLines.fromText(t))), view(parseWireGuard(splitLines(t))), JSON.stringify(t));
  });
});
