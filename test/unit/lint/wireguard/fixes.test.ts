// Fixes: applying any offered fix removes the finding it belongs to (re-lint), and the
// preferred fixes are the semantics-preserving ones.
import * as assert from 'node:assert/strict';
import { lintWireGuard } from '../../../../src/lint/wireguard';
import { applyTextEdits } from '../../../../src/lint/wireguard/fixes';
import type { Finding } from '../../../../src/lint/types';
import { PAIR, PEER_PUB, PEER_PUB2, applyFix, fixtures, lintFixture, report } from './helpers';

function count(text: string, rule: string, name: string, opts = {}): number {
  return lintWireGuard(text, { fileName: name, ...opts }).findings.filter((f) => f.ruleId === rule).length;
}

describe('WireGuard fixes', function () {
  it('every fix of every finding of every fixture makes that finding go away', function () {
    let applied = 0;
    const probe = report({ mapping: 'endpoint-independent', lifetime: 30 });
    for (const fx of fixtures()) {
      for (const opts of [{}, { report: probe }]) {
        const r = lintWireGuard(fx.text, { fileName: fx.name, ...opts });
        for (const f of r.findings) {
          for (let i = 0; i < f.fixes.length; i++) {
            const before = count(fx.text, f.ruleId, fx.name, opts);
            const fixed = applyFix(fx.text, f, i);
            assert.notEqual(fixed, fx.text, `${fx.name} ${f.ruleId} fix "${f.fixes[i].title}" changed nothing`);
            const after = count(fixed, f.ruleId, fx.name, opts);
            assert.ok(after < before, `${fx.name}: ${f.ruleId} fix "${f.fixes[i].title}" left ${after} of ${before}\n${fixed}`);
            applied++;
          }
        }
      }
    }
    assert.ok(applied > 60, `only ${applied} fixes applied`);
  });

  it('fixes never produce a new error-severity finding of another rule when preferred (except placeholders)', function () {
    for (const fx of fixtures()) {
      const r = lintWireGuard(fx.text, { fileName: fx.name });
      const errorsBefore = new Set(r.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId));
      for (const f of r.findings) {
        const i = f.fixes.findIndex((x) => x.isPreferred);
        if (i < 0) continue;
        const after = lintWireGuard(applyFix(fx.text, f, i), { fileName: fx.name }).findings.filter((x) => x.severity === 'error' && !errorsBefore.has(x.ruleId));
        assert.deepEqual(after.map((x) => `${x.ruleId}: ${x.message}`), [], `${fx.name} ${f.ruleId} "${f.fixes[i].title}"`);
      }
    }
  });

  it('applying all preferred fixes of a broken file at once (non-overlapping) gives a file wg accepts by our verdict', function () {
    const text = fixtures().find((f) => f.name === 'multi-error.conf')!.text;
    let cur = text;
    for (let round = 0; round < 5; round++) {
      const r = lintWireGuard(cur);
      const edits = r.findings.flatMap((f: Finding) => f.fixes.filter((x) => x.isPreferred).flatMap((x) => x.edits));
      if (edits.length === 0) break;
      cur = applyTextEdits(cur, edits).text;
    }
    const left = lintWireGuard(cur).findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);
    // Only what needs a human remains: the broken PublicKey and the keepalive value.
    assert.deepEqual(left.sort(), ['WG04', 'WG12', 'WG13']);
  });

  it('WG09 fix removes the prefix from the earlier peer only, keeping the rest of its list', function () {
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 1000\n[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.2/32, 10.1.0.0/16\n[Peer]\nPublicKey = ${PEER_PUB2}\nAllowedIPs = 10.0.0.2/32\n`;
    const f = lintWireGuard(t).findings.find((x) => x.ruleId === 'WG09')!;
    const fixed = applyFix(t, f);
    assert.match(fixed, /PublicKey = [^\n]+\nAllowedIPs = 10\.1\.0\.0\/16\n/);
    assert.match(fixed, /AllowedIPs = 10\.0\.0\.2\/32\n$/);
  });

  it('WG07 merge keeps the second section\'s AllowedIPs in the first peer', function () {
    const f = lintFixture('wg07-dup-peer.conf').findings.find((x) => x.ruleId === 'WG07')!;
    const fixed = applyFix(fixtures().find((x) => x.name === 'wg07-dup-peer.conf')!.text, f);
    assert.equal((fixed.match(/\[Peer\]/g) ?? []).length, 1);
    assert.match(fixed, /AllowedIPs = 10\.40\.0\.2\/32\n# laptop again, copy-pasted\nAllowedIPs = 10\.40\.0\.3\/32/);
  });

  it('inserted lines follow the file\'s line endings (CRLF)', function () {
    const t = `[Interface]\r\nPrivateKey = ${PAIR.priv}\r\n[Peer]\r\nPublicKey = ${PEER_PUB}\r\nEndpoint = 192.0.2.1:51820\r\n`;
    const f = lintWireGuard(t).findings.find((x) => x.ruleId === 'WG14')!;
    assert.match(applyFix(t, f), /Endpoint = 192\.0\.2\.1:51820\r\nPersistentKeepalive = 25\r\n$/);
    const noEol = t.replace(/\r\n$/, '');
    const g = lintWireGuard(noEol).findings.find((x) => x.ruleId === 'WG14')!;
    assert.match(applyFix(noEol, g), /Endpoint = 192\.0\.2\.1:51820\r\nPersistentKeepalive = 25$/);
  });

  it('applyTextEdits skips overlapping edits and applies the rest', function () {
    const r = applyTextEdits('abcdef', [
      { range: { start: { line: 0, column: 1 }, end: { line: 0, column: 3 } }, newText: 'X' },
      { range: { start: { line: 0, column: 2 }, end: { line: 0, column: 4 } }, newText: 'Y' },
      { range: { start: { line: 0, column: 5 }, end: { line: 0, column: 5 } }, newText: 'Z' },
    ]);
    assert.deepEqual(r, { text: 'aXdeZf', applied: 2, skipped: 1 });
  });
});
