/**
 * What the linter may know of the machine it runs on (LintOptions.host), decided in one place
 * for `natprobe lint` and the editor, so that the same file gets the same findings in both. The
 * assumption, as docs/rules/WQ06.md says: configs are used where they are linted. Only Linux is
 * judged (wg-quick's set_dns there pipes to `resolvconf`); elsewhere nothing is known and the
 * host rules stay silent.
 */
import * as fs from 'node:fs';
import type { LintOptions } from './types';

export type HostFacts = NonNullable<LintOptions['host']>;

/** Where wg-quick (run as root, with root's PATH) may find resolvconf besides the caller's PATH. */
const SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/bin', '/bin'];

export interface HostView {
  readonly platform: NodeJS.Platform;
  /** The PATH variable, as the process sees it. */
  readonly path: string | undefined;
  /** Is there an executable file at this absolute path? */
  readonly isExecutable: (file: string) => boolean;
}

/** The decision, on an injected view of the host (tests give their own). */
export function decideHostFacts(host: HostView): HostFacts {
  if (host.platform !== 'linux') return {};
  const dirs = new Set([...(host.path ?? '').split(':').filter((d) => d.startsWith('/')), ...SBIN_DIRS]);
  for (const d of dirs) if (host.isExecutable(`${d}/resolvconf`)) return { resolvconf: true };
  return { resolvconf: false };
}

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** This machine's facts (a few stat calls). */
export function currentHostFacts(): HostFacts {
  return decideHostFacts({ platform: process.platform, path: process.env.PATH, isExecutable });
}
