// The shared pieces every command file is declared with: defineCommand, the --format and
// --report helpers, and the one way a named file is refused.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HELP_FLAG, UsageError, configFormat, configFormatFlag, parseArgs } from '../../../src/cli/args';
import { COMMON_EXITS, EXIT, defineCommand } from '../../../src/cli/command';
import { readNamedFile } from '../../../src/cli/readRegularFile';
import { reportOption } from '../../../src/cli/reportFile';

describe('cli: declaring a command', () => {
  it('defineCommand adds --help last and turns exit meanings into rows in the order written', () => {
    const c = defineCommand({
      name: 'x',
      summary: 's',
      about: 'a',
      flags: [{ name: 'json', description: 'd' }],
      exits: { ok: 'fine', nothingMeasured: 'nothing', failed: 'bad' },
      run: async () => EXIT.ok,
    });
    assert.deepEqual(c.flags.map((f) => f.name), ['json', 'help']);
    assert.equal(c.flags[1], HELP_FLAG);
    assert.deepEqual(c.exits, [
      { code: 0, meaning: 'fine' },
      { code: 3, meaning: 'nothing' },
      { code: 1, meaning: 'bad' },
    ]);
    assert.ok(!c.exits.some((e) => COMMON_EXITS.some((k) => k.code === e.code)), 'the common codes are not repeated');
  });

  it('--format: auto by default, one of the three words, anything else a usage error naming them', () => {
    const flags = [configFormatFlag('d')];
    assert.equal(configFormat(parseArgs([], flags), 'format'), 'auto');
    assert.equal(configFormat(parseArgs(['--format', 'openvpn'], flags), 'format'), 'openvpn');
    assert.throws(() => configFormat(parseArgs(['--format=ini'], flags), 'format'), (e: unknown) => e instanceof UsageError && /auto, wireguard or openvpn/.test(e.message));
  });

  describe('a file named on the command line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-decl-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('is read whole when it is a regular file within the limit', () => {
      const f = path.join(dir, 'ok.conf');
      fs.writeFileSync(f, 'abc');
      assert.equal(readNamedFile(f, 10, 'why').toString(), 'abc');
    });

    it('is refused in one line naming it: missing, not a regular file (a directory, /dev/zero), too large and why', () => {
      const refused = (file: string, max = 10): string => {
        try {
          readNamedFile(file, max, 'too large for a VPN config');
        } catch (e) {
          assert.ok(e instanceof UsageError);
          return e.message;
        }
        return assert.fail('not refused');
      };
      assert.equal(refused(path.join(dir, 'none')), `${path.join(dir, 'none')}: no such file or directory`);
      assert.equal(refused(dir), `${dir}: not a regular file`);
      if (fs.existsSync('/dev/zero')) assert.equal(refused('/dev/zero'), '/dev/zero: not a regular file');
      const big = path.join(dir, 'big.conf');
      fs.writeFileSync(big, Buffer.alloc(2 * 1048576 + 1));
      assert.equal(refused(big, 2 * 1048576), `${big}: larger than 2 MB, too large for a VPN config`);
    });

    it('--report: absent is undefined; empty, missing or not a report is a usage error that names the flag', () => {
      const flags = [{ name: 'report', value: 'R' }].map((f) => ({ ...f, description: 'd' }));
      assert.equal(reportOption(parseArgs([], flags), 'report'), undefined);
      assert.throws(() => reportOption(parseArgs(['--report='], flags), 'report'), (e: unknown) => e instanceof UsageError && e.message === '--report needs a file name');
      const notJson = path.join(dir, 'r.json');
      fs.writeFileSync(notJson, '{');
      assert.throws(() => reportOption(parseArgs(['--report', notJson], flags), 'report'), (e: unknown) => e instanceof UsageError && e.message === `--report ${notJson}: not JSON`);
      fs.writeFileSync(notJson, '{"a":1}');
      assert.throws(() => reportOption(parseArgs(['--report', notJson], flags), 'report'), (e: unknown) => e instanceof UsageError && /^--report .*: not a natprobe report/.test(e.message));
    });
  });
});
