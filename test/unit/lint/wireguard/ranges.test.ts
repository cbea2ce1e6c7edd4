// Ranges point at the characters the finding is about: the exact substring under the range.
import * as assert from 'node:assert/strict';
import { splitLines } from '../../../../src/lint/text';
import { fixture, fixtures, lintFixture, textAt } from './helpers';

/** fixture → rule → the text the (first) finding of that rule must cover. */
const UNDER: [string, string, string | ((f: string) => string)][] = [
  ['wg01-typo.conf', 'WG01', 'PrivatKey'],
  ['wg01-nosect.conf', 'WG01', 'ListenPort = 51000'],
  ['wg01-noeq.conf', 'WG01', 'PersistentKeepalive 25'],
  ['wg01-empty.conf', 'WG01', 'PersistentKeepalive ='],
  ['wg01-space.conf', 'WG01', 'Private Key'],
  ['wg01-lonecr.conf', 'WG01', ''],
  ['wg01-wrongsec.conf', 'WG01', 'ListenPort'],
  ['wg02-section.conf', 'WG02', '[Peers]'],
  ['wg02-semi.conf', 'WG02', '; exported from a router UI'],
  ['wg02-bom.conf', 'WG02', '\uFEFF'],
  ['wg02-inline.conf', 'WG02', '; default port'],
  ['wg03.conf', 'WG03', 'DNS'],
  ['wg04-short.conf', 'WG04', (t) => /PublicKey = (\S+)/.exec(t)![1]],
  ['wg04-urlsafe.conf', 'WG04', (t) => /PublicKey = (\S+)/.exec(t)![1]],
  ['wg04-hexpriv.conf', 'WG04', (t) => /PrivateKey = (\S+)/.exec(t)![1]],
  ['wg04-psk.conf', 'WG04', (t) => /PresharedKey = (\S+)/.exec(t)![1]],
  ['wg05-nopub.conf', 'WG05', '[Peer]'],
  ['wg05-nopriv.conf', 'WG05', '[Interface]'],
  ['wg06-dup.conf', 'WG06', 'ListenPort = 21000'],
  ['wg07-dup-peer.conf', 'WG07', (t) => /PublicKey = (\S+)/.exec(t)![1]],
  ['wg08-self.conf', 'WG08', (t) => /PublicKey = (\S+)/.exec(t)![1]],
  ['wg09-dup.conf', 'WG09', '10.42.0.2/32'],
  ['nested.conf', 'WG09', '10.1.0.0/16'],
  ['wg10-host.conf', 'WG10', 'printer.example.com'],
  ['wg10-cidr.conf', 'WG10', '10.44.0.0/33'],
  ['wg10-trail.conf', 'WG10', ','],
  ['wg10-hostbits.conf', 'WG10', '10.46.0.1/24'],
  ['wg11-wrap.conf', 'WG11', '70000'],
  ['wg11-port0.conf', 'WG11', '0'],
  ['wg11-service.conf', 'WG11', 'https'],
  ['wg12-noport.conf', 'WG12', '203.0.113.94'],
  ['wg12-v6.conf', 'WG12', '2001:db8:51::1:51820'],
  ['wg13-ka.conf', 'WG13', '25s'],
  ['wg13-fwmark.conf', 'WG13', '0x1ffffffff'],
  ['wg14.conf', 'WG14', 'Endpoint = 203.0.113.97:51820'],
  ['wg15.conf', 'WG15', '120'],
  ['wg16.conf', 'WG16', '0.0.0.0/0'],
  ['wg17.conf', 'WG17', '[Interface]'],
  ['My VPN (home).conf', 'WQ01', '[Interface]'],
  ['wq02.conf', 'WQ02', '[ Interface ]'],
  ['wq03.conf', 'WQ03', 'yes'],
  ['saveconfig.conf', 'WQ03', 'true'],
  ['wq04.conf', 'WQ04', '1200'],
  ['wq05.conf', 'WQ05', '1500'],
  ['wq07.conf', 'WQ07', '#42"'],
  ['highport.conf', 'PORT03', '43117'],
  ['multi-error.conf', 'WG13', '-1'],
  ['multi-error.conf', 'WG12', '203.0.113.110'],
  ['multi-error.conf', 'WG04', 'not-a-key'],
];

describe('WireGuard findings: ranges', function () {
  for (const [name, rule, want] of UNDER) {
    it(`${name}: ${rule} covers ${JSON.stringify(typeof want === 'string' ? want : '(the key)')}`, function () {
      const text = fixture(name).text;
      const f = lintFixture(name).findings.find((x) => x.ruleId === rule);
      assert.ok(f, `${rule} not found`);
      assert.equal(textAt(text, f.range), typeof want === 'string' ? want : want(text));
    });
  }

  it('every finding of every fixture has a range inside the text, start before end; related ranges too', function () {
    for (const fx of fixtures()) {
      const { lines } = splitLines(fx.text);
      const inside = (r: { start: { line: number; column: number }; end: { line: number; column: number } }): boolean =>
        r.start.line >= 0 &&
        r.end.line < lines.length &&
        r.start.column >= 0 &&
        r.start.column <= lines[r.start.line].length &&
        r.end.column <= lines[r.end.line].length &&
        (r.start.line < r.end.line || r.start.column <= r.end.column);
      for (const f of lintFixture(fx.name).findings) {
        assert.ok(inside(f.range), `${fx.name} ${f.ruleId} ${JSON.stringify(f.range)}`);
        for (const rel of f.related ?? []) assert.ok(inside(rel.range), `${fx.name} ${f.ruleId} related`);
        for (const fix of f.fixes) for (const e of fix.edits) assert.ok(e.range.start.line <= lines.length, `${fx.name} ${f.ruleId} edit`);
        assert.ok(!f.message.includes('\n'), 'one-line message');
        assert.ok(f.fixes.filter((x) => x.isPreferred).length <= 1, 'at most one preferred fix');
      }
    }
  });

  it('the line-0 range after a BOM starts after the BOM for headers', function () {
    const text = fixture('wg02-bom.conf').text;
    assert.equal(text.charCodeAt(0), 0xfeff);
    const r = lintFixture('wg02-bom.conf', { fileName: 'bad name.conf' });
    const wq01 = r.findings.find((x) => x.ruleId === 'WQ01')!;
    assert.equal(textAt(text, wq01.range), '[Interface]');
  });
});
