import * as vscode from 'vscode';
import { withSafeLines } from './safeLog';

/**
 * The "NAT Probe" log channel, created the first time something is logged (creating a log
 * channel sets up a log file, work activation does not need when nothing is logged yet).
 * Everything that logs gets this stand-in; it behaves as the channel itself, except that every
 * line goes through safeText (withSafeLines): many lines quote what a server sent.
 */
export function lazyLogOutputChannel(context: vscode.ExtensionContext, name: string): vscode.LogOutputChannel {
  let channel: vscode.LogOutputChannel | undefined;
  const real = (): vscode.LogOutputChannel => {
    if (!channel) {
      channel = vscode.window.createOutputChannel(name, { log: true });
      context.subscriptions.push(channel);
    }
    return channel;
  };
  return withSafeLines(new Proxy({} as vscode.LogOutputChannel, {
    get(_target, property) {
      if (property === 'name') return name;
      const value: unknown = Reflect.get(real(), property);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(channel) : value;
    },
  }));
}
