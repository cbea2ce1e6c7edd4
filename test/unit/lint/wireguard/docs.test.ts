// Every rule has its page in docs/rules, and each page's examples are true: the "Bad" example
// triggers the rule, the "Fixed" one does not.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintWireGuard } from '../../../../src/lint/wireguard';

const DOCS = path.join(__dirname, '..', '..', '..', '..', 'docs', 'rules');
const IDS = [...Array.from({ length: 17 }, (_, i) => `WG${String(i + 1).padStart(2, '0')}`), ...Array.from({ length: 8 }, (_, i) => `WQ0${i + 1}`), 'PORT03'];

describe('WireGuard rule documentation', function () {
  for (const id of IDS) {
    it(`docs/rules/${id}.md has the sections and its examples hold`, function () {
      const md = fs.readFileSync(path.join(DOCS, `${id}.md`), 'utf8');
      assert.match(md, new RegExp(`^# ${id} — `));
      for (const h of ['## What triggers it', '## Why', '## Example', '## Fix the linter offers']) assert.ok(md.includes(h), `${id}: ${h}`);
      const blocks = [...md.matchAll(/```ini\n([\s\S]*?)```/g)].map((m) => m[1].replace('<BOM>', '\uFEFF'));
      if (id === 'WQ01' || id === 'WQ08') {
        assert.match(md, /```text/);
        return;
      }
      assert.equal(blocks.length, 2, `${id}: a bad and a fixed example`);
      const [bad, good] = blocks;
      // WQ06 needs a host fact (no resolvconf) the file cannot carry; the page says so.
      const host = id === 'WQ06' ? { resolvconf: false } : undefined;
      const has = (t: string): boolean => lintWireGuard(t, { host }).findings.some((f) => f.ruleId === id);
      assert.ok(has(bad), `${id}: the bad example does not trigger it`);
      assert.ok(!has(good), `${id}: the fixed example still triggers it`);
    });
  }

  it('WQ01 and WQ08 examples hold too', function () {
    assert.ok(lintWireGuard('[Interface]\n', { fileName: 'My VPN (home).conf' }).findings.some((f) => f.ruleId === 'WQ01'));
    assert.ok(!lintWireGuard('[Interface]\n', { fileName: 'home-vpn.conf' }).findings.some((f) => f.ruleId === 'WQ01'));
  });

  it('probe-aware pages say what happens without a report', function () {
    for (const id of ['WG14', 'WG15', 'WQ05', 'WQ08']) assert.match(fs.readFileSync(path.join(DOCS, `${id}.md`), 'utf8'), /## With and without a probe report/);
  });
});
