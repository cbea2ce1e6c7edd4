// Reference docs (src/lint/docs): every key the WireGuard parser accepts and every option in the
// OpenVPN option table has an entry, and no entry is empty. The lists come from the parser's model
// and the option table, so a new key or option without docs fails here.
import * as assert from 'node:assert/strict';
import { OPENVPN_DOCS, WIREGUARD_DOCS, WIREGUARD_HEADERS, docFor, renderDocMarkdown, type KeyDoc } from '../../../src/lint/docs';
import { OPTIONS, REMOVED } from '../../../src/lint/openvpn/options';
import { splitLines } from '../../../src/lint/text';
import { allKeyNames } from '../../../src/lint/wireguard/model';
import { parseWireGuard } from '../../../src/lint/wireguard/parser';

function assertComplete(doc: KeyDoc, where: string): void {
  for (const field of ['name', 'summary', 'defaultValue', 'values', 'source'] as const) {
    const v = doc[field];
    assert.equal(typeof v, 'string', `${where}: ${field}`);
    assert.ok(v.trim().length > 0, `${where}: ${field} is empty`);
    assert.equal(v, v.trim(), `${where}: ${field} has surrounding blanks`);
    assert.doesNotMatch(v, /TODO|TBD|FIXME|\?\?/, `${where}: ${field} is a placeholder`);
  }
  assert.ok(doc.summary.length >= 15, `${where}: summary too short`);
  assert.match(doc.summary, /[.)]$/, `${where}: summary is not a sentence`);
  assert.ok(doc.summary.split(/\.\s+[A-Z]/).length === 1, `${where}: summary is more than one sentence`);
  for (const n of doc.notes) assert.ok(n.trim().length > 0, `${where}: empty note`);
  for (const t of doc.tags) assert.ok(t.trim().length > 0, `${where}: empty tag`);
  // Backticks come in pairs, so the markdown never runs a code span into the next field.
  for (const text of [doc.summary, doc.defaultValue, doc.values, ...doc.notes, ...doc.tags]) {
    assert.equal((text.match(/`/g) ?? []).length % 2, 0, `${where}: unbalanced backticks in "${text}"`);
  }
}

describe('config reference docs', () => {
  describe('WireGuard', () => {
    it('documents every key the parser accepts, and the two section headers', () => {
      const keys = allKeyNames();
      assert.equal(keys.length, 17, 'the parser model changed: add docs for the new keys');
      for (const k of keys) assert.ok(WIREGUARD_DOCS.get(k), `no doc for ${k}`);
      for (const h of ['[Interface]', '[Peer]']) assert.ok(WIREGUARD_DOCS.get(h), `no doc for ${h}`);
      assert.deepEqual([...WIREGUARD_HEADERS], ['[Interface]', '[Peer]']);
    });

    it('documents nothing the parser does not know', () => {
      for (const name of WIREGUARD_DOCS.keys()) {
        if (name.startsWith('[')) {
          const s = parseWireGuard(splitLines(`${name}\n`)).sections[0];
          assert.ok(s && s.kind !== 'unknown', `${name} is not a header the parser knows`);
        } else {
          const e = parseWireGuard(splitLines(`[Interface]\n${name} = 1\n`)).entries[0];
          assert.equal(e?.name, name, `${name} is not a key the parser knows`);
        }
      }
    });

    it('no entry is empty, and each names wg(8) or wg-quick(8) and the wireguard-tools source', () => {
      for (const [name, doc] of WIREGUARD_DOCS) {
        assert.equal(doc.name, name);
        assertComplete(doc, name);
        assert.match(doc.source, /wg(-quick)?\(8\)/, `${name}: source`);
        assert.match(doc.source, /wireguard-tools/, `${name}: source`);
      }
    });

    it('says where each key belongs and who reads it', () => {
      assert.equal(WIREGUARD_DOCS.get('PersistentKeepalive')?.place, 'Peer');
      assert.equal(WIREGUARD_DOCS.get('ListenPort')?.place, 'Interface');
      assert.equal(WIREGUARD_DOCS.get('Address')?.reader, 'wg-quick');
      assert.equal(WIREGUARD_DOCS.get('PrivateKey')?.reader, 'wg');
      assert.equal(WIREGUARD_DOCS.get('PrivateKey')?.secret, true);
      assert.equal(WIREGUARD_DOCS.get('PresharedKey')?.secret, true);
      assert.equal(WIREGUARD_DOCS.get('AllowedIPs')?.repeatable, true);
      assert.match(WIREGUARD_DOCS.get('PersistentKeepalive')?.defaultValue ?? '', /off/);
      assert.match(WIREGUARD_DOCS.get('MTU')?.defaultValue ?? '', /1420/);
    });
  });

  describe('OpenVPN', () => {
    it('documents every option in the option table', () => {
      assert.ok(OPTIONS.size > 250, 'the option table shrank unexpectedly');
      const missing = [...OPTIONS.keys()].filter((n) => !OPENVPN_DOCS.get(n)?.known);
      assert.deepEqual(missing, [], `options without docs: ${missing.join(', ')}`);
    });

    it('documents the removed options too, and nothing else', () => {
      for (const name of REMOVED.keys()) assert.ok(OPENVPN_DOCS.get(name), `no doc for removed ${name}`);
      for (const name of OPENVPN_DOCS.keys()) assert.ok(OPTIONS.has(name) || REMOVED.has(name), `${name} is neither in the table nor removed`);
      assert.equal(OPENVPN_DOCS.size, OPTIONS.size + [...REMOVED.keys()].filter((n) => !OPTIONS.has(n)).length);
    });

    it('no entry is empty, and each names the 2.6 manual and options.c', () => {
      for (const [name, doc] of OPENVPN_DOCS) {
        assert.equal(doc.name, name);
        assertComplete(doc, name);
        assert.match(doc.source, /OpenVPN 2\.6 reference manual/, `${name}: source`);
        assert.match(doc.source, /options\.c/, `${name}: source`);
      }
    });

    it('carries the option table\'s facts: inline, <connection>, deprecation', () => {
      assert.ok(OPENVPN_DOCS.get('ca')?.tags.some((t) => t.includes('inline')));
      assert.ok(OPENVPN_DOCS.get('remote')?.tags.some((t) => t.includes('<connection>')));
      assert.ok(!OPENVPN_DOCS.get('client')?.tags.some((t) => t.includes('<connection>')));
      assert.equal(OPENVPN_DOCS.get('comp-lzo')?.deprecated, true);
      assert.ok(OPENVPN_DOCS.get('ns-cert-type')?.notes.some((n) => n.includes('remote-cert-tls')));
      assert.equal(OPENVPN_DOCS.get('tls-remote')?.known, false);
      assert.match(OPENVPN_DOCS.get('tls-remote')?.values ?? '', /verify-x509-name/);
      assert.match(OPENVPN_DOCS.get('proto')?.defaultValue ?? '', /udp/);
      assert.match(OPENVPN_DOCS.get('verb')?.defaultValue ?? '', /1/);
      assert.match(OPENVPN_DOCS.get('data-ciphers')?.defaultValue ?? '', /AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305/);
    });
  });

  describe('rendered markdown', () => {
    it('has the name, what, default, values and source, and no raw HTML', () => {
      for (const [format, docs] of [['wireguard', WIREGUARD_DOCS], ['openvpn', OPENVPN_DOCS]] as const) {
        for (const [name, doc] of docs) {
          const md = renderDocMarkdown(doc);
          assert.ok(md.includes(`\`${name}\``), `${name}: title`);
          for (const part of [doc.summary, '**Default:**', '**Values:**', '*Source:*']) assert.ok(md.includes(part.replace(/</g, '&lt;').replace(/>/g, '&gt;')) || md.includes(part), `${name}: ${part}`);
          const outsideCode = md.replace(/`[^`]*`/g, '');
          assert.doesNotMatch(outsideCode, /<[a-z/]/i, `${name}: raw tag in markdown`);
          assert.equal(docFor(format, name), doc);
        }
      }
    });

    it('uses the labels it is given', () => {
      const md = renderDocMarkdown(WIREGUARD_DOCS.get('MTU')!, { defaultValue: 'Standard', values: 'Werte', source: 'Quelle' });
      assert.match(md, /\*\*Standard:\*\*/);
      assert.match(md, /\*\*Werte:\*\*/);
      assert.match(md, /\*Quelle:\*/);
    });
  });
});
