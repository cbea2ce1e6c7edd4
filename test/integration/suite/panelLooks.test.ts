// What a user sees of the panel and the notifications: text contrast measured on the rendered page
// in each built-in theme (WCAG AA), colours that mean good or bad, the section a command filled in
// brought into view, the narrow layout beside a config, Apply on a server config, and the
// notification toasts that --enable-smoke-test-driver keeps from popping up (the notification
// centre still lists them: the test opens it, reads it and photographs it).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recommend } from '../../../src/engine/discovery/recommend';
import type { NatProbeApi } from '../../../src/extension/extension';
import type { Report } from '../../../src/report/report';
import { AA_TEXT, type Rgba, contrast, over, parseColour } from '../../../src/webview/contrast';
import type { RenderedColours } from '../consoleProtocol.cjs';
import { ourExtension, waitFor } from './helpers';
import { type PortsServe, startPortsServe } from './serve';
import { canQueryWebviews, queryWebview, screenshotWorkbench, waitForWebview } from './webviewQuery';

const SHOW_REPORT = '_natProbe.showReport';
const config = () => vscode.workspace.getConfiguration('natProbe');
const folder = () => vscode.workspace.workspaceFolders![0].uri;

/** Behind a home NAT, no carrier-grade NAT (good news), one blocked port (bad), one unknown, lifetime measured. */
function mixedReport(): Report {
  const base: Omit<Report, 'recommendations'> = {
    schemaVersion: 1,
    tool: { name: 'natprobe', version: '0.1.0' },
    startedAt: new Date().toISOString(),
    durationMs: 640,
    servers: [
      { host: 'stun.example.net', port: 3478, address: '198.51.100.10', rttMs: 18.4, rfc5780: 'yes', otherAddress: '198.51.100.11:3479' },
      { host: 'stun.example.org', port: 3478, address: '198.51.100.20', rttMs: null, rfc5780: 'unknown', otherAddress: null, error: 'no answer in 3 tries over 1500 ms' },
    ],
    udp: 'yes',
    udpReason: 'binding requests to 1 of 2 servers were answered',
    localAddresses: ['192.168.1.23'],
    publicEndpoints: [{ family: 'IPv4', address: '203.0.113.45', port: 40112, server: 'stun.example.net:3478' }],
    mapping: { value: 'endpoint-independent', reason: 'two servers saw the same public address and port', evidence: [{ test: 'Binding request to 198.51.100.10:3478', observation: 'mapped 203.0.113.45:40112' }] },
    filtering: { value: 'address-and-port-dependent', reason: 'answers from another port were dropped', evidence: [{ test: 'CHANGE-REQUEST change port', observation: 'no answer within 3 RTT + 300 ms' }] },
    portPreservation: { value: 'yes', reason: 'the public port equals the local port 40112' },
    natType: { value: 'port-restricted-cone', reason: 'endpoint-independent mapping, address-and-port-dependent filtering' },
    cgnat: { value: 'no', reason: 'the public address is not in 100.64.0.0/10 and the router says it is the public one', evidence: [{ test: 'router external address', observation: '203.0.113.45' }], excludedInterfaces: [] },
    hairpinning: { value: 'unknown', notApplicable: true, reason: 'no NAT between the two ends' },
    ports: [
      { protocol: 'udp', port: 51820, reachable: 'no', basis: 'silence while udp/3478 of the same server answered' },
      { protocol: 'udp', port: 1194, reachable: 'yes', basis: 'answer from the reflector' },
      { protocol: 'udp', port: 500, reachable: 'unknown', basis: 'the reference port did not answer either' },
      { protocol: 'tcp', port: 443, reachable: 'yes', basis: 'TCP handshake and a STUN answer' },
    ],
    mappingLifetime: { value: 30, idleSeconds: 30, refreshedByInbound: 'no', absoluteSeconds: null, reason: 'a mapping idle 30 s was alive, one idle 36 s was gone; response-port method' },
    ignoredPackets: { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 },
  };
  return { ...base, recommendations: recommend(base) };
}

/** Text the panel colours or mutes, and the Evidence disclosures (inside their shadow roots). */
const TEXT = {
  chips: '.tri',
  reasons: '.reason',
  terms: '.facts dt',
  muted: '.muted',
  advice: '.rec-text',
  disclosureTitle: 'vscode-collapsible >>> .title',
};
/** Graphics that must be seen (WCAG 1.4.11: 3:1): the disclosure chevron. */
const GRAPHICS = { chevron: 'vscode-collapsible >>> .header-icon' };
const TOKENS = {
  good: '--vscode-testing-iconPassed',
  bad: '--vscode-errorForeground',
  caution: '--vscode-editorWarning-foreground',
  muted: '--vscode-descriptionForeground',
  editor: '--vscode-editor-background',
  widget: '--vscode-editorWidget-background',
  sectionHeader: '--vscode-sideBarSectionHeader-background',
  sectionTitle: '--vscode-sideBarTitle-foreground',
  icon: '--vscode-icon-foreground',
};

function ratio(c: RenderedColours): number {
  const layers = c.backgrounds.map((b) => parseColour(b)).filter((x): x is Rgba => x !== undefined);
  assert.ok(layers.length > 0, `no background for "${c.text}": ${JSON.stringify(c)}`);
  // Paint from the outermost (opaque) layer inwards, then the text colour over it.
  let bg = { ...layers[layers.length - 1], a: 1 };
  for (const layer of layers.slice(0, -1).reverse()) bg = over(layer, bg);
  const fg = parseColour(c.color);
  assert.ok(fg, `unreadable colour ${c.color}`);
  return contrast(over(fg, bg), bg);
}

/** The old panel's colours (the theme tokens as they were), for the before/after figures. */
function tokenRatio(token: string | undefined, background: string | undefined): number | null {
  const fg = token ? parseColour(token) : undefined;
  const bg = background ? parseColour(background) : undefined;
  if (!fg || !bg) return null;
  return Math.round(contrast(over(fg, { ...bg, a: 1 }), { ...bg, a: 1 }) * 100) / 100;
}

describe('NAT Probe panel: contrast in every theme, colours by meaning, results brought into view, toasts', function () {
  this.timeout(120_000);
  let serve: PortsServe | undefined;
  const figures: Record<string, unknown> = {};

  before(async () => {
    const ext = ourExtension();
    await ext.activate();
    serve = await startPortsServe(path.join(ext.extensionPath, 'dist', 'cli.js'));
    await config().update('servers', [`127.0.0.1:${serve.port}`], vscode.ConfigurationTarget.Global);
    await config().update('timeBudget', 4000, vscode.ConfigurationTarget.Global);
    await config().update('portsServer', `127.0.0.1:${serve.port}`, vscode.ConfigurationTarget.Global);
    await config().update('ports', [`udp:${serve.udpOpen}`, `tcp:${serve.tcpOpen}`, `udp:${serve.udpClosed}`], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    for (const key of ['servers', 'timeBudget', 'ports', 'portsServer']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    serve?.child.kill('SIGTERM');
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const d of ['laptop', 'server']) await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), d), { recursive: true }).then(undefined, () => undefined);
    // The figures the README and the report quote: .vscode-test/artifacts/contrast.json.
    const dir = path.join(ourExtension().extensionPath, '.vscode-test', 'artifacts');
    if (fs.existsSync(dir)) fs.writeFileSync(path.join(dir, 'contrast.json'), `${JSON.stringify(figures, null, 2)}\n`);
  });

  for (const [theme, name] of [
    ['Default Light Modern', 'light'],
    ['Default Dark Modern', 'dark'],
    ['Default High Contrast', 'hc'],
    ['Default High Contrast Light', 'hc-light'],
  ] as const) {
    it(`${name} theme: every text at least 4.5:1 on what is behind it, the chevron at least 3:1, "Carrier-grade NAT ✓ No" in the good colour and mark`, async function () {
      if (!canQueryWebviews()) this.skip();
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, mixedReport()), true);
      const kind = name === 'light' ? 'vscode-light' : name === 'dark' ? 'vscode-dark' : name === 'hc' ? 'vscode-high-contrast' : 'vscode-high-contrast-light';
      await waitForWebview({ colours: { ...TEXT, ...GRAPHICS }, tokens: TOKENS }, (x) =>
        (x.bodyClass ?? '').split(/\s+/).includes(kind) && (x.colours?.chips.length ?? 0) > 5 ? undefined : `theme ${x.bodyClass}`,
      );
      await new Promise((r) => setTimeout(r, 500)); // themeColours.ts recomputes on the next frame
      const answer = await queryWebview({ colours: { ...TEXT, ...GRAPHICS }, tokens: TOKENS, selectors: { good: '.tri.mean-good', bad: '.tri.mean-bad', na: '.tri.mean-na' }, screenshot: `contrast-${name}` });
      assert.ok(answer.ok, answer.error);
      const colours = answer.colours!;
      const worst: Record<string, { ratio: number; text: string }> = {};
      const failures: string[] = [];
      for (const [group, list] of Object.entries(colours)) {
        assert.ok(list.length > 0, `${name}: nothing rendered for ${group}`);
        const min = group in GRAPHICS ? 3 : AA_TEXT;
        for (const c of list) {
          const r = ratio(c);
          if (!worst[group] || r < worst[group].ratio) worst[group] = { ratio: Math.round(r * 100) / 100, text: c.text };
          if (r < min) failures.push(`${group} "${c.text}" ${c.color} on ${c.backgrounds.join(' over ')}: ${r.toFixed(2)}:1 < ${min}:1`);
        }
      }
      const t = answer.tokens!;
      figures[name] = {
        theme,
        after: worst,
        before: {
          good: tokenRatio(t.good, t.editor),
          bad: tokenRatio(t.bad, t.editor),
          caution: tokenRatio(t.caution, t.editor),
          muted: tokenRatio(t.muted, t.editor),
          // The disclosure header fell back to #181818 where the theme leaves it unset.
          disclosureTitle: tokenRatio(t.sectionTitle || '#cccccc', t.sectionHeader || '#181818'),
          chevron: tokenRatio(t.icon || '#cccccc', t.sectionHeader || '#181818'),
        },
        tokens: t,
      };
      console.log(`contrast ${name}: ${JSON.stringify(figures[name])}`);
      assert.deepEqual(failures, [], failures.join('\n'));
      // Colour and mark by meaning: "No" to carrier-grade NAT is good news (✓, never ✗); a blocked port is bad; not applicable is muted.
      assert.ok(answer.results!.good.includes('✓ No'), JSON.stringify(answer.results));
      assert.ok(answer.results!.good.every((x) => !x.startsWith('✗')) && answer.results!.bad.every((x) => x.startsWith('✗')), JSON.stringify(answer.results));
      assert.ok(answer.results!.bad.some((x) => x.includes('Blocked or filtered')), JSON.stringify(answer.results));
      assert.ok(answer.results!.na.includes('– Not applicable'), JSON.stringify(answer.results));
    });
  }

  it('after Test VPN ports the panel scrolls to the ports and highlights them; beside a config, one line per port', async function () {
    if (!canQueryWebviews()) this.skip();
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default Light Modern', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'wg0.conf'));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    // The panel opens beside the config: the narrow layout.
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, mixedReport()), true);
    await waitForWebview({ selectors: { top: '#verdict-headline' } }, (a) => (a.results!.top.length === 1 ? undefined : 'no report yet'));
    await queryWebview({ scrollTo: '#no-such-element' });
    assert.equal(await vscode.commands.executeCommand(SHOW_REPORT, mixedReport(), { focus: 'ports' }), true);
    const a = await waitForWebview({ width: true, selectors: { highlighted: 'section.just-updated h2' }, colours: { compactRows: '.ports-compact li', tableRows: '.ports-table vscode-table-row' } }, (x) =>
      x.results!.highlighted[0] === 'VPN ports' && (x.scrollY ?? 0) > 200 ? undefined : `highlighted ${JSON.stringify(x.results)}, scrollY ${x.scrollY}`,
    );
    assert.ok((a.width ?? 0) < 700, `not a narrow panel: ${a.width}px`);
    assert.equal(a.colours!.compactRows.length, 4, 'one line per port in the narrow panel');
    assert.equal(a.colours!.tableRows.length, 0, 'the wide table is not shown in the narrow panel');
    assert.match(a.colours!.compactRows[0].text, /^UDP 51820 ✗ Blocked or filtered silence while/);
    await queryWebview({ screenshot: 'report-light-narrow-ports-focused' });
    screenshotWorkbench('report-light-narrow-workbench-ports');
    await new Promise((r) => setTimeout(r, 1500)); // the runner takes the picture before the next test changes the window
  });

  it('the toasts a user sees: progress while Test VPN ports runs and the one-line summary, read from the notification centre', async function () {
    if (!canQueryWebviews()) this.skip();
    const api = ourExtension().exports as NatProbeApi;
    const since = Date.now();
    const run = vscode.commands.executeCommand('natProbe.testPorts');
    await waitFor('the progress notification', () => api.notifications().some((n) => n.kind === 'progress' && n.at >= since && n.messages.length > 0), 10_000);
    await vscode.commands.executeCommand('notifications.showList');
    const during = await waitForWebview({ workbench: true, selectors: { items: '.notifications-center .notification-list-item-message' } }, (x) =>
      x.results!.items.some((t) => t.startsWith('NAT Probe')) ? undefined : `centre: ${JSON.stringify(x.results)}`,
    );
    screenshotWorkbench('toasts-progress');
    await new Promise((r) => setTimeout(r, 300));
    await run;
    // This run's own summary: the centre still holds the summaries of earlier tests' port runs
    // (other servers, other ports), so "any VPN ports: line" would be read too early.
    const summary = `VPN ports: udp/${serve!.udpClosed} blocked, 2 reachable`;
    const after = await waitForWebview({ workbench: true, selectors: { items: '.notifications-center .notification-list-item-message' } }, (x) =>
      x.results!.items.includes(summary) ? undefined : `centre: ${JSON.stringify(x.results)}`,
    );
    assert.ok(after.results!.items.includes(summary), JSON.stringify(after.results));
    assert.ok(during.results!.items.some((t) => /^NAT Probe: Testing VPN ports against 127\.0\.0\.1:\d+/.test(t)), JSON.stringify(during.results));
    await new Promise((r) => setTimeout(r, 300));
    screenshotWorkbench('toasts-ports-summary');
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.commands.executeCommand('notifications.hideList');
  });

  it('Apply names the folder when two wg0.conf are open, and is off on a server config, saying why', async function () {
    if (!canQueryWebviews()) this.skip();
    const key = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
    const peer = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
    const write = async (rel: string, text: string) => {
      const uri = vscode.Uri.joinPath(folder(), rel);
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      return uri;
    };
    const laptop = await write('laptop/wg0.conf', `[Interface]\nPrivateKey = ${key}\nAddress = 10.0.0.2/32\n\n[Peer]\nPublicKey = ${peer}\nEndpoint = 192.0.2.1:51820\nAllowedIPs = 0.0.0.0/0\n`);
    const server = await write('server/wg0.conf', `[Interface]\nPrivateKey = ${key}\nAddress = 10.0.0.1/24\nListenPort = 51820\n\n[Peer]\n# laptop\nPublicKey = ${peer}\nAllowedIPs = 10.0.0.2/32\n`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const serverDoc = await vscode.window.showTextDocument(server, { viewColumn: vscode.ViewColumn.One, preview: false });
    await waitFor('server/wg0.conf as WireGuard', () => serverDoc.document.languageId === 'wireguard');
    await vscode.commands.executeCommand(SHOW_REPORT, mixedReport());
    const sel = { apply: 'article[data-rec="wireguard-keepalive"] vscode-button.apply', disabled: 'article[data-rec="wireguard-keepalive"] vscode-button.apply[disabled]', why: 'article[data-rec="wireguard-keepalive"] .rec-refused' };
    const off = await waitForWebview({ selectors: sel }, (a) => (a.results!.disabled.length === 1 ? undefined : `apply ${JSON.stringify(a.results)}`));
    assert.equal(off.results!.apply[0], 'Apply to server/wg0.conf');
    assert.match(off.results!.why[0], /^Apply is off for server\/wg0\.conf: No \[Peer\] in this config has an Endpoint/);
    screenshotWorkbench('apply-server-config');
    const laptopDoc = await vscode.window.showTextDocument(laptop, { viewColumn: vscode.ViewColumn.One, preview: false });
    await waitFor('laptop/wg0.conf as WireGuard', () => laptopDoc.document.languageId === 'wireguard');
    const on = await waitForWebview({ selectors: sel }, (a) => (a.results!.apply[0] === 'Apply to laptop/wg0.conf' && a.results!.disabled.length === 0 ? undefined : `apply ${JSON.stringify(a.results)}`));
    assert.equal(on.results!.why.length, 0);
  });
});
