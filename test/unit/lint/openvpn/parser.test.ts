// How OpenVPN 2.6 reads a config (options.c: read_config_file, parse_line, check_inline_file,
// read_inline_file, read_config_string, add_option), one fact per test. Every fact here was
// also checked against openvpn 2.6.14 (see test/lab/lint-openvpn-oracle.test.ts and the
// fixtures it runs).

import * as assert from 'node:assert/strict';
import { parseConfig, type Directive } from '../../../../src/lint/openvpn/parser';
import { tokenizeLine } from '../../../../src/lint/openvpn/tokenizer';
import { ids, lint, only, under } from './helpers';
import type { Finding } from '../../../../src/lint/types';

function tokens(line: string): string[] {
  const r = tokenizeLine(line, 0, line.length, true);
  assert.equal(r.error, undefined, `unexpected ${r.error?.kind}`);
  return r.tokens.map((t) => t.text);
}

function tokenError(line: string, newline = true): string | undefined {
  return tokenizeLine(line, 0, line.length, newline).error?.kind;
}

function directives(text: string): Directive[] {
  return parseConfig(text).directives;
}

/** Errors of the reading stage: OV15 judges a whole config after reading, not these snippets. */
const notStartup = (f: Finding): boolean => f.ruleId !== 'OV15';

function hasError(text: string): boolean {
  return lint(text).findings.some((f) => f.severity === 'error' && f.ruleId !== 'OV15');
}

describe('OpenVPN parser: the facts of options.c', () => {
  describe('option names', () => {
    it('a leading -- is optional: --client is client', () => {
      assert.equal(directives('--client\n')[0].name, 'client');
      assert.ok(!hasError('--client\n--dev tun\n'));
    });
    it('only two dashes, and only when something follows: -client and -- stay unknown', () => {
      assert.equal(directives('-client\n')[0].name, '-client');
      assert.equal(directives('--\n')[0].name, '--');
      assert.deepEqual(ids(lint('-client\n')), ['OV01']);
      assert.deepEqual(ids(lint('--\n')), ['OV01']);
    });
    it('names are case-sensitive: Client is not client', () => {
      const r = lint('Client\n');
      const [f] = only(r, 'OV01');
      assert.equal(f.severity, 'error');
      assert.match(f.message, /case-sensitive/);
      assert.equal(under('Client\n', f.range), 'Client');
    });
  });

  describe('comments', () => {
    it('# and ; start a comment only where a parameter would start', () => {
      assert.deepEqual(tokens('remote h#x 1194'), ['remote', 'h#x', '1194']);
      assert.deepEqual(tokens('remote a;b 1194'), ['remote', 'a;b', '1194']);
      assert.deepEqual(tokens('remote a #b'), ['remote', 'a']);
      assert.deepEqual(tokens('remote a ;b'), ['remote', 'a']);
      assert.deepEqual(tokens('# remote a'), []);
      assert.deepEqual(tokens('   ; remote a'), []);
    });
    it('a backslash before # at a parameter start does not stop the comment', () => {
      assert.deepEqual(tokens('remote a \\#b c d e'), ['remote', 'a']);
    });
    it('inside quotes # and ; are text', () => {
      assert.deepEqual(tokens('setenv X "a #b ;c"'), ['setenv', 'X', 'a #b ;c']);
    });
  });

  describe('quoting and escapes', () => {
    it('double quotes group, and allow \\\\, \\" and \\<blank>', () => {
      assert.deepEqual(tokens('ca "C:\\\\Program Files\\\\ca.crt"'), ['ca', 'C:\\Program Files\\ca.crt']);
      assert.deepEqual(tokens('setenv Q "say \\"hi\\""'), ['setenv', 'Q', 'say "hi"']);
      assert.deepEqual(tokens('setenv Q "a\\ b"'), ['setenv', 'Q', 'a b']);
    });
    it('the same escapes work without quotes', () => {
      assert.deepEqual(tokens('setenv Q escaped\\ blank'), ['setenv', 'Q', 'escaped blank']);
      assert.deepEqual(tokens('cert C:\\\\x\\\\c.crt'), ['cert', 'C:\\x\\c.crt']);
      assert.deepEqual(tokens('setenv Q \\"quoted\\"'), ['setenv', 'Q', '"quoted"']);
    });
    it('any other escape is an error (Bad backslash usage)', () => {
      assert.equal(tokenError('ca "C:\\Program Files\\ca.crt"'), 'bad-backslash');
      assert.equal(tokenError('ca C:\\keys\\ca.crt'), 'bad-backslash');
      assert.equal(tokenError('setenv X "\\n"'), 'bad-backslash');
    });
    it("single quotes are literal: no escapes at all", () => {
      assert.deepEqual(tokens("setenv X 'a\\b \\q'"), ['setenv', 'X', 'a\\b \\q']);
      assert.deepEqual(tokens("setenv X 'say \"hi\"'"), ['setenv', 'X', 'say "hi"']);
    });
    it('a closing quote ends the parameter at once: "a"b is two parameters', () => {
      assert.deepEqual(tokens('remote "a"b'), ['remote', 'a', 'b']);
      assert.deepEqual(tokens('setenv X ""'), ['setenv', 'X', '']);
    });
    it('a quote inside a bare parameter is just a character', () => {
      assert.deepEqual(tokens(`setenv X a"b'c`), ['setenv', 'X', `a"b'c`]);
    });
    it('an unclosed quote is an error', () => {
      assert.equal(tokenError('auth-user-pass "creds.txt'), 'unclosed-quote');
      assert.equal(tokenError("auth-user-pass 'creds.txt"), 'unclosed-quote');
    });
    it('a backslash before the line break is part of the parameter, not a continuation', () => {
      const d = directives('remote a\\\n 1194\n');
      assert.equal(d[0].args[0].text, 'a\n');
      assert.equal(d[1].name, '1194');
    });
    it('a backslash ending the last line (no line break) is an error (Residual parse state)', () => {
      assert.equal(tokenError('remote a 1194\\', false), 'residual');
      assert.ok(hasError('remote a 1194\\'));
    });
    it('tabs, vertical tabs, form feeds and CR separate parameters', () => {
      assert.deepEqual(tokens('remote\ta\v1194\fudp\r'), ['remote', 'a', '1194', 'udp']);
    });
  });

  describe('line limits', () => {
    const line = (n: number) => 'setenv LONG_NOTE ' + 'x'.repeat(n - 17);
    it('254 characters plus the line break pass; 255 plus the line break fail', () => {
      assert.ok(!hasError(`dev tun\n${line(254)}\n`));
      const r = lint(`dev tun\n${line(255)}\n`);
      const [f] = only(r, 'OV05');
      assert.equal(f.severity, 'error');
      assert.equal(under(`dev tun\n${line(255)}\n`, f.range), 'x', 'the range covers what does not fit');
    });
    it('at the end of the file without a line break 255 pass, 256 fail', () => {
      assert.ok(!hasError(`dev tun\n${line(255)}`));
      assert.ok(hasError(`dev tun\n${line(256)}`));
    });
    it('OpenVPN counts bytes: 130 × é (260 bytes) is too long in 147 characters', () => {
      assert.ok(hasError(`setenv NOTE ${'é'.repeat(130)}\n`));
      assert.ok(!hasError(`setenv NOTE ${'é'.repeat(100)}\n`));
    });
    it('the BOM counts towards the first line (3 bytes)', () => {
      assert.ok(!hasError(`\uFEFF${line(251)}\n`));
      assert.ok(hasError(`\uFEFF${line(252)}\n`));
    });
    it('16 parameters per line (name included); the rest is silently dropped', () => {
      const sixteen = 'echo a b c d e f g h i j k l m n o';
      assert.equal(tokens(sixteen).length, 16);
      assert.deepEqual(lint(`${sixteen}\n`).findings, []);
      const r = lint(`${sixteen} p q\n`);
      const [f] = only(r, 'OV05');
      assert.equal(f.severity, 'warning');
      assert.equal(under(`${sixteen} p q\n`, f.range), 'p q');
    });
    it('after 16 parameters OpenVPN stops reading, so even an unclosed quote there is ignored', () => {
      const r = tokenizeLine('remote a "b c" d e f g h i j k l m n o p "unclosed', 0, 49, true);
      assert.equal(r.error, undefined);
      assert.equal(r.tokens.length, 16);
      assert.deepEqual(ids(lint('remote a "b c" d e f g h i j k l m n o p "unclosed\n')), ['OV01', 'OV05']);
    });
  });

  describe('BOM, line endings', () => {
    it('a BOM at the start of the file is skipped', () => {
      assert.deepEqual(lint('\uFEFFclient\ndev tun\n').findings.filter((f) => f.severity === 'error' && f.ruleId !== 'OV15'), []);
      assert.equal(directives('\uFEFFclient\n')[0].name, 'client');
    });
    it('a BOM anywhere else is part of the text', () => {
      assert.equal(directives('client\n\uFEFFdev tun\n')[1].name, '\uFEFFdev');
      assert.ok(hasError('client\n\uFEFFdev tun\n'));
    });
    it('CRLF lines read like LF lines', () => {
      assert.deepEqual(
        directives('client\r\ndev tun\r\nremote a 1194\r\n').map((d) => [d.name, ...d.args.map((a) => a.text)]),
        [['client'], ['dev', 'tun'], ['remote', 'a', '1194']],
      );
    });
    it('OpenVPN breaks lines at LF only: a CR-only file is one line', () => {
      const text = 'client\rdev tun\rremote a 1194\r';
      assert.equal(directives(text).length, 1);
      const r = lint(text);
      assert.ok(r.findings.some((f) => f.ruleId === 'OV05' && f.severity === 'error' && /CR only/.test(f.message)));
    });
    it('a lone CR inside an LF file is a blank to OpenVPN (and a warning for the reader)', () => {
      const d = directives('remote a\r1194\n');
      assert.deepEqual(d[0].args.map((a) => a.text), ['a', '1194']);
      const [f] = only(lint('dev tun\nremote a\r1194\n'), 'OV05');
      assert.equal(f.severity, 'warning');
    });
  });

  describe('inline blocks', () => {
    it('a line holding only <tag> opens a block that runs to a line starting with </tag>', () => {
      const text = '<ca>\nline 1\nline 2\n</ca>\ndev tun\n';
      const d = directives(text);
      assert.equal(d[0].name, 'ca');
      assert.ok(d[0].inline);
      assert.equal(text.slice(d[0].inline.contentStart, d[0].inline.contentEnd), 'line 1\nline 2\n');
      assert.equal(d[1].name, 'dev');
    });
    it('blanks before the closing tag and text after it are fine; a comment after the opening tag too', () => {
      const text = '  <ca> # comment\nx\n   </ca> trailing text is ignored\ndev tun\n';
      const d = directives(text);
      assert.equal(d.length, 2);
      assert.ok(!hasError(text));
    });
    it('the tag is case-sensitive and the closing tag must match exactly', () => {
      assert.deepEqual(ids(lint('<Ca>\nx\n</Ca>\n')), ['OV01']);
      const r = lint('<ca>\nx\n</CA>\n');
      assert.ok(only(r, 'OV06').some((f) => f.severity === 'error' && /never closed/.test(f.message)));
    });
    it('a missing closing tag swallows the rest of the file', () => {
      const text = '<cert>\nx\n<key>\ny\n</key>\nverb 3\n';
      const d = directives(text);
      assert.equal(d.length, 0);
      const [f] = only(lint(text), 'OV06');
      assert.equal(under(text, f.range), '<cert>');
    });
    it('a tag with another parameter on its line is not a block', () => {
      const text = '<ca> ca.crt\n';
      assert.equal(directives(text)[0].name, '<ca>');
      assert.deepEqual(ids(lint(text)), ['OV06']);
    });
    it('only ca, cert, key, extra-certs, dh, pkcs12, crl-verify, tls-auth, tls-crypt, tls-crypt-v2, secret, auth-user-pass, http-proxy-user-pass, auth-gen-token-secret, peer-fingerprint and connection may be inline', () => {
      for (const tag of ['ca', 'cert', 'key', 'extra-certs', 'dh', 'pkcs12', 'crl-verify', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'secret', 'auth-user-pass', 'http-proxy-user-pass', 'auth-gen-token-secret', 'peer-fingerprint']) {
        const r = lint(`<${tag}>\nx\n</${tag}>\n`);
        assert.ok(!r.findings.some((f) => f.ruleId === 'OV06' || f.ruleId === 'OV01'), tag);
      }
      for (const tag of ['remote', 'dev', 'route', 'tls-verify', 'up', 'capath']) {
        const r = lint(`<${tag}>\nx\n</${tag}>\n`);
        assert.ok(only(r, 'OV06').some((f) => f.severity === 'error' && /inline/.test(f.message)), tag);
      }
    });
    it('the content of a block is not parsed as options', () => {
      assert.deepEqual(lint('<ca>\nnot-an-option at all "\n</ca>\n').findings, []);
    });
  });

  describe('<connection> blocks', () => {
    it('hold their own options, read again as a little config', () => {
      const text = '<connection>\nremote a 443 tcp-client # comment\n;proto udp\n</connection>\n';
      const p = parseConfig(text);
      assert.equal(p.blocks.length, 1);
      assert.deepEqual(p.blocks[0].directives.map((d) => d.name), ['remote']);
      assert.equal(p.blocks[0].directives[0].context, 'connection');
    });
    it('allow only connection options', () => {
      const text = '<connection>\nremote a\nverb 4\n</connection>\n';
      const [f] = only(lint(text), 'OV01');
      assert.match(f.message, /cannot be used inside <connection>/);
      assert.equal(under(text, f.range), 'verb');
    });
    it('may hold inline blocks of connection options', () => {
      assert.deepEqual(lint('<connection>\nremote a\n<tls-auth>\nx\n</tls-auth>\n</connection>\n').findings.filter(notStartup), []);
    });
    it('need a remote', () => {
      assert.deepEqual(ids(lint('<connection>\nport 443\n</connection>\n')).filter((id) => id !== 'OV15'), ['OV06']);
    });
    it('ignore-unknown-option does not reach into them', () => {
      const r = lint('ignore-unknown-option foo\nfoo\n<connection>\nremote a\nfoo\n</connection>\n');
      assert.deepEqual(r.findings.filter(notStartup).map((f) => f.severity), ['warning', 'error']);
    });
  });

  describe('setenv opt, ignore-unknown-option, FORWARD_COMPATIBLE', () => {
    it('setenv opt makes an unknown option or a wrong count a warning', () => {
      for (const line of ['setenv opt blok-outside-dns', 'setenv opt remote']) {
        const [f] = lint(`${line}\n`).findings;
        assert.equal(f.ruleId, 'OV01');
        assert.equal(f.severity, 'warning', line);
      }
    });
    it('but not a bad value: setenv opt proto foo is still refused', () => {
      assert.ok(hasError('setenv opt proto foo\n'));
    });
    it('a Windows-only option after setenv opt is the portable form: no finding', () => {
      assert.deepEqual(lint('setenv opt block-outside-dns\n').findings, []);
    });
    it('ignore-unknown-option applies to later lines only', () => {
      assert.deepEqual(lint('ignore-unknown-option block-outside-dns\nblock-outside-dns\n').findings, []);
      assert.ok(hasError('block-outside-dns\nignore-unknown-option block-outside-dns\n'));
    });
    it('setenv FORWARD_COMPATIBLE 1 makes later unknown options warnings', () => {
      const r = lint('foo-bar 1\nsetenv FORWARD_COMPATIBLE 1\nfoo-baz 1\n');
      assert.deepEqual(r.findings.map((f) => f.severity), ['error', 'warning']);
    });
  });

  describe('ranges', () => {
    it('every parameter keeps its exact place, quotes included', () => {
      const text = '  remote "vpn.example.com"\t1194 udp # c\n';
      const [d] = directives(text);
      assert.equal(text.slice(d.nameToken.start, d.nameToken.end), 'remote');
      assert.deepEqual(d.args.map((a) => text.slice(a.start, a.end)), ['"vpn.example.com"', '1194', 'udp']);
    });
    it('positions are editor positions: lines break at CRLF, LF and lone CR', () => {
      const text = 'client\r\n# note\rmore note\nremote a 70000\n';
      const [f] = only(lint(text), 'OV08');
      assert.deepEqual(f.range, { start: { line: 3, column: 9 }, end: { line: 3, column: 14 } });
      assert.equal(under(text, f.range), '70000');
    });
  });
});
