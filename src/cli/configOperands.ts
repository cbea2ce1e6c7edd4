/**
 * The FILE operands of `natprobe lint`, with a directory standing for the configs in it: the
 * `*.conf` and `*.ovpn` entries directly inside (not below: an OpenVPN `ccd/` holds per-client
 * fragments that are no config of their own, and a directory such as /etc is no reason to walk
 * a tree), in name order. Anything else is passed on as named, for the reader to refuse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';

/** More configs than anyone keeps in one directory: past this, the user names the files. */
export const MAX_DIRECTORY_CONFIGS = 1000;
/** Entries looked at in one directory (a huge spool directory is not read to its end). */
const MAX_DIRECTORY_ENTRIES = 100_000;

export interface ConfigOperand {
  readonly file: string;
  /** Found in a directory rather than named: a file whose format cannot be told is skipped, not an error. */
  readonly fromDirectory: boolean;
}

const CONFIG_NAME = /\.(?:conf|ovpn)$/i;

export function expandConfigOperands(operands: readonly string[]): ConfigOperand[] {
  const out: ConfigOperand[] = [];
  const seen = new Set<string>();
  const add = (file: string, fromDirectory: boolean) => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ file, fromDirectory });
  };
  for (const operand of operands) {
    if (isDirectory(operand)) for (const file of configsIn(operand)) add(file, true);
    else add(operand, false);
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    // Missing or unreadable: the file reader says which, in its own words.
    return false;
  }
}

function configsIn(dir: string): string[] {
  const names: string[] = [];
  let handle: fs.Dir;
  try {
    handle = fs.opendirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${dir} is a directory that cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'error')}): name the configs to lint`);
  }
  try {
    let looked = 0;
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
      if (++looked > MAX_DIRECTORY_ENTRIES) throw new UsageError(`${dir} holds more than ${MAX_DIRECTORY_ENTRIES} entries: name the configs to lint`);
      if (!CONFIG_NAME.test(entry.name)) continue;
      const file = path.join(dir, entry.name);
      // A symbolic link counts when it leads to a regular file (wg0.conf -> ../shared/wg0.conf).
      const regular = entry.isFile() || (entry.isSymbolicLink() && statIsFile(file));
      if (!regular) continue;
      names.push(entry.name);
      if (names.length > MAX_DIRECTORY_CONFIGS) throw new UsageError(`${dir} holds more than ${MAX_DIRECTORY_CONFIGS} .conf/.ovpn files: name the configs to lint`);
    }
  } finally {
    handle.closeSync();
  }
  if (names.length === 0) {
    throw new UsageError(`${dir} is a directory with no .conf or .ovpn file directly in it: name the configs to lint (natprobe lint ${path.join(dir, 'wg0.conf')})`);
  }
  return names.sort().map((name) => path.join(dir, name));
}

function statIsFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
