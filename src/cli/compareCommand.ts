import { compareReports } from '../engine/compare';
import { parseReport } from '../report/parseReport';
import type { Report } from '../report/report';
import { safeJson } from '../report/safeText';
import { type Flag, HELP_FLAG, type Parsed, UsageError } from './args';
import { type CliIo, type Command, EXIT } from './command';
import { describeFsError } from './fileErrors';
import { readRegularFile } from './readRegularFile';

const FLAGS: readonly Flag[] = [{ name: 'json', description: 'Prints the verdict as a JSON object.' }, HELP_FLAG];

export const compareCommand: Command = {
  name: 'compare', operands: 'A.json B.json', flags: FLAGS, run,
  summary: 'Predicts from two diagnose --json reports whether a direct UDP path will form.',
  about: 'Predicts from two diagnose --json reports (this machine and a peer) whether a direct UDP path will form or traffic must be relayed, and why. A file that cannot be read or is not a natprobe report is a usage error.',
  exits: [{ code: EXIT.ok, meaning: 'a verdict (yes, no or unknown, with the reason)' }],
};

/** `natprobe compare A.json B.json [--json]`: direct or relayed, predicted from two reports. */
async function run(args: Parsed, io: CliIo): Promise<number> {
  if (args.positional.length !== 2) throw new UsageError('compare needs exactly two reports: natprobe compare A.json B.json');
  const [a, b] = args.positional.map(readReport);
  const verdict = compareReports(a, b);
  io.stdout.write(args.has('json') ? safeJson(verdict, 2) + '\n' : `Direct connection: ${verdict.direct}\n${verdict.reason}\n`);
  return EXIT.ok;
}

/** A diagnose --json report is a few kilobytes; this leaves room for any real one and no more. */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

export function readReport(file: string): Report {
  const read = readRegularFile(file, MAX_REPORT_BYTES);
  if (!read.ok) {
    throw new UsageError(
      read.reason === 'too-big'
        ? `${file}: larger than ${MAX_REPORT_BYTES / 1048576} MB, which no natprobe report is`
        : read.reason === 'not-a-file' ? `${file}: not a regular file` : `${file}: ${describeFsError(read.error)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    throw new UsageError(`${file}: not JSON`);
  }
  const r = parseReport(parsed);
  if (!r.ok) throw new UsageError(`${file}: not a natprobe report (${r.error}); make one with natprobe diagnose --json`);
  return r.report;
}
