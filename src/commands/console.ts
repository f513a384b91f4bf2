/** `musehub-gc` with no command: the operator console, on a terminal. */
import { UsageError } from '../errors.js';
import { CONSOLE_POOL } from '../gc/service.js';
import { EXIT, type CommandInput } from './command.js';
import { withService } from './hub.js';
import { COMMANDS } from './help.js';

/** Opens the console; without a terminal, says how to use the headless commands (exit 2). */
export async function openConsole({ args, settings, graceSeconds }: CommandInput): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    const names = COMMANDS.map((command) => command.name).join(', ');
    throw new UsageError(`the console needs a terminal; without one, name a command (${names}): ` +
      'musehub-gc --help says what each does');
  }
  // Ink draws only the final frame when CI is set (it reads it as it loads); on a terminal someone
  // is watching, whatever the environment says.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // Ink and React load only for the console.
  const { renderConsole } = await import('../ui/app.js');
  return withService(settings, graceSeconds, async (service) => {
    // Without a blob store nothing can be collected: the console still shows what would be.
    await renderConsole(service, { readOnly: (args.values['read-only'] ?? false) || !service.canCollect, graceSeconds });
    return EXIT.done;
  }, { poolMax: CONSOLE_POOL });
}
