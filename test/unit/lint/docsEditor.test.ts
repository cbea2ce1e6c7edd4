// The pure logic behind the editor's hover and completion (src/lint/docs): which documented name
// sits at a position, and what to offer there. Hover never returns anything from the user's text.
import * as assert from 'node:assert/strict';
import { completionsAt, docFor, docTargetAt, renderDocMarkdown, snippetEscape, type CompletionResult } from '../../../src/lint/docs';
import { lintText } from '../../../src/lint/index';
import { OPTIONS, STANDALONE } from '../../../src/lint/openvpn/options';
import type { ConfigFormat, Position } from '../../../src/lint/types';

const PRIVATE_KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PUBLIC_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const PSK = 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=';

const WG = `[Interface]
PrivateKey = ${PRIVATE_KEY}
ListenPort = 51820
Address = 10.0.0.1/24

# laptop
[Peer]
PublicKey = ${PUBLIC_KEY}
PresharedKey = ${PSK}
AllowedIPs = 10.0.0.2/32
`;

const labels = (r: CompletionResult | undefined): string[] => r?.items.map((i) => i.label) ?? [];

/** Position of the first occurrence of `needle` (plus `delta` columns). */
function pos(text: string, needle: string, delta = 0): Position {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, column: at - (before.lastIndexOf('\n') + 1) + delta };
}

/** Every position on every line, plus one past the end. */
function* everyPosition(text: string): Generator<Position> {
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) for (let column = 0; column <= lines[line].length; column++) yield { line, column };
}

describe('docs in the editor: what is under the cursor', () => {
  it('WireGuard: a key before its `=`, and a section header', () => {
    assert.equal(docTargetAt(WG, 'wireguard', pos(WG, 'PrivateKey', 3))?.name, 'PrivateKey');
    assert.equal(docTargetAt(WG, 'wireguard', pos(WG, 'ListenPort'))?.name, 'ListenPort');
    assert.equal(docTargetAt(WG, 'wireguard', pos(WG, '[Peer]', 2))?.name, '[Peer]');
    assert.equal(docTargetAt(WG, 'wireguard', pos(WG, '[Interface]', 10))?.name, '[Interface]');
    const t = docTargetAt(WG, 'wireguard', pos(WG, 'AllowedIPs', 1));
    assert.deepEqual(t?.range, { start: { line: 9, column: 0 }, end: { line: 9, column: 10 } });
    // Values, comments and blank lines have no doc.
    assert.equal(docTargetAt(WG, 'wireguard', pos(WG, '51820', 1)), undefined);
    assert.equal(docTargetAt(WG, 'wireguard', pos(WG, '# laptop', 3)), undefined);
    assert.equal(docTargetAt(WG, 'wireguard', { line: 4, column: 0 }), undefined);
    assert.equal(docTargetAt(WG, 'wireguard', { line: 99, column: 0 }), undefined);
  });

  it('WireGuard: keys in any case, with spaces, after a BOM and with CRLF', () => {
    const text = '\uFEFF[interface]\r\n  privatekey=abc\r\nlisten port = 1\r\n';
    assert.equal(docTargetAt(text, 'wireguard', { line: 0, column: 3 })?.name, '[Interface]');
    assert.equal(docTargetAt(text, 'wireguard', { line: 1, column: 4 })?.name, 'PrivateKey');
    assert.equal(docTargetAt(text, 'wireguard', { line: 2, column: 2 })?.name, 'ListenPort');
    assert.equal(docTargetAt('# PrivateKey = x\n', 'wireguard', { line: 0, column: 4 }), undefined);
  });

  it('OpenVPN: option names with or without `--`, inline tags, options inside <connection>', () => {
    const text = 'client\n--dev tun\n<ca>\nMIIBszCCAVmgAwIBAgIU\n</ca>\n<connection>\nremote vpn.example.com 1194 udp\n</connection>\nsetenv opt block-outside-dns\n# proto tcp\n';
    const at = (needle: string, delta = 0) => docTargetAt(text, 'openvpn', pos(text, needle, delta))?.name;
    assert.equal(at('client', 2), 'client');
    assert.equal(at('--dev', 0), 'dev');
    assert.equal(at('--dev', 3), 'dev');
    assert.equal(at('<ca>', 1), 'ca');
    assert.equal(at('</ca>', 3), 'ca');
    assert.equal(at('<connection>', 4), 'connection');
    assert.equal(at('remote', 2), 'remote');
    assert.equal(at('block-outside-dns', 3), 'block-outside-dns');
    assert.equal(at('MIIB', 1), undefined, 'inside a data block');
    assert.equal(at('vpn.example.com', 1), undefined, 'a parameter');
    assert.equal(at('proto', 1), undefined, 'a comment');
    assert.equal(docTargetAt('nat-detect yes\n', 'openvpn', { line: 0, column: 1 }), undefined, 'not an option');
    assert.equal(docTargetAt('tls-remote x\n', 'openvpn', { line: 0, column: 1 })?.name, 'tls-remote', 'removed options are documented');
  });

  it('never hands back a key value: every position of a config with secrets', () => {
    const ovpn = `client\nremote vpn.example.com\n<key>\n-----BEGIN PRIVATE KEY-----\n${PRIVATE_KEY}\n-----END PRIVATE KEY-----\n</key>\n<auth-user-pass>\nalice\nhunter2secret\n</auth-user-pass>\n<tls-crypt>\n${PSK}\n</tls-crypt>\n`;
    for (const [format, text] of [['wireguard', WG], ['openvpn', ovpn]] as [ConfigFormat, string][]) {
      for (const p of everyPosition(text)) {
        const t = docTargetAt(text, format, p);
        if (!t) continue;
        const doc = docFor(format, t.name);
        assert.ok(doc, `${format} ${p.line}:${p.column}: ${t.name} has no doc`);
        const md = renderDocMarkdown(doc);
        for (const secret of [PRIVATE_KEY, PUBLIC_KEY, PSK, 'hunter2secret', 'alice']) {
          assert.ok(!md.includes(secret) && !t.name.includes(secret), `${format} ${p.line}:${p.column}: leaks ${secret}`);
        }
      }
    }
  });
});

describe('docs in the editor: completion', () => {
  describe('WireGuard', () => {
    it('offers the keys of the section the line is in', () => {
      const text = `${WG}\n`;
      const inPeer = completionsAt(text, 'wireguard', { line: 10, column: 0 });
      assert.ok(labels(inPeer).includes('PersistentKeepalive'));
      assert.ok(labels(inPeer).includes('Endpoint'));
      assert.ok(!labels(inPeer).includes('ListenPort'));
      assert.ok(!labels(inPeer).includes('PublicKey'), 'already set in this [Peer]');
      assert.ok(labels(inPeer).includes('AllowedIPs'), 'AllowedIPs may repeat');
      assert.ok(labels(inPeer).includes('[Peer]'));
      assert.ok(!labels(inPeer).includes('[Interface]'), 'there is one already');
      const inInterface = completionsAt(text, 'wireguard', { line: 4, column: 0 });
      assert.ok(labels(inInterface).includes('MTU'));
      assert.ok(labels(inInterface).includes('DNS'));
      assert.ok(labels(inInterface).includes('Address'), 'Address may repeat');
      assert.ok(!labels(inInterface).includes('ListenPort'), 'already set');
      assert.ok(!labels(inInterface).includes('PersistentKeepalive'));
    });

    it('inserts `Key = ` as a snippet and reopens the list when values follow', () => {
      const r = completionsAt('[Peer]\nPers\n', 'wireguard', { line: 1, column: 4 });
      const item = r?.items.find((i) => i.label === 'PersistentKeepalive');
      assert.equal(item?.insertText, 'PersistentKeepalive = $0');
      assert.equal(item?.retrigger, true);
      assert.deepEqual([r?.start, r?.end], [0, 4]);
      const noValues = r?.items.find((i) => i.label === 'Endpoint');
      assert.equal(noValues?.retrigger, false);
      // Renaming the key of an existing line keeps its `= value`.
      const rename = completionsAt('[Peer]\nPers = 25\n', 'wireguard', { line: 1, column: 2 });
      assert.equal(rename?.items.find((i) => i.label === 'PersistentKeepalive')?.insertText, 'PersistentKeepalive');
      assert.deepEqual([rename?.start, rename?.end], [0, 4]);
    });

    it('offers only the headers before the first section and after `[`', () => {
      assert.deepEqual(labels(completionsAt('', 'wireguard', { line: 0, column: 0 })), ['[Interface]', '[Peer]']);
      const r = completionsAt('[Interface]\n[Pe\n', 'wireguard', { line: 1, column: 3 }, '[');
      assert.deepEqual(labels(r), ['[Peer]']);
      assert.deepEqual([r?.start, r?.end], [0, 3]);
      assert.equal(completionsAt('[Interface]\nMTU = [', 'wireguard', { line: 1, column: 7 }, '['), undefined);
    });

    it('offers common values after `=`', () => {
      const at = (line: string, trigger?: string) => completionsAt(`[Interface]\n${line}`, 'wireguard', { line: 1, column: line.length }, trigger);
      assert.deepEqual(labels(at('ListenPort = ', ' ')), ['51820']);
      assert.deepEqual(labels(at('Table = ', ' ')), ['auto', 'off']);
      assert.deepEqual(labels(at('SaveConfig = ')), ['false', 'true']);
      assert.ok(labels(at('MTU = ')).includes('1420'));
      assert.deepEqual(labels(at('PersistentKeepalive = ')), ['25', 'off']);
      assert.ok(labels(at('AllowedIPs = ')).includes('0.0.0.0/0, ::/0'));
      // Right after `=` the value gets its space.
      assert.equal(at('Table =', '=')?.items[0].insertText, ' auto');
      // A list: the item after the last comma.
      const list = at('AllowedIPs = 10.0.0.0/8, ', ' ');
      assert.equal(list?.start, 'AllowedIPs = 10.0.0.0/8, '.length);
      // A space typed inside a value or a key stays quiet; keys are never suggested values.
      assert.equal(at('Table = of', ' '), undefined);
      assert.equal(at('Table', ' '), undefined);
      assert.equal(at('PrivateKey = '), undefined);
      assert.equal(at('PresharedKey = '), undefined);
      assert.equal(at('Endpoint = '), undefined);
      assert.equal(at('# Table = '), undefined);
    });

    it('every suggested value is one the linter accepts', () => {
      const peer = `[Interface]\nPrivateKey = ${PRIVATE_KEY}\n\n[Peer]\nPublicKey = ${PUBLIC_KEY}\nEndpoint = vpn.example.com:51820\n`;
      for (const [key, section] of [['PersistentKeepalive', 'peer'], ['AllowedIPs', 'peer'], ['ListenPort', 'interface'], ['Table', 'interface'], ['SaveConfig', 'interface'], ['MTU', 'interface'], ['FwMark', 'interface']] as const) {
        const line = `${key} = `;
        const base = section === 'peer' ? peer : `[Interface]\nPrivateKey = ${PRIVATE_KEY}\n`;
        const r = completionsAt(`${base}${line}`, 'wireguard', { line: base.split('\n').length - 1, column: line.length });
        assert.ok(r && r.items.length, key);
        for (const item of r.items) {
          const text = `${base}${key} = ${item.label}\n`;
          const lineNo = base.split('\n').length - 1;
          const res = lintText(text, { format: 'wireguard', fileName: 'wg0.conf' });
          const bad = 'findings' in res ? res.findings.filter((f) => f.severity === 'error' && f.range.start.line === lineNo) : [];
          assert.deepEqual(bad.map((f) => f.ruleId), [], `${key} = ${item.label}`);
          assert.ok(docFor('wireguard', item.doc ?? ''), `${key}: item without doc`);
        }
      }
    });
  });

  describe('OpenVPN', () => {
    it('offers option names at the start of a line, also after `--`', () => {
      const r = completionsAt('client\nre\n', 'openvpn', { line: 1, column: 2 });
      assert.ok(labels(r).includes('remote'));
      assert.ok(labels(r).includes('remote-cert-tls'));
      assert.ok(labels(r).includes('<ca>'), 'inline blocks');
      assert.ok(!labels(r).includes('block-outside-dns'), 'Windows-only');
      assert.ok(!labels(r).includes('genkey'), 'standalone');
      assert.ok(!labels(r).includes('iroute'), 'client-config-dir only');
      assert.ok(!labels(r).includes('push-continuation'), 'pushed only');
      for (const name of STANDALONE) assert.ok(!labels(r).includes(name), name);
      assert.equal(r?.items.find((i) => i.label === 'remote')?.insertText, 'remote $0');
      assert.equal(r?.items.find((i) => i.label === 'nobind')?.insertText, 'nobind');
      assert.equal(r?.items.find((i) => i.label === 'proto')?.retrigger, true);
      assert.equal(r?.items.find((i) => i.label === 'comp-lzo')?.deprecated, true);
      const dashed = completionsAt('--pro\n', 'openvpn', { line: 0, column: 5 });
      assert.deepEqual([dashed?.start, dashed?.end], [2, 5]);
      assert.ok(labels(dashed).includes('proto'));
      assert.ok(!labels(dashed).some((l) => l.startsWith('<')), 'no blocks after --');
      // Typing a space where a name would go stays quiet.
      assert.equal(completionsAt('client\n ', 'openvpn', { line: 1, column: 1 }, ' '), undefined);
    });

    it('offers inline blocks as snippets, and only `</tag>` inside one', () => {
      const r = completionsAt('client\n<', 'openvpn', { line: 1, column: 1 }, '<');
      const ca = r?.items.find((i) => i.label === '<ca>');
      assert.equal(ca?.insertText, '<ca>\n$0\n</ca>');
      assert.ok(labels(r).every((l) => l.startsWith('<')));
      assert.ok(labels(r).includes('<connection>'));
      assert.ok(!labels(r).includes('<verify-hash>'), 'not inline-capable in 2.6');
      const inside = completionsAt('client\n<ca>\n-----BEGIN CERTIFICATE-----\n', 'openvpn', { line: 3, column: 0 });
      assert.deepEqual(labels(inside), ['</ca>']);
      assert.equal(completionsAt('client\n<ca>\nMII', 'openvpn', { line: 2, column: 3 }), undefined);
      // After the block is closed, options again.
      assert.ok(labels(completionsAt('client\n<ca>\nx\n</ca>\n', 'openvpn', { line: 4, column: 0 })).includes('remote'));
    });

    it('inside <connection>: only connection-level options', () => {
      const text = 'client\n<connection>\nremote vpn.example.com 1194\n\n';
      const r = completionsAt(text, 'openvpn', { line: 3, column: 0 });
      assert.ok(labels(r).includes('proto'));
      assert.ok(labels(r).includes('http-proxy'));
      assert.ok(labels(r).includes('<tls-crypt>'));
      assert.ok(!labels(r).includes('client'));
      assert.ok(!labels(r).includes('ca'));
      assert.ok(!labels(r).includes('<connection>'));
      const inner = completionsAt('client\n<connection>\n<tls-crypt>\n', 'openvpn', { line: 3, column: 0 });
      assert.deepEqual(labels(inner), ['</tls-crypt>']);
    });

    it('offers common values for parameters', () => {
      const at = (line: string, trigger?: string) => completionsAt(`client\n${line}`, 'openvpn', { line: 1, column: line.length }, trigger);
      assert.deepEqual(labels(at('proto ', ' ')).slice(0, 6), ['udp', 'tcp-client', 'tcp-server', 'udp4', 'udp6', 'tcp']);
      assert.deepEqual(labels(at('dev ', ' ')), ['tun', 'tap']);
      assert.ok(labels(at('keepalive ', ' ')).includes('10 60'));
      assert.deepEqual(labels(at('remote-cert-tls ', ' ')), ['server', 'client']);
      assert.ok(labels(at('verb ', ' ')).includes('3'));
      assert.ok(labels(at('cipher ')).includes('AES-256-GCM'));
      assert.ok(labels(at('data-ciphers ')).includes('AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305'));
      assert.equal(labels(at('allow-compression '))[0], 'no');
      assert.ok(!labels(at('compress ')).includes('no'), '`compress no` is not valid in 2.6');
      assert.equal(labels(at('topology '))[0], 'subnet');
      assert.ok(labels(at('remote vpn.example.com 1194 ', ' ')).includes('tcp'));
      assert.ok(labels(at('redirect-gateway def1 ', ' ')).includes('bypass-dhcp'));
      assert.ok(labels(at('--proto ', ' ')).includes('udp'));
      const typing = at('proto tc');
      assert.equal(typing?.start, 'proto '.length);
      assert.ok(labels(typing).includes('tcp-client'));
      assert.equal(at('proto tc', ' '), undefined);
      assert.equal(at('remote vpn.example.com ', ' ')?.items[0].label, '1194');
      assert.equal(at('nat-detect '), undefined);
      assert.equal(at('remote x # ', ' '), undefined);
    });

    it('every suggested value is one OpenVPN accepts (no error from the linter on that line)', () => {
      const options = [...OPTIONS.keys()];
      let checked = 0;
      for (const name of options) {
        for (let index = 1; index <= 3; index++) {
          const prefix = name === 'remote' ? ['remote vpn.example.com', 'remote vpn.example.com 1194'][index - 2] : name;
          if (index > 1 && name !== 'remote' && name !== 'auth-user-pass-verify' && name !== 'redirect-gateway') continue;
          if (!prefix) continue;
          const head = name === 'auth-user-pass-verify' && index === 2 ? `${name} /bin/true` : index > 1 && name === 'redirect-gateway' ? `${name} def1` : prefix;
          const line = `${head} `;
          const r = completionsAt(`client\n${line}`, 'openvpn', { line: 1, column: line.length }, ' ');
          for (const item of r?.items ?? []) {
            const text = `client\ndev tun\nremote vpn.example.com\n${head} ${item.label}\n`;
            const res = lintText(text, { format: 'openvpn', fileName: 'client.ovpn' });
            // An option that needs more parameters than the suggestion fills in may say so; nothing else.
            const short = (OPTIONS.get(name)?.min ?? 0) > head.split(' ').length - 1 + item.label.split(' ').length;
            // OV15 judges the option against the rest of this client config (`mode server` in it), not the value.
            const bad = 'findings' in res ? res.findings.filter((f) => f.severity === 'error' && f.ruleId !== 'OV15' && f.range.start.line === 3 && !(short && /takes .*parameters/.test(f.message))) : [];
            assert.deepEqual(bad.map((f) => `${f.ruleId}: ${f.message}`), [], `${head} ${item.label}`);
            assert.ok(docFor('openvpn', item.doc ?? ''), `${name}: item without doc`);
            checked++;
          }
        }
      }
      assert.ok(checked > 60, `only ${checked} values checked`);
    });

    it('every offered option and block has a doc', () => {
      for (const r of [completionsAt('', 'openvpn', { line: 0, column: 0 }), completionsAt('<connection>\n', 'openvpn', { line: 1, column: 0 })]) {
        assert.ok(r && r.items.length > 20);
        for (const item of r.items) assert.ok(docFor('openvpn', item.doc ?? ''), item.label);
      }
    });
  });

  it('escapes literal snippet text', () => {
    assert.equal(snippetEscape('a$b}c\\d'), 'a\\$b\\}c\\\\d');
  });
});
