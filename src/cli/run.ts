/** `natprobe COMMAND ...`: finds the command in the table, answers help, turns usage errors into exit 2. */
import { safeText } from '../report/safeText';
import { VERSION } from '../version';
import { UsageError, parseArgs } from './args';
import { type CliIo, type Command, EXIT } from './command';
import { compareCommand } from './compareCommand';
import { diagnoseCommand } from './diagnoseCommand';
import { commandHelp, overviewHelp } from './help';
import { lintCommand } from './lintCommand';
import { punchCommand } from './punchCommand';
import { reachCommand } from './reachCommand';
import { serveCommand } from './serveCommand';

export { type CliIo, EXIT } from './command';

/** Every command, in the order help lists them: a new command is one line here. */
export const COMMANDS: readonly Command[] = [diagnoseCommand, serveCommand, lintCommand, compareCommand, reachCommand, punchCommand];

function find(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : find(name);
  try {
    if (command) {
      const args = parseArgs(rest, command.flags);
      if (args.has('help')) {
        io.stdout.write(commandHelp(command));
        return EXIT.ok;
      }
      return await command.run(args, io);
    }
    switch (name) {
      case '--version':
      case 'version':
        io.stdout.write(`${VERSION}\n`);
        return EXIT.ok;
      case 'help':
        return help(rest, io);
      case undefined:
      case '--help':
      case '-h':
        io.stdout.write(overviewHelp(COMMANDS));
        return name === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${name}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      // The message may quote an argument (or a settings value the extension passed on) as given.
      io.stderr.write(`natprobe: ${safeText(err.message)}\nRun "natprobe ${command ? `${command.name} --help` : '--help'}" for usage.\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

function help(rest: readonly string[], io: CliIo): number {
  if (rest.length === 0) {
    io.stdout.write(overviewHelp(COMMANDS));
    return EXIT.ok;
  }
  const command = rest.length === 1 ? find(rest[0]) : undefined;
  if (!command) throw new UsageError(rest.length === 1 ? `no help for "${rest[0]}": not a command` : 'help takes one COMMAND');
  io.stdout.write(commandHelp(command));
  return EXIT.ok;
}
