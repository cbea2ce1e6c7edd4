/**
 * Advice in the panel offers the action, not the command line (pure, unit-tested). The engine's
 * advice is shared with the CLI, where "measure the NAT’s real timeout with `natprobe diagnose
 * --lifetime` to tune it" is the right thing to say; in the panel that clause becomes a button
 * that runs the same measurement.
 */
import type { WebviewCommand } from '../report/messages';

/** CLI invocations the panel can run itself, and the command that does it. */
const CLI_ACTIONS: readonly { readonly cli: string; readonly command: WebviewCommand }[] = [{ cli: 'natprobe diagnose --lifetime', command: 'natProbe.measureLifetime' }];

export interface PanelAdvice {
  /** The advice without the clause that named the command line. */
  readonly text: string;
  /** Buttons to offer instead, in order. */
  readonly commands: readonly WebviewCommand[];
}

export function panelAdvice(text: string): PanelAdvice {
  let out = text;
  const commands: WebviewCommand[] = [];
  for (const { cli, command } of CLI_ACTIONS) {
    const quoted = `\`${cli}\``;
    const at = out.indexOf(quoted);
    if (at < 0) continue;
    // The clause around it: from the ";" or "," before it (or the sentence start) to the next
    // sentence end; what remains keeps its own full stop.
    const start = Math.max(out.lastIndexOf(';', at), out.lastIndexOf(',', at), out.lastIndexOf('. ', at) + 1);
    let end = out.indexOf('.', at + quoted.length);
    if (end < 0) end = out.length;
    const before = out.slice(0, Math.max(0, start)).replace(/\s+$/, '');
    const after = out.slice(end);
    out = start > 0 ? `${before}${after.startsWith('.') ? '' : '.'}${after}` : after.replace(/^[.\s]+/, '');
    commands.push(command);
  }
  return { text: out.trim(), commands };
}
