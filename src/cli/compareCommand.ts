import * as fs from 'node:fs';
import { compareReports } from '../engine/compare';
import { parseReport } from '../report/parseReport';
import type { Report } from '../report/report';
import { UsageError, parseArgs } from './args';
import type { CliIo } from './run';

/** `natprobe compare A.json B.json [--json]`: direct or relayed, predicted from two reports. */
export async function compareCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [{ name: 'json', takesValue: false }]);
  if (args.positional.length !== 2) throw new UsageError('compare needs exactly two reports: natprobe compare A.json B.json');
  const [a, b] = args.positional.map(readReport);
  const verdict = compareReports(a, b);
  io.stdout.write(args.flags.has('json') ? JSON.stringify(verdict, null, 2) + '\n' : `Direct connection: ${verdict.direct}\n${verdict.reason}\n`);
  return 0;
}

export function readReport(file: string): Report {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: ${err instanceof SyntaxError ? 'not JSON' : (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err)}`);
  }
  const r = parseReport(parsed);
  if (!r.ok) throw new UsageError(`${file}: not a natprobe report (${r.error}); make one with natprobe diagnose --json`);
  return r.report;
}
