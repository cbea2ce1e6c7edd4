// The host facts `natprobe lint` and the editor share (WQ06): one decision, on an injected view
// of the machine, so the same file gets the same findings in both.
import * as assert from 'node:assert/strict';
import { currentHostFacts, decideHostFacts } from '../../../src/lint/hostFacts';
import { lintText } from '../../../src/lint';
import type { LintOptions } from '../../../src/lint/types';

function ids(host: LintOptions['host']): string[] {
  const r = lintText(LAPTOP, { fileName: 'wg0.conf', format: 'wireguard', host });
  return r.format ? r.findings.map((f) => f.ruleId) : ['FORMAT'];
}

const LAPTOP = `[Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
Address = 10.192.122.3/32
DNS = 10.192.122.1

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.0.2.1:51820
PersistentKeepalive = 25
`;

function view(platform: NodeJS.Platform, path: string | undefined, executables: string[]) {
  return { platform, path, isExecutable: (f: string) => executables.includes(f) };
}

describe('host facts (WQ06: is resolvconf installed?)', function () {
  it('Linux: resolvconf found on PATH', function () {
    assert.deepEqual(decideHostFacts(view('linux', '/opt/x/bin:/home/u/bin', ['/home/u/bin/resolvconf'])), { resolvconf: true });
  });

  it('Linux: found in an sbin directory that is not on the user\'s PATH (wg-quick runs as root)', function () {
    assert.deepEqual(decideHostFacts(view('linux', '/usr/bin', ['/usr/sbin/resolvconf'])), { resolvconf: true });
    assert.deepEqual(decideHostFacts(view('linux', undefined, ['/sbin/resolvconf'])), { resolvconf: true });
  });

  it('Linux: nowhere, so it is known to be missing', function () {
    assert.deepEqual(decideHostFacts(view('linux', '/usr/bin:/bin', [])), { resolvconf: false });
  });

  it('relative PATH entries are not looked at (they depend on the current directory, not the host)', function () {
    const looked: string[] = [];
    decideHostFacts({ platform: 'linux', path: '.:bin::/usr/bin', isExecutable: (f) => (looked.push(f), false) });
    assert.ok(looked.every((f) => f.startsWith('/')), looked.join(' '));
  });

  it('not Linux: nothing is known, and WQ06 stays silent', function () {
    for (const p of ['darwin', 'win32', 'freebsd'] as NodeJS.Platform[]) {
      const facts = decideHostFacts(view(p, '/usr/bin', []));
      assert.deepEqual(facts, {});
      assert.ok(!ids(facts).includes('WQ06'));
    }
  });

  it('WQ06 follows the facts, not the caller: missing → a warning, present → nothing', function () {
    assert.ok(ids({ resolvconf: false }).includes('WQ06'));
    assert.ok(!ids({ resolvconf: true }).includes('WQ06'));
  });

  it('this machine: a definite answer on Linux', function () {
    const facts = currentHostFacts();
    if (process.platform === 'linux') assert.equal(typeof facts.resolvconf, 'boolean');
    else assert.deepEqual(facts, {});
  });
});
