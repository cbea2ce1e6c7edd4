// No key material in any output: fixes that carry a private or preshared key (re-encoded, moved,
// merged or freshly generated) are applied in place only; output says they exist, never their text.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintText } from '../../src/lint';
import { applyPreferredFixes } from '../../src/lint/applyFixes';
import { fixForOutput } from '../../src/lint/secretFixes';
import type { Finding } from '../../src/lint/types';
import { keyPair, keysIn, natprobe, presharedKey, tempDir, urlSafe } from './helpers';

const peer = keyPair();
// A private key with a + or / in it, so that its URL-safe spelling is a re-encoding of this very
// key (urlSafe() draws a fresh key for one that has neither, about one key in four, and the --fix
// test below would then look for the wrong key).
function keyPairWithBase64Symbols(): ReturnType<typeof keyPair> {
  for (;;) {
    const k = keyPair();
    if (/[+/]/.test(k.privateKey)) return k;
  }
}
const own = keyPairWithBase64Symbols();
const psk = presharedKey();

/** Configs whose fixes once printed a key, with what each must not print. */
function cases(): { name: string; text: string }[] {
  return [
    { name: 'URL-safe PrivateKey', text: `[Interface]\nPrivateKey = ${urlSafe(own.privateKey)}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nAllowedIPs = 10.0.0.2/32\n` },
    { name: 'URL-safe PresharedKey', text: `[Interface]\nPrivateKey = ${own.privateKey}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nPresharedKey = ${urlSafe(psk)}\nAllowedIPs = 10.0.0.2/32\n` },
    { name: 'PrivateKey under [Peer]', text: `[Interface]\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nPrivateKey = ${own.privateKey}\nAllowedIPs = 10.0.0.2/32\n` },
    { name: 'short PrivateKey under [Peer]', text: `[Interface]\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nPrivateKey = s3cr\nAllowedIPs = 10.0.0.2/32\n` },
    { name: 'PrivateKey before any section', text: `PrivateKey = ${own.privateKey}\n[Interface]\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nAllowedIPs = 10.0.0.2/32\n` },
    { name: 'invalid PrivateKey (replace with a new one)', text: `[Interface]\nPrivateKey = tooShort\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nAllowedIPs = 10.0.0.2/32\n` },
    { name: 'invalid PresharedKey (replace with a new one)', text: `[Interface]\nPrivateKey = ${own.privateKey}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nPresharedKey = tooShort\nAllowedIPs = 10.0.0.2/32\n` },
    { name: 'no PrivateKey (insert a new one)', text: `[Interface]\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nAllowedIPs = 10.0.0.2/32\n` },
    { name: 'no [Interface] (insert one with a new key)', text: `[Peer]\nPublicKey = ${peer.publicKey}\nAllowedIPs = 10.0.0.2/32\nEndpoint = 192.0.2.1:51820\n` },
    { name: 'same peer twice, merged with its PresharedKey', text: `[Interface]\nPrivateKey = ${own.privateKey}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${peer.publicKey}\nAllowedIPs = 10.0.0.2/32\n\n[Peer]\nPublicKey = ${peer.publicKey}\nPresharedKey = ${psk}\nAllowedIPs = 10.0.0.3/32\n` },
  ];
}

const publicKeys = [peer.publicKey, own.publicKey];

describe('security: no key material in lint output', function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const c of cases()) {
    it(`${c.name}: --json, text output and stderr show no key; the fix is still there, in place only`, function () {
      const file = path.join(dir, 'wg0.conf');
      fs.writeFileSync(file, c.text, { mode: 0o600 });
      const json = natprobe(['lint', '--json', file]);
      const text = natprobe(['lint', file]);
      for (const out of [json.stdout, json.stderr, text.stdout, text.stderr]) {
        assert.deepEqual(keysIn(out, publicKeys), [], `${c.name}: a key was printed`);
        assert.ok(!out.includes('s3cr'), 'a short PrivateKey value was printed');
      }
      const rows = JSON.parse(json.stdout) as { fixes: { title: string; inPlaceOnly?: boolean; edits?: unknown }[] }[];
      const inPlace = rows.flatMap((r) => r.fixes).filter((f) => f.inPlaceOnly);
      assert.ok(inPlace.length > 0, `${c.name}: the fix that carries the key is listed (in place only)`);
      for (const f of inPlace) assert.equal(f.edits, undefined);
    });
  }

  it('the editor and --fix still get the secret fixes whole (edits with the key)', function () {
    const c = cases()[0];
    const outcome = lintText(c.text, { fileName: 'wg0.conf' });
    assert.ok(outcome.format);
    const wg04 = outcome.findings.find((f) => f.ruleId === 'WG04')!;
    assert.equal(wg04.fixes[0].secret, true);
    assert.ok(wg04.fixes[0].edits[0].newText.includes('+') || wg04.fixes[0].edits[0].newText.includes('/'));
    const fixed = applyPreferredFixes(c.text, outcome.findings);
    assert.ok(fixed.text.includes(`PrivateKey = ${own.privateKey}`) || keysIn(fixed.text).length > 0);
    assert.deepEqual(Object.keys(fixForOutput(wg04.fixes[0])).sort(), ['inPlaceOnly', 'isPreferred', 'title']);
  });

  it('--fix converts a URL-safe PrivateKey in the file and prints nothing of it', function () {
    const file = path.join(dir, 'wg1.conf');
    fs.writeFileSync(file, cases()[0].text, { mode: 0o600 });
    const r = natprobe(['lint', '--fix', file]);
    assert.ok(fs.readFileSync(file, 'utf8').includes(`PrivateKey = ${own.privateKey}\n`));
    assert.deepEqual(keysIn(r.stdout + r.stderr, publicKeys), []);
  });

  it('fixes that write only public keys stay whole in output (a URL-safe PublicKey)', function () {
    const pub = urlSafe(peer.publicKey);
    const outcome = lintText(`[Interface]\nPrivateKey = ${own.privateKey}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${pub}\nAllowedIPs = 10.0.0.2/32\n`, { fileName: 'wg0.conf' });
    assert.ok(outcome.format);
    const fix = outcome.findings.find((f) => f.ruleId === 'WG04')!.fixes[0];
    assert.equal(fix.secret, undefined);
    assert.ok('edits' in fixForOutput(fix));
  });

  it('OpenVPN: no fix shown in output writes the body of an inline <key> block', function () {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';
    const text = `client\nremote vpn.example.org 1194\n<connection>\nremote b.example.org\n</connection>\n<key>\n-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n</key>\n`;
    const outcome = lintText(text, { fileName: 'c.ovpn' });
    assert.ok(outcome.format);
    const shown = JSON.stringify(outcome.findings.map((f: Finding) => ({ ...f, fixes: f.fixes.map(fixForOutput) })));
    assert.ok(!shown.includes(body));
  });
});
