// `npm test`: build, install what the lab needs (as root), then every suite in one mocha run,
// which ends with one plain "N passed, N failed, N skipped" line.
import { spawnSync } from 'node:child_process';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const started = Date.now();
if (run('node', ['scripts/build.mjs']) !== 0) process.exit(1);

if (process.getuid?.() === 0 && process.platform === 'linux') {
  if (run('bash', ['scripts/lab/ensure-deps.sh']) !== 0) {
    console.error('npm test: installing the lab packages failed (see above); the lab tests will say what is missing.');
  }
} else {
  console.log('npm test: not root, so the network-namespace lab tests will be skipped (they say so one by one).');
}

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/lab/**/*.test.ts'];
const code = run('npx', ['mocha', '--config', '.mocharc.json', ...suites]);
console.log(`npm test: finished in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(code);
