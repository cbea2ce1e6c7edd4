// contrib/natprobe-serve.service must be a unit systemd accepts as written (only ExecStart's
// binary is pointed at this checkout's CLI, since /usr/local/bin/natprobe need not exist here).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI } from '../cli/serve';

const UNIT = path.resolve(__dirname, '../../contrib/natprobe-serve.service');

describe('security: the systemd unit in contrib/ verifies', function () {
  this.timeout(60000);
  it('systemd-analyze verify reports no error and no warning; ExecStart is a serve command that parses', function () {
    if (spawnSync('sh', ['-c', 'command -v systemd-analyze']).status !== 0) {
      console.log('      skipped: systemd-analyze (Debian package systemd) is not installed; scripts/lab/ensure-deps.sh installs it as root');
      this.skip();
    }
    const text = fs.readFileSync(UNIT, 'utf8');
    const exec = /^ExecStart=\/usr\/local\/bin\/natprobe (serve .*)$/m.exec(text);
    assert.ok(exec, 'ExecStart runs /usr/local/bin/natprobe serve …');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-unit-'));
    try {
      const copy = path.join(dir, 'natprobe-serve.service');
      fs.writeFileSync(copy, text.replace('ExecStart=/usr/local/bin/natprobe', `ExecStart=${process.execPath} ${CLI}`));
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8' });
      // Inside some containers systemd-analyze cannot run at all (no /run/systemd, seccomp);
      // that is the environment, not the unit, and is reported as such.
      if (r.error || /Failed to (initialize|set up) manager|Operation not permitted/i.test(r.stderr)) {
        console.log(`      skipped: systemd-analyze cannot run here: ${r.error?.message ?? r.stderr.trim().split('\n')[0]}`);
        this.skip();
      }
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', 'no warnings (unknown keys are warnings only)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
