import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePunchReportFiles } from '../../src/extension/punch/punchReportFiles';
import type { Report } from '../../src/report/report';

/**
 * The two reports the extension hands `natprobe punch` for compare's prediction. A report names
 * this machine's public and local addresses: on a shared machine another user must not read them
 * from the temp directory (attack: a local user listing /tmp while the punch runs), and nothing
 * may stay behind after the run.
 */
describe('the reports the extension passes to natprobe punch', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-punch-files-test-'));
  after(() => fs.rmSync(base, { recursive: true, force: true }));
  // Only serialized here: the shape is parseReport's business (the CLI reads them back with it).
  const own = { marker: 'this machine' } as unknown as Report;
  const peer = { marker: 'the peer' } as unknown as Report;

  it('writes both reports into a directory only this user can enter, and names them in --report / --peer-report', async () => {
    const files = await writePunchReportFiles(own, peer, base);
    try {
      assert.equal(fs.statSync(files.dir).mode & 0o777, 0o700);
      assert.equal(files.args.length, 4);
      assert.equal(files.args[0], '--report');
      assert.equal(files.args[2], '--peer-report');
      for (const [file, report] of [[files.args[1], own], [files.args[3], peer]] as const) {
        assert.equal(path.dirname(file), files.dir);
        assert.equal(fs.statSync(file).mode & 0o077, 0, `${file} is readable by others`);
        assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), report);
      }
    } finally {
      await files.remove();
    }
    assert.equal(fs.existsSync(files.dir), false, 'the directory is removed after the run');
  });

  it('each run gets its own directory (two punches at once do not share files)', async () => {
    const a = await writePunchReportFiles(own, peer, base);
    const b = await writePunchReportFiles(own, peer, base);
    assert.notEqual(a.dir, b.dir);
    await a.remove();
    await b.remove();
    assert.deepEqual(fs.readdirSync(base), []);
  });

  it('a base it cannot write to: an error, nothing left behind', async () => {
    await assert.rejects(writePunchReportFiles(own, peer, path.join(base, 'missing', 'deeper')));
    assert.deepEqual(fs.readdirSync(base), []);
  });
});
