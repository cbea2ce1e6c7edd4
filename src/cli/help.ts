/** Help text, printed from the commands' declarations so it cannot say other than what the parser does. */
import { VERSION } from '../version';
import type { Flag } from './args';
import { COMMON_EXITS, type Command } from './command';

const WIDTH = 100;
const FLAG_COLUMN = 28;
const EXIT_COLUMN = 7;

function wrap(text: string, indent: number, firstIndent = indent): string {
  const lines: string[] = [];
  let line = ' '.repeat(firstIndent);
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

function column(left: string, text: string, at = FLAG_COLUMN): string {
  const head = `  ${left}`;
  if (head.length >= at) return `${head}\n${wrap(text, at)}`;
  return head + wrap(text, at, at).slice(head.length);
}

export function flagUsage(flag: Flag): string {
  return flag.value === undefined ? `--${flag.name}` : `--${flag.name} ${flag.value}`;
}

/** The description with what the parser enforces: choices, range, default, repetition. */
export function flagText(flag: Flag): string {
  const parts = [flag.description];
  if (flag.choices) parts.push(`One of: ${flag.choices.join(', ')}.`);
  if (flag.range) parts.push(`Range: ${flag.range[0]} to ${flag.range[1]}${flag.unit ? ` ${flag.unit}` : ''}.`);
  if (flag.default !== undefined) parts.push(`Default: ${flag.default}.`);
  if (flag.repeatable) parts.push('May be given more than once.');
  return parts.join(' ');
}

export function commandHelp(command: Command): string {
  const out = [`Usage: natprobe ${command.name}${command.operands ? ` ${command.operands}` : ''} [options]`, '', wrap(command.about, 0), '', 'Options:'];
  for (const flag of command.flags) out.push(column(flagUsage(flag), flagText(flag)));
  if (command.environment?.length) {
    out.push('', 'Environment:');
    for (const v of command.environment) out.push(column(v.name, v.meaning));
  }
  out.push('', 'Exit codes:');
  for (const e of [...command.exits, ...COMMON_EXITS]) out.push(column(String(e.code), e.meaning, EXIT_COLUMN));
  return `${out.join('\n')}\n`;
}

export function overviewHelp(commands: readonly Command[]): string {
  const out = [`natprobe ${VERSION} — NAT diagnosis for VPNs`, '', 'Usage: natprobe COMMAND [options]', '', 'Commands:'];
  for (const c of commands) out.push(column(c.name, c.summary));
  out.push(column('help [COMMAND]', 'This text, or a command\'s flags, defaults, ranges and exit codes (also natprobe COMMAND --help).'));
  out.push(column('--version', 'Prints the version.'));
  out.push('', 'Exit codes common to all commands:');
  for (const e of COMMON_EXITS) out.push(column(String(e.code), e.meaning, EXIT_COLUMN));
  return `${out.join('\n')}\n`;
}
