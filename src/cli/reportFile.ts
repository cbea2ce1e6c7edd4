/** A diagnose --json report read back from a file: compare's operands, and lint's and reach's --report. */
import { parseReport } from '../report/parseReport';
import type { Report } from '../report/report';
import { type Parsed, UsageError } from './args';
import { readNamedFile } from './readRegularFile';

/** A diagnose --json report is a few kilobytes; this leaves room for any real one and no more. */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/** The report in `file`, or a usage error that says why it is not one. */
export function readReport(file: string): Report {
  const bytes = readNamedFile(file, MAX_REPORT_BYTES, 'which no natprobe report is');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UsageError(`${file}: not JSON`);
  }
  const r = parseReport(parsed);
  if (!r.ok) throw new UsageError(`${file}: not a natprobe report (${r.error}); make one with natprobe diagnose --json`);
  return r.report;
}

/** `--NAME REPORT.json`: the report, or undefined without the flag; a bad file is a usage error naming the flag. */
export function reportOption(args: Parsed, name: string): Report | undefined {
  const file = args.value(name);
  if (file === undefined) return undefined;
  if (file === '') throw new UsageError(`--${name} needs a file name`);
  try {
    return readReport(file);
  } catch (err) {
    throw err instanceof UsageError ? new UsageError(`--${name} ${err.message}`) : err;
  }
}
