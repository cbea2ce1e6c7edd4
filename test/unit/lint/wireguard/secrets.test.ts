// No finding ever shows a PrivateKey or PresharedKey value, not even 8 characters of it.
import * as assert from 'node:assert/strict';
import { lintWireGuard } from '../../../../src/lint/wireguard';
import { fixtures, leaks, report, secretsOf, shownText } from './helpers';

describe('WireGuard findings: secrets', function () {
  it('the fixtures hold secrets to look for', function () {
    const all = fixtures().flatMap((f) => secretsOf(f.text));
    assert.ok(all.length >= 60, `only ${all.length}`);
  });

  for (const f of fixtures()) {
    it(`${f.name}: no message, related text or fix title contains a secret`, function () {
      const secrets = secretsOf(f.text);
      for (const opts of [{ fileName: f.name }, { fileName: f.name, report: report({ lifetime: 20 }) }]) {
        for (const finding of lintWireGuard(f.text, opts).findings) {
          const shown = shownText(finding);
          for (const s of secrets) assert.ok(!leaks(shown, s), `${finding.ruleId} shows part of a secret: ${shown}`);
        }
      }
    });
  }

  it('a key pasted where a key name belongs, or alone on a line, is not quoted either', function () {
    const secret = 'cHGm7SXDs8mEk2HTr2BqDqkpYPALfNJkSqa+ncajHk8=';
    const texts = [
      `[Interface]\n${secret}\n`,
      `[Interface]\n${secret.slice(0, 43)} = ${secret}\n`,
      `${secret}\n[Interface]\n`,
      `[Interface]\nPrivateKey = ${secret}\nPrivateKey = ${secret}x\n`,
      `[Interface]\nPrivateKey = ${secret.replace(/\+/g, '-')}\n`,
      `[Interface]\nPrivateKey = ${secret} ; mine\n`,
      `[Interface]\nPrivateKey ${secret}\n`,
      `[Interface]\nSaveConfig = ${secret}\n`,
      `[Peer]\nPublicKey = x\nEndpoint = ${secret}:1\nAllowedIPs = ${secret}\nPresharedKey = ${secret}\n`,
      `[${secret}]\n`,
    ];
    for (const t of texts) {
      for (const f of lintWireGuard(t, { fileName: `${secret}.conf` }).findings) {
        const shown = shownText(f);
        assert.ok(!leaks(shown, secret), `${f.ruleId}: ${shown}`);
      }
    }
  });
});
