// The "quiet" fixtures (test/fixtures/{wireguard,openvpn}/q-*): real-world-shaped configs that
// wg / wg-quick / openvpn accept and that do what their authors meant (policy routing, a kill
// switch instead of ::/0, installer output, profiles shared with OpenVPN 2.4 clients). On them
// the Problems panel must stay empty: no error, warning or information, with or without the
// probe report their expect.json names. Hints (style, shown faintly) are allowed.
import * as assert from 'node:assert/strict';
import { lintWireGuard } from '../../../src/lint/wireguard';
import type { Finding } from '../../../src/lint/types';
import { fixtures as wgFixtures, report as natReport } from './wireguard/helpers';
import { expectation, fixture as ovFixture, fixtureNames as ovNames, lint as lintOv, loadReport } from './openvpn/helpers';

function shown(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.severity !== 'hint').map((f) => `${f.ruleId} ${f.severity} (line ${f.range.start.line + 1}): ${f.message}`);
}

describe('quiet fixtures: valid configs stay silent in the Problems panel', () => {
  const wg = wgFixtures().filter((f) => f.name.startsWith('q-'));
  const ov = ovNames().filter((n) => n.startsWith('q-'));

  it('there are at least 5 WireGuard and 3 OpenVPN quiet fixtures, all accepted by the real tools', () => {
    assert.ok(wg.length >= 5, `${wg.length}`);
    assert.ok(ov.length >= 3, `${ov.length}`);
    for (const f of wg) assert.ok(f.expect.wgAccepts && !f.expect.why, f.name);
    for (const n of ov) assert.ok(expectation(n).openvpnAccepts && !expectation(n).why, n);
  });

  for (const f of wg) {
    it(f.name, () => {
      assert.deepEqual(shown(lintWireGuard(f.text, { fileName: f.name }).findings), []);
      // Behind a NAT with a measured 60 s lifetime: keepalive 25 is right, nothing to say.
      assert.deepEqual(shown(lintWireGuard(f.text, { fileName: f.name, report: natReport({ mapping: 'endpoint-independent', lifetime: 60 }) }).findings), []);
    });
  }

  for (const n of ov) {
    it(n, () => {
      const text = ovFixture(n);
      assert.deepEqual(shown(lintOv(text, { fileName: n }).findings), []);
      const e = expectation(n);
      if (e.report) assert.deepEqual(shown(lintOv(text, { fileName: n, report: loadReport(e.report) }).findings), [], `with ${e.report}`);
    });
  }
});
