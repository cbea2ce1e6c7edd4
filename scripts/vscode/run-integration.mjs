#!/usr/bin/env node
// Runs the integration suite (test/integration/suite) inside a real VS Code extension host.
//
//   Runner 2 (default on Linux x64 that has, or as root can install, chromium + code-server): the VS Code
//     server bundled in code-server@4.139.1 (Node 24, installed by ensure-server.mjs into a cache dir outside
//     the repo), opened in headless Debian chromium driven by playwright-core. The smoke-test driver payload
//     (extensionDevelopmentPath / extensionTestsPath) makes the workbench run the suite in the Node extension
//     host and call window.codeAutomationExit(0|1) at the end; its console reaches us via codeAutomationLog.
//   Runner 1 (NATPROBE_TEST_RUNNER=electron, or when Runner 2 is impossible and VS Code can be downloaded):
//     @vscode/test-electron's runTests (downloads VS Code; on Linux needs a display, e.g. xvfb-run).
//
// Env: NATPROBE_TEST_RUNNER=electron|code-server (default: choose), NATPROBE_TEST_TIMEOUT_S (default 600),
//      NATPROBE_TEST_GREP (mocha grep), NATPROBE_VSCODE_CACHE (Runner 2's cache dir), NATPROBE_VSCODE_VERSION
//      (Runner 1, default stable). Flags: --no-build (dist/ is already built), --keep (keep temp dirs).
// Ends with one plain line "N passed, N failed, N skipped"; exit 0 only when the whole suite passed.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureServer, isReady } from './ensure-server.mjs';
import { REPO, chromiumPath, freePort, killGroup, seconds, startServer, waitForHttp } from './lib.mjs';

const TAG = 'integration:';
const RESULT_PREFIX = '[natprobe-test]';
const SUITE_DIR = path.join(REPO, 'test', 'integration', 'suite');
const BUNDLE = path.join(REPO, 'out', 'integration', 'suite', 'index.js');
const ARTIFACTS = path.join(REPO, '.vscode-test', 'artifacts');
const EXTENSION_ID = 'natprobe.nat-probe';

const argv = process.argv.slice(2);
const overallTimeoutMs = Number(process.env.NATPROBE_TEST_TIMEOUT_S ?? 600) * 1000;
const started = Date.now();
const cleanups = []; // run in reverse order, once, on every way out
const timings = {};
let pageStart = 0; // Runner 2: when the browser started loading the workbench

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

// ---------------------------------------------------------------- preparation (both runners)

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

/** A fresh workspace folder with fixture files, outside the repo. */
function makeWorkspace(tmp) {
  const ws = path.join(tmp, 'workspace');
  mkdirSync(ws, { recursive: true });
  writeFileSync(
    path.join(ws, 'wg0.conf'),
    `[Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
Address = 10.0.0.2/32
ListenPort = 51820

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
Endpoint = 192.0.2.1:51820
AllowedIPs = 0.0.0.0/0
`,
  );
  writeFileSync(
    path.join(ws, 'client.ovpn'),
    `client
dev tun
proto udp
remote 192.0.2.1 1194
nobind
persist-key
persist-tun
`,
  );
  return ws;
}

// ---------------------------------------------------------------- results

class Results {
  constructor() {
    this.events = [];
    this.seen = new Set();
  }
  /** Feeds one line of the extension host's console; prints the suite's events as they come. */
  line(text) {
    const at = text.indexOf(RESULT_PREFIX);
    if (at < 0) return false;
    const rest = text.slice(at + RESULT_PREFIX.length);
    const open = rest.indexOf('{');
    const close = rest.lastIndexOf('}');
    if (open < 0 || close < open) return false;
    let e;
    try {
      e = JSON.parse(rest.slice(open, close + 1));
    } catch {
      return false;
    }
    this.add(e);
    return true;
  }
  add(e) {
    const key = JSON.stringify(e);
    if (this.seen.has(key)) return; // the same event may arrive by two paths
    this.seen.add(key);
    this.events.push(e);
    if (e.event === 'start') {
      timings.suiteStart = Date.now();
      if (pageStart) timings.pageToSuiteStart = timings.suiteStart - pageStart;
      log(`suite started: ${e.total} test(s)${pageStart ? ` ${seconds(timings.pageToSuiteStart)} after opening the page` : ''}`);
    }
    else if (e.event === 'pass') console.log(`  ✓ ${e.title} (${e.durationMs ?? 0} ms)`);
    else if (e.event === 'fail') console.log(`  ✗ ${e.title}\n${indent(e.error ?? '', '      ')}`);
    else if (e.event === 'pending') console.log(`  - ${e.title} (skipped)`);
    else if (e.event === 'end') timings.suite = Date.now() - (timings.suiteStart ?? Date.now());
  }
  addFile(file) {
    if (!existsSync(file)) return;
    try {
      for (const e of JSON.parse(readFileSync(file, 'utf8')).events ?? []) this.add(e);
    } catch {
      /* partial file: the console lines are the other source */
    }
  }
  get end() {
    return this.events.find((e) => e.event === 'end');
  }
  counts() {
    const n = (k) => this.events.filter((e) => e.event === k).length;
    return { passed: n('pass'), failed: n('fail'), skipped: n('pending') };
  }
}

function indent(text, pad) {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

// ---------------------------------------------------------------- Runner 2: code-server + chromium

function runner2Possible() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { ok: false, why: `${process.platform}-${process.arch} (Runner 2 is for linux-x64)` };
  if (isReady().ready) return { ok: true, why: 'the VS Code server and chromium are installed (cache hit)' };
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (existsSync(chromiumPath()) || (root && apt)) return { ok: true, why: root ? 'linux-x64 as root with apt: chromium and code-server can be installed' : 'linux-x64 with chromium' };
  return { ok: false, why: 'chromium is missing and this is not root with apt-get to install it' };
}

async function runner2({ tmp, workspace, results }) {
  const tEnsure = Date.now();
  const paths = await ensureServer();
  timings.ensure = Date.now() - tEnsure;
  const { chromium } = await import('playwright-core');

  const port = await freePort();
  const serverLog = path.join(ARTIFACTS, 'server.log');
  const resultsFile = path.join(tmp, 'results.json');
  const webviewDir = path.join(tmp, 'webview-answers');
  mkdirSync(webviewDir, { recursive: true });
  log(`starting the VS Code server (code-server ${paths.codeServer.includes('4.139.1') ? '4.139.1' : ''}, ${paths.nodeBin}) on 127.0.0.1:${port}; log: ${path.relative(REPO, serverLog)}`);
  const tServer = Date.now();
  const server = startServer({
    paths,
    port,
    userDataDir: path.join(tmp, 'user-data'),
    serverDataDir: path.join(tmp, 'server-data'),
    env: {
      NATPROBE_TEST_RESULTS: resultsFile,
      NATPROBE_NODE: process.execPath,
      NATPROBE_WEBVIEW_DIR: webviewDir,
      ...(process.env.NATPROBE_TEST_GREP ? { NATPROBE_TEST_GREP: process.env.NATPROBE_TEST_GREP } : {}),
    },
    onOutput: (s) => appendFileSync(serverLog, s),
  });
  cleanups.push(() => server.stop());
  await waitForHttp(`http://127.0.0.1:${port}/`, 60_000, server.isDead);
  timings.serverUp = Date.now() - tServer;
  log(`server answers HTTP after ${seconds(timings.serverUp)}`);

  const profile = path.join(tmp, 'chromium-profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
  cleanups.push(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  const browserLog = path.join(ARTIFACTS, 'browser-console.log');
  page.on('console', (m) => appendFileSync(browserLog, `[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (err) => appendFileSync(browserLog, `[pageerror] ${err.stack ?? err}\n`));

  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  const automationLog = path.join(ARTIFACTS, 'automation.log');
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const parts = Array.isArray(args) ? args : [args];
    const text = parts.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    appendFileSync(automationLog, `[${type}] ${text}\n`);
    for (const l of text.split('\n')) results.line(l);
    // A test asks for a picture of the live workbench (the extension host is gone by the end).
    const shot = /\[natprobe-screenshot\] ([\w-]+)/.exec(text);
    if (shot) {
      const file = path.join(ARTIFACTS, `${shot[1]}.png`);
      page.screenshot({ path: file }).then(
        () => log(`screenshot: ${path.relative(REPO, file)}`),
        (err) => log(`screenshot failed: ${err.message}`),
      );
    }
    // A test asks about a webview's content (see answerWebviewQuery).
    const query = /\[natprobe-webview\] (\{.*\})/.exec(text);
    if (query) void answerWebviewQuery(page, query[1], webviewDir);
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    appendFileSync(automationLog, `[exit] codeAutomationExit(${code})\n`);
    resolveExit(Number(code));
  });

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO)],
    ['extensionTestsPath', remote(BUNDLE)],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const tPage = (pageStart = Date.now());
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  page
    .waitForSelector('.monaco-workbench', { timeout: 120_000 })
    .then(() => {
      timings.workbench = Date.now() - tPage;
      log(`workbench ready after ${seconds(timings.workbench)}`);
    })
    .catch(() => undefined);

  const remaining = overallTimeoutMs - (Date.now() - started);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), Math.max(remaining, 1000)))]);
  results.addFile(resultsFile);
  const ok = code === 0;
  if (!ok || !results.end || results.end.failed > 0) {
    const shot = path.join(ARTIFACTS, 'failure.png');
    await page.screenshot({ path: shot }).then(
      () => log(`screenshot: ${path.relative(REPO, shot)}`),
      (err) => log(`screenshot failed: ${err.message}`),
    );
  }
  return code === 'timeout' ? { code: 1, why: `timed out after ${seconds(overallTimeoutMs)} (no codeAutomationExit)` } : { code, why: `codeAutomationExit(${code})` };
}

/**
 * Webview queries (Runner 2 only). The extension host cannot see inside a webview, so a test logs
 *   [natprobe-webview] {"id":"q1","title":"NAT Probe report","workbench":false,"click":"css","scrollTo":"css",
 *                       "selectors":{"name":"css",…},"screenshot":"name"}
 * and the runner, through playwright, finds the webview frame whose document has that title (or,
 * with "workbench": true, takes the workbench page itself, e.g. to read the status bar),
 * optionally clicks an element and scrolls one into view, returns the text (innerText, spaces normalised) of
 * every element each selector matches, and can save a picture of the webview alone
 * (ARTIFACTS/<screenshot>.png). The answer {id, ok, frames, scrollY, results, error?} is written to
 * $NATPROBE_WEBVIEW_DIR/<id>.json, which the test polls. Every field but id is optional.
 */
// The functions given to frame.evaluate run inside the webview, where these exist.
/* global document, window, HTMLElement */
const answeredQueries = new Set();

async function answerWebviewQuery(page, json, dir) {
  let q;
  try {
    q = JSON.parse(json);
  } catch {
    return;
  }
  if (typeof q?.id !== 'string' || !/^[\w-]{1,64}$/.test(q.id) || answeredQueries.has(q.id)) return;
  answeredQueries.add(q.id); // the same console line can arrive twice
  const answer = { id: q.id, ok: false, frames: 0 };
  try {
    const title = typeof q.title === 'string' ? q.title : 'NAT Probe report';
    const frames = [];
    if (q.workbench === true) {
      // The workbench itself (status bar, tabs), not a webview.
      frames.push(page.mainFrame());
    } else {
      for (const f of page.frames()) {
        const match = await f.evaluate((t) => document.title === t && document.body !== null, title).catch(() => false);
        if (match) frames.push(f);
      }
    }
    answer.frames = frames.length;
    const frame = frames[frames.length - 1];
    if (!frame) throw new Error(`no webview frame titled "${title}"`);
    if (typeof q.click === 'string') await frame.click(q.click, { timeout: 5000 });
    if (typeof q.scrollTo === 'string') {
      await frame.evaluate((sel) => {
        const el = document.querySelector(sel);
        if (el) el.scrollIntoView({ block: 'start' });
        else window.scrollTo(0, 0);
      }, q.scrollTo);
    }
    answer.scrollY = await frame.evaluate(() => window.scrollY);
    if (q.selectors && typeof q.selectors === 'object') {
      answer.results = await frame.evaluate(
        (sels) =>
          Object.fromEntries(Object.entries(sels).map(([name, sel]) => [name, [...document.querySelectorAll(String(sel))].map((e) => ((e instanceof HTMLElement ? e.innerText : e.textContent) ?? '').replace(/\s+/g, ' ').trim())])),
        q.selectors,
      );
    }
    if (typeof q.screenshot === 'string' && /^[\w-]{1,64}$/.test(q.screenshot)) {
      await new Promise((r) => setTimeout(r, 400)); // let the webview paint after a scroll or theme change
      const file = path.join(ARTIFACTS, `${q.screenshot}.png`);
      const element = await frame.frameElement();
      await element.screenshot({ path: file });
      log(`screenshot: ${path.relative(REPO, file)}`);
    }
    answer.ok = true;
  } catch (err) {
    answer.error = String(err?.message ?? err).split('\n')[0];
  }
  writeFileSync(path.join(dir, `${q.id}.json`), JSON.stringify(answer));
}

// ---------------------------------------------------------------- Runner 1: @vscode/test-electron

function canReach(url, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const req = https.request(url, { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function runner1({ tmp, workspace, results }) {
  const resultsFile = path.join(tmp, 'results.json');
  const config = {
    version: process.env.NATPROBE_VSCODE_VERSION || 'stable',
    cachePath: path.join(REPO, '.vscode-test'),
    extensionDevelopmentPath: REPO,
    extensionTestsPath: BUNDLE,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions'), '--no-sandbox', '--disable-gpu'],
    extensionTestsEnv: { NATPROBE_TEST_RESULTS: resultsFile, NATPROBE_NODE: process.execPath, ...(process.env.NATPROBE_TEST_GREP ? { NATPROBE_TEST_GREP: process.env.NATPROBE_TEST_GREP } : {}) },
  };
  // runTests runs in a child Node process in its own process group, so a timeout can end it and the
  // VS Code it started, and nothing else.
  const script = `import { runTests } from '@vscode/test-electron';
const config = JSON.parse(process.argv[1]);
try { process.exit(await runTests(config)); } catch (err) { console.error('runTests failed:', err?.message ?? err); process.exit(typeof err === 'string' && /exit code/.test(err) ? 1 : 2); }`;
  const env = { ...process.env };
  if (process.platform === 'linux' && !env.DISPLAY) {
    // Electron needs an X display: start Xvfb when there is one (in its own process group, ended at the end).
    if (spawnSync('sh', ['-c', 'command -v Xvfb'], { encoding: 'utf8' }).status === 0) {
      const display = `:${90 + Math.floor(Math.random() * 100)}`;
      const xvfb = spawn('Xvfb', [display, '-screen', '0', '1400x900x24', '-nolisten', 'tcp'], { detached: true, stdio: 'ignore' });
      cleanups.push(() => killGroup(xvfb.pid));
      env.DISPLAY = display;
      await new Promise((r) => setTimeout(r, 1000));
      log(`started Xvfb on ${display}`);
    } else {
      log('warning: no DISPLAY and no Xvfb: VS Code (Electron) will probably not start (apt-get install xvfb, or run under xvfb-run)');
    }
  }
  const electronLog = path.join(ARTIFACTS, 'electron.log');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(config)], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => killGroup(child.pid));
  const onData = (b) => {
    const s = b.toString();
    appendFileSync(electronLog, s);
    for (const l of s.split('\n')) if (!results.line(l) && l.trim()) console.log(`  | ${l}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const remaining = overallTimeoutMs - (Date.now() - started);
  const code = await Promise.race([
    new Promise((r) => child.once('exit', (c) => r(c ?? 1))),
    new Promise((r) => setTimeout(() => r('timeout'), Math.max(remaining, 1000))),
  ]);
  results.addFile(resultsFile);
  if (code === 'timeout') return { code: 1, why: `timed out after ${seconds(overallTimeoutMs)}` };
  if (code === 2) return { code, why: 'runTests could not download or start VS Code (Runner 1 needs to reach update.code.visualstudio.com, and a display on Linux); see .vscode-test/artifacts/electron.log' };
  return { code, why: `runTests exit code ${code}` };
}

// ---------------------------------------------------------------- main

async function choose() {
  const forced = (process.env.NATPROBE_TEST_RUNNER || '').toLowerCase();
  if (forced === 'electron' || forced === '1') return { runner: 1, why: 'NATPROBE_TEST_RUNNER=electron' };
  if (forced === 'code-server' || forced === '2') return { runner: 2, why: `NATPROBE_TEST_RUNNER=${forced}` };
  if (forced) throw new Error(`NATPROBE_TEST_RUNNER must be electron or code-server, not "${forced}"`);
  const r2 = runner2Possible();
  if (r2.ok) return { runner: 2, why: r2.why };
  return { runner: 1, why: `Runner 2 is impossible here: ${r2.why}` };
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
  const results = new Results();

  let { runner, why } = await choose();
  let outcome;
  if (runner === 2) {
    log(`Runner 2 (VS Code server of code-server 4.139.1 + headless chromium via playwright-core): ${why}`);
    try {
      outcome = await runner2({ tmp, workspace, results });
    } catch (err) {
      const auto = !process.env.NATPROBE_TEST_RUNNER;
      if (!auto || results.events.length) throw err;
      log(`Runner 2 failed before the suite started: ${err.message}`);
      if (!(await canReach('https://update.code.visualstudio.com/api/releases/stable'))) throw new Error(`Runner 2 failed and VS Code cannot be downloaded for Runner 1 either: ${err.message}`);
      await cleanup();
      runner = 1;
      why = 'Runner 2 failed and VS Code can be downloaded';
    }
  }
  if (runner === 1) {
    log(`Runner 1 (@vscode/test-electron runTests, VS Code ${process.env.NATPROBE_VSCODE_VERSION || 'stable'}): ${why}`);
    outcome = await runner1({ tmp, workspace, results });
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
  log(`Runner ${runner}: ${outcome.why}; ${t}; total ${elapsed()}`);
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

