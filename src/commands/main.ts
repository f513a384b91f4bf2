/**
 * The program: parses the command line, runs one command and turns what it
 * throws into an exit code. A UserError is one line on stderr; anything else is
 * a bug and shows its stack.
 */
import { toolVersion } from '../version.js';
import { UserError, UsageError } from '../errors.js';
import { parseDuration } from '../gc/duration.js';
import { parseCommandLine, requireShape } from './args.js';
import { EXIT, exitCodeOf, type CommandInput } from './command.js';
import { openConsole } from './console.js';
import { COMMANDS, commandHelp, programHelp } from './help.js';
import { hubSettings } from './hub.js';
import { handleInterrupts, isAborting } from './interrupt.js';
import { say } from './output.js';
import { didYouMean, nearest } from '../suggest.js';

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  handleInterrupts();
  try {
    return await dispatch(argv);
  } catch (error) {
    if (isAborting()) return EXIT.failed;
    if (error instanceof UserError) {
      process.stderr.write(`musehub-gc: ${error.message}\n`);
      return exitCodeOf(error);
    }
    process.stderr.write(
      `musehub-gc: unexpected error (a bug; please report it):\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return EXIT.failed;
  }
}

async function dispatch(argv: readonly string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args.values.version) {
    say(toolVersion());
    return EXIT.done;
  }
  const input = (): CommandInput => ({
    args,
    settings: hubSettings(args),
    graceSeconds: parseDuration(args.values.grace ?? '1h'),
  });
  if (args.command === undefined) {
    if (args.values.help) {
      say(programHelp());
      return EXIT.done;
    }
    requireShape(args, 'musehub-gc [--read-only]', ['read-only'], { min: 0, max: 0 });
    return openConsole(input());
  }
  if (args.command === 'help') {
    const about = COMMANDS.find((command) => command.name === args.positionals[0]);
    say(about ? commandHelp(about) : programHelp());
    return EXIT.done;
  }
  const command = COMMANDS.find((candidate) => candidate.name === args.command);
  if (!command) {
    const names = COMMANDS.map((known) => known.name);
    const near = didYouMean(nearest(args.command, [...names, 'help']));
    throw new UsageError(
      `no command ${JSON.stringify(args.command)}${near} ` +
        `(the commands are ${names.join(', ')}; musehub-gc --help)`,
    );
  }
  if (args.values.help) {
    say(commandHelp(command));
    return EXIT.done;
  }
  requireShape(args, command.usage, command.options, command.positionals);
  return command.run(input());
}
