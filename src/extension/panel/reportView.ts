import * as vscode from 'vscode';
import { showInfo } from '../notify';
import { recommendationEditsModule } from '../lazyModules';
import { type HostToWebview, type OpenConfig, type PictureInfo, type PunchRow, type ReachRow, type ReportFocus, parseWebviewMessage, type WebviewToHost } from '../../report/messages';
import { fromOtherNetwork } from '../../report/networkResults';
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
  /** The last "Test a direct path to a peer" of this window (natprobe punch). */
  readonly punchRow?: () => PunchRow | null;
  /** The current network's picture (lastReport.ts), which the status bar and the lint follow. */
  readonly currentPicture?: () => Report | undefined;
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
  /** The section the next report post brings into view (once: a reloaded page keeps its place). */
  private focus: ReportFocus | undefined;
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
      // Whether Apply can work depends on the text (an Endpoint added makes it possible), and an
      // Undo or a save changes what the status line beside the button should say.
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
      vscode.workspace.onDidSaveTextDocument((d) => this.documentSaved(d)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Shows a report (again, when a fuller one arrives: the webview keeps its scroll position). */
  show(report: Report, partial = false, picture?: PictureInfo, focus?: ReportFocus): void {
    this.report = report;
    this.partial = partial;
    this.picture = picture;
    this.focus = focus;
    this.postReport();
    this.postConfig(true);
  }

  /** Sends the current "Your VPN servers" rows (after a reach run, or to a (re)loaded page). */
  postReach(): void {
    const rows = this.deps.reachRows?.() ?? [];
    this.post({ type: 'reach', rows });
  }

  /** Sends the last punch result (after a punch, or to a (re)loaded page). */
  postPunch(): void {
    this.post({ type: 'punch', row: this.deps.punchRow?.() ?? null });
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.deps.output.warn(`report panel: posting ${message.type} failed: ${String(err)}`));
  }

  private postReport(): void {
    if (this.report) {
      const picture = this.withNetworkNote(this.report);
      this.post({ type: 'report', report: this.report, ...(this.partial ? { partial: true } : {}), ...(picture ? { picture } : {}), ...(this.focus ? { focus: this.focus } : {}) });
    }
    this.focus = undefined;
  }

  /** Whether the report posted last was marked as another network's (to repost only when that changes). */
  private postedOtherNetwork = false;

  /**
   * The picture info, plus when the current network was measured if the report shown is of
   * another network (a restored panel, a report from elsewhere): the page says so in one line.
   * Not for a quick verdict: a run in progress may be the first on a new network, recorded next.
   */
  private withNetworkNote(report: Report): PictureInfo | undefined {
    const current = this.partial ? undefined : this.deps.currentPicture?.();
    this.postedOtherNetwork = current !== undefined && fromOtherNetwork(report, current);
    return this.postedOtherNetwork && current ? { ...this.picture, currentNetworkAt: current.startedAt } : this.picture;
  }

  /** The current network's picture changed (another window's run, a run that showed nothing): re-say whose report this is. */
  currentPictureChanged(): void {
    if (!this.report || this.partial) return;
    const current = this.deps.currentPicture?.();
    if ((current !== undefined && fromOtherNetwork(this.report, current)) !== this.postedOtherNetwork) this.postReport();
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
    const edits = recommendationEditsModule();
    const recs = (this.report?.recommendations ?? []).filter((r) => edits.canApply(r, current.format));
    // Tried on the text as it is now, so a button that would only refuse (a server config has no
    // peer with an Endpoint) is disabled up front, with the reason, instead of failing when pressed.
    const text = current.document.getText();
    const refused: Record<string, string> = {};
    for (const r of recs) {
      const result = edits.editsForRecommendation(r, text, current.format);
      if ('error' in result) refused[r.id] = result.error;
    }
    return { format: current.format, fileName: current.fileName, displayPath: displayPath(current.document.uri, current.fileName), applicable: recs.map((r) => r.id), ...(Object.keys(refused).length ? { refused } : {}) };
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
        this.postPunch();
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
    if (outcome.ok && outcome.before !== undefined) this.applied.set(id, { uri: target.document.uri.toString(), before: outcome.before, after: target.document.getText(), fileName: target.fileName });
    if (outcome.ok) {
      const show = vscode.l10n.t('Show {0}', target.fileName);
      void showInfo(outcome.message, show).then((choice) => {
        if (choice === show) void vscode.window.showTextDocument(target.document, { preview: false });
      });
    }
  }

  /** Advice applied and not saved yet: the document's text before and after, to notice an Undo. */
  private readonly applied = new Map<string, { uri: string; before: string; after: string; fileName: string }>();
  private configTimer: ReturnType<typeof setTimeout> | undefined;

  private documentChanged(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    for (const [id, a] of this.applied) {
      if (a.uri !== key) continue;
      const text = e.document.getText();
      if (text === a.before) {
        // Undone (or typed back by hand): the panel must not go on saying "not saved yet".
        this.applied.delete(id);
        this.post({ type: 'result', action: 'apply', ok: true, recommendationId: id, message: vscode.l10n.t('Undone: {0} is as it was before Apply.', a.fileName) });
      } else if (text !== a.after && e.reason === vscode.TextDocumentChangeReason.Undo) {
        this.applied.delete(id);
        this.post({ type: 'result', action: 'apply', ok: true, recommendationId: id, message: vscode.l10n.t('{0} changed since Apply (an Undo).', a.fileName) });
      }
    }
    if (this.deps.tracker.current()?.document.uri.toString() === key) {
      clearTimeout(this.configTimer);
      this.configTimer = setTimeout(() => this.postConfig(false), 300);
    }
  }

  private documentSaved(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    for (const [id, a] of this.applied) {
      if (a.uri !== key || document.getText() !== a.after) continue;
      this.applied.delete(id);
      this.post({ type: 'result', action: 'apply', ok: true, recommendationId: id, message: vscode.l10n.t('Applied and saved in {0}.', a.fileName) });
    }
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.configTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}

/**
 * How Apply names the file: its path in the workspace ("laptop/wg0.conf"), else its folder and
 * name; never a bare "wg0.conf" when laptop/ and server/ both have one open.
 */
function displayPath(uri: vscode.Uri, fileName: string): string {
  const relative = vscode.workspace.asRelativePath(uri);
  if (relative !== uri.fsPath && relative !== uri.toString() && !relative.startsWith('/')) return relative;
  const parts = uri.path.split('/').filter(Boolean);
  return parts.length >= 2 ? `${parts[parts.length - 2]}/${fileName}` : fileName;
}
