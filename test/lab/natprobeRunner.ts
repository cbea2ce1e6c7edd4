// Runs the built `natprobe diagnose --json` inside a lab's client namespace.
import * as path from 'node:path';
import type { Report } from '../../src/report/report';
import { type Lab, SERVERS } from './lab';

export const CLI = path.resolve(__dirname, '../../dist/cli.js');
export const BUDGET_MS = 3000;

/** `extra`: more flags (e.g. --no-port-mapping); without them the CLI's defaults apply, the router asked. */
export async function runNatprobe(lab: Lab, server = `${SERVERS.primary}:${SERVERS.turnPort}`, budgetMs = BUDGET_MS, extra: readonly string[] = []): Promise<{ report: Report; code: number | null; ms: number; stderr: string }> {
  await lab.resetNat();
  const r = await lab.exec('client', process.execPath, [CLI, 'diagnose', '--server', server, '--json', '--budget', String(budgetMs), ...extra], {
    timeoutMs: budgetMs + 10000,
  });
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`natprobe printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { report, code: r.code, ms: r.ms, stderr: r.stderr };
}

