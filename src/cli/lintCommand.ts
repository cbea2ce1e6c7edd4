import { isUtf8 } from 'node:buffer';
import { planPreferredFixes } from '../lint/applyFixes';
import { currentHostFacts } from '../lint/hostFacts';
import { type LintOutcome, lintText, readRuleSettings } from '../lint';
import { fixForOutput } from '../lint/secretFixes';
import type { Finding, RuleSetting } from '../lint/types';
import { lintWorkspace } from '../lint/workspace';
import { safeJson, safeText } from '../report/safeText';
import { type Parsed, UsageError, configFormat, configFormatFlag } from './args';
import { applyEditsToBytes } from './byteEdits';
import { expandConfigOperands } from './configOperands';
import { type CliIo, EXIT, defineCommand } from './command';
import { readNamedFile } from './readRegularFile';
import { reportOption } from './reportFile';
import { writeFileAtomic } from './writeFileAtomic';

/** Files larger than this are refused with a clear message rather than read whole. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

interface FileResult {
  readonly file: string;
  readonly findings: Finding[];
  readonly note?: string;
}

export const lintCommand = defineCommand({
  name: 'lint',
  operands: 'FILE|DIR...',
  summary: 'Lints WireGuard and OpenVPN configs as wg and openvpn read them.',
  about: 'Lints WireGuard and OpenVPN configs as wg and openvpn read them; prints file:line:col severity ID message, one finding a line. A directory stands for the .conf and .ovpn files directly in it (not its subdirectories); one whose format cannot be told is skipped with a line on stderr. Secrets in the files never appear in the output.',
  flags: [
    { name: 'json', description: 'Prints the findings as a JSON array (0-based line and character positions).' },
    configFormatFlag('How to read the files; auto tells from the content.'),
    { name: 'report', value: 'REPORT.json', description: 'A diagnose --json report, for the rules that use what was measured (keepalive, MTU, ports).' },
    { name: 'fix', description: 'Applies the preferred fixes in place (each file replaced whole, its other bytes untouched).' },
    { name: 'disable', value: 'ID[,ID]', repeatable: true, description: 'Turns these rules off (repeatable). In a config, # natprobe-disable[-next-line] ID[,ID] does the same for one file or line.' },
    { name: 'rule', value: 'ID=SEVERITY', repeatable: true, description: 'Sets a rule\'s severity: off, error, warning, information or hint (repeatable; PARSE cannot be changed).' },
  ],
  exits: { ok: 'no finding of severity error', failed: 'a finding of severity error, or a file whose format cannot be told (FORMAT), or --fix could not write a file' },
  run,
});

/** `natprobe lint FILE... [--json] [--format auto|wireguard|openvpn] [--report REPORT.json] [--fix] [--disable ID[,ID]]... [--rule ID=SEVERITY]...` */
async function run(args: Parsed, io: CliIo): Promise<number> {
  if (args.positional.length === 0) throw new UsageError('lint needs at least one FILE');
  const operands = expandConfigOperands(args.positional);
  const files = operands.map((o) => o.file);
  const foundInDirectory = new Set(operands.filter((o) => o.fromDirectory).map((o) => o.file));
  const format = configFormat(args, 'format');
  const report = reportOption(args, 'report');
  const rules = ruleSettings(args.all('disable'), args.all('rule'));

  const contents = new Map<string, Buffer>();
  for (const file of files) contents.set(file, readNamedFile(file, MAX_FILE_BYTES, 'too large for a config: not linted'));
  // The same facts the editor uses (src/lint/hostFacts.ts): the same file, the same findings.
  const host = currentHostFacts();
  const fix = args.has('fix');
  const results: FileResult[] = [];
  const outcomes = new Map<string, LintOutcome>();
  for (const file of files) {
    let bytes = contents.get(file)!;
    let text = bytes.toString('utf8');
    let outcome = lintText(text, { fileName: file, format, report, host, rules });
    if (!outcome.format && foundInDirectory.has(file)) {
      // A directory holds other .conf files too (a logrotate or systemd snippet): skipped and named, not an error.
      io.stderr.write(`natprobe: ${safeText(file)}: skipped, neither a WireGuard nor an OpenVPN config (name it with --format to lint it anyway)\n`);
      continue;
    }
    if (fix && outcome.format) {
      // Undecodable bytes read as U+FFFD: a fix that copies one would write U+FFFD over them.
      const accept = isUtf8(bytes) ? undefined : (f: Finding['fixes'][number]) => !f.edits.some((e) => e.newText.includes('\uFFFD'));
      // Fixes can make room for other fixes (and overlapping ones wait a round): a few rounds.
      let total = 0;
      for (let round = 0; round < 5 && outcome.format; round++) {
        const plan = planPreferredFixes(text, outcome.findings, accept);
        if (plan.applied === 0) break;
        // The edits go onto the file's own bytes, so what they do not touch stays as it was.
        const next = applyEditsToBytes(bytes, text, plan.edits);
        if (!next) break;
        total += plan.applied;
        bytes = next;
        text = bytes.toString('utf8');
        outcome = lintText(text, { fileName: file, format, report, host, rules });
      }
      if (total > 0) {
        writeFileAtomic(file, bytes);
        if (!args.has('json')) io.stderr.write(`natprobe: ${file}: applied ${total} fix${total === 1 ? '' : 'es'}\n`);
      }
    }
    outcomes.set(file, outcome);
    results.push(outcome.format ? { file, findings: [...outcome.findings] } : { file, findings: [], note: outcome.error });
  }

  const workspace = lintWorkspace(
    [...outcomes].flatMap(([file, o]) => (o.format ? [{ file, summary: o.summary, suppressions: o.suppressions }] : [])),
    { rules },
  );
  for (const w of workspace) results.find((r) => r.file === w.file)?.findings.push(w.finding);

  let errors = 0;
  for (const r of results) {
    r.findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
    errors += r.findings.filter((f) => f.severity === 'error').length;
  }
  const undetected = results.filter((r) => r.note);

  if (args.has('json')) {
    // A fix that carries a key shows its title only: JSON output ends up in CI logs.
    type Row = { file: string; range: Finding['range'] | null; severity: string; id: string; message: string; fixes: ReturnType<typeof fixForOutput>[] };
    const out: Row[] = results.flatMap((r): Row[] =>
      r.note
        ? [{ file: r.file, range: null, severity: 'error', id: 'FORMAT', message: r.note, fixes: [] }]
        : r.findings.map((f) => ({ file: r.file, range: f.range, severity: f.severity, id: f.ruleId, message: f.message, fixes: f.fixes.map(fixForOutput) })),
    );
    io.stdout.write(safeJson(out, 2) + '\n');
  } else {
    for (const r of results) {
      // A config is hostile input too: its text quoted in a message must not drive the terminal.
      if (r.note) io.stdout.write(`${safeText(r.file)}:1:1 error FORMAT ${safeText(r.note)}\n`);
      for (const f of r.findings) io.stdout.write(`${safeText(r.file)}:${f.range.start.line + 1}:${f.range.start.column + 1} ${f.severity} ${f.ruleId} ${safeText(f.message)}\n`);
    }
  }
  return errors > 0 || undetected.length > 0 ? EXIT.failed : EXIT.ok;
}

/** `--disable ID[,ID]` and `--rule ID=off|error|warning|information|hint`, each repeatable. */
function ruleSettings(disable: readonly string[], rule: readonly string[]): Map<string, RuleSetting> {
  const entries: [string, string][] = [];
  for (const list of disable) for (const id of list.split(',')) entries.push([id.trim(), 'off']);
  for (const r of rule) {
    const eq = r.indexOf('=');
    if (eq <= 0) throw new UsageError(`--rule needs ID=off|error|warning|information|hint, not "${r.slice(0, 40)}"`);
    entries.push([r.slice(0, eq).trim(), r.slice(eq + 1).trim()]);
  }
  const read = readRuleSettings(Object.fromEntries(entries));
  if (read.problems.length > 0) throw new UsageError(`--disable/--rule: ${read.problems[0]}`);
  return read.settings;
}

