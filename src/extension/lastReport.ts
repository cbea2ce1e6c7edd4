import * as vscode from 'vscode';
import { parseReport } from '../report/parseReport';
import type { Report } from '../report/report';

const KEY = 'natProbe.lastReport';

/**
 * The most recent report: kept in globalState so it survives a reload, and announced to
 * whoever shows it (status bar, panel). Reports hold no secrets (no keys, no TURN password).
 */
export class LastReport implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Report>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento) {}

  /** The saved report, or undefined when there is none or it is not a whole, well-typed report (dropped, not half-used). */
  get(): Report | undefined {
    const parsed = parseReport(this.state.get<unknown>(KEY));
    return parsed.ok ? parsed.report : undefined;
  }

  async set(report: Report): Promise<void> {
    await this.state.update(KEY, report);
    this.emitter.fire(report);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
