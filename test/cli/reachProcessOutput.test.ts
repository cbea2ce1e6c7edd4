import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ReachResult } from '../../src/engine/reach/types';
import { runReachProcess } from '../../src/extension/reach/reachProcess';

/**
 * What the extension's reach runner accepts from `natprobe reach --json`. The child is a separate
 * process whose output feeds diagnostics and the panel's "Your VPN servers": a stand-in CLI that
 * prints a chosen JSON document plays a broken or hostile child, and every field of every result
 * must have its type before anything uses it (as a report's fields do: src/report/parseReport.ts).
 */
describe('the extension\'s reach runner checks every field of natprobe reach --json', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-fake-reach-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const good: ReachResult = {
    target: { protocol: 'wireguard', host: 'vpn.example.com', port: 51820, transport: 'udp', line: 7, label: 'peer xTIBA5rb… (line 8)' },
    outcome: 'no-answer',
    address: '192.0.2.7',
    summary: 'No answer to a handshake initiation.',
    evidence: ['sent a handshake initiation (148 bytes)', 'no answer in 5000 ms'],
    possibleCauses: ['blocked on the path'],
    nextStep: 'Check the server is up.',
    packetsSent: 3,
  };

  let n = 0;
  /** Runs the runner against a stand-in CLI that prints `output` and exits with `code`. */
  function runWith(output: unknown, code = 1) {
    const cli = path.join(dir, `cli${n++}.js`);
    fs.writeFileSync(cli, `process.stdout.write(${JSON.stringify(JSON.stringify(output))});\nprocess.exitCode = ${code};\n`);
    return runReachProcess({ cli, text: '[Interface]\n', fileName: 'wg0.conf', format: 'wireguard', budgetMs: 1000 });
  }
  const withResult = (patch: Record<string, unknown>, target?: Record<string, unknown>) => ({
    results: [good, { ...good, ...patch, target: { ...good.target, ...target } }],
    notes: [],
  });

  it('a well-formed run comes through whole', async () => {
    const run = await runWith({ results: [good, { ...good, outcome: 'reachable', rttMs: 12.5, possibleCauses: undefined, nextStep: undefined }], notes: ['a note'], heldBack: 'wg0 is up' });
    assert.equal(run.results.length, 2);
    assert.deepEqual(run.results[0], good);
    assert.equal(run.results[1].rttMs, 12.5);
    assert.deepEqual(run.notes, ['a note']);
    assert.equal(run.heldBack, 'wg0 is up');
  });

  // The attacks: each result below is wrong in one field, at some depth; the run is refused with
  // that field's path, never passed on with a wrong type.
  const attacks: [string, unknown, RegExp][] = [
    ['a port as text (the diagnostic would read "line NaN")', withResult({}, { port: '51820' }), /results\[1\]\.target\.port: expected a port/],
    ['a line number that is not a whole number', withResult({}, { line: -1 }), /results\[1\]\.target\.line/],
    ['an object where the label is text (the panel would show [object Object])', withResult({}, { label: { toString: 'x' } }), /results\[1\]\.target\.label: expected a string/],
    ['an outcome the extension does not know', withResult({ outcome: 'owned' }), /results\[1\]\.outcome: expected one of reachable/],
    ['a protocol the extension does not know', withResult({}, { protocol: 'ipsec' }), /results\[1\]\.target\.protocol/],
    ['a null summary', withResult({ summary: null }), /results\[1\]\.summary: expected a string, got null/],
    ['evidence with a number in it', withResult({ evidence: ['sent', 7] }), /results\[1\]\.evidence\[1\]: expected a string/],
    ['possible causes that are not a list', withResult({ possibleCauses: 'blocked' }), /results\[1\]\.possibleCauses: expected a list/],
    ['an RTT that is text', withResult({ rttMs: '12' }), /results\[1\]\.rttMs: expected a finite number/],
    ['a packet count that is negative', withResult({ packetsSent: -3 }), /results\[1\]\.packetsSent/],
    ['no target at all', { results: [good, { ...good, target: undefined }], notes: [] }, /results\[1\]\.target: expected an object/],
    ['a result that is not an object', { results: [good, 'reachable'], notes: [] }, /results\[1\]: expected an object/],
    ['a note that is not text', { results: [good], notes: ['fine', 42] }, /notes\[1\]: expected a string/],
    ['held back by something that is not text', { results: [], notes: [], heldBack: ['x'] }, /heldBack: expected a string/],
  ];
  for (const [what, output, error] of attacks) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(runWith(output), (err: Error) => {
        assert.match(err.message, /^the reach probe printed a malformed result: /);
        assert.match(err.message, error);
        assert.ok(!err.message.includes('\n') && err.message.length < 300, err.message);
        return true;
      });
    });
  }

  it('output that is not JSON, or has no results, is still a clear error', async () => {
    const cli = path.join(dir, 'garbage.js');
    fs.writeFileSync(cli, 'process.stdout.write("\\u001b[2Jnot json");\nprocess.exitCode = 1;\n');
    await assert.rejects(runReachProcess({ cli, text: '', fileName: 'wg0.conf', format: 'wireguard', budgetMs: 1000 }), /printed something that is not JSON/);
    await assert.rejects(runWith({ notes: [] }), /printed no results/);
    await assert.rejects(runWith([good]), /printed no results/);
  });
});
