import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NatProbeApi } from '../../../src/extension/extension';
import type { Report } from '../../../src/report/report';
import { ourExtension, waitFor } from './helpers';
import { startServe } from './serve';
import { canQueryWebviews, queryWebview, screenshotWorkbench, waitForWebview } from './webviewQuery';

const REPORT_TAB_LABEL = 'NAT Probe report';

describe('NAT Probe: Run NAT diagnosis (against natprobe serve on loopback)', function () {
  this.timeout(60_000);
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  const config = () => vscode.workspace.getConfiguration('natProbe');

  before(async () => {
    const ext = ourExtension();
    await ext.activate();
    const cli = path.join(ext.extensionPath, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`node scripts/build.mjs\` first (the runner does)`);
    serve = await startServe(cli);
    await config().update('servers', [`127.0.0.1:${serve.port}`], vscode.ConfigurationTarget.Global);
    await config().update('timeBudget', 5000, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await config().update('servers', undefined, vscode.ConfigurationTarget.Global);
    await config().update('timeBudget', undefined, vscode.ConfigurationTarget.Global);
    serve?.child.kill('SIGTERM');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the setting natProbe.servers points at the local server', () => {
    assert.deepEqual(config().get('servers'), [`127.0.0.1:${serve!.port}`]);
  });

  it("returns a report whose natType is 'open-internet' (loopback has no NAT) and opens the report panel", async () => {
    const report = await vscode.commands.executeCommand<Report | undefined>('natProbe.runDiagnosis');
    assert.ok(report, 'natProbe.runDiagnosis returned no report');
    assert.equal(report.natType.value, 'open-internet', `natType is ${report.natType.value}: ${report.natType.reason}\nserve output:\n${serve!.output()}`);
    const tab = await waitFor(`a tab labelled '${REPORT_TAB_LABEL}'`, () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === REPORT_TAB_LABEL),
    );
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the report tab is not a webview');
  });

  it('Measure NAT mapping lifetime on loopback: not applicable (no NAT, no mapping to expire), not "could not tell", in the report, the toast and the panel', async () => {
    const api = (await ourExtension().activate()) as NatProbeApi;
    const before = api.notifications().length;
    const report = await vscode.commands.executeCommand<Report | undefined>('natProbe.measureLifetime');
    assert.ok(report?.mappingLifetime, 'natProbe.measureLifetime returned no lifetime verdict');
    assert.equal(report.mappingLifetime.value, null, JSON.stringify(report.mappingLifetime));
    assert.match(report.mappingLifetime.reason, /no NAT|no mapping/i);
    assert.equal(report.mappingLifetime.notApplicable, true, JSON.stringify(report.mappingLifetime));
    const toast = await waitFor('the lifetime summary', () => api.notifications().slice(before).find((n) => n.text.startsWith('Mapping lifetime: ')));
    assert.match(toast.text, /^Mapping lifetime: not applicable \(no mapping to expire/);
    if (!canQueryWebviews()) return;
    await waitForWebview({ selectors: { sentence: '#lifetime .lifetime-sentence', amber: '#lifetime .tri-unknown' } }, (a) =>
      /^– Not applicable There is no mapping here to expire/.test(a.results?.sentence?.[0] ?? '') && a.results?.amber.length === 0 ? undefined : `lifetime reads ${JSON.stringify(a.results)}`,
    );
  });

  it('the status bar item shows the verdict of the last report (read from the workbench page)', async function () {
    if (!canQueryWebviews()) this.skip();
    const answer = await waitForWebview({ workbench: true, selectors: { item: '[id="natprobe.nat-probe.natProbe.verdict"]' } }, (a) =>
      // The panel's words for the same verdict (one vocabulary).
      a.results?.item[0] === 'NAT: Open internet' ? undefined : `status bar item reads ${JSON.stringify(a.results?.item)}`,
    );
    assert.equal(answer.results!.item.length, 1);
  });

  it('Show last report returns the most recent report (the one the status bar names)', async () => {
    const fresh = await vscode.commands.executeCommand<Report | undefined>('natProbe.runDiagnosis');
    const shown = await vscode.commands.executeCommand<Report | undefined>('natProbe.showLastReport');
    assert.ok(fresh && shown);
    assert.equal(shown.startedAt, fresh.startedAt);
    assert.equal(shown.natType.value, 'open-internet');
  });

  it('a report of another network in the panel says so in one line, and its button brings back this network\'s report', async function () {
    if (!canQueryWebviews()) this.skip();
    const ext = ourExtension();
    // Recorded behind the lab's NAT (public 198.51.100.254): not this machine's loopback network.
    const elsewhere = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'test', 'fixtures', 'reports', 'lab-port-restricted.json'), 'utf8')) as Report;
    const current = await vscode.commands.executeCommand<Report | undefined>('natProbe.showLastReport');
    assert.ok(current);
    assert.equal(await vscode.commands.executeCommand('_natProbe.showReport', elsewhere), true);
    const a = await waitForWebview({ selectors: { note: '#other-network', headline: '#verdict-headline' } }, (x) => (x.results?.note?.length === 1 ? undefined : 'no note yet'));
    assert.match(a.results!.note[0], /^This report is from another network than the one this machine is on now \(measured .+\), which the status bar and the lint follow\. Show this network’s report$/);
    assert.match(a.results!.headline[0], /Port-restricted/i);
    // The button: the current network's picture again, and no note.
    await queryWebview({ click: '#other-network vscode-button' });
    await waitForWebview({ selectors: { note: '#other-network', headline: '#verdict-headline' } }, (x) =>
      x.results?.note?.length === 0 && !/Port-restricted/i.test(x.results?.headline?.[0] ?? '') && /No NAT/.test(x.results?.headline?.[0] ?? '') ? undefined : `still ${JSON.stringify(x.results)}`,
    );
  });

  it('leaves the workbench with the report panel and the status bar item for a screenshot (the code-server runner saves it)', async () => {
    await vscode.commands.executeCommand('natProbe.showLastReport');
    screenshotWorkbench('report-and-status-bar');
    // Give the runner time to take the picture while the extension host is still alive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label === REPORT_TAB_LABEL));
  });
});
