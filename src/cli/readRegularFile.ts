/**
 * Reads a file the CLI was named, bounded: a FIFO, /dev/zero or a directory is refused before
 * reading, and so is anything larger than the limit (checked on the open file, then enforced
 * while reading, since a file can grow in between).
 */
import * as fs from 'node:fs';
import { UsageError } from './args';
import { describeFsError } from './fileErrors';

export type ReadOutcome =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly reason: 'not-a-file' }
  | { readonly ok: false; readonly reason: 'too-big'; readonly size: number }
  | { readonly ok: false; readonly reason: 'error'; readonly error: unknown };

export function readRegularFile(file: string, maxBytes: number): ReadOutcome {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    return { ok: false, reason: 'error', error: err };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: 'not-a-file' };
    if (st.size > maxBytes) return { ok: false, reason: 'too-big', size: st.size };
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, st.size + 65536));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > maxBytes) return { ok: false, reason: 'too-big', size: n };
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, n * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) return { ok: false, reason: 'too-big', size: n };
    return { ok: true, bytes: buf.subarray(0, n) };
  } catch (err) {
    return { ok: false, reason: 'error', error: err };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The bytes of a file named on the command line, or a usage error of one line that names it:
 * "FILE: not a regular file", "FILE: no such file or directory", "FILE: larger than 8 MB, <why>".
 */
export function readNamedFile(file: string, maxBytes: number, tooBigWhy: string): Buffer {
  const read = readRegularFile(file, maxBytes);
  if (read.ok) return read.bytes;
  if (read.reason === 'too-big') throw new UsageError(`${file}: larger than ${maxBytes / 1048576} MB, ${tooBigWhy}`);
  if (read.reason === 'not-a-file') throw new UsageError(`${file}: not a regular file`);
  throw new UsageError(`${file}: ${describeFsError(read.error)}`);
}
