#!/usr/bin/env node
// Runs the integration suite (test/integration/suite) inside a real VS Code extension host, with one of two runners:
//
//   code-server (codeServerRunner.mjs; default on Linux x64 that has, or as root can install, chromium +
//     code-server): the VS Code server of code-server@4.139.1 in headless chromium driven by playwright-core.
//   electron (electronRunner.mjs; NATPROBE_TEST_RUNNER=electron, or when code-server is impossible and VS Code
//     can be downloaded): @vscode/test-electron's runTests (downloads VS Code; on Linux needs a display).
//
// The suite talks to the runner in console lines (test/integration/consoleProtocol.cjs).
// Env: NATPROBE_TEST_RUNNER=electron|code-server (default: choose), NATPROBE_TEST_TIMEOUT_S (default 600),
//      NATPROBE_TEST_GREP (mocha grep), NATPROBE_TEST_TRUST=restricted (code-server runner: workspace trust on,
//      so the fresh workspace is untrusted; with NATPROBE_TEST_GREP='Restricted Mode' for the tests about it),
//      NATPROBE_VSCODE_CACHE (the code-server runner's cache dir),
//      NATPROBE_VSCODE_VERSION (the electron runner's VS Code, default stable). Flags: --no-build (dist/ is
//      already built), --keep (keep temp dirs).
// Ends with one plain line "N passed, N failed, N skipped"; exit 0 only when the whole suite passed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeServerPossible, runCodeServer } from './codeServerRunner.mjs';
import { canReach, runElectron } from './electronRunner.mjs';
import { REPO, seconds } from './lib.mjs';
import { SuiteResults } from './suiteResults.mjs';
import { makeWorkspace } from './workspaceFixture.mjs';

const TAG = 'integration:';
const SUITE_DIR = path.join(REPO, 'test', 'integration', 'suite');
const BUNDLE = path.join(REPO, 'out', 'integration', 'suite', 'index.js');
const ARTIFACTS = path.join(REPO, '.vscode-test', 'artifacts');
const EXTENSION_ID = 'natprobe.nat-probe';

const argv = process.argv.slice(2);
const overallTimeoutMs = Number(process.env.NATPROBE_TEST_TIMEOUT_S ?? 600) * 1000;
const started = Date.now();
const cleanups = []; // run in reverse order, once, on every way out
const timings = {};

function log(...a) {
  console.log(TAG, ...a);
}

function elapsed() {
  return seconds(Date.now() - started);
}

async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (err) {
      console.error(TAG, 'cleanup:', err?.message ?? err);
    }
  }
}

// ---------------------------------------------------------------- preparation (either runner)

function build() {
  if (argv.includes('--no-build')) return;
  const t = Date.now();
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
  timings.build = Date.now() - t;
}

/** Every *.test.ts must be listed in index.ts, or it would silently not run. */
function checkSuiteFiles() {
  const index = readFileSync(path.join(SUITE_DIR, 'index.ts'), 'utf8');
  const missing = readdirSync(SUITE_DIR).filter((f) => f.endsWith('.test.ts') && !index.includes(`'${f}'`));
  if (missing.length) throw new Error(`test/integration/suite/index.ts does not list ${missing.join(', ')} in TEST_FILES`);
}

async function bundleSuite() {
  const t = Date.now();
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(SUITE_DIR, 'index.ts')],
    outfile: BUNDLE,
    bundle: true, // mocha included: the extension host has no node_modules of ours to resolve it from
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
    // mocha's parallel mode (never used here) require.resolve()s its worker files
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  timings.bundle = Date.now() - t;
}

// ---------------------------------------------------------------- main

async function choose() {
  const forced = (process.env.NATPROBE_TEST_RUNNER || '').toLowerCase();
  // "1" and "2" are the runners' old numbers, still accepted.
  if (forced === 'electron' || forced === '1') return { runner: 'electron', why: `NATPROBE_TEST_RUNNER=${forced}` };
  if (forced === 'code-server' || forced === '2') return { runner: 'code-server', why: `NATPROBE_TEST_RUNNER=${forced}` };
  if (forced) throw new Error(`NATPROBE_TEST_RUNNER must be electron or code-server, not "${forced}"`);
  const cs = codeServerPossible();
  if (cs.ok) return { runner: 'code-server', why: cs.why };
  return { runner: 'electron', why: `the code-server runner is impossible here: ${cs.why}` };
}

async function main() {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'natprobe-integration-'));
  if (!argv.includes('--keep')) cleanups.unshift(() => rmSync(tmp, { recursive: true, force: true }));
  else log(`keeping temp dir ${tmp}`);

  build();
  checkSuiteFiles();
  await bundleSuite();
  const workspace = makeWorkspace(tmp);
  const results = new SuiteResults(log, timings);
  const run = { tmp, workspace, results, timings, cleanups, log, artifacts: ARTIFACTS, bundle: BUNDLE, deadline: started + overallTimeoutMs, timeoutMs: overallTimeoutMs };

  let { runner, why } = await choose();
  let outcome;
  if (runner === 'code-server') {
    log(`code-server runner (VS Code server of code-server 4.139.1 + headless chromium via playwright-core): ${why}`);
    try {
      outcome = await runCodeServer(run);
    } catch (err) {
      const auto = !process.env.NATPROBE_TEST_RUNNER;
      if (!auto || results.events.length) throw err;
      log(`the code-server runner failed before the suite started: ${err.message}`);
      if (!(await canReach('https://update.code.visualstudio.com/api/releases/stable'))) throw new Error(`the code-server runner failed and VS Code cannot be downloaded for the electron runner either: ${err.message}`);
      await cleanup();
      runner = 'electron';
      why = 'the code-server runner failed and VS Code can be downloaded';
    }
  }
  if (runner === 'electron') {
    log(`electron runner (@vscode/test-electron runTests, VS Code ${process.env.NATPROBE_VSCODE_VERSION || 'stable'}): ${why}`);
    outcome = await runElectron(run);
  }
  return { outcome, results, runner };
}

const overall = setTimeout(() => {
  console.error(TAG, `overall timeout of ${seconds(overallTimeoutMs + 30_000)} reached; ending what was started`);
  void cleanup().finally(() => {
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}, overallTimeoutMs + 30_000);
overall.unref();

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    console.error(TAG, `${sig}: ending what was started`);
    void cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 1;
try {
  const { outcome, results, runner } = await main();
  const end = results.end;
  let { passed, failed, skipped } = results.counts();
  const problems = [];
  if (outcome.code !== 0) problems.push(outcome.why);
  if (!end) problems.push('the suite did not report its end (crashed, never started, or timed out)');
  else if (end.passed !== passed || end.failed !== failed) problems.push(`the suite counted ${end.passed} passed / ${end.failed} failed but ${passed} / ${failed} were received`);
  if (passed + failed === 0) problems.push(`no test ran (is ${EXTENSION_ID} loading? see .vscode-test/artifacts/)`);
  if (problems.length && failed === 0) failed = 1; // a broken run is never reported as green
  exitCode = problems.length || failed ? 1 : 0;
  const t = Object.entries(timings).filter(([k]) => k !== 'suiteStart').map(([k, v]) => `${k} ${seconds(v)}`).join(', ');
  log(`${runner} runner: ${outcome.why}; ${t}; total ${elapsed()}`);
  for (const p of problems) log(`FAILED: ${p}`);
  if (exitCode) log(`artifacts: ${path.relative(REPO, ARTIFACTS)}/`);
  await cleanup();
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
} catch (err) {
  console.error(TAG, 'ERROR:', err?.message ?? err);
  if (err?.stack && !/InstallError/.test(err.constructor?.name ?? '')) console.error(err.stack.split('\n').slice(1, 6).join('\n'));
  await cleanup();
  console.log('0 passed, 1 failed');
  exitCode = 1;
}
process.exit(exitCode);

