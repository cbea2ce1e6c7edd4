// The integration suite's router test (test/integration/suite/routerAnswer.test.ts) in a real
// VS Code running inside the namespace lab: the double-NAT profile (a home router with
// miniupnpd behind a carrier NAT), the whole integration runner in the client namespace, so the
// extension's diagnosis asks a real router and nothing leaves the lab. Root on Linux only.
//   node --import tsx scripts/lab/integration-router.ts [--no-build]
// `npm test` runs it as its last pass (scripts/test.mjs). Prints the runner's output and ends, like
// the runner, with one "N passed, N failed, N skipped" line; exits 0 only when the test passed or
// was skipped for a printed reason.
//   - The lab cannot run here (not root, tools missing): prints why and counts nothing (the normal
//     pass already counted these tests as skipped), unless NATLAB_REQUIRE=1 (CI), where that is a
//     failure.
//   - The namespaces are deleted on every way out (pass, fail, runner timeout, Ctrl-C), and the
//     script checks afterwards that none is left.
//   - Before the runner starts, the script checks the lab is sealed: every link of the lab's
//     namespaces is one end of a veth pair whose other end is in the lab too, and the host's own
//     namespace holds none of them, so nothing VS Code or the extension sends can leave.
// Env: NATPROBE_TEST_GREP (default: the router test's title), NATPROBE_TEST_TIMEOUT_S (default
// 300 here), NATLAB_REQUIRE=1.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { type Lab, SERVERS, createLab, labAvailability, miniupnpdAvailability, sweepStaleLabs } from '../../test/lab/lab';

const ROOT = path.resolve(__dirname, '../..');
const TAG = 'integration-router:';
/** The router test's describe title (mocha grep): only that file runs in this pass. */
const GREP = 'router’s answer';
const RUNNER_TIMEOUT_S = Number(process.env.NATPROBE_TEST_TIMEOUT_S ?? 300);

function ip(args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout;
}

function linkNames(netns?: string): { name: string; veth: boolean }[] {
  const out = ip([...(netns ? ['-n', netns] : []), '-d', '-o', 'link', 'show']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ name: (/^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '').trim(), veth: /\bveth\b/.test(line) }));
}

/** Throws unless the lab's namespaces are linked only to each other (see the header). */
function checkSealed(lab: Lab): string {
  const namespaces = Object.values(lab.ns).filter((n): n is string => !!n);
  const inside: string[] = [];
  for (const ns of namespaces) {
    for (const l of linkNames(ns)) {
      if (l.name === 'lo') continue;
      if (!l.veth) throw new Error(`the lab is not sealed: ${ns} has a ${l.name} that is not a veth`);
      inside.push(l.name);
    }
  }
  // `ip link add A netns X type veth peer name B netns Y`: a veth pair has two ends; an end outside
  // the lab would leave an odd count inside, and would show in the host's namespace under its name.
  if (inside.length === 0 || inside.length % 2 !== 0) throw new Error(`the lab is not sealed: ${inside.length} veth ends inside (${inside.join(', ')})`);
  const host = new Set(linkNames().map((l) => l.name));
  const leaked = inside.filter((n) => host.has(n));
  if (leaked.length) throw new Error(`the lab is not sealed: ${leaked.join(', ')} also in the host's namespace`);
  return `${namespaces.length} namespaces, ${inside.length / 2} veth pairs, all ends inside the lab`;
}

function leftNamespaces(names: string[]): string[] {
  const listed = new Set(ip(['netns', 'list']).split('\n').map((l) => l.trim().split(/\s+/)[0]));
  return names.filter((n) => listed.has(n));
}

let runner: ChildProcess | undefined;

/** Waits (blocking) up to `ms` for a process to be gone. */
function waitGoneSync(pid: number, ms: number): void {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    spawnSync('sleep', ['0.1']);
  }
}

function runRunner(lab: Lab): Promise<number> {
  const args = ['netns', 'exec', lab.ns.client, process.execPath, path.join(ROOT, 'scripts/vscode/run-integration.mjs'), ...process.argv.slice(2)];
  const env = {
    ...process.env,
    NATPROBE_LAB_SERVER: `${SERVERS.primary}:${SERVERS.turnPort}`,
    NATPROBE_TEST_GREP: process.env.NATPROBE_TEST_GREP ?? GREP,
    NATPROBE_TEST_TIMEOUT_S: String(RUNNER_TIMEOUT_S),
  };
  // `ip netns exec` execs node itself, so child.pid is the runner's: SIGTERM lets it end what it started.
  const child = spawn('ip', args, { cwd: ROOT, env, stdio: 'inherit' });
  runner = child;
  // Put ahead of createLab's own handlers (which delete the namespaces and exit at once), so on
  // Ctrl-C or SIGTERM the runner first gets to stop its VS Code server and remove its temp dir.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.prependOnceListener(sig, () => {
      if (runner?.pid === undefined || runner.exitCode !== null) return;
      runner.kill('SIGTERM');
      waitGoneSync(runner.pid, 5000);
    });
  }
  return new Promise<number>((resolve) => {
    // The runner has its own overall timeout; this one is for a runner that hangs anyway.
    const watchdog = setTimeout(() => {
      console.error(TAG, `the runner did not end within ${RUNNER_TIMEOUT_S + 60} s; stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, (RUNNER_TIMEOUT_S + 60) * 1000);
    child.on('error', (err) => {
      clearTimeout(watchdog);
      console.error(TAG, err.message);
      resolve(1);
    });
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      resolve(code ?? 1);
    });
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  // The lab first: miniupnpd's check may install it (as root), pointless when the lab cannot run.
  let unavailable = labAvailability();
  if (unavailable.ok) unavailable = miniupnpdAvailability();
  if (!unavailable.ok) {
    if (process.env.NATLAB_REQUIRE === '1') {
      console.error(TAG, `the lab is required here (NATLAB_REQUIRE=1) but cannot run: ${unavailable.reason}`);
      console.log('0 passed, 1 failed, 0 skipped');
      return 1;
    }
    console.log(TAG, `skipped (the router test stays skipped, as counted in the normal pass): ${unavailable.reason}`);
    console.log('0 passed, 0 failed, 0 skipped');
    return 0;
  }
  sweepStaleLabs();
  let lab: Lab | undefined;
  let code = 1;
  let names: string[] = [];
  try {
    lab = await createLab('double-nat');
    names = Object.values(lab.ns).filter((n): n is string => !!n);
    console.log(TAG, `double-nat lab up in ${(lab.setupMs / 1000).toFixed(1)} s: ${checkSealed(lab)}`);
    code = await runRunner(lab);
  } catch (err) {
    console.error(TAG, err instanceof Error ? err.message : String(err));
    console.log('0 passed, 1 failed, 0 skipped');
    code = 1;
  } finally {
    await lab?.destroy();
  }
  const left = leftNamespaces(names);
  if (left.length) {
    console.error(TAG, `FAILED: namespaces left behind: ${left.join(', ')}`);
    console.log('0 passed, 1 failed, 0 skipped');
    return 1;
  }
  console.log(TAG, `lab torn down (${names.length} namespaces gone); wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(TAG, err instanceof Error ? err.message : String(err));
    console.log('0 passed, 1 failed, 0 skipped');
    process.exitCode = 1;
  },
);
