/**
 * What the panel keeps across reloads and hide/show (vscode.setState): the last report, which
 * evidence lists were open and where the page was scrolled. The host's WebviewPanelSerializer
 * gets the same object back when VS Code restarts.
 */
import type { OpenConfig, ReachRow } from '../report/messages';
import { parseReport } from '../report/parseReport';
import type { Report } from '../report/report';
import { loadState, saveState } from './host';

export interface PanelState {
  report?: Report;
  /** The report is the quick verdict; deeper results are still coming. */
  partial?: boolean;
  /** Keys of the collapsibles the user opened. */
  open: string[];
  scrollY: number;
}

/** Not persisted: the host sends it again whenever the panel (re)loads. */
export interface Live {
  config: OpenConfig | null;
  /** Outcome of the last copy/apply per recommendation id (shown next to its buttons). */
  results: Map<string, { ok: boolean; message: string }>;
  /** natprobe reach results (the host sends them again on reload). */
  reach: ReachRow[];
}

export function restore(): PanelState {
  const saved = loadState() as Partial<PanelState> | undefined;
  const state: PanelState = { open: [], scrollY: 0 };
  if (saved && typeof saved === 'object') {
    const parsed = parseReport(saved.report);
    if (parsed.ok) {
      state.report = parsed.report;
      state.partial = saved.partial === true;
    }
    if (Array.isArray(saved.open)) state.open = saved.open.filter((k): k is string => typeof k === 'string').slice(0, 200);
    if (typeof saved.scrollY === 'number' && Number.isFinite(saved.scrollY)) state.scrollY = saved.scrollY;
  }
  return state;
}

export function persist(state: PanelState): void {
  saveState({ report: state.report, partial: state.partial, open: state.open, scrollY: state.scrollY });
}
