/**
 * What the panel keeps across reloads and hide/show (vscode.setState): the last report, which
 * evidence lists were open and where the page was scrolled. The host's WebviewPanelSerializer
 * gets the same object back when VS Code restarts.
 */
import type { OpenConfig, PunchRow, ReachRow } from '../report/messages';
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
  /** The last natprobe punch of this window (the host sends it again on reload). */
  punch: PunchRow | null;
}

export interface Restored {
  readonly state: PanelState;
  /** Why a saved report was dropped (the panel says so instead of showing nothing). */
  readonly dropped?: string;
}

/**
 * The panel's state from what vscode.getState() returned: anything, since it survives versions
 * and can be damaged. A saved report that is not a whole, well-typed report (parseReport) is
 * dropped with its reason, never drawn half: a null where a renderer reads text would throw and
 * leave the panel blank, again after every reload.
 */
export function restoreFrom(saved: unknown): Restored {
  const state: PanelState = { open: [], scrollY: 0 };
  if (!saved || typeof saved !== 'object') return { state };
  const s = saved as Partial<Record<keyof PanelState, unknown>>;
  let dropped: string | undefined;
  if (s.report !== undefined) {
    const parsed = parseReport(s.report);
    if (parsed.ok) {
      state.report = parsed.report;
      state.partial = s.partial === true;
    } else {
      dropped = parsed.error;
    }
  }
  if (Array.isArray(s.open)) state.open = s.open.filter((k): k is string => typeof k === 'string').slice(0, 200);
  if (typeof s.scrollY === 'number' && Number.isFinite(s.scrollY)) state.scrollY = s.scrollY;
  return dropped === undefined ? { state } : { state, dropped };
}

export function restore(): Restored {
  return restoreFrom(loadState());
}

export function persist(state: PanelState): void {
  saveState({ report: state.report, partial: state.partial, open: state.open, scrollY: state.scrollY });
}
