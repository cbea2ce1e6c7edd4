// Every fixture lints to exactly the rule IDs its expect.json lists, without and with its probe
// report. (Whether openvpn itself accepts each fixture is checked by
// test/lab/lint-openvpn-oracle.test.ts.)

import * as assert from 'node:assert/strict';
import { expectation, fixture, fixtureNames, ids, lint, loadReport } from './helpers';

describe('OpenVPN fixtures', () => {
  const names = fixtureNames();

  it('there are at least 40, mostly .ovpn and .conf, with both valid and broken ones', () => {
    assert.ok(names.length >= 40, `${names.length}`);
    const valid = names.filter((n) => expectation(n).openvpnAccepts && !expectation(n).why);
    assert.ok(valid.length >= 10, `${valid.length} valid`);
  });

  for (const name of names) {
    it(name, () => {
      const e = expectation(name);
      const text = fixture(name);
      assert.deepEqual(ids(lint(text, { fileName: name })), [...e.ids].sort());
      const hasError = lint(text).findings.some((f) => f.severity === 'error');
      if (!e.why) assert.equal(hasError, !e.openvpnAccepts, 'our verdict must match openvpn unless expect.json says why');
      if (e.report) {
        assert.deepEqual(ids(lint(text, { fileName: name, report: loadReport(e.report) })), [...(e.idsWithReport ?? [])].sort(), `with ${e.report}`);
      }
    });
  }
});
