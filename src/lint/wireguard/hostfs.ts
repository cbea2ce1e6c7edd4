/**
 * The linter's only file-system access: the permission bits of the config file (WQ08).
 * Any error (no such file, no permission, not POSIX) means "unknown", never an exception.
 */
import * as fs from 'node:fs';

export function fileMode(path: string | undefined): number | undefined {
  if (!path || process.platform === 'win32') return undefined;
  try {
    const st = fs.statSync(path);
    return st.isFile() ? st.mode & 0o777 : undefined;
  } catch {
    return undefined;
  }
}
