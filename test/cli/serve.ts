// The built CLI for the tests in this folder: dist/cli.js, and `natprobe serve` on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** Starts `natprobe serve ARGS` and resolves once it says it is serving. */
export async function serve(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('serving')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return child;
}
