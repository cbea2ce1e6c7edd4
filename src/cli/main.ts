import { EXIT } from './command';
import { FileError, describeFsError, errnoCode, isUserFsError } from './fileErrors';
import { runCli } from './run';

/**
 * The only place natprobe exits: commands return their code. Whatever fails ends as one line on
 * stderr: a user's problem (a full disk, a read-only file) with exit 1; a bug with exit 70 and
 * the stack only when NATPROBE_DEBUG=1.
 */
function fail(err: unknown): void {
  if (err instanceof FileError || isUserFsError(err)) {
    const where = (err as NodeJS.ErrnoException).path;
    const line = err instanceof FileError ? err.message : `${where ? `${where}: ` : ''}${describeFsError(err)}`;
    process.stderr.write(`natprobe: ${line}\n`);
    process.exitCode = EXIT.failed;
    return;
  }
  const debug = process.env.NATPROBE_DEBUG === '1';
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  process.stderr.write(debug && err instanceof Error && err.stack ? `natprobe: internal error: ${err.stack}\n` : `natprobe: internal error: ${message} (NATPROBE_DEBUG=1 shows details)\n`);
  process.exitCode = EXIT.internal;
}

// A reader that stops early (`natprobe lint --json | head`) closes the pipe: stop quietly, as cat does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (errnoCode(err) === 'EPIPE') process.exit(process.exitCode ?? 0);
    else if (stream === process.stdout) fail(err);
  });
}
process.on('uncaughtException', (err) => {
  fail(err);
  process.exit();
});

/**
 * The command is done: leave as soon as what it wrote has gone out. Name lookups the system
 * resolver is still working on (getaddrinfo cannot be cancelled) otherwise held the process
 * until every one had ended: 20 s after the report was printed, offline with the six default
 * servers. Exiting still waits for the lookups already running in Node's threads to return
 * (about 5 s there): the report itself is out at once.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const written = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(exitWhenWritten, (err: unknown) => {
  fail(err);
  exitWhenWritten(process.exitCode === undefined ? EXIT.internal : Number(process.exitCode));
});
