// The CLI as users install it: `npm pack` makes a tarball, `npm install -g` of that tarball puts
// `natprobe` on PATH. Installed here into a temporary prefix, offline (--offline: npm may only use
// its cache, so the test never needs the network), then run from there.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string>; dependencies?: Record<string, string> };
/** What the tarball may hold: the bundled CLI and the docs; npm adds package.json, README, LICENSE. */
const ALLOWED = [/^dist\/cli\.js$/, /^docs\/[\w./-]+\.(md|json)$/, /^(package\.json|README\.md|LICENSE)$/];
const NPM_QUIET = ['--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error'];

function npm(args: string[], cwd: string) {
  // `npm` as the one running this test would call it; npm_config_* from an enclosing `npm test`
  // (global, prefix) must not leak into the install.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(global|prefix|offline|dry_run)$/i.test(k)));
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env, timeout: 120_000 });
}

describe('the CLI tarball: npm pack, then npm install -g into a temporary prefix (offline)', function () {
  this.timeout(180_000);
  let tmp = '';
  let tarball = '';
  let files: string[] = [];

  before(function () {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-npm-'));
    // --ignore-scripts: the prepack build already ran as part of the test run (dist/ is fresh);
    // rebuilding here would swap dist/cli.js under the other CLI tests.
    const r = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp, ...NPM_QUIET], ROOT);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, out[0].filename);
    files = out[0].files.map((f) => f.path);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('holds only what the CLI needs: dist/cli.js, the docs, package.json, README, LICENSE', () => {
    assert.equal(path.basename(tarball), `${PACKAGE.name}-${PACKAGE.version}.tgz`);
    assert.deepEqual(files.filter((f) => !ALLOWED.some((re) => re.test(f))), []);
    for (const needed of ['dist/cli.js', 'package.json', 'README.md', 'LICENSE', 'docs/rules/WG01.md']) assert.ok(files.includes(needed), `${needed} is missing`);
    assert.equal(PACKAGE.bin.natprobe, './dist/cli.js');
  });

  it('declares no run-time dependencies: dist/cli.js bundles them (so an install fetches nothing)', () => {
    assert.deepEqual(
      Object.keys(PACKAGE.dependencies ?? {}),
      [],
      'esbuild bundles every import into dist/*.js: list bundled packages under devDependencies, or the install downloads them for nothing',
    );
  });

  it('installs offline and runs `natprobe --version` and `natprobe lint` from the prefix', () => {
    const prefix = path.join(tmp, 'prefix');
    const r = npm(['install', '--global', '--prefix', prefix, '--offline', ...NPM_QUIET, tarball], tmp);
    assert.equal(r.status, 0, `npm install -g failed: ${r.stderr}`);
    const bin = process.platform === 'win32' ? path.join(prefix, 'natprobe.cmd') : path.join(prefix, 'bin', 'natprobe');
    assert.ok(fs.existsSync(bin), `${bin} was not created`);

    // Through PATH, as a user types it.
    const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH ?? ''}` };
    const version = spawnSync('natprobe', ['--version'], { env, encoding: 'utf8', timeout: 20_000 });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, new RegExp(`\\b${PACKAGE.version.replace(/\./g, '\\.')}\\b`));

    const conf = path.join(tmp, 'wg0.conf');
    fs.writeFileSync(conf, '[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nListenPort = 51820\nMTU = abc\n', { mode: 0o600 });
    const lint = spawnSync('natprobe', ['lint', conf], { env, encoding: 'utf8', timeout: 20_000 });
    assert.equal(lint.status, 1, lint.stdout + lint.stderr);
    assert.match(lint.stdout, /wg0\.conf:4:7 error WG13 MTU must be a whole number/);
  });
});
