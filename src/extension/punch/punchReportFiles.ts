import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../report/report';

// No vscode import: the two reports `natprobe punch --report … --peer-report …` reads, written
// where only this user can read them; tested in plain node.

export interface PunchReportFiles {
  /** `--report THIS.json --peer-report PEER.json`, for the child's arguments. */
  readonly args: readonly string[];
  readonly dir: string;
  /** Removes the directory and both files (after the run, whatever its outcome). */
  remove(): Promise<void>;
}

/**
 * Writes this machine's report and the peer's into a fresh private directory (0700, files 0600):
 * a report names this machine's public and local addresses, which other users of a shared
 * machine have no business reading from /tmp.
 */
export async function writePunchReportFiles(own: Report, peer: Report, base: string = tmpdir()): Promise<PunchReportFiles> {
  const dir = await mkdtemp(join(base, 'natprobe-punch-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    // mkdtemp already makes 0700; chmod too, in case a umask or platform widened it.
    await chmod(dir, 0o700);
    const ownFile = join(dir, 'this.json');
    const peerFile = join(dir, 'peer.json');
    await writeFile(ownFile, JSON.stringify(own), { mode: 0o600, flag: 'wx' });
    await writeFile(peerFile, JSON.stringify(peer), { mode: 0o600, flag: 'wx' });
    return { args: ['--report', ownFile, '--peer-report', peerFile], dir, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
