import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run';

/**
 * Runs a natprobe command in this process, as main.ts would, and collects what it printed.
 * `tty: true` makes stdout look like a terminal (colour, and the text a person would see).
 */
export async function cliInProcess(args: string[], options: { tty?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const code = await runCli(args, { stdout: options.tty ? Object.assign(out, { isTTY: true }) : out, stderr: err });
  return { code, stdout, stderr };
}
