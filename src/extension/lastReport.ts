import * as vscode from 'vscode';
import type { PictureInfo } from '../report/messages';
import { type RecordOutcome, type ResultsState, type Run, partTimes, picture, readResults, recordRun } from '../report/networkResults';
import { parseReport } from '../report/parseReport';
import type { Report } from '../report/report';

/** The results of every network seen (a handful), networks[0] the current one: networkResults.ts. */
const KEY = 'natProbe.results';
/** Before results were kept per network: one report, replaced by every run. Read once, then removed. */
const OLD_KEY = 'natProbe.lastReport';

/**
 * "The last report": the current network's picture, made of the latest good result of each part
 * (behaviour, lifetime, each port), kept in globalState so it survives a reload, and announced
 * to whoever shows or uses it (status bar, panel, lint). A cancelled, failed or offline run does
 * not replace it (networkResults.ts says how). Reports hold no secrets (no keys, no TURN
 * password: test/unit/report/networkResults.test.ts checks a run with TURN credentials).
 */
export class LastReport implements vscode.Disposable {
  private state: ResultsState;
  /** The picture of `state`, made once per change: the lint caches its results per report object. */
  private current: Report | undefined;
  private readonly emitter = new vscode.EventEmitter<Report>();
  /** The picture changed (a new result on the current network, or another network). */
  readonly onDidChange = this.emitter.event;
  private readonly stateEmitter = new vscode.EventEmitter<void>();
  /** Anything changed, offline included (the status bar). */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(private readonly memento: vscode.Memento) {
    this.state = readResults(memento.get<unknown>(KEY));
    const old = memento.get<unknown>(OLD_KEY);
    if (old !== undefined) {
      const parsed = parseReport(old);
      if (parsed.ok && this.state.networks.length === 0) this.state = recordRun(this.state, { kind: 'diagnosis', report: parsed.report, cancelled: false }).state;
      void Promise.resolve(memento.update(KEY, this.state)).then(() => memento.update(OLD_KEY, undefined));
    }
    this.current = picture(this.state);
  }

  /** The current network's picture, or undefined before the first good run. */
  get(): Report | undefined {
    return this.current;
  }

  /** Set when the latest run found this machine offline; the picture is still there (get()). */
  offline(): ResultsState['offline'] {
    return this.state.offline;
  }

  /** What the panel says next to the picture: the times of parts measured before its behaviour. */
  info(): PictureInfo {
    return infoOf(this.state);
  }

  /** For the offline card: when the last good picture was made, if there is one. */
  offlineInfo(): PictureInfo {
    return this.current ? { lastGoodAt: this.current.startedAt } : {};
  }

  /** What a run would show if it were recorded now (the quick verdict merged with the kept parts); nothing is saved. */
  preview(run: Run): { report: Report; info: PictureInfo } {
    const next = recordRun(this.state, run);
    const merged = next.outcome.kind === 'offline' || next.outcome.kind === 'ignored' ? undefined : picture(next.state);
    return merged ? { report: merged, info: infoOf(next.state) } : { report: run.report, info: {} };
  }

  /** Records a finished run and saves the result. */
  async record(run: Run): Promise<RecordOutcome> {
    const { state, outcome } = recordRun(this.state, run);
    if (state === this.state) return outcome;
    const before = this.current;
    this.state = state;
    // Offline changes no part: the same picture object (the lint keeps its cached results).
    if (outcome.kind !== 'offline') this.current = picture(state);
    await this.memento.update(KEY, state);
    if (this.current && this.current !== before && outcome.kind !== 'offline') this.emitter.fire(this.current);
    this.stateEmitter.fire();
    return outcome;
  }

  dispose(): void {
    this.emitter.dispose();
    this.stateEmitter.dispose();
  }
}

function infoOf(state: ResultsState): PictureInfo {
  const times = partTimes(state);
  if (!times) return {};
  const older = (at: string | undefined) => (at && Date.parse(at) < Date.parse(times.behaviourAt) ? at : undefined);
  const lifetimeAt = older(times.lifetimeAt);
  const portsAt = older(times.portsAt?.oldest);
  return { ...(lifetimeAt ? { lifetimeAt } : {}), ...(portsAt ? { portsAt } : {}) };
}
