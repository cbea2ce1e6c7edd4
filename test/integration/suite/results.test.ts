// One network, one picture, in a real VS Code: results add up per network instead of replacing
// each other, a cancelled or offline run keeps the good picture, and the offline state has its
// card and status bar text. Runs last: it leaves the results of the loopback "network" behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RecordOutcome } from '../../../src/report/networkResults';
import { offlineEvidence } from '../../../src/report/offline';
import { parseReport } from '../../../src/report/parseReport';
import type { Report } from '../../../src/report/report';
import { ourExtension, waitFor } from './helpers';
import { type PortsServe, startPortsServe } from './serve';
import { canQueryWebviews, queryWebview, screenshotWorkbench, waitForWebview } from './webviewQuery';

const RECORD_RUN = '_natProbe.recordRun';
const config = () => vscode.workspace.getConfiguration('natProbe');
const SELECTORS = {
  offline: '#offline',
  offlineButtons: '#offline vscode-button',
  ports: '#ports',
  portRows: '.ports-table vscode-table-row',
  path: '#path',
  lifetime: '#lifetime',
  lifetimeButtons: '#lifetime vscode-button',
  partsNote: '#parts-note',
};
const STATUS = { item: '[id="natprobe.nat-probe.natProbe.verdict"]' };

const show = () => vscode.commands.executeCommand<Report | undefined>('natProbe.showLastReport');
const folder = () => vscode.workspace.workspaceFolders![0].uri;
const SCRATCH = 'results-per-network';
const KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PEER = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';

function port01(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'natprobe' && (typeof d.code === 'object' ? String(d.code.value) : String(d.code)) === 'PORT01');
}

/**
 * A real offline run: the CLI in a network namespace of its own, with no interface up (the
 * resolver cannot be reached, nothing can be sent; no packet leaves). Where namespaces are not
 * allowed, the report such a run gives, made from this session's real one.
 */
function offlineReport(cli: string, good: Report): { report: Report; real: boolean } {
  const node = process.env.NATPROBE_NODE || 'node';
  const r = spawnSync('unshare', ['-n', node, cli, 'diagnose', '--json', '--budget', '2000', '--server', 'stun.example.net:3478'], { encoding: 'utf8', timeout: 20_000 });
  // Whatever the exit status (3: nothing could be told), the report is on stdout.
  try {
    const parsed = parseReport(JSON.parse(r.stdout ?? ''));
    if (parsed.ok) return { report: parsed.report, real: true };
  } catch {
    // not JSON: unshare is missing or refused; made below
  }
  const error = 'DNS lookup of stun.example.net failed: DNS not reachable (offline?)';
  return {
    real: false,
    report: {
      ...good,
      startedAt: new Date().toISOString(),
      servers: [{ host: 'stun.example.net', port: 3478, address: null, rttMs: null, rfc5780: 'unknown', otherAddress: null, error }],
      udp: 'unknown',
      udpReason: 'no server answered: none of the 1 server(s) could be resolved, so this machine looks offline (DNS did not answer)',
      localAddresses: [],
      publicEndpoints: [],
      mappingLifetime: undefined,
      ports: undefined,
    },
  };
}

describe('NAT Probe results per network (one network, one picture)', function () {
  this.timeout(120_000);
  let serve: PortsServe | undefined;
  let cli = '';
  /** A WireGuard config whose Endpoint is the port the port test finds blocked (PORT01 while the picture says so). */
  let site: vscode.Uri;

  before(async () => {
    const ext = ourExtension();
    await ext.activate();
    cli = path.join(ext.extensionPath, 'dist', 'cli.js');
    serve = await startPortsServe(cli);
    await config().update('servers', [`127.0.0.1:${serve.port}`], vscode.ConfigurationTarget.Global);
    await config().update('timeBudget', 4000, vscode.ConfigurationTarget.Global);
    await config().update('portsServer', `127.0.0.1:${serve.port}`, vscode.ConfigurationTarget.Global);
    await config().update('ports', [`udp:${serve.udpOpen}`, `tcp:${serve.tcpOpen}`, `udp:${serve.udpClosed}`], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    site = vscode.Uri.joinPath(folder(), SCRATCH, 'wg-site.conf');
    await vscode.workspace.fs.writeFile(site, new TextEncoder().encode(`[Interface]\nPrivateKey = ${KEY}\n\n[Peer]\nPublicKey = ${PEER}\nAllowedIPs = 10.0.0.2/32\nEndpoint = 127.0.0.1:${serve.udpClosed}\n`));
  });

  after(async () => {
    for (const key of ['servers', 'timeBudget', 'ports', 'portsServer']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    serve?.child.kill('SIGTERM');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), SCRATCH), { recursive: true });
  });

  /** The lint follows the picture: PORT01 on the Endpoint while the blocked port is in it. */
  async function expectPort01(present: boolean, when: string): Promise<void> {
    await vscode.window.showTextDocument(site, { preview: false, viewColumn: vscode.ViewColumn.One });
    await waitFor(`PORT01 ${present ? 'on' : 'gone from'} the Endpoint ${when}`, () => (port01(site).length === (present ? 1 : 0) ? true : undefined), 10_000);
  }

  let lifetimeRun: Report | undefined;
  let portsRun: Report | undefined;

  it('Measure lifetime, then Test VPN ports: the last report has both (the port test no longer wipes the lifetime)', async function () {
    lifetimeRun = await vscode.commands.executeCommand<Report | undefined>('natProbe.measureLifetime');
    assert.ok(lifetimeRun?.mappingLifetime, 'no lifetime verdict');
    portsRun = await vscode.commands.executeCommand<Report | undefined>('natProbe.testPorts');
    assert.equal(portsRun?.ports?.length, 3, JSON.stringify(portsRun?.ports));
    assert.equal(portsRun.mappingLifetime, undefined, 'the port test itself measures no lifetime');
    const last = await show();
    assert.deepEqual(last?.mappingLifetime, lifetimeRun.mappingLifetime);
    assert.deepEqual(last?.ports, portsRun.ports);
    await expectPort01(true, 'after the port test');
    await show();
    if (!canQueryWebviews()) this.skip();
    await waitForWebview({ selectors: SELECTORS }, (a) => {
      const r = a.results!;
      if (r.portRows.length !== 3) return `${r.portRows.length} port rows`;
      if (r.lifetime.length !== 1 || r.lifetimeButtons.length !== 0) return `lifetime section ${JSON.stringify(r.lifetime)} with buttons ${JSON.stringify(r.lifetimeButtons)}`;
      return undefined;
    });
  });

  it('a new diagnosis refreshes the behaviour and keeps both; the panel says they are from earlier runs', async function () {
    const fresh = await vscode.commands.executeCommand<Report | undefined>('natProbe.runDiagnosis');
    assert.ok(fresh);
    const last = await show();
    assert.equal(last?.startedAt, fresh.startedAt, 'the behaviour is the new diagnosis');
    assert.deepEqual(last?.ports, portsRun!.ports);
    assert.deepEqual(last?.mappingLifetime, lifetimeRun!.mappingLifetime);
    if (!canQueryWebviews()) this.skip();
    await waitForWebview({ selectors: SELECTORS }, (a) =>
      /mapping lifetime was measured.*VPN port results are from/.test(a.results!.partsNote[0] ?? '') && a.results!.portRows.length === 3 ? undefined : `note ${JSON.stringify(a.results!.partsNote)}`,
    );
  });

  it('a cancelled lifetime run keeps the port results and the lifetime', async () => {
    // A progress notification's Cancel cannot be pressed from a test: the report a cancelled run
    // gives (the CLI reports what it had) goes through the same recording as the commands'.
    const cancelled: Report = { ...lifetimeRun!, startedAt: new Date().toISOString(), mappingLifetime: { value: null, idleSeconds: null, refreshedByInbound: 'unknown', absoluteSeconds: null, reason: 'cancelled after 4 s' } };
    const outcome = await vscode.commands.executeCommand<RecordOutcome>(RECORD_RUN, cancelled, 'lifetime', true);
    assert.equal(outcome?.kind, 'merged', JSON.stringify(outcome));
    const last = await show();
    assert.deepEqual(last?.ports, portsRun!.ports);
    assert.deepEqual(last?.mappingLifetime, lifetimeRun!.mappingLifetime);
    await expectPort01(true, 'after a cancelled lifetime run');
  });

  it('an offline run: "NAT: offline", one offline card with Retry / Open settings / Show log / the last good report, nothing that cannot work', async function () {
    const good = (await show())!;
    const { report, real } = offlineReport(cli, good);
    assert.ok(offlineEvidence(report).offline, `not offline: ${report.udpReason} (local ${JSON.stringify(report.localAddresses)})`);
    console.log(`results.test: offline report ${real ? 'from the CLI in an empty network namespace' : 'made from the session report (no unshare here)'}`);
    const outcome = await vscode.commands.executeCommand<RecordOutcome>(RECORD_RUN, report, 'diagnosis', false);
    assert.equal(outcome?.kind, 'offline', JSON.stringify(outcome));
    const last = await show();
    assert.equal(last?.startedAt, good.startedAt, 'the good report is still the last report');
    assert.deepEqual(last?.ports, portsRun!.ports);
    await expectPort01(true, 'after an offline run');
    if (!canQueryWebviews()) this.skip();
    await waitForWebview({ workbench: true, selectors: STATUS }, (a) => (a.results?.item[0] === 'NAT: offline' ? undefined : `status bar reads ${JSON.stringify(a.results?.item)}`));
    assert.ok(await vscode.commands.executeCommand('_natProbe.showOffline'), 'no offline report to show');
    const card = await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.offline.length === 1 ? undefined : 'no offline card'));
    const buttons = card.results!.offlineButtons;
    assert.deepEqual(buttons.slice(0, 3), ['Retry', 'Open settings', 'Show log']);
    assert.match(buttons[3] ?? '', /^Show last good report/);
    assert.match(card.results!.offline[0], /You appear to be offline/);
    for (const gone of ['ports', 'path', 'lifetime'] as const) assert.equal(card.results![gone].length, 0, `${gone} is drawn while offline`);
    screenshotWorkbench('results-offline');
    await new Promise((r) => setTimeout(r, 1000));
  });

  it('the offline card: "Show last good report" shows it, Retry runs a diagnosis that ends the offline state', async function () {
    if (!canQueryWebviews()) this.skip();
    await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.offlineButtons.length === 4 ? undefined : 'no offline card'));
    const clicked = await queryWebview({ click: '#offline vscode-button:nth-of-type(4)' });
    assert.ok(clicked.ok, clicked.error);
    await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.offline.length === 0 && a.results!.portRows.length === 3 ? undefined : 'still the offline card'));
    assert.ok(await vscode.commands.executeCommand('_natProbe.showOffline'));
    await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.offlineButtons.length === 4 ? undefined : 'no offline card'));
    const retried = await queryWebview({ click: '#offline vscode-button:nth-of-type(1)' });
    assert.ok(retried.ok, retried.error);
    await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.offline.length === 0 && a.results!.portRows.length === 3 ? undefined : 'still offline'), 30_000);
    await waitForWebview({ workbench: true, selectors: STATUS }, (a) => (a.results?.item[0] === 'NAT: Open internet' ? undefined : `status bar reads ${JSON.stringify(a.results?.item)}`), 30_000);
  });

  it('another network: its picture has no ports or lifetime of the old one; back home, they are there again', async () => {
    const home = (await show())!;
    const elsewhere: Report = { ...home, startedAt: new Date().toISOString(), publicEndpoints: home.publicEndpoints.map((p) => ({ ...p, address: '198.18.0.7' })), ports: undefined, mappingLifetime: undefined };
    assert.equal((await vscode.commands.executeCommand<RecordOutcome>(RECORD_RUN, elsewhere, 'diagnosis', false))?.kind, 'new-network');
    const now = await show();
    assert.equal(now?.ports, undefined, 'the old network\'s ports shown as current');
    assert.equal(now?.mappingLifetime, undefined, 'the old network\'s lifetime shown as current');
    await expectPort01(false, 'on another network');
    const back = await vscode.commands.executeCommand<Report | undefined>('natProbe.runDiagnosis');
    assert.ok(back);
    const again = await show();
    assert.deepEqual(again?.ports, portsRun!.ports);
    await expectPort01(true, 'back home');
  });

  it('refuses to record what is not a report or not a run kind', async () => {
    assert.equal(await vscode.commands.executeCommand(RECORD_RUN, { schemaVersion: 1 }, 'diagnosis', false), undefined);
    assert.equal(await vscode.commands.executeCommand(RECORD_RUN, await show(), 'reboot', false), undefined);
  });
});
