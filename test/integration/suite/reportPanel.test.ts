// The report panel in a real VS Code: what the webview shows (read through the runner, see
// webviewQuery.ts), "Apply to config" end to end, staged results, restore after being hidden, and
// pictures in a light and a dark theme for a person to look at (.vscode-test/artifacts/).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { deriveNatType } from '../../../src/engine/discovery/classify';
import { recommend } from '../../../src/engine/discovery/recommend';
import type { Report } from '../../../src/report/report';
import { ourExtension, waitFor } from './helpers';
import { type PortsServe, startPortsServe } from './serve';
import { type WebviewAnswer, canQueryWebviews, queryWebview, screenshotWorkbench, waitForWebview } from './webviewQuery';

const SHOW_REPORT = '_natProbe.showReport';
const TAB_LABEL = 'NAT Probe report';
const config = () => vscode.workspace.getConfiguration('natProbe');
const folder = () => vscode.workspace.workspaceFolders![0].uri;

const SELECTORS = {
  headline: '#verdict-headline',
  portRows: '.ports-table vscode-table-row',
  serverRows: '.servers-table vscode-table-row',
  partial: '.partial',
  app: '#app',
  applyButtons: 'vscode-button.apply',
  status: 'article[data-rec="wireguard-keepalive"] .rec-status',
  pathDesc: 'svg.np-path desc',
};

/** A report as a home network behind a port-restricted NAT would give, with ports and an unknown CGNAT. */
function homeReport(): Report {
  const base: Omit<Report, 'recommendations'> = {
    schemaVersion: 1,
    tool: { name: 'natprobe', version: '0.1.0' },
    startedAt: new Date().toISOString(),
    durationMs: 2480,
    servers: [
      { host: 'stun.example.net', port: 3478, address: '198.51.100.10', rttMs: 18.4, rfc5780: 'yes', otherAddress: '198.51.100.11:3479', software: 'natprobe 0.1.0' },
      { host: 'stun.cloudflare.com', port: 3478, address: '162.159.207.0', rttMs: 23.1, rfc5780: 'no', otherAddress: null },
      { host: 'stun.l.google.com', port: 19302, address: '74.125.250.129', rttMs: null, rfc5780: 'unknown', otherAddress: null, error: 'no answer in 3 tries over 1500 ms' },
    ],
    udp: 'yes',
    udpReason: 'binding requests to 2 of 3 servers were answered',
    localAddresses: ['192.168.1.23', 'fd00::1c2b:3aff:fe4d:5e6f'],
    publicEndpoints: [{ family: 'IPv4', address: '203.0.113.45', port: 40112, server: 'stun.example.net:3478' }],
    mapping: {
      value: 'endpoint-independent',
      reason: 'two servers saw the same public address and port (RFC 5780 §4.3)',
      evidence: [
        { test: 'Binding request to 198.51.100.10:3478 from local port 40112', observation: 'mapped 203.0.113.45:40112' },
        { test: 'Binding request to 198.51.100.11:3479 (OTHER-ADDRESS) from the same socket', observation: 'mapped 203.0.113.45:40112' },
      ],
    },
    filtering: {
      value: 'address-and-port-dependent',
      reason: 'answers from another port of the same server were dropped (RFC 5780 §4.4 test III)',
      evidence: [
        { test: 'CHANGE-REQUEST change IP and port to 198.51.100.10:3478', observation: 'no answer within 3 RTT + 300 ms' },
        { test: 'CHANGE-REQUEST change port to 198.51.100.10:3478', observation: 'no answer within 3 RTT + 300 ms' },
      ],
    },
    portPreservation: { value: 'yes', reason: 'the public port equals the local port 40112' },
    natType: { value: 'port-restricted-cone', reason: 'endpoint-independent mapping, address-and-port-dependent filtering' },
    cgnat: { value: 'unknown', reason: 'the public address is not in 100.64.0.0/10 and the router was not asked (--port-mapping)', evidence: [], excludedInterfaces: [] },
    ports: [
      { protocol: 'udp', port: 51820, reachable: 'no', basis: 'silence while udp/3478 of the same server answered' },
      { protocol: 'udp', port: 1194, reachable: 'yes', basis: 'answer from the reflector' },
      { protocol: 'udp', port: 443, reachable: 'yes', basis: 'answer from the reflector' },
      { protocol: 'tcp', port: 443, reachable: 'yes', basis: 'TCP handshake and a STUN answer' },
    ],
    hairpinning: { value: 'unknown', reason: 'not tested (--hairpin)' },
    ignoredPackets: { wrongTransaction: 0, unexpectedSource: 1, malformed: 0 },
  };
  return { ...base, recommendations: recommend(base) };
}

function tabOpen(): boolean {
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === TAB_LABEL));
}

describe('NAT Probe report panel (webview content, Apply to config, themes)', function () {
  this.timeout(90_000);
  let serve: PortsServe | undefined;

  before(async function () {
    const ext = ourExtension();
    await ext.activate();
    serve = await startPortsServe(path.join(ext.extensionPath, 'dist', 'cli.js'));
    await config().update('servers', [`127.0.0.1:${serve.port}`], vscode.ConfigurationTarget.Global);
    await config().update('timeBudget', 4000, vscode.ConfigurationTarget.Global);
    await config().update('portsServer', `127.0.0.1:${serve.port}`, vscode.ConfigurationTarget.Global);
    await config().update('ports', [`udp:${serve!.udpOpen}`, `tcp:${serve!.tcpOpen}`, `udp:${serve!.udpClosed}`], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    for (const key of ['servers', 'timeBudget', 'ports', 'portsServer']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    serve?.child.kill('SIGTERM');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Test VPN ports against natprobe serve: the panel shows the verdict in words and one row per port', async function () {
    const report = await vscode.commands.executeCommand<Report | undefined>('natProbe.testPorts');
    assert.ok(report?.ports?.length === 3, `no port results: ${JSON.stringify(report?.ports)}`);
    await waitFor('the report tab', tabOpen);
    if (!canQueryWebviews()) this.skip();
    // The rows as shown: the table in a wide panel, one line per port in a narrow one (only rendered elements count).
    const shown = { portRows: '.ports-table vscode-table-row, .ports-compact li' };
    const answer = await waitForWebview({ selectors: SELECTORS, colours: shown }, (a) => {
      const r = a.results!;
      if (r.headline[0] !== 'No NAT, nothing filters') return `headline is ${JSON.stringify(r.headline)}`;
      if (a.colours!.portRows.length !== 3) return `${a.colours!.portRows.length} port rows`;
      return undefined;
    });
    const rows = answer.colours!.portRows.map((c) => c.text);
    assert.match(rows.find((t) => t.includes(String(serve!.udpOpen))) ?? '', new RegExp(`^UDP ${serve!.udpOpen} ✓ Yes`));
    assert.match(rows.find((t) => t.includes(String(serve!.tcpOpen))) ?? '', new RegExp(`^TCP ${serve!.tcpOpen} ✓ Yes`));
    const closed = rows.find((t) => t.includes(String(serve!.udpClosed))) ?? '';
    assert.match(closed, new RegExp(`^UDP ${serve!.udpClosed} (✗ Blocked or filtered|\\? Could not tell)`), closed);
    assert.equal(answer.results!.serverRows.length, 1);
    assert.match(answer.results!.serverRows[0], new RegExp(`127\\.0\\.0\\.1:${serve!.port}.*ms`));
    const text = answer.results!.app[0];
    assert.doesNotMatch(text, /\b(false|true|undefined|null|NaN)\b/, 'a raw value leaked into the page');
    assert.match(answer.results!.pathDesc[0], /^This machine.*→ Internet.*→ 1 server/);
  });

  it('a quick verdict first, then the full report: rendered both times, the scroll position kept', async function () {
    if (!canQueryWebviews()) this.skip();
    const full = homeReport();
    const { ports: _ports, ...quickBase } = full;
    const quick: Report = { ...quickBase, recommendations: recommend(quickBase) };
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, quick, { partial: true }), true);
    await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.partial.length === 1 && a.results!.headline[0] === 'Behind a port-restricted cone NAT' ? undefined : 'not the quick verdict yet'));
    const scrolled = await queryWebview({ scrollTo: '#servers', selectors: SELECTORS });
    assert.ok((scrolled.scrollY ?? 0) > 100, `did not scroll: ${scrolled.scrollY}`);
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, full), true);
    const after = await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.partial.length === 0 && a.results!.portRows.length === 4 ? undefined : 'not the full report yet'));
    assert.ok(Math.abs((after.scrollY ?? 0) - (scrolled.scrollY ?? 0)) < 2, `scroll moved from ${scrolled.scrollY} to ${after.scrollY}`);
  });

  it('say it once: with no RFC 5780 server, each reason shows once and the natprobe serve hint once, as the last line', async function () {
    if (!canQueryWebviews()) this.skip();
    const home = homeReport();
    const filtering = { value: 'unknown' as const, reason: 'none of the servers that answered passed the RFC 5780 checks (CHANGE-REQUEST answered from a second address), so filtering could not be measured', evidence: [] };
    const { recommendations: _r, ...rest } = home;
    const base: Omit<Report, 'recommendations'> = {
      ...rest,
      servers: home.servers.map((x) => ({ ...x, rfc5780: x.rfc5780 === 'yes' ? ('no' as const) : x.rfc5780, otherAddress: null })),
      filtering,
      natType: deriveNatType('yes', home.mapping, filtering),
    };
    const report: Report = { ...base, recommendations: recommend(base) };
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, report), true);
    const selectors = { ...SELECTORS, hint: '#filtering-hint', recsLast: '#recommendations > :last-child' };
    const answer = await waitForWebview({ selectors }, (a) => (a.results!.headline[0] === 'Behind a NAT' && a.results!.hint.length === 1 ? undefined : `headline ${JSON.stringify(a.results!.headline)}, ${a.results!.hint.length} hints`));
    const page = answer.results!.app[0];
    const times = (needle: string) => page.split(needle).length - 1;
    assert.equal(times(filtering.reason), 1, 'the filtering reason is shown once');
    assert.equal(times(report.natType.reason), 1, 'the NAT type reason is shown once');
    assert.equal(times(report.cgnat.reason), 1, 'the CGNAT reason is shown once');
    assert.equal(times('natprobe serve --primary IP1 --alternate IP2'), 1, 'the hint is shown once');
    assert.match(answer.results!.recsLast[0], /^To measure filtering, run/);
  });

  it('refuses to show what is not a report', async () => {
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, { schemaVersion: 1 }), false);
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, '<script>'), false);
  });

  it('Apply to config: the open wg0.conf gets PersistentKeepalive from the webview button, and Undo reverts it', async function () {
    if (!canQueryWebviews()) this.skip();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'wg0.conf'));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    await waitFor('wg0.conf as WireGuard', () => doc.languageId === 'wireguard');
    const original = doc.getText();
    assert.doesNotMatch(original, /PersistentKeepalive/);
    await vscode.commands.executeCommand(SHOW_REPORT, homeReport());
    const ready = await waitForWebview({ selectors: { ...SELECTORS, keepaliveApply: 'article[data-rec="wireguard-keepalive"] vscode-button.apply' } }, (a) =>
      a.results!.keepaliveApply.length === 1 ? undefined : 'no Apply button on the WireGuard keepalive advice',
    );
    assert.equal(ready.results!.keepaliveApply[0], 'Apply to wg0.conf');
    // Only the WireGuard advice applies to a WireGuard file.
    assert.equal(ready.results!.applyButtons.length, 1, JSON.stringify(ready.results!.applyButtons));
    await queryWebview({ click: 'article[data-rec="wireguard-keepalive"] vscode-button.apply' });
    await waitFor('PersistentKeepalive in wg0.conf', () => doc.getText().includes('Endpoint = 192.0.2.1:51820\nPersistentKeepalive = 25\n'), 10_000);
    assert.equal(doc.isDirty, true, 'the edit is not saved for the user');
    assert.ok(!doc.getText().includes('PersistentKeepalive = 25\n[Interface]'));
    await waitForWebview({ selectors: SELECTORS }, (a) => (/Set PersistentKeepalive = 25 for 1 peer.*wg0\.conf/.test(a.results!.status[0] ?? '') ? undefined : `status ${JSON.stringify(a.results!.status)}`));
    // Undo in an editor beside the panel, so the panel stays in view and can be read after it.
    const panelColumn = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === TAB_LABEL)?.group.viewColumn;
    await vscode.window.showTextDocument(doc, { viewColumn: panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One });
    await vscode.commands.executeCommand('undo');
    await waitFor('the undo', () => doc.getText() === original);
    // The panel no longer says "not saved yet" about a line that is gone.
    await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.status[0] === 'Undone: wg0.conf is as it was before Apply.' ? undefined : `status ${JSON.stringify(a.results!.status)}`));
  });

  it('comes back with its content after being hidden behind another editor (state restored in the webview)', async function () {
    if (!canQueryWebviews()) this.skip();
    const panelTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === TAB_LABEL);
    const column = panelTab()!.group.viewColumn;
    const cover = await vscode.workspace.openTextDocument({ content: 'covering the panel', language: 'plaintext' });
    await vscode.window.showTextDocument(cover, { viewColumn: column, preview: false });
    await waitFor('the panel hidden', () => panelTab()?.isActive === false);
    // The hidden webview is gone; showing the tab again loads the page anew.
    const index = panelTab()!.group.tabs.findIndex((t) => t.label === TAB_LABEL);
    assert.ok(index >= 0 && index < 9, `tab index ${index}`);
    await vscode.commands.executeCommand(`workbench.action.openEditorAtIndex${index + 1}`);
    await waitFor('the panel shown again', () => panelTab()?.isActive === true);
    await waitForWebview({ selectors: SELECTORS }, (a) => (a.results!.headline[0] === 'Behind a port-restricted cone NAT' ? undefined : `headline ${JSON.stringify(a.results!.headline)}`));
    await vscode.window.showTextDocument(cover, { viewColumn: column });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  for (const [theme, name] of [
    ['Default Light Modern', 'light'],
    ['Default Dark Modern', 'dark'],
    ['Default High Contrast', 'hc'],
  ] as const) {
    it(`pictures of the panel in the ${name} theme, wide and beside a config (.vscode-test/artifacts/report-${name}-*.png)`, async function () {
      if (!canQueryWebviews()) this.skip();
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
      // Wide: the panel alone.
      await vscode.commands.executeCommand(SHOW_REPORT, homeReport());
      await waitForWebview({ selectors: SELECTORS }, (a: WebviewAnswer) => (a.results!.portRows.length === 4 ? undefined : 'not ready'));
      await new Promise((r) => setTimeout(r, 1000)); // the theme change reaches the webview
      const parts = [
        ['1-top', '#no-such-element'],
        ['2-path', '#path'],
        ['3-behaviour', '#behaviour'],
        ['4-servers', '#servers'],
        ['5-lifetime', '#lifetime'],
        ['6-recommendations', '#recommendations'],
      ] as const;
      for (const [part, anchor] of parts) {
        const a = await queryWebview({ scrollTo: anchor, screenshot: `report-${name}-wide-${part}` });
        assert.ok(a.ok, a.error);
      }
      // Narrow: beside the WireGuard config it would apply to.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'wg0.conf'));
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
      await vscode.commands.executeCommand(SHOW_REPORT, homeReport());
      await waitForWebview({ selectors: SELECTORS }, (a: WebviewAnswer) => (a.results!.applyButtons.length === 1 ? undefined : 'no Apply button yet'));
      await new Promise((r) => setTimeout(r, 500));
      screenshotWorkbench(`report-${name}-workbench`);
      for (const [part, anchor] of [parts[0], parts[1], parts[3], parts[5]]) {
        const a = await queryWebview({ scrollTo: anchor, screenshot: `report-${name}-narrow-${part}` });
        assert.ok(a.ok, a.error);
      }
      await queryWebview({ scrollTo: '#no-such-element' });
    });
  }
});
