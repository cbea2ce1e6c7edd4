// docs/rules/README.md's index against the code, so it cannot drift: every rule ID the linter
// can report (a quoted 'WG01'-like literal anywhere in src/lint, outside the option/key docs)
// has exactly one row and a page; every row is a rule the code has; every severity the code
// gives a rule where it is written literally ('OV11', 'hint' / ruleId: 'WG17', severity: 'error')
// is listed in its row. A rule added elsewhere fails here with the row to add.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_IDS } from '../../../src/lint/ruleIds';
import type { LintSeverity } from '../../../src/lint/types';

const ROOT = path.join(__dirname, '..', '..', '..');
const RULES = path.join(ROOT, 'docs', 'rules');
const SEVERITIES: readonly LintSeverity[] = ['error', 'warning', 'information', 'hint'];
const ID = '(?:WG|WQ|OV|PORT|SUP)\\d{2}';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join(ROOT, 'src', 'lint', 'docs') ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Rule ID → severities written literally next to it in src/lint. */
function rulesInCode(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const file of sources(path.join(ROOT, 'src', 'lint'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(new RegExp(`'(${ID})'`, 'g'))) if (!out.has(m[1])) out.set(m[1], new Set());
    for (const m of text.matchAll(new RegExp(`'(${ID})',\\s*(?:severity:\\s*)?'(${SEVERITIES.join('|')})'`, 'g'))) out.get(m[1])!.add(m[2]);
  }
  return out;
}

interface Row {
  readonly id: string;
  readonly severities: readonly string[];
  readonly fix: string;
  readonly what: string;
}

function rows(): Row[] {
  const md = fs.readFileSync(path.join(RULES, 'README.md'), 'utf8');
  const index = md.slice(md.indexOf('## Index'));
  return [...index.matchAll(/^\| \[([A-Z]+\d{2})\]\((\S+?)\) \| ([^|]+) \| ([^|]+) \| (.+) \|$/gm)].map((m) => {
    assert.equal(m[2], `${m[1]}.md`, `${m[1]}: the link goes to its own page`);
    return { id: m[1], severities: m[3].trim().split(' / '), fix: m[4].trim(), what: m[5].trim() };
  });
}

describe('docs/rules/README.md: the rule index', () => {
  const code = rulesInCode();
  const index = rows();

  it('finds the rules in the code and the rows in the index (the parsers work)', () => {
    assert.ok(code.size >= 40, `${code.size} rule IDs in src/lint`);
    assert.ok(index.length >= 40, `${index.length} rows`);
    assert.ok(code.get('WG09')?.has('warning'), 'severities are read from the code');
  });

  it('every rule ID in the code has exactly one row', () => {
    const missing = [...code.keys()].filter((id) => !index.some((r) => r.id === id)).sort();
    assert.deepEqual(missing, [], `add to docs/rules/README.md: ${missing.map((id) => `| [${id}](${id}.md) | severity | yes/some/no | what it finds |`).join('\n')}`);
    const seen = new Set<string>();
    for (const r of index) {
      assert.ok(!seen.has(r.id), `${r.id} has two rows`);
      seen.add(r.id);
    }
  });

  it('the list suppressions and settings are checked against (src/lint/ruleIds.ts) is the index', () => {
    assert.deepEqual([...RULE_IDS].sort(), index.map((r) => r.id).sort());
  });

  it('every row is a rule of the code and has a page; every page has a row', () => {
    for (const r of index) {
      assert.ok(code.has(r.id), `${r.id} is in the index but no code reports it`);
      assert.ok(fs.existsSync(path.join(RULES, `${r.id}.md`)), `${r.id} has no page`);
    }
    const pages = fs.readdirSync(RULES).filter((f) => /^[A-Z]+\d{2}\.md$/.test(f)).map((f) => f.slice(0, -3));
    for (const p of pages) assert.ok(index.some((r) => r.id === p), `docs/rules/${p}.md has no row in the index`);
  });

  it('each row lists real severities, including every one the code uses for that rule, and says whether it is fixable', () => {
    for (const r of index) {
      for (const s of r.severities) assert.ok((SEVERITIES as readonly string[]).includes(s), `${r.id}: "${s}" is not a severity`);
      for (const s of code.get(r.id) ?? []) assert.ok(r.severities.includes(s), `${r.id}: the code reports it as ${s}, the index says ${r.severities.join(' / ')}`);
      assert.ok(['yes', 'some', 'no'].includes(r.fix), `${r.id}: fix column "${r.fix}"`);
      assert.ok(r.what.length > 10 && !r.what.includes('\n'), `${r.id}: one line on what it finds`);
    }
  });
});
