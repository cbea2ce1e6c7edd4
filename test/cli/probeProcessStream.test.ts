import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProbeProcess } from '../../src/extension/probeProcess';
import type { Report } from '../../src/report/report';

/**
 * What the extension's probe runner accepts from `natprobe diagnose --stream`. A stand-in CLI
 * prints chosen lines, playing a broken or hostile child: every event is checked at every depth
 * before a callback sees it, a malformed one is dropped with one log line, and nothing it prints
 * can crash the extension or make it keep an unbounded buffer.
 */
describe('the extension\'s probe runner checks every line of natprobe diagnose --stream', function () {
  this.timeout(30000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-fake-stream-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const report = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/reports/lab-port-restricted.json'), 'utf8')) as Report;
  const final = JSON.stringify({ event: 'report', report });

  let n = 0;
  /** A stand-in CLI that prints these lines (strings as they are, anything else as JSON), then the final report. */
  function fakeCli(lines: unknown[], end = final): string {
    const cli = path.join(dir, `cli${n++}.js`);
    const text = [...lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))), end].join('\n') + '\n';
    fs.writeFileSync(cli, `process.stdout.write(${JSON.stringify(text)});\n`);
    return cli;
  }

  function run(cli: string, extra: Partial<Parameters<typeof runProbeProcess>[0]> = {}) {
    const seen = { logs: [] as string[], warnings: [] as string[], lifetimes: [] as unknown[], quick: 0 };
    const done = runProbeProcess({
      cli,
      servers: [{ host: '127.0.0.1', port: 9 }],
      budgetMs: 1000,
      onLog: (l) => seen.logs.push(l),
      onWarning: (l) => seen.warnings.push(l),
      onLifetime: (p) => seen.lifetimes.push(p),
      onQuickVerdict: () => seen.quick++,
      ...extra,
    });
    return { done, seen };
  }

  it('passes well-formed events on, in order', async () => {
    const { done, seen } = run(fakeCli([
      { event: 'log', line: 'sent a binding request' },
      { event: 'lifetime', lowSeconds: 30, highSeconds: null, elapsedMs: 31000 },
      { event: 'lifetime', lowSeconds: 30, highSeconds: 60, elapsedMs: 95000 },
      { event: 'quick', report },
    ]));
    const r = await done;
    assert.equal(r.natType.value, report.natType.value);
    assert.deepEqual(seen.logs, ['sent a binding request']);
    assert.deepEqual(seen.lifetimes, [
      { event: 'lifetime', lowSeconds: 30, highSeconds: null, elapsedMs: 31000 },
      { event: 'lifetime', lowSeconds: 30, highSeconds: 60, elapsedMs: 95000 },
    ]);
    assert.equal(seen.quick, 1);
    assert.deepEqual(seen.warnings, []);
  });

  // The attacks: each line below is wrong at some depth. None reaches a callback; each costs one
  // log line naming what was wrong (never the content), and the run still ends with its report.
  const malformed: [string, unknown, RegExp][] = [
    ['a lifetime whose upper bound is text (the progress would read "gone by soon s")', { event: 'lifetime', lowSeconds: 30, highSeconds: 'soon', elapsedMs: 1 }, /highSeconds: expected a finite number/],
    ['a lifetime without its upper bound', { event: 'lifetime', lowSeconds: 30, elapsedMs: 1 }, /highSeconds: expected a finite number/],
    ['a lifetime with a negative lower bound', { event: 'lifetime', lowSeconds: -5, highSeconds: null, elapsedMs: 1 }, /lowSeconds: expected .*≥ 0/],
    ['a lifetime whose elapsed time is an object', { event: 'lifetime', lowSeconds: 30, highSeconds: null, elapsedMs: { valueOf: 1 } }, /elapsedMs: expected/],
    ['a log event whose line is a number', { event: 'log', line: 42 }, /line: expected a string/],
    ['an event nobody knows', { event: 'pwn', line: 'x' }, /event: expected one of log, lifetime, quick, report/],
    ['JSON null', null, /expected an object, got null/],
    ['a JSON list', [{ event: 'log', line: 'x' }], /expected an object, got a list/],
    ['a JSON string', '"just text"', /expected an object, got a string/],
  ];
  for (const [what, line, error] of malformed) {
    it(`drops ${what}, with one log line`, async () => {
      const { done, seen } = run(fakeCli([line]));
      await done;
      assert.deepEqual(seen.lifetimes, [], 'no lifetime callback');
      assert.deepEqual(seen.logs, [], 'no log callback');
      assert.equal(seen.warnings.length, 1, JSON.stringify(seen.warnings));
      assert.match(seen.warnings[0], error);
      assert.match(seen.warnings[0], /^the probe printed a malformed stream event/);
      assert.ok(!seen.warnings[0].includes('\n') && seen.warnings[0].length < 300, seen.warnings[0]);
    });
  }

  it('a malformed quick verdict is dropped with a log line; a malformed final report fails the run with its path', async () => {
    const bad = { ...report, natType: { value: 'owned', reason: 1 } };
    const quick = run(fakeCli([{ event: 'quick', report: bad }]));
    await quick.done;
    assert.equal(quick.seen.quick, 0);
    assert.match(quick.seen.warnings.join(' | '), /report\.natType\.value: expected one of/);
    const last = run(fakeCli([], JSON.stringify({ event: 'report', report: bad })));
    await assert.rejects(last.done, /the probe's report is malformed: report\.natType\.value/);
  });

  it('a callback that throws costs a log line, not the extension', async () => {
    const { done, seen } = run(fakeCli([{ event: 'lifetime', lowSeconds: 30, highSeconds: null, elapsedMs: 1 }, { event: 'quick', report }]), {
      onLifetime: () => {
        throw new Error('progress gone');
      },
      onQuickVerdict: () => {
        throw new TypeError('panel gone');
      },
    });
    await done;
    assert.equal(seen.warnings.length, 2, JSON.stringify(seen.warnings));
    assert.match(seen.warnings[0], /lifetime event.*progress gone/);
    assert.match(seen.warnings[1], /quick event.*panel gone/);
  });

  it('a line that never ends: the child is killed, the run fails with a clear error, no more than the bound is kept', async () => {
    const pidFile = path.join(dir, 'endless.pid');
    const cli = path.join(dir, 'endless.js');
    // The attack: a child that writes one line without end, as fast as the pipe takes it.
    fs.writeFileSync(
      cli,
      `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nconst chunk = 'x'.repeat(65536);\nconst more = () => { while (process.stdout.write(chunk)); process.stdout.once('drain', more); };\nmore();\n`,
    );
    const started = Date.now();
    const { done } = run(cli);
    await assert.rejects(done, /^Error: the probe printed a line longer than 1 MB: stopped$/);
    assert.ok(Date.now() - started < 10000, `took ${Date.now() - started} ms`);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the child is gone');
  });
});
