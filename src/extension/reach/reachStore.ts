import * as vscode from 'vscode';
import type { ReachResult } from '../../engine/reach/types';

/** One result, with the document and time it belongs to. */
export interface StoredReach {
  readonly uri: string;
  readonly fileName: string;
  readonly at: number;
  readonly result: ReachResult;
}

/**
 * The latest reach result per endpoint line of each config, in memory for this window: the
 * diagnostics and the panel's "Your VPN servers" section both read it. Editing a config drops
 * its results (the lines they point at may have moved; the keys may have changed).
 */
export class ReachStore implements vscode.Disposable {
  private readonly byUri = new Map<string, Map<number, StoredReach>>();
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with the URI whose results changed. */
  readonly onDidChange = this.emitter.event;

  set(document: vscode.TextDocument, results: readonly ReachResult[]): void {
    const key = document.uri.toString();
    const lines = this.byUri.get(key) ?? new Map<number, StoredReach>();
    const at = Date.now();
    const fileName = document.uri.path.split('/').pop() ?? key;
    for (const result of results) lines.set(result.target.line, { uri: key, fileName, at, result });
    this.byUri.set(key, lines);
    this.emitter.fire(key);
  }

  clear(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.byUri.delete(key)) this.emitter.fire(key);
  }

  of(uri: vscode.Uri | string): StoredReach[] {
    return [...(this.byUri.get(uri.toString())?.values() ?? [])].sort((a, b) => a.result.target.line - b.result.target.line);
  }

  all(): StoredReach[] {
    return [...this.byUri.keys()].flatMap((k) => this.of(k));
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
