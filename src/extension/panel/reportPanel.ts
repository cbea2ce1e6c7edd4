import * as vscode from 'vscode';
import { MAX_REACH_ROWS, type PictureInfo, type PunchRow, REPORT_FOCUS, type ReachRow, type ReportFocus } from '../../report/messages';
import { parseReport } from '../../report/parseReport';
import type { Report } from '../../report/report';
import { withSafeLines } from '../safeLog';
import { ConfigTracker } from './configTracker';
import { REPORT_VIEW_TYPE } from './html';
import { ReportView } from './reportView';

/**
 * The report panel (view type natProbe.report): at most one, created or revealed by
 * showReportPanel, restored after a reload by the serializer from the state its webview saved.
 * The pieces live beside it: the page and its CSP (html.ts), which config "Apply to config"
 * edits (configTracker.ts), the edit itself (applyRecommendation.ts), the panel's messages
 * (reportView.ts).
 */

interface PanelHost {
  readonly extensionUri: vscode.Uri;
  readonly output: vscode.LogOutputChannel;
  readonly tracker: ConfigTracker;
  readonly reachRows?: () => readonly ReachRow[];
  readonly punchRow?: () => PunchRow | null;
  readonly currentPicture?: () => Report | undefined;
}

/** What the panel needs of this machine's results: the current network's picture, and word of a change. */
export interface CurrentPicture {
  get(): Report | undefined;
  readonly onDidChange: vscode.Event<Report>;
}

export type { ReportFocus };

/**
 * Hidden command: show the report passed as its argument (`{ partial: true }` for a quick verdict;
 * `{ focus: 'ports' }` scrolls to and highlights that section, as after Test VPN ports).
 */
export const SHOW_REPORT_COMMAND = '_natProbe.showReport';

let host: PanelHost | undefined;
let view: ReportView | undefined;
let reachRows: readonly ReachRow[] = [];
let punchRow: PunchRow | null = null;

/** Updates "Your VPN servers" in the panel, if one is open (a panel opened later gets them too). */
export function setReachRows(rows: readonly ReachRow[]): void {
  reachRows = rows.slice(0, MAX_REACH_ROWS);
  view?.postReach();
}

/** Updates "Direct path to a peer" in the panel, if one is open (a panel opened later gets it too). */
export function setPunchRow(row: PunchRow | null): void {
  punchRow = row;
  view?.postPunch();
}

/**
 * Brings the panel into view to show a result that is not a report (a punch): the panel there
 * is, else one with this report (the last one), else an empty one that shows the result alone.
 */
export function revealReportPanel(context: vscode.ExtensionContext, report: Report | undefined): void {
  if (view) {
    if (!view.panel.visible) view.panel.reveal(undefined, true);
    return;
  }
  if (report) {
    showReportPanel(context, report);
    return;
  }
  const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, vscode.l10n.t('NAT Probe report'), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, { enableScripts: true });
  adopt(panel, hostFor(context));
}

function adopt(panel: vscode.WebviewPanel, h: PanelHost, report?: Report): ReportView {
  view?.panel.dispose();
  const v = new ReportView(panel, h, report);
  view = v;
  v.onDidDispose(() => {
    if (view === v) view = undefined;
  });
  return v;
}

/** Registers the panel's serializer (reloads bring it back) and its config tracking. Call once from activate. */
export function registerReportPanel(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, current?: CurrentPicture): void {
  // Which config "Apply to config" edits matters only once a panel exists: the tracker (which
  // watches editors and tabs) starts then, not at activation.
  let tracker: ConfigTracker | undefined;
  host = {
    extensionUri: context.extensionUri,
    output,
    reachRows: () => reachRows,
    punchRow: () => punchRow,
    ...(current ? { currentPicture: () => current.get() } : {}),
    get tracker(): ConfigTracker {
      if (!tracker) {
        tracker = new ConfigTracker();
        context.subscriptions.push(tracker);
      }
      return tracker;
    },
  };
  const h = host;
  if (current) context.subscriptions.push(current.onDidChange(() => view?.currentPictureChanged()));
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const saved = parseReport(state && typeof state === 'object' ? (state as { report?: unknown }).report : undefined);
        adopt(panel, h, saved.ok ? saved.report : undefined);
        output.info(`report panel restored${saved.ok ? '' : ` without a report (${saved.error})`}`);
      },
    }),
    // Hidden (not in the palette): shows a report given as an argument, e.g. one read from a file
    // or one a test builds. Checked like a saved report before anything trusts it.
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, (value: unknown, options?: { partial?: boolean; focus?: unknown }) => {
      const parsed = parseReport(value);
      if (!parsed.ok) {
        output.warn(`${SHOW_REPORT_COMMAND}: not a report (${parsed.error})`);
        return false;
      }
      const focus = REPORT_FOCUS.find((f) => f === options?.focus);
      showReportPanel(context, parsed.report, { partial: options?.partial === true, focus });
      return true;
    }),
  );
  // The panel itself is not disposed with the extension: on a window reload VS Code keeps it and
  // the serializer above brings its content back.
}

function hostFor(context: vscode.ExtensionContext): PanelHost {
  if (!host) {
    // showReportPanel before registerReportPanel (tests, or activation order): still works, without a serializer.
    // Its lines go through safeText like the main channel's: they quote error texts and file names.
    const output = withSafeLines(vscode.window.createOutputChannel('NAT Probe report panel', { log: true }));
    const tracker = new ConfigTracker();
    context.subscriptions.push(output, tracker);
    host = { extensionUri: context.extensionUri, output, tracker, reachRows: () => reachRows, punchRow: () => punchRow };
  }
  return host;
}

/**
 * Shows a report in the panel, creating it (beside an open WireGuard/OpenVPN editor, so "Apply
 * to config" and the file are both in view) or updating the one there is. `partial`: the quick
 * verdict of a diagnosis whose deeper tests are still running; the full report follows.
 */
export function showReportPanel(context: vscode.ExtensionContext, report: Report, options: { partial?: boolean; picture?: PictureInfo; focus?: ReportFocus } = {}): void {
  const h = hostFor(context);
  if (view) {
    view.show(report, options.partial === true, options.picture, options.focus);
    if (!view.panel.visible) view.panel.reveal(undefined, true);
    return;
  }
  const activeLanguage = vscode.window.activeTextEditor?.document.languageId;
  const besideConfig = activeLanguage === 'wireguard' || activeLanguage === 'openvpn';
  const panel = vscode.window.createWebviewPanel(
    REPORT_VIEW_TYPE,
    vscode.l10n.t('NAT Probe report'),
    { viewColumn: besideConfig ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus: false },
    { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')] },
  );
  adopt(panel, h).show(report, options.partial === true, options.picture, options.focus);
}
