// The code-server runner (the default on Linux x64 that has, or as root can install, chromium + code-server):
// the VS Code server bundled in code-server@4.139.1 (Node 24, installed by ensure-server.mjs into a cache dir
// outside the repo), opened in headless Debian chromium driven by playwright-core. The smoke-test driver payload
// (extensionDevelopmentPath / extensionTestsPath) makes the workbench run the suite in the Node extension host
// and call window.codeAutomationExit(0|1) at the end; its console reaches us via codeAutomationLog. Only this
// runner answers the suite's webview queries and screenshot requests (test/integration/consoleProtocol.cjs).
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import protocol from '../../test/integration/consoleProtocol.cjs';
import { ensureServer, isReady } from './ensure-server.mjs';
import { REPO, chromiumPath, freePort, seconds, startServer, waitForHttp } from './lib.mjs';

/** Whether this machine can use the code-server runner, and why (not). */
export function codeServerPossible() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { ok: false, why: `${process.platform}-${process.arch} (the code-server runner is for linux-x64)` };
  if (isReady().ready) return { ok: true, why: 'the VS Code server and chromium are installed (cache hit)' };
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (existsSync(chromiumPath()) || (root && apt)) return { ok: true, why: root ? 'linux-x64 as root with apt: chromium and code-server can be installed' : 'linux-x64 with chromium' };
  return { ok: false, why: 'chromium is missing and this is not root with apt-get to install it' };
}

/** Runs the suite; resolves to { code, why } (code 0: the workbench reported the suite passed). */
export async function runCodeServer({ tmp, workspace, results, timings, cleanups, log, artifacts, bundle, deadline, timeoutMs }) {
  const tEnsure = Date.now();
  const paths = await ensureServer();
  timings.ensure = Date.now() - tEnsure;
  const { chromium } = await import('playwright-core');

  const port = await freePort();
  const serverLog = path.join(artifacts, 'server.log');
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
    workspaceTrust: process.env.NATPROBE_TEST_TRUST === 'restricted',
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
  const browserLog = path.join(artifacts, 'browser-console.log');
  page.on('console', (m) => appendFileSync(browserLog, `[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (err) => appendFileSync(browserLog, `[pageerror] ${err.stack ?? err}\n`));

  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  const automationLog = path.join(artifacts, 'automation.log');
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const parts = Array.isArray(args) ? args : [args];
    const text = parts.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    appendFileSync(automationLog, `[${type}] ${text}\n`);
    for (const l of text.split('\n')) {
      if (results.line(l)) continue;
      // A test asks for a picture of the live workbench (the extension host is gone by the end).
      const shot = protocol.parseScreenshotLine(l);
      if (shot) {
        const file = path.join(artifacts, `${shot}.png`);
        page.screenshot({ path: file }).then(
          () => log(`screenshot: ${path.relative(REPO, file)}`),
          (err) => log(`screenshot failed: ${err.message}`),
        );
      }
      // A test asks about a webview's content (see answerWebviewQuery).
      const query = protocol.parseWebviewQueryLine(l);
      if (query) void answerWebviewQuery(page, query, webviewDir, artifacts, log);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    appendFileSync(automationLog, `[exit] codeAutomationExit(${code})\n`);
    resolveExit(Number(code));
  });

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO)],
    ['extensionTestsPath', remote(bundle)],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const tPage = (results.pageStart = Date.now());
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  page
    .waitForSelector('.monaco-workbench', { timeout: 120_000 })
    .then(() => {
      timings.workbench = Date.now() - tPage;
      log(`workbench ready after ${seconds(timings.workbench)}`);
    })
    .catch(() => undefined);

  const remaining = deadline - Date.now();
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), Math.max(remaining, 1000)))]);
  results.addFile(resultsFile);
  const ok = code === 0;
  if (!ok || !results.end || results.end.failed > 0) {
    const shot = path.join(artifacts, 'failure.png');
    await page.screenshot({ path: shot }).then(
      () => log(`screenshot: ${path.relative(REPO, shot)}`),
      (err) => log(`screenshot failed: ${err.message}`),
    );
  }
  return code === 'timeout' ? { code: 1, why: `timed out after ${seconds(timeoutMs)} (no codeAutomationExit)` } : { code, why: `codeAutomationExit(${code})` };
}

/**
 * Answers a webview query (the format is in test/integration/consoleProtocol.cjs): {id, ok, frames,
 * scrollY, results, error?} written to <dir>/<id>.json, which the test polls.
 */
// The functions given to frame.evaluate run inside the webview, where these exist.
/* global document, window, HTMLElement */
const answeredQueries = new Set();

async function answerWebviewQuery(page, q, dir, artifacts, log) {
  if (answeredQueries.has(q.id)) return;
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
      const file = path.join(artifacts, `${q.screenshot}.png`);
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
