// No finding ever repeats key material: not the content of an inline <key>, <tls-auth>,
// <tls-crypt>, <tls-crypt-v2>, <secret>, <auth-gen-token-secret>, <pkcs12>, <auth-user-pass> or
// <http-proxy-user-pass> block, in messages, fix titles, fix text or related notes — also
// when the blocks are broken (never closed, closed early, repeated, misplaced).

import * as assert from 'node:assert/strict';
import { parseConfig } from '../../../../src/lint/openvpn/parser';
import { SECRET_INLINE } from '../../../../src/lint/openvpn/options';
import type { LintResult } from '../../../../src/lint/types';
import { fixture, fixtureNames, lint, loadReport } from './helpers';

/** Every line (and every 8-character piece of it) of every secret block's content. */
function secretPieces(text: string): string[] {
  const pieces = new Set<string>();
  for (const d of parseConfig(text).directives) {
    if (!d.inline || !SECRET_INLINE.has(d.name)) continue;
    const content = text.slice(d.inline.contentStart, d.inline.contentEnd);
    for (const raw of content.split(/\r?\n|\r/)) {
      const line = raw.trim();
      if (line.length < 6 || /^-----(BEGIN|END) /.test(line)) continue;
      pieces.add(line);
      for (let i = 0; i + 8 <= line.length; i += 4) pieces.add(line.slice(i, i + 8));
    }
  }
  return [...pieces];
}

function everyText(r: LintResult): string[] {
  return r.findings.flatMap((f) => [
    f.message,
    ...f.fixes.flatMap((x) => [x.title, ...x.edits.map((e) => e.newText)]),
    ...(f.related ?? []).map((x) => x.message),
  ]);
}

function assertNoSecret(text: string, r: LintResult, label: string): number {
  const pieces = secretPieces(text);
  const texts = everyText(r);
  for (const p of pieces) for (const t of texts) assert.ok(!t.includes(p), `${label}: "${p}" appears in: ${t}`);
  return pieces.length;
}

const KEY = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfakeFAKEfake', 'c2VjcmV0LWtleS1tYXRlcmlhbC1kby1ub3QtbGVhaw==', '-----END PRIVATE KEY-----'].join('\n');
const STATIC = ['-----BEGIN OpenVPN Static key V1-----', 'a3f9c2d17b6e04f8a3f9c2d17b6e04f8', '5e0c9b1a2d3f4e5a6b7c8d9e0f1a2b3c', '-----END OpenVPN Static key V1-----'].join('\n');

describe('OpenVPN linter and secrets', () => {
  it('no fixture finding contains any inline secret (with and without a report)', () => {
    let pieces = 0;
    for (const name of fixtureNames()) {
      const text = fixture(name);
      pieces += assertNoSecret(text, lint(text, { fileName: name }), name);
      pieces += assertNoSecret(text, lint(text, { fileName: name, report: loadReport('reports/udp1194-blocked.json') }), `${name}+report`);
    }
    assert.ok(pieces > 100, `checked only ${pieces} secret pieces`);
  });

  const broken: [string, string][] = [
    ['a key block closed too early', `<key>\n-----BEGIN PRIVATE KEY-----\n</key>\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfakeFAKEfake\nc2VjcmV0LWtleS1tYXRlcmlhbC1kby1ub3QtbGVhaw==\n-----END PRIVATE KEY-----\n`],
    ['a static key outside any block', `dev tun\n${STATIC}\n`],
    ['a key block never closed', `dev tun\n<key>\n${KEY}\n`],
    ['a key block repeated', `<key>\n${KEY}\n</key>\n<key>\n${KEY.replace('fake', 'FAKE')}\n</key>\n`],
    ['tls-auth inside <connection> twice', `<connection>\nremote a\n<tls-auth>\n${STATIC}\n</tls-auth>\n<tls-auth>\n${STATIC}\n</tls-auth>\nverb 3\n</connection>\n`],
    ['auth-user-pass with a password that looks like an option', `<auth-user-pass>\nalice\nremote-cert-tls\n</auth-user-pass>\nremote a 70000\n`],
    ['a password line misplaced after the block', `<auth-user-pass>\nalice\n</auth-user-pass>\nHunter2SuperSecret99\n`],
  ];
  for (const [title, text] of broken) {
    it(`nothing leaks with ${title}`, () => {
      const r = lint(text);
      assert.ok(r.findings.length > 0);
      const texts = everyText(r).join('\n');
      for (const s of ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfakeFAKEfake', 'c2VjcmV0LWtleS1tYXRlcmlhbC1kby1ub3QtbGVhaw', 'a3f9c2d17b6e04f8', '5e0c9b1a2d3f4e5a', 'Hunter2SuperSecret99']) {
        assert.ok(!texts.includes(s), `${s} leaked: ${texts}`);
      }
      assertNoSecret(text, r, title);
    });
  }
});
