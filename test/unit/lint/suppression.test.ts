// Turning rules off: suppression comments in both formats (next line, whole file, several IDs,
// none = all), the rule settings (off / another severity), the hints about suppressions that
// hide nothing (SUP01) or cannot hide what they name (SUP02), and PARSE, which nothing hides.
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { lintText, readRuleSettings } from '../../../src/lint';
import { applyPreferredFixes } from '../../../src/lint/applyFixes';
import { applyRuleSettings } from '../../../src/lint/suppression';
import type { Fix } from '../../../src/lint/types';
import type { ConfigFormat, Finding, LintOptions, LintResult } from '../../../src/lint/types';
import { lintWorkspace } from '../../../src/lint/workspace';

function lint(text: string, format: ConfigFormat, options: LintOptions = {}): LintResult {
  const r = lintText(text, { format, ...options });
  if (!r.format) throw new Error(r.error);
  return r;
}
/** The text after one fix (applied as the editor would). */
function applyFix(text: string, fix: Fix): string {
  const f: Finding = { ruleId: 'X', severity: 'hint', message: '', range: fix.edits[0].range, fixes: [{ ...fix, isPreferred: true }] };
  return applyPreferredFixes(text, [f]).text;
}
const ids = (r: LintResult): string[] => r.findings.map((f) => `${f.ruleId}@${f.range.start.line + 1}`);
const only = (r: LintResult, id: string): Finding[] => r.findings.filter((f) => f.ruleId === id);

// PORT03 (hint) on line 3, WG16 (warning) on line 7, WG14 (hint) on line 8.
const WG = [
  '[Interface]',
  'PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=',
  'ListenPort = 43117',
  '',
  '[Peer]',
  'PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
  'AllowedIPs = 0.0.0.0/0',
  'Endpoint = 192.0.2.1:51820',
  '',
];
const wgWith = (at: number, ...comments: string[]): string => [...WG.slice(0, at), ...comments, ...WG.slice(at)].join('\n');

// OV03 (warning: comp-lzo) on line 5.
const OV = ['client', 'dev tun', 'proto udp', 'remote vpn.example.com 1194', 'comp-lzo', 'ca ca.crt', 'cert c.crt', 'key c.key', ''];
const ovWith = (at: number, ...comments: string[]): string => [...OV.slice(0, at), ...comments, ...OV.slice(at)].join('\n');

describe('suppression comments and rule settings', () => {
  it('the samples trigger what the tests below hide (so hiding is what makes them pass)', () => {
    assert.deepEqual(ids(lint(WG.join('\n'), 'wireguard')), ['PORT03@3', 'WG16@7', 'WG14@8']);
    assert.deepEqual(ids(lint(OV.join('\n'), 'openvpn')), ['OV03@5']);
  });

  describe('WireGuard', () => {
    it('natprobe-disable-next-line hides that rule on the next line only', () => {
      const r = lint(wgWith(6, '# natprobe-disable-next-line WG16'), 'wireguard');
      assert.deepEqual(ids(r), ['PORT03@3', 'WG14@9']);
      // The same rule elsewhere is not hidden: the comment above line 3 names WG16, line 3 has PORT03.
      assert.deepEqual(ids(lint(wgWith(2, '# natprobe-disable-next-line WG16'), 'wireguard')), ['SUP01@3', 'PORT03@4', 'WG16@8', 'WG14@9']);
    });

    it('natprobe-disable hides the rules it names in the whole file, wherever it stands; IDs by commas or spaces, any case', () => {
      assert.deepEqual(ids(lint(wgWith(9, '# natprobe-disable WG14 port03'), 'wireguard')), ['WG16@7']);
      assert.deepEqual(ids(lint(wgWith(0, '#natprobe-disable WG16,WG14, PORT03 -- a lab config, routed by policy'), 'wireguard')), []);
    });

    it('no ID means every rule (but never PARSE)', () => {
      assert.deepEqual(ids(lint(wgWith(0, '# natprobe-disable'), 'wireguard')), []);
      assert.deepEqual(ids(lint(wgWith(6, '# natprobe-disable-next-line'), 'wireguard')), ['PORT03@3', 'WG14@9']);
    });

    it('stacked next-line comments all cover the first line below them that is not a suppression comment', () => {
      // Both cover the Endpoint line (WG14 there); WG16 is on the line above them, so its comment is unused.
      assert.deepEqual(ids(lint(wgWith(7, '# natprobe-disable-next-line WG14', '# natprobe-disable-next-line WG16'), 'wireguard')), ['PORT03@3', 'WG16@7', 'SUP01@9']);
    });

    it('`;` is not a comment in WireGuard: no suppression, and WG02 says so', () => {
      const r = lint(wgWith(6, '; natprobe-disable-next-line WG16'), 'wireguard');
      assert.ok(only(r, 'WG16').length === 1 && only(r, 'WG02').length === 1, ids(r).join(' '));
    });

    it('at the end of a line a suppression is ignored, and SUP02 says so', () => {
      const text = wgWith(0).replace('AllowedIPs = 0.0.0.0/0', 'AllowedIPs = 0.0.0.0/0 # natprobe-disable-next-line WG16');
      const r = lint(text, 'wireguard');
      assert.equal(only(r, 'WG16').length, 1);
      assert.equal(only(r, 'SUP02').length, 1);
      assert.match(only(r, 'SUP02')[0].message, /line of its own/);
    });
  });

  describe('OpenVPN', () => {
    it('both `#` and `;` comments suppress, next line and whole file', () => {
      assert.deepEqual(ids(lint(ovWith(4, '; natprobe-disable-next-line OV03'), 'openvpn')), []);
      assert.deepEqual(ids(lint(ovWith(4, '# natprobe-disable-next-line OV03'), 'openvpn')), []);
      assert.deepEqual(ids(lint(ovWith(8, '# natprobe-disable OV03'), 'openvpn')), []);
    });

    it('a `#` line inside an inline block is key material, not a suppression', () => {
      const block = ['<tls-auth>', '# natprobe-disable OV03', '-----BEGIN OpenVPN Static key V1-----', 'e2c5c6a4a5c0d6c7b5f8e7d6c5b4a3f2', '-----END OpenVPN Static key V1-----', '</tls-auth>'];
      const r = lint(ovWith(8, ...block), 'openvpn');
      assert.equal(only(r, 'OV03').length, 1, ids(r).join(' '));
      assert.equal(only(r, 'SUP01').length, 0);
    });

    it('a WireGuard rule named in an OpenVPN config: SUP02', () => {
      const r = lint(ovWith(4, '# natprobe-disable-next-line OV03 WG16'), 'openvpn');
      assert.deepEqual(ids(r), ['SUP02@5']);
      assert.match(r.findings[0].message, /WireGuard rule/);
    });
  });

  describe('what a suppression can never hide', () => {
    it('PARSE: not by a comment without IDs, not by naming it, not by the settings', () => {
      const binary = '# natprobe-disable\n# natprobe-disable PARSE\n\u0000\u0001\u0002[Interface]\n';
      for (const format of ['wireguard', 'openvpn'] as const) {
        const r = lint(binary, format, { rules: new Map([['PARSE', 'off']]) as never });
        assert.equal(only(r, 'PARSE').length, 1, `${format}: ${ids(r).join(' ')}`);
        assert.equal(only(r, 'PARSE')[0].severity, 'error');
        assert.ok(only(r, 'SUP02').some((f) => /PARSE cannot be suppressed/.test(f.message)), `${format}: ${ids(r).join(' ')}`);
      }
      assert.deepEqual(readRuleSettings({ PARSE: 'off' }).settings.size, 0);
      assert.match(readRuleSettings({ PARSE: 'hint' }).problems[0], /PARSE cannot/);
    });

    it('an internal PARSE finding passes the settings unchanged', () => {
      const parse: Finding = { ruleId: 'PARSE', severity: 'error', message: 'x', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, fixes: [] };
      assert.deepEqual(applyRuleSettings([parse], new Map([['PARSE', 'off']])), [parse]);
    });
  });

  describe('unused and wrong suppressions', () => {
    it('a comment that hides nothing is a SUP01 hint whose fix deletes the comment line', () => {
      const text = wgWith(4, '# natprobe-disable-next-line WG16');
      const r = lint(text, 'wireguard');
      const sup = only(r, 'SUP01');
      assert.equal(sup.length, 1, ids(r).join(' '));
      assert.equal(sup[0].severity, 'hint');
      assert.equal(sup[0].range.start.line, 4);
      assert.ok(!sup[0].fixes[0].isPreferred, '--fix must not delete suppressions on its own');
      assert.equal(applyFix(text, sup[0].fixes[0]), WG.join('\n'));
    });

    it('one unused ID of several: SUP01 on that ID, the fix removes just it', () => {
      const text = wgWith(6, '# natprobe-disable-next-line WG16, WG14');
      const sup = only(lint(text, 'wireguard'), 'SUP01');
      assert.equal(sup.length, 1);
      assert.match(sup[0].message, /No WG14 finding on the next line/);
      assert.equal(applyFix(text, sup[0].fixes[0]), wgWith(6, '# natprobe-disable-next-line WG16'));
    });

    it('an unknown rule ID is a SUP02 hint whose fix removes it; the known ones still work', () => {
      const text = wgWith(6, '# natprobe-disable-next-line WG16 WG99');
      const r = lint(text, 'wireguard');
      assert.deepEqual(ids(r), ['PORT03@3', 'SUP02@7', 'WG14@9']);
      assert.match(only(r, 'SUP02')[0].message, /"WG99" is not a rule ID/);
      assert.equal(applyFix(text, only(r, 'SUP02')[0].fixes[0]), wgWith(6, '# natprobe-disable-next-line WG16'));
    });

    it('a rule that needs a probe report (PORT01) is not called unused when no report was given', () => {
      assert.deepEqual(ids(lint(wgWith(7, '# natprobe-disable-next-line PORT01'), 'wireguard')), ['PORT03@3', 'WG16@7', 'WG14@9']);
    });

    it('comments are judged before the settings: a comment is used even if the setting turns the rule off', () => {
      const r = lint(wgWith(6, '# natprobe-disable-next-line WG16'), 'wireguard', { rules: new Map([['WG16', 'off']]) });
      assert.deepEqual(ids(r), ['PORT03@3', 'WG14@9']);
    });
  });

  describe('rule settings (natProbe.lint.rules, --disable, --rule)', () => {
    it('"off" drops a rule, a severity replaces its own, other rules are untouched', () => {
      const { settings, problems } = readRuleSettings({ WG16: 'off', wg14: 'warning' });
      assert.deepEqual(problems, []);
      const r = lint(WG.join('\n'), 'wireguard', { rules: settings });
      assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${f.severity}`), ['PORT03 hint', 'WG14 warning']);
    });

    it('the settings apply to the suppression hints too', () => {
      const r = lint(wgWith(4, '# natprobe-disable-next-line WG16'), 'wireguard', { rules: readRuleSettings({ SUP01: 'off' }).settings });
      assert.equal(only(r, 'SUP01').length, 0);
    });

    it('untrusted settings: unknown IDs, wrong values and non-objects are left out and said', () => {
      const read = readRuleSettings({ WG16: 'loud', XX01: 'off', __proto__: { WG14: 'off' }, constructor: 'off' });
      assert.equal(read.settings.size, 0);
      assert.equal(read.problems.length, 3, read.problems.join(' | '));
      assert.deepEqual(readRuleSettings([]).problems.length, 1);
      assert.deepEqual(readRuleSettings(undefined), { settings: new Map(), problems: [] });
    });
  });

  describe('workspace (cross-file) findings', () => {
    function keyPair(): { priv: string; pub: string } {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('x25519');
      return {
        priv: Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('base64'),
        pub: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
      };
    }
    const a = keyPair();
    const b = keyPair();
    const conf = (own: { priv: string }, peer: { pub: string }, port: number, comment = ''): string =>
      `[Interface]\nPrivateKey = ${own.priv}\n${comment}ListenPort = ${port}\n\n[Peer]\nPublicKey = ${peer.pub}\nAllowedIPs = 10.0.0.2/32\nEndpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\n`;
    const run = (files: [string, string][], rules?: Map<string, 'off'>) => {
      const linted = files.map(([file, text]) => ({ file, result: lint(text, 'wireguard', { fileName: file }) }));
      return { linted, workspace: lintWorkspace(linted.map((l) => ({ file: l.file, summary: l.result.summary, suppressions: l.result.suppressions })), { rules }) };
    };

    it('a comment hides a cross-file PORT02 in its file only; the single-file lint leaves the verdict to the workspace', () => {
      const { linted, workspace } = run([
        ['a.conf', conf(a, b, 51820, '# natprobe-disable-next-line PORT02\n')],
        ['b.conf', conf(b, a, 51820)],
      ]);
      assert.equal(only(linted[0].result, 'SUP01').length, 0, 'pending, not unused');
      assert.deepEqual(workspace.map((w) => `${w.file} ${w.finding.ruleId}`), ['b.conf PORT02']);
    });

    it('with no clash the pending comment is unused after all: SUP01 from the workspace lint', () => {
      const { workspace } = run([
        ['a.conf', conf(a, b, 51820, '# natprobe-disable-next-line PORT02\n')],
        ['b.conf', conf(b, a, 51821)],
      ]);
      assert.deepEqual(workspace.map((w) => `${w.file} ${w.finding.ruleId}`), ['a.conf SUP01']);
    });

    it('--disable PORT02 (the settings) drops the cross-file findings', () => {
      const { workspace } = run([['a.conf', conf(a, b, 51820)], ['b.conf', conf(b, a, 51820)]], new Map([['PORT02', 'off']]));
      assert.deepEqual(workspace, []);
    });
  });
});
