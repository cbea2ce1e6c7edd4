// ARCHITECTURE.md is the map a contributor starts from: every path it names must exist, every
// folder under src/ must be on it, and the rule pages must keep the headings the hover quotes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const text = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
const codeMap = text.slice(text.indexOf('## Code map'), text.indexOf('\n## ', text.indexOf('## Code map') + 1));
/** Top-level entries of the repository a path on the page may start with (dist/ is built, not checked in). */
const TOP = ['src', 'test', 'scripts', 'bench', 'docs', 'contrib', 'media', 'syntaxes', 'l10n', 'language-configuration'];
const FILE = /\.(?:ts|mjs|cjs|js|json|md|css|sh|service)$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const rel = `${dir}/${e.name}`;
    out.push(e.isDirectory() ? `${rel}/` : rel);
    if (e.isDirectory()) walk(rel, out);
  }
  return out;
}
const tree = TOP.filter((d) => fs.existsSync(path.join(ROOT, d))).flatMap((d) => [`${d}/`, ...walk(d)]);

/** Every `code span` on the page that reads as a path: it has a slash, or a file name's extension. */
function pathsNamed(md: string): string[] {
  const spans = [...md.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
  return spans.filter((t) => /^[\w.-]+(?:\/[\w.-]*)*$/.test(t) && (t.includes('/') || FILE.test(t)) && !t.startsWith('dist/'));
}

describe('ARCHITECTURE.md matches the tree', () => {
  it('names paths at all (the check below is not vacuous)', () => {
    assert.ok(pathsNamed(text).filter((p) => p.startsWith('src/')).length > 20);
  });

  it('every src/… (and test/, scripts/, docs/ …) path it names exists', () => {
    const missing = pathsNamed(text)
      .filter((p) => TOP.includes(p.split('/')[0]))
      .filter((p) => !fs.existsSync(path.join(ROOT, p)));
    assert.deepEqual(missing, []);
  });

  it('every file or folder it names by a shorter path (udp.ts, lifetime/, openvpn/rules/) exists somewhere', () => {
    const missing = pathsNamed(text)
      .filter((p) => !TOP.includes(p.split('/')[0]) && !fs.existsSync(path.join(ROOT, p)))
      .filter((p) => !tree.some((t) => t.endsWith(`/${p}`)));
    assert.deepEqual(missing, []);
  });

  it('every folder under src/ is on the code map, by its full path or its last part (`lifetime/`)', () => {
    const folders = tree.filter((t) => t.startsWith('src/') && t.endsWith('/'));
    assert.ok(folders.length > 10);
    const named = new Set(pathsNamed(codeMap));
    const missing = folders.filter((f) => !named.has(f) && ![...named].some((n) => n.endsWith('/') && f.endsWith(`/${n}`)));
    assert.deepEqual(missing, []);
  });

  it('every rule page keeps the two headings the editor\'s hover quotes (src/extension/language/hover.ts)', () => {
    const hover = fs.readFileSync(path.join(ROOT, 'src/extension/language/hover.ts'), 'utf8');
    const sections = /const SECTIONS = \[([^\]]*)\]/.exec(hover)?.[1].match(/'[^']+'/g)?.map((s) => s.slice(1, -1));
    assert.deepEqual(sections, ['What triggers it', 'Why'], 'hover.ts quotes other headings now: update this test and ARCHITECTURE.md');
    const pages = fs.readdirSync(path.join(ROOT, 'docs/rules')).filter((f) => /^[A-Z]+\d*\.md$/.test(f));
    assert.ok(pages.length > 40);
    for (const page of pages) {
      const md = fs.readFileSync(path.join(ROOT, 'docs/rules', page), 'utf8');
      for (const h of sections) assert.match(md, new RegExp(`^## ${h}$`, 'm'), `${page}: no "## ${h}"`);
    }
  });
});
