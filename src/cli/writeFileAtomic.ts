/**
 * Replaces a file's content so that it is either wholly the old or wholly the new: the new bytes
 * go to a temporary file in the same directory, are flushed to disk, take the old file's mode
 * and owner, and are renamed over it (rename(2) is atomic within a file system). A symlink is
 * followed, so the link stays a link and its target gets the new content.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileError, describeFsError } from './fileErrors';

export function writeFileAtomic(file: string, data: Uint8Array): void {
  const fail = (why: string): FileError => new FileError(`cannot write ${file}: ${why}; it was left unchanged`);
  let target: string;
  let st: fs.Stats;
  try {
    target = fs.realpathSync(file);
    st = fs.statSync(target);
  } catch (err) {
    throw fail(describeFsError(err));
  }
  if (!st.isFile()) throw fail('not a regular file');
  // A file without any write permission is read-only on purpose, even for root.
  if ((st.mode & 0o222) === 0) throw fail('permission denied');
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (err) {
    throw fail(describeFsError(err));
  }
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    if (process.getuid && (st.uid !== process.getuid() || st.gid !== process.getgid?.())) fs.fchownSync(fd, st.uid, st.gid);
    fs.fchmodSync(fd, st.mode & 0o7777);
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // not created, or already gone
    }
    throw fail(describeFsError(err));
  }
  // The rename itself reaches the disk with the directory; not every system can fsync one.
  try {
    const dirFd = fs.openSync(path.dirname(target), 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // best effort: the content is already safe in the file
  }
}
