// Every rule page's examples, run through the linter, so a page cannot say one thing while the
// linter does another. For each page in docs/rules (whatever pages exist: a new rule is covered
// by adding its page), each "bad" example must trigger the page's rule, and the "Fixed" example
// that follows it must trigger neither that rule nor any error or warning. The index's fix
// column is checked against the bad example too: "yes" = a fix is offered, "no" = none.
//
// Pairing, as the page template in docs/rules/README.md describes it: after the first
// "## Example" heading, a fenced block preceded by a line starting "Fixed" is the fixed version
// of the nearest earlier unpaired block. A page whose examples need facts the file cannot carry
// says so in an HTML comment the test reads (invisible when rendered):
//   <!-- example: report=<fixture in test/fixtures/reports> resolvconf=false
//                 format=wireguard|openvpn input=file-name|file-mode -->
// input=file-name: the blocks are file names, linted with a clean config under that name;
// input=file-mode: the blocks are `ls -l` lines, the config is written with that mode.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintText, type ConfigFormat, type LintOptions } from '../../../src/lint';
import { parseReport } from '../../../src/report/parseReport';

const ROOT = path.join(__dirname, '..', '..', '..');
const RULES = path.join(ROOT, 'docs', 'rules');
const REPORTS = path.join(ROOT, 'test', 'fixtures', 'reports');

/** A config on which the linter finds nothing above a hint (the wg(8) example keys). */
const CLEAN_WIREGUARD = `[Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
ListenPort = 51820

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
AllowedIPs = 10.192.122.3/32
`;

interface Example {
  readonly bad: string;
  readonly fixed: string;
  /** 1-based line of the bad block's fence, for the message. */
  readonly line: number;
}

interface Page {
  readonly id: string;
  readonly examples: Example[];
  readonly directives: Map<string, string>;
}

function readPage(file: string): Page {
  const id = path.basename(file, '.md');
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const directives = new Map<string, string>();
  for (const l of lines) {
    const m = /^<!--\s*example:(.*?)-->\s*$/.exec(l);
    if (m) for (const kv of m[1].trim().split(/\s+/)) directives.set(kv.split('=')[0], kv.split('=').slice(1).join('='));
  }
  const examples: Example[] = [];
  const start = lines.findIndex((l) => /^## Example/.test(l));
  let pending: { text: string; line: number } | undefined;
  let lastText = '';
  for (let i = Math.max(start, 0); start >= 0 && i < lines.length; i++) {
    if (!lines[i].startsWith('```')) {
      if (lines[i].trim()) lastText = lines[i].trim();
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    assert.ok(end > i, `${id}.md:${i + 1}: unclosed code block`);
    const block = { text: lines.slice(i + 1, end).join('\n') + '\n', line: i + 1 };
    if (/^Fixed/.test(lastText)) {
      assert.ok(pending, `${id}.md:${i + 1}: a "Fixed" example with no bad example before it`);
      examples.push({ bad: pending.text, fixed: block.text, line: pending.line });
      pending = undefined;
    } else {
      pending = block;
    }
    lastText = '';
    i = end;
  }
  return { id, examples, directives };
}

function formatOf(page: Page, block: string): ConfigFormat | 'auto' {
  const given = page.directives.get('format');
  if (given === 'wireguard' || given === 'openvpn') return given;
  if (/^W[GQ]/.test(page.id)) return 'wireguard';
  if (/^OV/.test(page.id)) return 'openvpn';
  return /^\s*\[(Interface|Peer)\]/m.test(block) ? 'wireguard' : 'openvpn';
}

function loadReport(name: string) {
  const parsed = parseReport(JSON.parse(fs.readFileSync(path.join(REPORTS, `${name}.json`), 'utf8')));
  assert.ok(parsed.ok, `test/fixtures/reports/${name}.json: ${parsed.ok ? '' : parsed.error}`);
  return parsed.report;
}

/** Lints one example block as the page's directives say; returns the findings. */
function lintExample(page: Page, block: string, tmp: string) {
  const report = page.directives.get('report');
  const base: LintOptions = {
    report: report ? loadReport(report) : undefined,
    host: page.directives.has('resolvconf') ? { resolvconf: page.directives.get('resolvconf') === 'true' } : undefined,
  };
  const input = page.directives.get('input');
  let text = block;
  let fileName: string | undefined;
  if (input === 'file-name') {
    text = CLEAN_WIREGUARD;
    fileName = path.join(tmp, block.trim());
  } else if (input === 'file-mode') {
    const m = /^-([rwx-]{9})\s.*\s(\S+)$/.exec(block.trim());
    assert.ok(m, `${page.id}: an input=file-mode block is one \`ls -l\` line, not ${JSON.stringify(block)}`);
    const mode = [...m[1]].reduce((acc, c) => (acc << 1) | (c === '-' ? 0 : 1), 0);
    text = CLEAN_WIREGUARD;
    fileName = path.join(tmp, m[2]);
    fs.writeFileSync(fileName, text);
    fs.chmodSync(fileName, mode);
  }
  const outcome = lintText(text, { ...base, fileName, format: formatOf(page, text) });
  assert.ok(outcome.format, `${page.id}: the linter cannot tell the example's format: ${'error' in outcome ? outcome.error : ''}`);
  return outcome.findings;
}

function indexFixColumn(): Map<string, string> {
  const md = fs.readFileSync(path.join(RULES, 'README.md'), 'utf8');
  return new Map([...md.matchAll(/^\| \[([A-Z]+\d{2})\]\(\S+?\) \| [^|]+ \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]));
}

describe('docs/rules/*.md: every page\'s examples, run through the linter', () => {
  const pages = fs.readdirSync(RULES).filter((f) => /^[A-Z]+\d*\.md$/.test(f) && f !== 'README.md').sort().map((f) => readPage(path.join(RULES, f)));
  const fixColumn = indexFixColumn();
  let tmp = '';
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-rule-examples-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds the pages and their examples (the reader works)', () => {
    assert.ok(pages.length >= 40, `${pages.length} pages`);
    const wg01 = pages.find((p) => p.id === 'WG01');
    assert.ok(wg01 && wg01.examples.length >= 1 && wg01.examples[0].bad.includes('[Interface]'));
  });

  for (const page of pages) {
    // PARSE and FORMAT are not rules with a bad and a fixed config: their pages say what the
    // linter does when it cannot read a file at all; they are checked below.
    if (page.id === 'PARSE' || page.id === 'FORMAT') continue;
    it(`${page.id}: the bad example triggers ${page.id}; the fixed one triggers neither it nor any error or warning`, () => {
      assert.ok(page.examples.length >= 1, `${page.id}.md has no bad/"Fixed:" example pair after "## Example"`);
      for (const ex of page.examples) {
        const bad = lintExample(page, ex.bad, tmp);
        const hits = bad.filter((f) => f.ruleId === page.id);
        assert.ok(hits.length > 0, `${page.id}.md:${ex.line}: the bad example does not trigger ${page.id} (found: ${bad.map((f) => `${f.ruleId} ${f.severity}`).join(', ') || 'nothing'})`);
        const fix = fixColumn.get(page.id);
        if (fix === 'yes') assert.ok(hits.some((f) => f.fixes.length > 0), `${page.id}.md:${ex.line}: the index says a fix is always offered, the bad example gets none`);
        if (fix === 'no') assert.ok(hits.every((f) => f.fixes.length === 0), `${page.id}.md:${ex.line}: the index says no fix, the linter offers "${hits.flatMap((f) => f.fixes)[0]?.title}"`);
        const fixed = lintExample(page, ex.fixed, tmp).filter((f) => f.ruleId === page.id || f.severity === 'error' || f.severity === 'warning');
        assert.deepEqual(fixed.map((f) => `${f.ruleId} ${f.severity}: ${f.message}`), [], `${page.id}.md:${ex.line}: the fixed example still draws findings`);
      }
    });
  }

  it('every page says its severity and why (the severity policy in docs/rules/README.md)', () => {
    const missing = pages.filter((p) => !/^\*\*Why (this severity|an? \w+):\*\* \S/m.test(fs.readFileSync(path.join(RULES, `${p.id}.md`), 'utf8')));
    assert.deepEqual(missing.map((p) => p.id), [], 'add a "**Why this severity:** …" paragraph under the title');
  });

  it('PARSE and FORMAT, the IDs the linter and `natprobe lint` give unreadable input, have pages', () => {
    for (const id of ['PARSE', 'FORMAT']) assert.ok(fs.existsSync(path.join(RULES, `${id}.md`)), `docs/rules/${id}.md is missing`);
    const binary = lintText('\u0000\u0001[Interface]\n', { format: 'wireguard' });
    assert.ok(binary.format && binary.findings.some((f) => f.ruleId === 'PARSE'), 'a binary file is a PARSE finding');
    assert.ok(!lintText('hello\n').format, 'text that is neither format cannot be told apart (FORMAT in `natprobe lint`)');
  });
});
