import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// What `npm run package` puts in the .vsix, as vsce itself lists it: only what the extension needs
// at run time (the .vscodeignore allow-list), never sources, tests, maps or node_modules.
const ROOT = path.resolve(__dirname, '../..');
const ALLOWED = [
  /^dist\/(extension|webview|lint|docs|cli)\.js$/,
  /^media\/[\w./-]+\.(png|svg|md)$/,
  /^docs\/(rules\/([A-Z]+\d*|README)|probes\/[\w-]+)\.md$/, // rule pages (PARSE, FORMAT too), their index and severity policy, probe pages
  /^docs\/[\w.-]+\.(md|json)$/, // the guides the README links to, the report's JSON Schema
  /^syntaxes\/\w+\.tmLanguage\.json$/,
  /^language-configuration\/\w+\.json$/,
  /^(package\.json|package\.nls\.json|README\.md|CHANGELOG\.md|LICENSE)$/,
  /^l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
];

describe('the packaged extension (vsce ls)', function () {
  this.timeout(120_000);

  it('contains exactly the run-time files: the four bundles, media, rule docs, grammars, manifest, README, CHANGELOG, LICENSE', () => {
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepEqual(unexpected, []);
    for (const needed of ['dist/extension.js', 'dist/webview.js', 'dist/lint.js', 'dist/docs.js', 'dist/cli.js', 'package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/icon.png']) {
      assert.ok(files.includes(needed), `${needed} is missing from the package`);
    }
    assert.ok(files.filter((f) => f.startsWith('docs/rules/')).length >= 40, 'the rule pages the diagnostics link to');
  });
});
