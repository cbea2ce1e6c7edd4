import * as vscode from 'vscode';
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

  get(): Report | undefined {
    const r = this.state.get<Report>(KEY);
    return r && typeof r === 'object' && r.schemaVersion === 1 ? r : undefined;
  }

  async set(report: Report): Promise<void> {
    await this.state.update(KEY, report);
    this.emitter.fire(report);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
