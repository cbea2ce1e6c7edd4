import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProbeCancelled, runProbeProcess } from '../../src/extension/probeProcess';
import type { Report } from '../../src/report/report';
import { CLI, serve } from './serve';

// The extension runs the engine as `natprobe diagnose --stream` in its own process; this is
// that client, against the built CLI and a real `natprobe serve` on loopback.
describe('the extension\'s probe process (natprobe diagnose --stream)', function () {
  this.timeout(30000);
  let server: ChildProcess | undefined;
  const port = 37000 + Math.floor(Math.random() * 1000) * 4;

  before(async function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    server = await serve(['--primary', `127.0.0.1:${port}`, '--alternate', `127.0.0.2:${port + 1}`, '--ports', `udp:${port + 2}`]);
  });
  after(() => server?.kill('SIGTERM'));

  it('streams the log, then the quick verdict (before the port test ends), then the final report with the ports', async () => {
    const order: string[] = [];
    const logs: string[] = [];
    let quick: Report | undefined;
    const report = await runProbeProcess({
      cli: CLI,
      servers: [{ host: '127.0.0.1', port }],
      budgetMs: 3000,
      ports: [
        { protocol: 'udp', port: port + 2 },
        { protocol: 'udp', port: port + 3 },
      ],
      onLog: (line) => {
        logs.push(line);
        order.push('log');
      },
      onQuickVerdict: (r) => {
        quick = r;
        order.push('quick');
      },
    });
    assert.ok(quick, 'no quick verdict');
    assert.equal(quick.ports, undefined, 'the quick verdict does not wait for the port test');
    assert.equal(quick.natType.value, 'open-internet');
    assert.deepEqual(
      report.ports?.map((p) => `${p.port}:${p.reachable}`),
      [`${port + 2}:yes`, `${port + 3}:no`],
    );
    assert.ok(logs.some((l) => l.includes(`127.0.0.1:${port}`)), `the log names where packets went: ${logs.join(' | ')}`);
    assert.ok(order.indexOf('quick') > 0, 'log lines come before the quick verdict');
  });

  it('a cancel stops the probe at once and still returns the report of what was measured', async () => {
    const controller = new AbortController();
    const started = Date.now();
    // A UDP socket that takes datagrams and never answers (so no ICMP port unreachable either):
    // the diagnosis would wait for its silence. Cancelled as soon as the first request goes out.
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      const pending = runProbeProcess({
        cli: CLI,
        servers: [{ host: '127.0.0.1', port: silent.address().port }],
        budgetMs: 20000,
        signal: controller.signal,
        onLog: (line) => {
          if (line.startsWith('binding request')) controller.abort();
        },
      });
      const report = await pending;
      assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
      assert.equal(report.udp, 'unknown', report.udpReason);
      assert.match(report.udpReason, /cancel|interrupt/);
    } finally {
      silent.close();
    }
  });

  it('a cancel while the probe is still starting is a ProbeCancelled, not an error to show', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(runProbeProcess({ cli: CLI, servers: [{ host: '127.0.0.1', port: 9 }], budgetMs: 20000, signal: controller.signal }), ProbeCancelled);
  });

  it('passes the TURN password by environment, never on the command line', async () => {
    // A stand-in CLI that reports its own argv and environment back in a valid report.
    const sample = await runProbeProcess({ cli: CLI, servers: [{ host: '127.0.0.1', port }], budgetMs: 1500 });
    const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-fake-')), 'cli.js');
    fs.writeFileSync(
      fake,
      `const r = ${JSON.stringify(sample)};\nr.udpReason = JSON.stringify({ argv: process.argv.slice(2), pass: process.env.NATPROBE_TURN_PASS });\nprocess.stdout.write(JSON.stringify({ event: 'report', report: r }) + '\\n');\n`,
    );
    const report = await runProbeProcess({
      cli: fake,
      servers: [{ host: '127.0.0.1', port }],
      budgetMs: 1500,
      turn: { url: { host: '127.0.0.1', port: 3478, transport: 'udp' }, username: 'alice', password: 's3cret-pass' },
    });
    const seen = JSON.parse(report.udpReason) as { argv: string[]; pass: string };
    assert.equal(seen.pass, 's3cret-pass');
    assert.ok(!seen.argv.join(' ').includes('s3cret-pass'), seen.argv.join(' '));
    assert.deepEqual(seen.argv.slice(seen.argv.indexOf('--turn')), ['--turn', 'turn:127.0.0.1:3478', '--turn-user', 'alice']);
  });

  it('several TURN servers: one --turn and --turn-user each, one password variable each, none inherited, none on the command line', async () => {
    const sample = await runProbeProcess({ cli: CLI, servers: [{ host: '127.0.0.1', port }], budgetMs: 1500 });
    const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-fake-')), 'cli.js');
    fs.writeFileSync(
      fake,
      `const r = ${JSON.stringify(sample)};\nr.udpReason = JSON.stringify({ argv: process.argv.slice(2), env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('NATPROBE_TURN_PASS'))) });\nprocess.stdout.write(JSON.stringify({ event: 'report', report: r }) + '\\n');\n`,
    );
    process.env.NATPROBE_TURN_PASS_3 = 'inherited-stale';
    try {
      const report = await runProbeProcess({
        cli: fake,
        servers: [{ host: '127.0.0.1', port }],
        budgetMs: 1500,
        turn: [
          { url: { host: '127.0.0.1', port: 3478, transport: 'udp' }, username: 'alice', password: 'first-pass' },
          { url: { host: '::1', port: 3479, transport: 'udp' }, username: 'bob', password: 'second-pass' },
        ],
      });
      const seen = JSON.parse(report.udpReason) as { argv: string[]; env: Record<string, string> };
      assert.deepEqual(seen.env, { NATPROBE_TURN_PASS: 'first-pass', NATPROBE_TURN_PASS_2: 'second-pass' });
      assert.ok(!/first-pass|second-pass/.test(seen.argv.join(' ')), seen.argv.join(' '));
      assert.deepEqual(seen.argv.slice(seen.argv.indexOf('--turn')), ['--turn', 'turn:127.0.0.1:3478', '--turn-user', 'alice', '--turn', 'turn:[::1]:3479', '--turn-user', 'bob']);
    } finally {
      delete process.env.NATPROBE_TURN_PASS_3;
    }
  });

  it('natProbe.askRouter off passes --no-port-mapping; on (the default) passes nothing, the CLI asks by default', async () => {
    const sample = await runProbeProcess({ cli: CLI, servers: [{ host: '127.0.0.1', port }], budgetMs: 1500 });
    const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-fake-')), 'cli.js');
    fs.writeFileSync(fake, `const r = ${JSON.stringify(sample)};\nr.udpReason = JSON.stringify(process.argv.slice(2));\nprocess.stdout.write(JSON.stringify({ event: 'report', report: r }) + '\\n');\n`);
    const argv = async (askRouter?: boolean) => JSON.parse((await runProbeProcess({ cli: fake, servers: [{ host: '127.0.0.1', port }], budgetMs: 1500, askRouter })).udpReason) as string[];
    assert.ok((await argv(false)).includes('--no-port-mapping'));
    assert.ok(!(await argv(true)).some((a) => /port-mapping/.test(a)));
    assert.ok(!(await argv(undefined)).some((a) => /port-mapping/.test(a)));
  });

  it('a CLI that does not exist or refuses the arguments is a clear error, not a hang', async () => {
    await assert.rejects(runProbeProcess({ cli: '/nonexistent/cli.js', servers: [{ host: '127.0.0.1', port }], budgetMs: 500 }), /Cannot find module '\/nonexistent\/cli.js'/);
    await assert.rejects(runProbeProcess({ cli: CLI, servers: [{ host: '127.0.0.1', port: 0 }], budgetMs: 500 }), /^Error: --server .*port/);
  });
});
