import * as vscode from 'vscode';
import { recommendationEditsModule } from '../lazyModules';
import { type HostToWebview, type OpenConfig, type PictureInfo, type ReachRow, parseWebviewMessage, type WebviewToHost } from '../../report/messages';
import type { Report } from '../../report/report';
import { applyRecommendation } from './applyRecommendation';
import type { ConfigTracker } from './configTracker';
import { panelHtml, webviewOptions } from './html';

export interface ReportViewDeps {
  readonly extensionUri: vscode.Uri;
  readonly output: vscode.LogOutputChannel;
  readonly tracker: ConfigTracker;
  /** The rows of "Your VPN servers" (natprobe reach results of this window). */
  readonly reachRows?: () => readonly ReachRow[];
}

/**
 * One report panel: posts the report and the open config to the webview, and carries out what
 * the webview asks for, after parseWebviewMessage has checked it (anything else is logged and
 * ignored). The report it acts on is its own copy, never one sent back by the webview.
 */
export class ReportView implements vscode.Disposable {
  private report: Report | undefined;
  private partial = false;
  /** Where the report stands among this machine's results (part times, a kept good report). */
  private picture: PictureInfo | undefined;
  private lastConfig = '';
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: ReportViewDeps,
    report?: Report,
  ) {
    this.report = report;
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.webview.html = panelHtml(panel.webview, deps.extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      deps.tracker.onDidChange(() => this.postConfig(false)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Shows a report (again, when a fuller one arrives: the webview keeps its scroll position). */
  show(report: Report, partial = false, picture?: PictureInfo): void {
    this.report = report;
    this.partial = partial;
    this.picture = picture;
    this.postReport();
    this.postConfig(true);
  }

  /** Sends the current "Your VPN servers" rows (after a reach run, or to a (re)loaded page). */
  postReach(): void {
    const rows = this.deps.reachRows?.() ?? [];
    this.post({ type: 'reach', rows });
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.deps.output.warn(`report panel: posting ${message.type} failed: ${String(err)}`));
  }

  private postReport(): void {
    if (this.report) this.post({ type: 'report', report: this.report, ...(this.partial ? { partial: true } : {}), ...(this.picture ? { picture: this.picture } : {}) });
  }

  /** Tells the webview which config "Apply to config" would edit (only when that changed, unless forced). */
  private postConfig(force: boolean): void {
    const config = this.openConfig();
    const key = JSON.stringify(config);
    if (!force && key === this.lastConfig) return;
    this.lastConfig = key;
    this.post({ type: 'config', config });
  }

  private openConfig(): OpenConfig | null {
    const current = this.deps.tracker.current();
    if (!current) return null;
    const applicable = (this.report?.recommendations ?? []).filter((r) => recommendationEditsModule().canApply(r, current.format)).map((r) => r.id);
    return { format: current.format, fileName: current.fileName, applicable };
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.deps.output.warn(`report panel: ignored a message from the webview: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.message).catch((err: unknown) => this.deps.output.error(`report panel: ${parsed.message.type} failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview: give it the report and the config it cannot know by itself.
        this.postReport();
        this.postConfig(true);
        this.postReach();
        return;
      case 'copy': {
        await vscode.env.clipboard.writeText(message.text);
        this.post({ type: 'result', action: 'copy', ok: true, message: vscode.l10n.t('Copied to the clipboard.') });
        return;
      }
      case 'apply':
        return this.apply(message.recommendationId);
      case 'openCommand':
        this.deps.output.info(`report panel: running ${message.command}`);
        // Not awaited: the lifetime measurement runs for minutes with its own progress.
        void vscode.commands.executeCommand(message.command).then(undefined, (err: unknown) => this.deps.output.error(`${message.command} failed: ${String(err)}`));
        return;
    }
  }

  private async apply(id: string): Promise<void> {
    const reply = (ok: boolean, text: string) => this.post({ type: 'result', action: 'apply', ok, message: text, recommendationId: id });
    const recommendation = this.report?.recommendations.find((r) => r.id === id);
    if (!recommendation) {
      this.deps.output.warn(`report panel: apply asked for "${id}", which the current report does not recommend`);
      return reply(false, vscode.l10n.t('This recommendation is not in the current report any more.'));
    }
    const target = this.deps.tracker.current();
    if (!target) return reply(false, vscode.l10n.t('Open a WireGuard or OpenVPN config in an editor first.'));
    const outcome = await applyRecommendation(recommendation, target.document, target.format, target.fileName);
    this.deps.output.info(`report panel: apply ${id} to ${target.fileName}: ${outcome.ok ? 'done' : 'not applied'}: ${outcome.message}`);
    reply(outcome.ok, outcome.message);
    if (outcome.ok) {
      const show = vscode.l10n.t('Show {0}', target.fileName);
      void vscode.window.showInformationMessage(outcome.message, show).then((choice) => {
        if (choice === show) void vscode.window.showTextDocument(target.document, { preview: false });
      });
    }
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}
