// docs/worked-example.md says "Everything below is real output". Its lint blocks are held to that:
// the configs it shows are linted by the built CLI against the recorded lab report it names, and
// the output must be what the page prints (the --fix block elides the port test's basis as "(…)").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PAGE = fs.readFileSync(path.join(ROOT, 'docs', 'worked-example.md'), 'utf8');

/** The fenced block right after the line `after` (a file name or a command). */
function blockAfter(after: string): string {
  const at = PAGE.indexOf(after);
  assert.ok(at >= 0, `docs/worked-example.md has no ${after}`);
  const open = PAGE.indexOf('```', at);
  const start = PAGE.indexOf('\n', open) + 1;
  return PAGE.slice(start, PAGE.indexOf('```', start));
}

/** The fenced block that starts with the command line `$ command`: what follows it, up to the fence. */
function outputOf(command: string): string {
  const at = PAGE.indexOf(`\n$ ${command}\n`);
  assert.ok(at >= 0, `docs/worked-example.md shows no "$ ${command}"`);
  const start = at + command.length + 4;
  return PAGE.slice(start, PAGE.indexOf('```', start));
}

describe('docs/worked-example.md: the lint blocks are what the CLI prints', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-worked-'));
    fs.writeFileSync(path.join(dir, 'wg0.conf'), blockAfter('`wg0.conf`:'), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'client.ovpn'), blockAfter('`client.ovpn`:'), { mode: 0o600 });
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'reports', 'lab-port-restricted.json'), path.join(dir, 'lab.json'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    // The terminal shows stderr's line where it was written: before the findings (printed at the end).
    return `${r.stderr}${r.stdout}(exit ${r.status})\n`;
  };

  it('lint --report: every finding as printed, and the exit code', () => {
    assert.equal(run(['lint', '--report', 'lab.json', 'wg0.conf', 'client.ovpn']), outputOf('natprobe lint --report lab.json wg0.conf client.ovpn'));
  });

  it('--fix: the fix applied, what is left (the basis elided as on the page), and the file gained the recommended keepalive', () => {
    const printed = run(['lint', '--report', 'lab.json', '--fix', 'wg0.conf', 'client.ovpn']).replace(/ \(no answer in [^)]*\([^)]*\)\)/g, ' (…)');
    assert.equal(printed, outputOf('natprobe lint --report lab.json --fix wg0.conf client.ovpn'));
    assert.match(fs.readFileSync(path.join(dir, 'wg0.conf'), 'utf8'), /^PersistentKeepalive = 25$/m);
    assert.match(PAGE, /`wg0\.conf` gained `PersistentKeepalive = 25`/);
  });
});
