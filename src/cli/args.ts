/**
 * A small, strict argument parser: unknown flags and missing values are errors, never ignored.
 * Each command declares its flags once (a `Flag`): this parser accepts exactly those, the value
 * helpers below check them against the declared range, and the help is printed from the same list.
 */
import { DEFAULT_PORTS_TEXT, type PortSpec, parsePortList } from '../engine/probes/ports';
import type { ConfigFormat } from '../lint/types';

export class UsageError extends Error {}

export interface Flag {
  readonly name: string;
  /** The value's placeholder in help (MS, LIST…); absent for a switch. */
  readonly value?: string;
  readonly repeatable?: boolean;
  /** For whole numbers: the accepted range, and the unit a message names ("milliseconds"). */
  readonly range?: readonly [min: number, max: number];
  readonly unit?: string;
  /** For a choice among words. */
  readonly choices?: readonly string[];
  /** What applies without the flag: a number is also the value `wholeNumber` returns. */
  readonly default?: number | string;
  readonly description: string;
}

/** Every command takes these; the runner answers them before the command sees its arguments. */
export const HELP_FLAG: Flag = { name: 'help', description: 'Prints this help (also -h, natprobe help COMMAND).' };

export class Parsed {
  constructor(
    private readonly declared: readonly Flag[],
    private readonly values: ReadonlyMap<string, string[]>,
    private readonly switches: ReadonlySet<string>,
    readonly positional: readonly string[],
  ) {}

  /** The one value of a flag, or undefined. */
  value(name: string): string | undefined {
    return this.all(name)[0];
  }

  /** Every value of a repeatable flag, in order. */
  all(name: string): readonly string[] {
    this.declaration(name);
    return this.values.get(name) ?? [];
  }

  has(name: string): boolean {
    this.declaration(name);
    return this.switches.has(name);
  }

  /** Reading a flag nobody declared is a bug (its help would be missing), not a user's error. */
  declaration(name: string): Flag {
    const flag = this.declared.find((f) => f.name === name);
    if (!flag) throw new Error(`flag --${name} is read but not declared`);
    return flag;
  }
}

export function parseArgs(argv: readonly string[], declared: readonly Flag[]): Parsed {
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' && declared.includes(HELP_FLAG)) {
      switches.add('help');
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const flag = declared.find((f) => f.name === name);
    if (!flag) throw new UsageError(`unknown option --${name}`);
    if (flag.value === undefined) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    const list = values.get(name) ?? [];
    if (list.length > 0 && !flag.repeatable) throw new UsageError(`--${name} given twice`);
    list.push(value);
    values.set(name, list);
  }
  return new Parsed(declared, values, switches, positional);
}

/** A whole number within the flag's declared range; its declared default when absent (or `fallback`). */
export function wholeNumber(args: Parsed, name: string, fallback?: number): number | undefined {
  const flag = args.declaration(name);
  const text = args.value(name);
  if (text === undefined) return fallback ?? (typeof flag.default === 'number' ? flag.default : undefined);
  const [min, max] = flag.range ?? [0, Number.MAX_SAFE_INTEGER];
  if (!/^\d{1,15}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be a whole number of ${flag.unit ?? 'units'} from ${min} to ${max}`);
  }
  return Number(text);
}

/** One of the flag's declared words; its default when absent. */
export function choice(args: Parsed, name: string): string | undefined {
  const flag = args.declaration(name);
  const text = args.value(name) ?? (typeof flag.default === 'string' ? flag.default : undefined);
  const choices = flag.choices ?? [];
  if (text !== undefined && !choices.includes(text)) {
    throw new UsageError(`--${name} must be ${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`);
  }
  return text;
}

/** `--ports LIST|default`, as diagnose and serve both read it. */
export function portList(args: Parsed, name = 'ports'): PortSpec[] | undefined {
  const text = args.value(name);
  if (text === undefined) return undefined;
  const parsed = parsePortList(text === 'default' ? DEFAULT_PORTS_TEXT : text);
  if (!parsed.ok) throw new UsageError(`--${name} ${parsed.error}`);
  return parsed.value;
}

/** `--format auto|wireguard|openvpn`, for the commands that read VPN configs (lint, reach). */
export function configFormatFlag(description: string): Flag {
  return { name: 'format', value: 'FORMAT', choices: ['auto', 'wireguard', 'openvpn'], default: 'auto', description };
}

/** The value of a configFormatFlag: a format, or 'auto' (tell from the content). */
export function configFormat(args: Parsed, name: string): ConfigFormat | 'auto' {
  return choice(args, name) as ConfigFormat | 'auto';
}

export function noPositional(args: Parsed): void {
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
}
