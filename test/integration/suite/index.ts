// Entry point of the integration suite, run inside a real VS Code extension host by both runners
// (scripts/vscode/run-integration.mjs). VS Code loads this module (bundled to out/integration/suite/index.js,
// mocha included, `vscode` external) as `extensionTestsPath` and awaits `run()`: it resolves when every
// test passed and rejects otherwise, which the workbench turns into exit code 0 / 1.
//
// Results are reported two ways, read by the runner:
//   - one console line per event (../consoleProtocol.cjs): the extension host's console reaches the
//     runner (code-server: through the workbench's codeAutomationLog; electron: Electron's stdout);
//   - a JSON file at $NATPROBE_TEST_RESULTS when that is set (the extension host inherits the runner's env).
import * as fs from 'node:fs';
import Mocha from 'mocha';
import { type TestEvent, resultLine } from '../consoleProtocol.cjs';

// Every test file of the suite, loaded after mocha's globals (describe, it…) exist. The runner checks that
// each test/integration/suite/*.test.ts is listed here, so a new file cannot be silently left out.
const TEST_FILES: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
  ['activation.test.ts', () => import('./activation.test.js')],
  ['commands.test.ts', () => import('./commands.test.js')],
  // Changes natProbe.timeBudget / natProbe.budgetMs and restores them.
  ['settingsRename.test.ts', () => import('./settingsRename.test.js')],
  ['diagnosis.test.ts', () => import('./diagnosis.test.js')],
  ['workspace.test.ts', () => import('./workspace.test.js')],
  // After workspace.test.ts: it creates (and deletes again) files in the workspace folder.
  ['languageSupport.test.ts', () => import('./languageSupport.test.js')],
  ['completion.test.ts', () => import('./completion.test.js')],
  // Creates (and deletes again) a report-tools/ folder; changes settings and restores them.
  ['reportTools.test.ts', () => import('./reportTools.test.js')],
  // Changes settings and the colour theme and restores them; edits wg0.conf in memory only (undone, never saved).
  ['reportPanel.test.ts', () => import('./reportPanel.test.js')],
  // Switches the colour theme (restored after); creates (and deletes again) laptop/ and server/.
  ['panelLooks.test.ts', () => import('./panelLooks.test.js')],
  ['labReport.test.ts', () => import('./labReport.test.js')],
  // Creates (and deletes again) reach-wg.conf and reach-client.ovpn; runs wireguard-go on loopback when it can.
  ['reach.test.ts', () => import('./reach.test.js')],
  // Runs natprobe serve --rendezvous on loopback; sets natProbe.rendezvous and restores it.
  ['punch.test.ts', () => import('./punch.test.js')],
  // Only with NATPROBE_LAB_SERVER (scripts/lab/integration-router.ts, in the lab's client namespace); changes settings and restores them.
  ['routerAnswer.test.ts', () => import('./routerAnswer.test.js')],
  // Runs only in the runner's restricted pass (an untrusted workspace); skipped in the trusted one.
  ['restrictedMode.test.ts', () => import('./restrictedMode.test.js')],
  // Last: records runs (real ones on loopback, and an offline and a cancelled one) in the extension's results.
  ['results.test.ts', () => import('./results.test.js')],
];

function emit(e: TestEvent, sink: TestEvent[]): void {
  sink.push(e);
  console.log(resultLine(e));
}

function errorText(err: unknown): string {
  if (err instanceof Error) return (err.stack ?? `${err.name}: ${err.message}`).split('\n').slice(0, 8).join('\n');
  return String(err);
}

export async function run(): Promise<void> {
  const events: TestEvent[] = [];
  const grep = process.env.NATPROBE_TEST_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.NATPROBE_TEST_TIMEOUT_MS ?? 30_000),
    ...(grep ? { grep } : {}),
  });
  // Installs describe/it/before/after on globalThis, as `mocha.addFile` + `loadFiles` would.
  mocha.suite.emit('pre-require', globalThis, 'natprobe-integration', mocha);
  for (const [name, load] of TEST_FILES) {
    mocha.suite.emit('require', undefined, name, mocha);
    await load();
  }
  mocha.suite.emit('post-require', globalThis, 'natprobe-integration', mocha);

  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    const { EVENT_RUN_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(EVENT_RUN_BEGIN, () => emit({ event: 'start', total: runner.total }, events));
    runner.on(EVENT_TEST_PASS, (t) => {
      passed++;
      emit({ event: 'pass', title: t.fullTitle(), durationMs: t.duration }, events);
    });
    runner.on(EVENT_TEST_FAIL, (t, err) => {
      failed++;
      emit({ event: 'fail', title: t.fullTitle(), durationMs: t.duration, error: errorText(err) }, events);
    });
    runner.on(EVENT_TEST_PENDING, (t) => {
      skipped++;
      emit({ event: 'pending', title: t.fullTitle() }, events);
    });
    runner.on(EVENT_RUN_END, () => emit({ event: 'end', passed, failed, skipped }, events));
  });

  const resultsFile = process.env.NATPROBE_TEST_RESULTS;
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ events }, null, 2));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
