// The electron runner (NATPROBE_TEST_RUNNER=electron, or when the code-server runner is impossible and VS Code
// can be downloaded): @vscode/test-electron's runTests (downloads VS Code; on Linux needs a display, e.g. xvfb-run).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { REPO, killGroup, seconds } from './lib.mjs';

/** Whether a HEAD request to `url` gets any answer (VS Code can be downloaded). */
export function canReach(url, timeoutMs = 5000) {
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

/** Runs the suite; resolves to { code, why } (runTests' exit code). */
export async function runElectron({ tmp, workspace, results, cleanups, log, artifacts, bundle, deadline, timeoutMs }) {
  const resultsFile = path.join(tmp, 'results.json');
  const config = {
    version: process.env.NATPROBE_VSCODE_VERSION || 'stable',
    cachePath: path.join(REPO, '.vscode-test'),
    extensionDevelopmentPath: REPO,
    extensionTestsPath: bundle,
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
  const electronLog = path.join(artifacts, 'electron.log');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(config)], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => killGroup(child.pid));
  const onData = (b) => {
    const s = b.toString();
    appendFileSync(electronLog, s);
    for (const l of s.split('\n')) if (!results.line(l) && l.trim()) console.log(`  | ${l}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const remaining = deadline - Date.now();
  const code = await Promise.race([
    new Promise((r) => child.once('exit', (c) => r(c ?? 1))),
    new Promise((r) => setTimeout(() => r('timeout'), Math.max(remaining, 1000))),
  ]);
  results.addFile(resultsFile);
  if (code === 'timeout') return { code: 1, why: `timed out after ${seconds(timeoutMs)}` };
  if (code === 2) return { code, why: 'runTests could not download or start VS Code (the electron runner needs to reach update.code.visualstudio.com, and a display on Linux); see .vscode-test/artifacts/electron.log' };
  return { code, why: `runTests exit code ${code}` };
}
