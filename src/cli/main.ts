import { FileError, describeFsError, isUserFsError } from './fileErrors';
import { runCli } from './run';

const argv = process.argv.slice(2);
runCli(argv, { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A user's problem (a full disk, a read-only file) is one line and exit 1; only a bug is exit 70.
    if (err instanceof FileError || isUserFsError(err)) {
      const where = (err as NodeJS.ErrnoException).path;
      const line = err instanceof FileError ? err.message : `${where ? `${where}: ` : ''}${describeFsError(err)}`;
      process.stderr.write(`natprobe: ${line}\n`);
      process.exitCode = 1;
      return;
    }
    const debug = process.env.NATPROBE_DEBUG === '1';
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    process.stderr.write(
      debug && err instanceof Error && err.stack ? `natprobe: internal error: ${err.stack}\n` : `natprobe: internal error: ${message} (NATPROBE_DEBUG=1 shows details)\n`,
    );
    process.exitCode = 70;
  },
);
