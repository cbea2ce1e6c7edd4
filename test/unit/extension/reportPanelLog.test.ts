// The report panel's log lines go through safeText like every other NAT Probe log line, also on
// the channel it creates for itself when it is shown before registerReportPanel ran (hostFor's
// fallback). Runs against the stand-in `vscode` module (test/support/fakeVscode.ts).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { type FakeVscode, installFakeVscode } from '../../support/fakeVscode';
import { loadReport } from '../lint/openvpn/helpers';

const load = createRequire(__filename);

describe('the report panel\'s fallback log channel', () => {
  let fake: FakeVscode;
  const lines: string[] = [];
  let rejectPost: ((err: Error) => void) | undefined;

  before(() => {
    fake = installFakeVscode();
    (fake.api as Record<string, unknown>).ViewColumn = { Active: -1, Beside: -2 };
    const window = fake.api.window as Record<string, unknown>;
    const channel: Record<string, unknown> = { dispose: () => undefined };
    for (const m of ['trace', 'debug', 'info', 'warn', 'error', 'appendLine', 'append']) channel[m] = (text: unknown) => lines.push(String(text));
    window.createOutputChannel = () => channel;
    window.activeTextEditor = undefined;
    window.createWebviewPanel = () => ({
      visible: true,
      reveal: () => undefined,
      onDidDispose: () => ({ dispose: () => undefined }),
      dispose: () => undefined,
      webview: {
        options: {},
        html: '',
        cspSource: 'vscode-resource:',
        asWebviewUri: (u: unknown) => u,
        onDidReceiveMessage: () => ({ dispose: () => undefined }),
        // The first post fails with a text the extension does not control.
        postMessage: () => new Promise<boolean>((_resolve, reject) => (rejectPost ??= reject)),
      },
    });
  });

  after(() => fake.uninstall());

  it('writes a newline, a carriage return or a bidi override from an error text as visible escapes, never as a forged line', async () => {
    const { showReportPanel } = load('../../../src/extension/panel/reportPanel') as typeof import('../../../src/extension/panel/reportPanel');
    const context = { subscriptions: [] as unknown[], extensionUri: (fake.api.Uri as { file(p: string): unknown }).file('/ext') };
    // No registerReportPanel first: the panel makes its own channel.
    showReportPanel(context as never, loadReport('reports/udp1194-blocked.json'));
    assert.ok(rejectPost, 'the panel posted the report');
    // The attack: an error whose text forges a second log line and hides its tail behind a bidi override.
    rejectPost(new Error('webview gone\n2026-01-01 00:00:00.000 [error] forged line\r\u202eevil'));
    await new Promise((r) => setTimeout(r, 10));
    const logged = lines.find((l) => l.includes('webview gone'));
    assert.ok(logged, `nothing logged: ${JSON.stringify(lines)}`);
    assert.ok(!/[\n\r\u202e]/.test(logged), `unsafe characters reached the log: ${JSON.stringify(logged)}`);
    assert.match(logged, /webview gone\\x0a2026-01-01 .*forged line\\x0d\\u\{202e\}evil/);
  });
});
