// No command prints a stack trace for what a user did: a reader that stops early, files that are
// missing, unreadable or not files.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, STACK_LINE, natprobe, tempDir } from './helpers';

describe('security: one line, never a stack trace', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lint --json into a pipe closed early (| head -c 10): quiet, no stack trace', function () {
    const f = path.join(dir, 'many.conf');
    fs.writeFileSync(f, ['[Interface]', ...Array.from({ length: 300 }, (_, i) => `Adress = 10.0.${i >> 8}.${i & 255}/32`)].join('\n'));
    // head exits after 10 bytes; what natprobe writes to stderr is all that sh's stderr gets.
    const q = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;
    const r = spawnSync('sh', ['-c', `${[process.execPath, CLI, 'lint', '--json', f].map(q).join(' ')} | head -c 10 >/dev/null`], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, 'the pipeline ran');
    assert.doesNotMatch(r.stderr, STACK_LINE);
    assert.doesNotMatch(r.stderr, /EPIPE/);
  });

  it('lint and compare on a missing file, a directory with no config in it, a file in a missing directory: one line each', function () {
    // A directory with configs is linted file by file (lint DIR); one with none is a usage error.
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    for (const args of [
      ['lint', path.join(dir, 'none.conf')],
      ['lint', empty],
      ['lint', path.join(dir, 'no/such/dir/wg0.conf')],
      ['compare', path.join(dir, 'a.json'), path.join(dir, 'b.json')],
    ]) {
      const r = natprobe(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, STACK_LINE);
      assert.match(r.stderr.split('\n')[0], /^natprobe: /);
    }
  });
});
