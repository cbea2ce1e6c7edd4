import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { DirectVerdict } from '../../../src/engine/compare';
import type { NatProbeApi } from '../../../src/extension/extension';
import type { PunchRow } from '../../../src/report/messages';
import type { Report } from '../../../src/report/report';
import { ourExtension, waitFor } from './helpers';
import { type ServeProcess, startServe } from './serve';
import { canQueryWebviews, waitForWebview } from './webviewQuery';

// "Test a direct path to a peer" in a real VS Code: `natprobe serve --rendezvous` on loopback,
// one end started through the command (its code read from the notification that shows it, as a
// user would read it), the other end `natprobe punch --code …` as a child process of the test.
// The proof must reach the command's result, a toast, and the report panel's "Direct path to a
// peer" (the last through the runner's look into the webview, code-server runner only). With
// both ends' reports (this machine's from a real diagnosis, the peer's from `natprobe diagnose
// --json`, handed to the command as the file the "Pick file…" question would return, the way the
// Compare and Export tests hand over their files), compare's real prediction stands beside the proof.

const config = () => vscode.workspace.getConfiguration('natProbe');
const run = promisify(execFile);

describe('Test a direct path to a peer (natprobe punch from the editor)', function () {
  this.timeout(90_000);
  let serve: ServeProcess | undefined;
  let peer: ChildProcess | undefined;
  let cli = '';
  let api: NatProbeApi;

  before(async () => {
    const ext = ourExtension();
    api = (await ext.activate()) as NatProbeApi;
    cli = path.join(ext.extensionPath, 'dist', 'cli.js');
    serve = await startServe(cli, () => ['--rendezvous']);
  });

  after(async () => {
    if (peer && peer.exitCode === null) peer.kill('SIGTERM');
    serve?.child.kill('SIGTERM');
    await config().update('rendezvous', undefined, vscode.ConfigurationTarget.Global);
    await config().update('servers', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('no rendezvous set: an error that says what to set, with Open settings, and nothing run', async () => {
    await config().update('rendezvous', undefined, vscode.ConfigurationTarget.Global);
    const before = api.notifications().length;
    assert.equal(await vscode.commands.executeCommand('natProbe.testDirectPath', { role: 'start', peerReport: 'skip' }), undefined);
    const shown = api.notifications().slice(before);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0].kind, 'error');
    assert.match(shown[0].text, /needs a rendezvous: .*natprobe serve --rendezvous.*natProbe\.rendezvous/);
    assert.deepEqual(shown[0].buttons, ['Open settings']);
  });

  it('Start: the code is shown with Copy code; the peer joins with it; direct: yes, srflx↔srflx, in the toast and the panel', async () => {
    await config().update('rendezvous', `127.0.0.1:${serve!.port}`, vscode.ConfigurationTarget.Global);
    const before = api.notifications().length;
    const running = vscode.commands.executeCommand<PunchRow | undefined>('natProbe.testDirectPath', { role: 'start', peerReport: 'skip' });
    const codeToast = await waitFor('the notification with the code', () => api.notifications().slice(before).find((n) => n.kind === 'info' && n.text.startsWith('Your code: ')), 20_000);
    assert.deepEqual(codeToast.buttons, ['Copy code']);
    const code = /^Your code: ([a-z]+(?:-[a-z]+){5})\./.exec(codeToast.text)?.[1];
    assert.ok(code, codeToast.text);
    const progress = api.notifications().slice(before).find((n) => n.kind === 'progress');
    assert.ok(progress, 'a progress notification');
    assert.ok(progress.text.includes(`127.0.0.1:${serve!.port}`), JSON.stringify(progress));
    assert.ok(progress.buttons.includes('Cancel'));
    assert.ok(progress.messages.some((m) => m.includes(code)), JSON.stringify(progress.messages));

    // The peer: the CLI, as on another machine.
    const node = process.env.NATPROBE_NODE || 'node';
    let peerOut = '';
    peer = spawn(node, [cli, 'punch', '--via', `127.0.0.1:${serve!.port}`, '--code', code, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    peer.stdout!.on('data', (c) => (peerOut += c));
    peer.stderr!.on('data', (c) => (peerOut += c));
    const peerExit = new Promise<number | null>((resolve) => peer!.once('exit', resolve));

    const row = await running;
    assert.ok(row, 'the command returned no result');
    assert.equal(row.direct, 'yes', row.reason);
    // On loopback punch declares no interface addresses: the pair is the one the rendezvous saw.
    assert.equal(row.pair?.kind, 'srflx↔srflx');
    assert.ok(typeof row.rttMs === 'number' && row.rttMs >= 0);
    assert.equal(row.prediction.direct, 'unknown');
    assert.equal(await peerExit, 0, peerOut);
    assert.equal((JSON.parse(peerOut.slice(peerOut.indexOf('{'))) as { direct: string }).direct, 'yes');

    const toast = api.notifications().slice(before).find((n) => n.kind === 'info' && n.text.startsWith('Direct path: yes'));
    assert.ok(toast, JSON.stringify(api.notifications().slice(before).map((n) => n.text)));
    assert.match(toast.text, /^Direct path: yes, srflx↔srflx in \d+ ms \(RTT [\d.]+ ms\)\.$/);
    assert.ok(progress.done, 'the progress went away');

    if (!canQueryWebviews()) return;
    const a = await waitForWebview({ selectors: { punch: '#punch', facts: '#punch dd' } }, (x) => (x.results?.punch?.length === 1 ? undefined : 'no Direct path section yet'));
    const section = a.results!.punch[0];
    assert.match(section, /Direct path to a peer/);
    assert.match(section, new RegExp(`rendezvous 127\\.0\\.0\\.1:${serve!.port}`));
    assert.match(a.results!.facts[0], /^✓ Direct path/);
    assert.match(a.results!.facts[1], /^srflx↔srflx \(127\.0\.0\.1:\d+ ↔ 127\.0\.0\.1:\d+\)$/);
    assert.ok(a.results!.facts.some((f) => /^\? Could not tell No prediction: compare needs both ends’ reports.*the peer’s report.*--peer-report/.test(f)), 'the hint where compare\'s prediction would be: ' + a.results!.facts.join(' | '));
  });
  it('with the peer\'s report: compare\'s prediction from the two real reports stands beside the proof, in the result and the panel', async () => {
    const node = process.env.NATPROBE_NODE || 'node';
    const via = `127.0.0.1:${serve!.port}`;
    // This machine's picture: a real diagnosis through the command, against the same serve.
    await config().update('servers', [via], vscode.ConfigurationTarget.Global);
    const diagnosed = await vscode.commands.executeCommand<Report | undefined>('natProbe.runDiagnosis');
    assert.ok(diagnosed, 'the diagnosis returned no report');
    const mine = await vscode.commands.executeCommand<Report | undefined>('natProbe.showLastReport');
    assert.ok(mine, 'no last report after the diagnosis');
    // The peer's report: what the peer would send over, from the CLI.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-punch-it-'));
    try {
      const peerFile = path.join(dir, 'peer.json');
      const mineFile = path.join(dir, 'mine.json');
      fs.writeFileSync(peerFile, (await run(node, [cli, 'diagnose', '--server', via, '--json'], { timeout: 30_000 })).stdout);
      fs.writeFileSync(mineFile, JSON.stringify(mine));
      // What compare itself says about these two reports: the words the panel must show.
      const expected = JSON.parse((await run(node, [cli, 'compare', mineFile, peerFile, '--json'], { timeout: 30_000 })).stdout) as DirectVerdict;
      assert.ok(expected.reason.length > 20, JSON.stringify(expected));

      await config().update('rendezvous', via, vscode.ConfigurationTarget.Global);
      const ownTemp = () => new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('natprobe-punch-') && !f.startsWith('natprobe-punch-it-')));
      const tempBefore = ownTemp();
      const before = api.notifications().length;
      const running = vscode.commands.executeCommand<PunchRow | undefined>('natProbe.testDirectPath', { role: 'start', peerReport: vscode.Uri.file(peerFile) });
      const codeToast = await waitFor('the notification with the code', () => api.notifications().slice(before).find((n) => n.kind === 'info' && n.text.startsWith('Your code: ')), 20_000);
      const code = /^Your code: ([a-z]+(?:-[a-z]+){5})\./.exec(codeToast.text)?.[1];
      assert.ok(code, codeToast.text);
      // The other end: the CLI with the two reports the other way round.
      let peerOut = '';
      peer = spawn(node, [cli, 'punch', '--via', via, '--code', code, '--json', '--report', peerFile, '--peer-report', mineFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      peer.stdout!.on('data', (c) => (peerOut += c));
      peer.stderr!.on('data', (c) => (peerOut += c));
      const peerExit = new Promise<number | null>((resolve) => peer!.once('exit', resolve));

      const row = await running;
      assert.ok(row, 'the command returned no result');
      assert.equal(row.direct, 'yes', row.reason);
      assert.deepEqual(row.prediction, expected, 'the prediction in the result is compare\'s for these two reports');
      assert.equal(row.agrees, expected.direct === 'unknown' ? 'unknown' : expected.direct === row.direct ? 'yes' : 'no');
      assert.equal(await peerExit, 0, peerOut);
      const peerResult = JSON.parse(peerOut.slice(peerOut.indexOf('{'))) as { direct: string; prediction: DirectVerdict };
      assert.equal(peerResult.prediction.direct, expected.direct, 'both ends predict the same from the same two reports');
      // The temp folder the extension wrote both reports into is gone after the run.
      assert.deepEqual([...ownTemp()].filter((f) => !tempBefore.has(f)), []);

      if (!canQueryWebviews()) return;
      const a = await waitForWebview({ selectors: { facts: '#punch dd', terms: '#punch dt', disagree: '#punch .partial' } }, (x) =>
        x.results?.facts?.[0]?.startsWith('✓ Direct path') && x.results.facts.some((f) => f.includes(expected.reason)) ? undefined : 'not this punch yet',
      );
      const terms = a.results!.terms;
      const predicted = a.results!.facts[terms.indexOf('Predicted by compare')];
      const mark = { yes: '✓ Direct path', no: '✗ No direct path', unknown: '? Could not tell' }[expected.direct];
      assert.equal(predicted, `${mark} ${expected.reason}`);
      assert.match(a.results!.facts[terms.indexOf('Proved')], /^✓ Direct path /);
      if (expected.direct === 'yes') assert.deepEqual(a.results!.disagree, [], 'no disagreement note when the proof and the prediction agree');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Join: the peer (the CLI) starts and prints its code; the command joins with it; direct: yes in the panel', async () => {
    await config().update('rendezvous', `127.0.0.1:${serve!.port}`, vscode.ConfigurationTarget.Global);
    const node = process.env.NATPROBE_NODE || 'node';
    let out = '';
    let err = '';
    const starter = spawn(node, [cli, 'punch', '--via', `127.0.0.1:${serve!.port}`, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    peer = starter;
    starter.stdout!.on('data', (c) => (out += c));
    starter.stderr!.on('data', (c) => (err += c));
    const exit = new Promise<number | null>((resolve) => starter.once('exit', resolve));
    const code = await waitFor('the code on the peer\'s stderr', () => /^Code: (\S+)$/m.exec(err)?.[1], 20_000);
    // As a person types it: upper case, spaces instead of hyphens.
    const row = await vscode.commands.executeCommand<PunchRow | undefined>('natProbe.testDirectPath', { role: 'join', code: code.toUpperCase().replace(/-/g, ' '), peerReport: 'skip' });
    assert.ok(row, 'the command returned no result');
    assert.equal(row.direct, 'yes', row.reason);
    assert.equal(row.pair?.kind, 'srflx↔srflx');
    assert.equal(await exit, 0, out + err);
    if (!canQueryWebviews()) return;
    await waitForWebview({ selectors: { facts: '#punch dd' } }, (x) => (x.results?.facts?.[0]?.startsWith('✓ Direct path') && x.results.facts[1]?.includes(row.pair!.local) ? undefined : 'not this punch yet'));
  });

  it('Join with something that is not a code: an error naming why, and nothing run', async () => {
    await config().update('rendezvous', `127.0.0.1:${serve!.port}`, vscode.ConfigurationTarget.Global);
    const before = api.notifications().length;
    assert.equal(await vscode.commands.executeCommand('natProbe.testDirectPath', { role: 'join', code: 'acorn actor adobe agent album --via=198.51.100.1' }), undefined);
    const shown = api.notifications().slice(before);
    assert.deepEqual(shown.map((n) => n.kind), ['error']);
    assert.match(shown[0].text, /^That is not a code: /);
  });
});
