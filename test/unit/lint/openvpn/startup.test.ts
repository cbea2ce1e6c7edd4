// OV15 and OV16 (what OpenVPN 2.6 checks after reading every option), on the fixtures in
// test/fixtures/openvpn-startup. Each fixture says in its header what OpenVPN 2.6.14 does with it
// ("# oracle: refuses …" / "accepts", checked by test/lab/lint-openvpn-postprocess.test.ts) and
// what the linter must report ("# lint: RULE severity" or "no error").
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lint, only, under } from './helpers';

const DIR = join(__dirname, '..', '..', '..', 'fixtures', 'openvpn-startup');

function header(text: string, key: string): string {
  const m = new RegExp(`^# ${key}: (.*)$`, 'm').exec(text);
  assert.ok(m, `no "# ${key}:" line`);
  return m[1];
}

describe('OpenVPN checks after reading (OV15, OV16)', () => {
  const names = readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();

  it('there are fixtures for at least 40 checks, refused and accepted ones', () => {
    assert.ok(names.length >= 40, `${names.length}`);
    assert.ok(names.filter((n) => header(readFileSync(join(DIR, n), 'utf8'), 'oracle').startsWith('accepts')).length >= 5);
  });

  for (const name of names) {
    it(name, () => {
      const text = readFileSync(join(DIR, name), 'utf8');
      const refused = header(text, 'oracle').startsWith('refuses');
      const expected = header(text, 'lint');
      const findings = lint(text).findings;
      const errors = findings.filter((f) => f.severity === 'error');
      assert.equal(errors.length > 0, refused, `openvpn ${refused ? 'refuses' : 'accepts'} it; we found ${errors.map((f) => `${f.ruleId}: ${f.message}`).join('; ') || 'no error'}`);
      if (expected !== 'no error') {
        const [ruleId, severity] = expected.split(' ');
        assert.ok(findings.some((f) => f.ruleId === ruleId && f.severity === severity), `expected ${expected}, got ${findings.map((f) => `${f.ruleId}/${f.severity}`).join(', ')}`);
      }
      for (const f of findings) assert.ok(under(text, f.range).length > 0 || f.range.start.line === 0, `${f.ruleId} points at nothing`);
    });
  }

  describe('details', () => {
    it('says which version refuses a server without dh (2.6 does, 2.7 assumes dh none) and points at server', () => {
      const text = 'dev tun\nca ca.crt\ncert s.crt\nkey s.key\ntopology subnet\nserver 10.8.0.0 255.255.255.0\n';
      const [f] = only(lint(text), 'OV15');
      assert.match(f.message, /2\.6 refuses/);
      assert.match(f.message, /2\.7/);
      assert.equal(under(text, f.range), 'server');
    });
    it('is silent on a fragment with no dev, client, server or remote (a client-config-dir file)', () => {
      assert.deepEqual(only(lint('ifconfig-push 10.8.0.20 255.255.255.0\npush "route 10.1.0.0 255.255.0.0"\n'), 'OV15'), []);
      assert.deepEqual(only(lint('verb 3\nmute 20\n'), 'OV15'), []);
    });
    it('stays silent after a reading error, which OpenVPN reports first', () => {
      const text = 'Client\ndev tun\nremote vpn.example.net\nca ca.crt\ncert c.crt\nkey c.key\n';
      assert.ok(lint(text).findings.some((f) => f.ruleId === 'OV01'));
      assert.deepEqual(only(lint(text), 'OV15'), []);
    });
    it('TLS options without TLS: numeric ones at their default are accepted, as OpenVPN does', () => {
      assert.deepEqual(only(lint('dev tun\nremote p\nsecret s.key\nreneg-sec 3600\n'), 'OV15'), []);
      assert.equal(only(lint('dev tun\nremote p\nsecret s.key\nreneg-sec 600\n'), 'OV15').length, 1);
    });
    it('a portable Windows certificate-store client (setenv opt cryptoapicert) is not told it has no certificate', () => {
      const base = 'client\ndev tun\nremote vpn.example.net 1194\nca ca.crt\n';
      assert.deepEqual(only(lint(`${base}setenv opt cryptoapicert "SUBJ:vpn-user"\n`), 'OV15'), []);
      assert.equal(only(lint(base), 'OV15').length, 1);
    });
    it('equal ifconfig addresses are refused, except next to server, which replaces ifconfig (found by the fuzzer)', () => {
      const server = 'dev tun\nca c\ncert c\nkey k\ndh none\ntopology subnet\nserver 10.8.0.0 255.255.255.0\n';
      assert.deepEqual(only(lint(`${server}ifconfig 10.4.0.1 10.4.0.1\n`), 'OV15'), []);
      assert.equal(only(lint('dev tun\nremote p\nsecret s.key\nifconfig 10.4.0.1 10.4.0.1\n'), 'OV15').length, 1);
    });
    it('management modifiers need management', () => {
      const [f] = only(lint('client\ndev tun\nremote a\nca c\ncert c\nkey k\nmanagement-hold\n'), 'OV15');
      assert.match(f.message, /no management line/);
      assert.deepEqual(only(lint('client\ndev tun\nremote a\nca c\ncert c\nkey k\nmanagement /run/m.sock unix\nmanagement-hold\n'), 'OV15'), []);
    });
    it('a top-level tls-crypt after <connection> blocks is information, not a warning (2.6 still applies it)', () => {
      const text = 'client\ndev tun\nca c\ncert c\nkey k\n<connection>\nremote a\n</connection>\ntls-crypt tc.key\nconnect-retry 5\n';
      const fs = only(lint(text), 'OV16');
      assert.deepEqual(fs.map((f) => [under(text, f.range), f.severity]), [['tls-crypt', 'information'], ['connect-retry', 'warning']]);
    });
    it('OV04 now also warns on a server, where OpenVPN 2.6 prints the same deprecation', () => {
      const server = 'dev tun\nca c\ncert c\nkey k\ndh none\ntopology subnet\nserver 10.8.0.0 255.255.255.0\ncipher AES-256-CBC\n';
      assert.equal(only(lint(server), 'OV04').length, 1);
      assert.deepEqual(only(lint('dev tun\nremote p\nsecret s.key\ncipher AES-256-CBC\n'), 'OV04'), []);
    });
    it('the net30 default on a tun server is information with a preferred fix that removes it', () => {
      const text = 'dev tun\nca c\ncert c\nkey k\ndh none\nserver 10.8.0.0 255.255.255.0\n';
      const [f] = only(lint(text), 'OV16');
      assert.equal(f.severity, 'information');
      const edit = f.fixes[0].edits[0];
      const lines = text.split('\n');
      lines.splice(edit.range.start.line, 0, edit.newText.replace(/\n$/, ''));
      assert.deepEqual(only(lint(lines.join('\n')), 'OV16'), []);
    });
  });
});
