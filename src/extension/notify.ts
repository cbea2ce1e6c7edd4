import * as vscode from 'vscode';

/**
 * The extension's notifications (toasts and progress), through one thin wrapper so that what a
 * user would see can be seen by the integration suite too: VS Code run with
 * --enable-smoke-test-driver (as the suite's runner must) shows no toast at all. Each toast is
 * recorded (kind, text, buttons; a progress with its title and every message it reported) in a
 * short in-memory list the extension's API hands out (NatProbeApi.notifications). Nothing is
 * recorded that the toast itself does not show.
 */
export interface ShownNotification {
  readonly kind: 'info' | 'warning' | 'error' | 'progress';
  /** The toast's text, or the progress notification's title. */
  readonly text: string;
  readonly buttons: readonly string[];
  /** Progress only: each message reported, in order. */
  readonly messages: string[];
  /** Progress only: set when the progress notification went away. */
  done?: boolean;
  readonly at: number;
}

/** Enough for a test to find its toast; old ones are dropped first. */
const KEEP = 100;
const shown: ShownNotification[] = [];
const emitter = new vscode.EventEmitter<ShownNotification>();

/** What was shown, oldest first (a copy). */
export function shownNotifications(): readonly ShownNotification[] {
  return [...shown];
}

export const onDidShowNotification = emitter.event;

function record(n: ShownNotification): ShownNotification {
  shown.push(n);
  if (shown.length > KEEP) shown.splice(0, shown.length - KEEP);
  emitter.fire(n);
  return n;
}

export function showInfo<T extends string>(message: string, ...buttons: T[]): Thenable<T | undefined> {
  record({ kind: 'info', text: message, buttons, messages: [], at: Date.now() });
  return vscode.window.showInformationMessage(message, ...buttons);
}

export function showWarning<T extends string>(message: string, ...buttons: T[]): Thenable<T | undefined> {
  record({ kind: 'warning', text: message, buttons, messages: [], at: Date.now() });
  return vscode.window.showWarningMessage(message, ...buttons);
}

export function showError<T extends string>(message: string, ...buttons: T[]): Thenable<T | undefined> {
  record({ kind: 'error', text: message, buttons, messages: [], at: Date.now() });
  return vscode.window.showErrorMessage(message, ...buttons);
}

/** vscode.window.withProgress in a notification, recording the title and what it reports. */
export function withNotificationProgress<R>(
  options: { title: string; cancellable?: boolean },
  task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
): Thenable<R> {
  const entry = record({ kind: 'progress', text: options.title, buttons: options.cancellable ? ['Cancel'] : [], messages: [], at: Date.now() });
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: options.title, cancellable: options.cancellable }, (progress, token) => {
    const observed = {
      report(value: { message?: string; increment?: number }) {
        if (value.message !== undefined) entry.messages.push(value.message);
        progress.report(value);
      },
    };
    const run = Promise.resolve(task(observed, token));
    void run.then(
      () => (entry.done = true),
      () => (entry.done = true),
    );
    return run;
  });
}
