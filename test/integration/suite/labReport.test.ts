// A report recorded in the namespace lab (scripts/lab/record-report.ts: real nftables NAT,
// port-restricted, udp/51820 and udp/1194 dropped, conntrack UDP timeout 30 s) shown in the
// panel: what a user behind such a NAT sees. Its pictures are the README's screenshots
// (.vscode-test/artifacts/readme-*.png, copied to media/screenshots/ by hand when the panel changes).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Report } from '../../../src/report/report';
import { ourExtension, waitFor } from './helpers';
import { canQueryWebviews, queryWebview, screenshotWorkbench, waitForWebview } from './webviewQuery';

const SHOW_REPORT = '_natProbe.showReport';
const SELECTORS = {
  headline: '#verdict-headline',
  // Beside wg0.conf the panel is narrow: one line per port (the table is for wide panels).
  portRows: '.ports-compact li',
  lifetime: '#lifetime',
  applyButtons: 'vscode-button.apply',
};

describe('NAT Probe report panel with a report recorded in the lab', function () {
  this.timeout(90_000);
  let report: Report;

  before(async () => {
    const ext = ourExtension();
    await ext.activate();
    report = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'test', 'fixtures', 'reports', 'lab-port-restricted.json'), 'utf8')) as Report;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('beside wg0.conf: the blocked ports, the measured 30 s lifetime, and Apply for the keepalive (light and dark pictures)', async function () {
    if (!canQueryWebviews()) this.skip();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'wg0.conf'));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    await waitFor('wg0.conf as WireGuard', () => doc.languageId === 'wireguard');
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, report), true);
    const a = await waitForWebview({ selectors: SELECTORS }, (x) => (x.results!.portRows.length === 6 && x.results!.applyButtons.length > 0 ? undefined : 'not ready'));
    const rows = a.results!.portRows;
    assert.match(rows[0], /^UDP 51820 ✗ Blocked or filtered/);
    assert.match(rows[1], /^UDP 1194 ✗ Blocked or filtered/);
    assert.ok(rows.slice(2).every((r) => /✓ Yes/.test(r)), rows.join(' | '));
    assert.match(a.results!.lifetime[0], /30 s/);
    assert.ok(a.results!.applyButtons.includes('Apply to wg0.conf'), JSON.stringify(a.results!.applyButtons));
    for (const [theme, name] of [
      ['Default Light Modern', 'light'],
      ['Default Dark Modern', 'dark'],
    ] as const) {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await new Promise((r) => setTimeout(r, 1000)); // the theme reaches the webview
      await queryWebview({ scrollTo: '#no-such-element' });
      screenshotWorkbench(`readme-${name}-workbench`);
      await new Promise((r) => setTimeout(r, 800));
      for (const anchor of ['path', 'ports', 'recommendations']) {
        const shot = await queryWebview({ scrollTo: `#${anchor}`, screenshot: `readme-${name}-${anchor}` });
        assert.ok(shot.ok, shot.error);
      }
    }
  });

  it('several TURN relays: the TURN section lists them fastest first, the failures after', async function () {
    if (!canQueryWebviews()) this.skip();
    const relay = (url: string, value: 'yes' | 'no' | 'unknown', rttMs: number | null, error: string | null) => ({ url, value, relayedAddress: value === 'yes' ? '198.51.100.21:49152' : null, rttMs, error, released: value === 'yes' ? true : null });
    const turnServers = [
      relay('turn:198.51.100.21:3478', 'yes', 12.5, null),
      relay('turn:198.51.100.22:3478', 'yes', 80, null),
      relay('turn:198.51.100.23:3478', 'no', null, '401 Unauthorized from the TURN server (realm "lab")'),
    ];
    const withRelays: Report = { ...report, turn: { value: 'yes', relayedAddress: '198.51.100.21:49152', rttMs: 12.5, error: null, released: true }, turnServers };
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, withRelays), true);
    const a = await waitForWebview({ selectors: { ranking: '.turn-ranking li' } }, (x) => (x.results!.ranking.length === 3 ? undefined : `${x.results!.ranking.length} relays shown`));
    const rows = a.results!.ranking;
    assert.match(rows[0], /^turn:198\.51\.100\.21:3478 .*12\.5 ms/);
    assert.match(rows[1], /^turn:198\.51\.100\.22:3478 .*80 ms/);
    assert.match(rows[2], /^turn:198\.51\.100\.23:3478 .*401 Unauthorized/);
  });
});
