// Bounded work on any input: compare and lint --report refuse what is not a regular file, or is
// larger than any report, before reading it (compare /dev/zero once grew to 1.1 GB and aborted).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_REPORT_BYTES } from '../../src/cli/reportFile';
import { STACK_LINE, natprobe, tempDir } from './helpers';

const REPORT = path.resolve(__dirname, '../fixtures/reports/lab-port-restricted.json');

describe('security: bounded reads of reports', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function assertRefused(r: { code: number | null; stderr: string }, pattern: RegExp): void {
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, STACK_LINE);
    assert.match(r.stderr.split('\n')[0], pattern);
  }

  it('compare /dev/zero and lint --report /dev/zero: refused as not a regular file, exit 2', function () {
    assertRefused(natprobe(['compare', '/dev/zero', REPORT]), /\/dev\/zero: not a regular file/);
    assertRefused(natprobe(['compare', REPORT, '/dev/zero']), /\/dev\/zero: not a regular file/);
    const conf = path.join(dir, 'wg0.conf');
    fs.writeFileSync(conf, '[Interface]\nListenPort = 51820\n');
    assertRefused(natprobe(['lint', '--report', '/dev/zero', conf]), /--report \/dev\/zero: not a regular file/);
  });

  it('a FIFO with no writer is refused at once, not waited on', function () {
    const fifo = path.join(dir, 'r.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) this.skip(); // no mkfifo on this system
    assertRefused(natprobe(['compare', fifo, REPORT], { timeout: 10000 }), /not a regular file/);
  });

  it('a report larger than any real one is refused before it is read', function () {
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_REPORT_BYTES + 1);
    assertRefused(natprobe(['compare', big, REPORT]), /big\.json: larger than 8 MB/);
  });

  it('a directory and a missing file: one line, exit 2', function () {
    assertRefused(natprobe(['compare', dir, REPORT]), /not a regular file/);
    assertRefused(natprobe(['compare', path.join(dir, 'none.json'), REPORT]), /none\.json: no such file/);
  });
});
