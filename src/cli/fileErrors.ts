/** File-system failures as the one line a user reads: what could not be done to which file, and why. */

/** A failure the user can act on (a full disk, a read-only file): one line, exit 1, no stack trace. */
export class FileError extends Error {}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large (a file size limit, see ulimit -f)',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  ETXTBSY: 'text file busy',
  EXDEV: 'not on the same file system',
  EEXIST: 'file exists',
  EAGAIN: 'resource temporarily unavailable',
};

export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]{1,20}$/.test(code) ? code : undefined;
}

/** True for the errors of the file system and the OS that a user causes or can fix. */
export function isUserFsError(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && code in REASONS;
}

/** "permission denied", "no space left on device"…; the code itself for the rare others. */
export function describeFsError(err: unknown): string {
  const code = errnoCode(err);
  if (code) return REASONS[code] ?? code;
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}
