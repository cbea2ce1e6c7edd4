// The integration suite's router test (test/integration/suite/routerAnswer.test.ts) in a real
// VS Code running inside the namespace lab: the double-NAT profile (a home router with
// miniupnpd behind a carrier NAT), the whole integration runner in the client namespace, so the
// extension's diagnosis asks a real router and nothing leaves the lab. Root on Linux only.
//   node --import tsx scripts/lab/integration-router.ts [--no-build]
// Prints the runner's output; exits with its code.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { SERVERS, createLab, labAvailability, miniupnpdAvailability, sweepStaleLabs } from '../../test/lab/lab';

const ROOT = path.resolve(__dirname, '../..');

async function main(): Promise<number> {
  for (const a of [labAvailability(), miniupnpdAvailability()]) if (!a.ok) throw new Error(`the lab cannot run: ${a.reason}`);
  sweepStaleLabs();
  const lab = await createLab('double-nat');
  try {
    const args = ['netns', 'exec', lab.ns.client, process.execPath, path.join(ROOT, 'scripts/vscode/run-integration.mjs'), ...process.argv.slice(2)];
    const env = { ...process.env, NATPROBE_LAB_SERVER: `${SERVERS.primary}:${SERVERS.turnPort}`, NATPROBE_TEST_GREP: process.env.NATPROBE_TEST_GREP ?? 'router’s answer' };
    const child = spawn('ip', args, { cwd: ROOT, env, stdio: 'inherit' });
    return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    await lab.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
