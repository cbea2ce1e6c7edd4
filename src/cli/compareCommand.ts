import { compareReports } from '../engine/compare';
import { safeJson } from '../report/safeText';
import { type Parsed, UsageError } from './args';
import { type CliIo, EXIT, defineCommand } from './command';
import { readReport } from './reportFile';

export const compareCommand = defineCommand({
  name: 'compare',
  operands: 'A.json B.json',
  summary: 'Predicts from two diagnose --json reports whether a direct UDP path will form.',
  about: 'Predicts from two diagnose --json reports (this machine and a peer) whether a direct UDP path will form or traffic must be relayed, and why. A file that cannot be read or is not a natprobe report is a usage error.',
  flags: [{ name: 'json', description: 'Prints the verdict as a JSON object.' }],
  exits: { ok: 'a verdict (yes, no or unknown, with the reason)' },
  run,
});

/** `natprobe compare A.json B.json [--json]`: direct or relayed, predicted from two reports. */
async function run(args: Parsed, io: CliIo): Promise<number> {
  if (args.positional.length !== 2) throw new UsageError('compare needs exactly two reports: natprobe compare A.json B.json');
  const [a, b] = args.positional.map(readReport);
  const verdict = compareReports(a, b);
  const relay = verdict.relay ? `Best relay: ${verdict.relay.url} (${verdict.relay.reason})\n` : '';
  io.stdout.write(args.has('json') ? safeJson(verdict, 2) + '\n' : `Direct connection: ${verdict.direct}\n${verdict.reason}\n${relay}`);
  return EXIT.ok;
}
