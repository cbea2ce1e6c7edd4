// Fixes: applying any offered fix removes the finding it belongs to (re-lint), and the
// preferred fixes are the semantics-preserving ones.
import * as assert from 'node:assert/strict';
import { lintWireGuard } from '../../../../src/lint/wireguard';
import { applyPreferredFixes } from '../../../../src/lint/applyFixes';
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

  describe('WG09 (a prefix in two peers): nothing that guesses which peer is wrong is preferred', function () {
    const server = (address: string, a: string, b: string): string =>
      `[Interface]\nPrivateKey = ${PAIR.priv}\nAddress = ${address}\nListenPort = 1000\n\n[Peer]\n# laptop\nPublicKey = ${PEER_PUB}\nAllowedIPs = ${a}\n\n[Peer]\n# phone, copied from the laptop\nPublicKey = ${PEER_PUB2}\nAllowedIPs = ${b}\n`;
    const wg09 = (t: string): Finding => lintWireGuard(t).findings.find((x) => x.ruleId === 'WG09' && x.severity === 'warning')!;
    const byTitle = (f: Finding, re: RegExp): number => {
      const i = f.fixes.findIndex((x) => re.test(x.title));
      assert.ok(i >= 0, `fixes: ${f.fixes.map((x) => x.title).join(', ')}`);
      return i;
    };

    it('offers removal and the next free address for either peer, none preferred', function () {
      const t = server('10.0.0.1/24', '10.0.0.2/32', '10.0.0.2/32');
      const f = wg09(t);
      assert.deepEqual(f.fixes.map((x) => x.title), [
        'Give this peer the next free address, 10.0.0.3/32',
        'Give the peer on line 11 the next free address, 10.0.0.3/32',
        'Remove 10.0.0.2/32 here (where wg ignores it)',
      ]);
      assert.equal(f.fixes.filter((x) => x.isPreferred).length, 0);
      assert.equal(applyPreferredFixes(t, lintWireGuard(t).findings).text, t, 'fix-all changes nothing');
    });

    it('"the peer on line N" gets the address: the laptop keeps its own', function () {
      const t = server('10.0.0.1/24', '10.0.0.2/32', '10.0.0.2/32');
      const fixed = applyFix(t, wg09(t), byTitle(wg09(t), /peer on line 11/));
      assert.match(fixed, /# laptop\nPublicKey = [^\n]+\nAllowedIPs = 10\.0\.0\.2\/32\n/);
      assert.match(fixed, /# phone[^\n]*\nPublicKey = [^\n]+\nAllowedIPs = 10\.0\.0\.3\/32\n$/);
      assert.equal(lintWireGuard(fixed).findings.filter((x) => x.ruleId === 'WG09').length, 0);
    });

    it('"this peer" gets the address, the rest of its list kept', function () {
      const t = server('10.0.0.1/24', '10.0.0.2/32, 192.168.5.0/24', '10.0.0.2/32');
      const fixed = applyFix(t, wg09(t), byTitle(wg09(t), /Give this peer/));
      assert.match(fixed, /AllowedIPs = 10\.0\.0\.3\/32, 192\.168\.5\.0\/24\n/);
    });

    it('removal still removes it from the earlier peer only, keeping the rest of its list', function () {
      const t = `[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 1000\n[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.2/32, 10.1.0.0/16\n[Peer]\nPublicKey = ${PEER_PUB2}\nAllowedIPs = 10.0.0.2/32\n`;
      const f = wg09(t);
      const fixed = applyFix(t, f, byTitle(f, /Remove/));
      assert.match(fixed, /PublicKey = [^\n]+\nAllowedIPs = 10\.1\.0\.0\/16\n/);
      assert.match(fixed, /AllowedIPs = 10\.0\.0\.2\/32\n$/);
    });

    it('IPv6: the next free /128 in the interface\'s IPv6 subnet, beside an IPv4 Address', function () {
      const t = server('10.0.0.1/24, fd00:a::1/64', 'fd00:a::2/128', 'fd00:a::2/128');
      assert.equal(wg09(t).fixes[0].title, 'Give this peer the next free address, fd00:a::3/128');
    });

    it('no address to offer: no Address, a /32 Address, a full subnet, a shared prefix wider than one host, or one outside the subnet', function () {
      const noAddress = `[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 1000\n[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.2/32\n[Peer]\nPublicKey = ${PEER_PUB2}\nAllowedIPs = 10.0.0.2/32\n`;
      for (const t of [
        noAddress,
        server('10.0.0.1/32', '10.0.0.2/32', '10.0.0.2/32'),
        server('10.0.0.1/30', '10.0.0.2/32', '10.0.0.2/32'),
        server('10.0.0.1/24', '10.0.5.0/24', '10.0.5.0/24'),
        server('10.0.0.1/24', '10.9.0.2/32', '10.9.0.2/32'),
      ]) {
        const f = wg09(t);
        assert.deepEqual(f.fixes.map((x) => x.title.replace(/ [0-9./]+ /, ' X ')), ['Remove X here (where wg ignores it)'], t);
        assert.equal(f.fixes[0].isPreferred, undefined);
      }
    });
  });

  it('a fix is preferred only when it is certainly right: guesses between two readings are offered, never applied by fix-all', function () {
    const iface = `[Interface]\nPrivateKey = ${PAIR.priv}\nListenPort = 1000\n`;
    const cases: { rule: string; text: string; preferred: boolean }[] = [
      // Two different values of one key: which one was meant is a guess; the same value twice is not.
      { rule: 'WG06', text: `${iface}[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = 192.0.2.1:51820\nEndpoint = 192.0.2.2:51820\n`, preferred: false },
      { rule: 'WG06', text: `${iface}[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = 192.0.2.1:51820\nEndpoint = 192.0.2.1:51820\n`, preferred: true },
      // 10.0.0.2/24: the subnet, or the host 10.0.0.2/32?
      { rule: 'WG10', text: `${iface}[Peer]\nPublicKey = ${PEER_PUB}\nAllowedIPs = 10.0.0.2/24\n`, preferred: false },
      // 010.0.0.1 is read as 8.0.0.1; 10.0.0.1 was probably meant.
      { rule: 'WG12', text: `${iface}[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = 010.0.0.1:51820\nAllowedIPs = 10.0.0.2/32\n`, preferred: false },
      // Add ::/0, or block IPv6 in PostUp: two remedies.
      { rule: 'WG16', text: `${iface}[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = 192.0.2.1:51820\nAllowedIPs = 0.0.0.0/0\nPersistentKeepalive = 25\n`, preferred: false },
      // MTU 1200 with an IPv6 Address: raise the MTU, or drop the address?
      { rule: 'WQ04', text: `[Interface]\nPrivateKey = ${PAIR.priv}\nAddress = fd00::2/64\nMTU = 1200\n`, preferred: false },
      // ListenPort in [Peer]: moving it would replace the interface's own ListenPort.
      { rule: 'WG01', text: `${iface}[Peer]\nPublicKey = ${PEER_PUB}\nListenPort = 2000\n`, preferred: false },
      { rule: 'WG01', text: `[Interface]\nPrivateKey = ${PAIR.priv}\n[Peer]\nPublicKey = ${PEER_PUB}\nListenPort = 2000\n`, preferred: true },
    ];
    for (const c of cases) {
      const f = lintWireGuard(c.text, { fileName: 'wg0.conf' }).findings.find((x) => x.ruleId === c.rule && x.fixes.length > 0);
      assert.ok(f, `${c.rule} with a fix in\n${c.text}`);
      assert.equal(f.fixes.some((x) => x.isPreferred), c.preferred, `${c.rule}: ${f.fixes.map((x) => `${x.title}${x.isPreferred ? ' (preferred)' : ''}`).join(', ')}\n${c.text}`);
    }
  });

  it('WG12: a leading-zero host offers both readings', function () {
    const t = `[Interface]\nPrivateKey = ${PAIR.priv}\n[Peer]\nPublicKey = ${PEER_PUB}\nEndpoint = 010.0.0.1:51820\n`;
    const f = lintWireGuard(t).findings.find((x) => x.ruleId === 'WG12')!;
    assert.deepEqual(f.fixes.map((x) => x.title), ['Write 8.0.0.1 (as the resolver reads it)', 'Write 10.0.0.1 (leading zeros dropped)']);
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
