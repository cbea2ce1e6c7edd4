// A real diagnosis in the extension that asks a real router: only inside the namespace lab,
// where the router (the double-NAT profile's home router, running miniupnpd behind a carrier
// NAT) and the server are lab namespaces and nothing leaves them. scripts/lab/integration-router.ts
// starts the lab and runs this suite in its client namespace with NATPROBE_LAB_SERVER set; the
// ordinary integration run has no lab, so this test is skipped there (asking this machine's own
// router from a test is not allowed).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Report } from '../../../src/report/report';
import { ourExtension, waitFor } from './helpers';
import { canQueryWebviews, waitForWebview } from './webviewQuery';

const LAB_SERVER = process.env.NATPROBE_LAB_SERVER;

describe('NAT Probe: the router’s answer in a real diagnosis (double-NAT lab)', function () {
  this.timeout(90_000);
  const config = () => vscode.workspace.getConfiguration('natProbe');
  let report: Report | undefined;

  before(async function () {
    if (!LAB_SERVER) {
      console.log('      skipped: needs the namespace lab (run scripts/lab/integration-router.ts as root)');
      this.skip();
    }
    await ourExtension().activate();
    await config().update('servers', [LAB_SERVER], vscode.ConfigurationTarget.Global);
    await config().update('timeBudget', 3000, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!LAB_SERVER) return;
    await config().update('servers', undefined, vscode.ConfigurationTarget.Global);
    await config().update('timeBudget', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Run NAT diagnosis with the default settings asks the router: CGNAT "yes" from its answer, in the report', async () => {
    assert.equal(config().get('askRouter'), true, 'natProbe.askRouter is on by default');
    report = await vscode.commands.executeCommand<Report | undefined>('natProbe.runDiagnosis');
    assert.ok(report, 'natProbe.runDiagnosis returned no report');
    assert.equal(report.natType.value, 'port-restricted-cone', report.natType.reason);
    assert.equal(report.cgnat.value, 'yes', report.cgnat.reason);
    assert.match(report.cgnat.reason, /your router reports no public address of its own/);
    assert.equal(report.portMapping?.noPublicAddress, true);
    assert.ok((report.contacted ?? []).some((c) => c.role === 'gateway'), JSON.stringify(report.contacted));
  });

  it('the panel draws the router’s answer and the NAT above it; the status bar reads "NAT: Port-restricted cone · CGNAT"', async function () {
    if (!canQueryWebviews()) this.skip();
    assert.ok(report, 'the diagnosis above gave no report');
    await waitFor('the report panel', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'NAT Probe report'));
    const panel = await waitForWebview({ selectors: { pathDesc: 'svg.np-path desc' } }, (a) =>
      /WAN: no public address/.test(a.results?.pathDesc[0] ?? '') ? undefined : `path reads ${JSON.stringify(a.results?.pathDesc)}`,
    );
    const desc = panel.results!.pathDesc[0];
    assert.match(desc, /Your router \(NAT\): .*gateway 192\.168\.1\.1, WAN: no public address → Carrier NAT: a NAT above your router → Internet/);
    const bar = await waitForWebview({ workbench: true, selectors: { item: '[id="natprobe.nat-probe.natProbe.verdict"]' } }, (a) =>
      a.results?.item[0] === 'NAT: Port-restricted cone · CGNAT' ? undefined : `status bar item reads ${JSON.stringify(a.results?.item)}`,
    );
    assert.equal(bar.results!.item[0], 'NAT: Port-restricted cone · CGNAT');
  });
});
