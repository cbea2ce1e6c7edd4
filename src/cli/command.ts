/** What every `natprobe` command is: its declared flags, the exit codes it can end with, and its run. */
import { type Flag, HELP_FLAG, type Parsed } from './args';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

/**
 * Every exit code natprobe uses. 70 is EX_SOFTWARE of sysexits.h: a bug, never the user's input.
 * 1 is a failure the user can act on (the command says which in its help).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, nothingMeasured: 3, internal: 70 } as const;

export interface ExitCode {
  readonly code: number;
  readonly meaning: string;
}

/** The codes every command can end with, listed in each command's help after its own. */
export const COMMON_EXITS: readonly ExitCode[] = [
  { code: EXIT.usage, meaning: 'bad arguments (one line on stderr says which)' },
  { code: EXIT.internal, meaning: 'internal error, a bug: one line; NATPROBE_DEBUG=1 prints the stack' },
];

export interface EnvVar {
  readonly name: string;
  readonly meaning: string;
}

export interface Command {
  readonly name: string;
  /** What follows `natprobe NAME` in the usage line, flags excluded ("FILE...", "A.json B.json"). */
  readonly operands?: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The rest of the help's text: what it does, in a few sentences. */
  readonly about: string;
  readonly flags: readonly Flag[];
  /** Its own exit codes; COMMON_EXITS are added to every command's help. */
  readonly exits: readonly ExitCode[];
  readonly environment?: readonly EnvVar[];
  run(args: Parsed, io: CliIo): Promise<number>;
}

/** What a command file declares; `defineCommand` makes the Command. */
export interface CommandDeclaration extends Omit<Command, 'flags' | 'exits'> {
  /** Its own flags, in help order (--help is added last). */
  readonly flags: readonly Flag[];
  /** What each of its own exit codes means for it, by EXIT name (2 and 70 are COMMON_EXITS). */
  readonly exits: { readonly [K in Exclude<keyof typeof EXIT, 'usage' | 'internal'>]?: string };
}

/** A command from its declaration: --help joins its flags, its exit meanings become the help's rows. */
export function defineCommand(declaration: CommandDeclaration): Command {
  const exits = Object.entries(declaration.exits).map(([name, meaning]) => ({ code: EXIT[name as keyof typeof EXIT], meaning: meaning as string }));
  return { ...declaration, flags: [...declaration.flags, HELP_FLAG], exits };
}

/**
 * Runs `body` with SIGINT aborting its signal (the command then prints what it has so far), and
 * stops listening afterwards so a second command in the same process starts clean.
 */
export async function interruptible<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
  }
}
