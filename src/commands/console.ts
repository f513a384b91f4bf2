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
    throw new UsageError(
      `the console needs a terminal; without one, name a command (${names}): ` +
        'musehub-gc --help says what each does',
    );
  }
  // Ink draws only the final frame when CI is set (it reads it as it loads); on a terminal someone
  // is watching, whatever the environment says.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // Opening takes a moment (a first start of the embedded hub, minutes): say at once what is going on.
  const notes = terminalNotes(process.stdout);
  notes.say(
    settings.databaseUrl ? 'opening the hub at DATABASE_URL…' : `opening the embedded hub in ${settings.embeddedDir}…`,
  );
  // Ink and React load only for the console, while the hub opens: once its first I/O is out, on the next turn.
  const ui = new Promise((resolve) => setImmediate(resolve)).then(() => import('../ui/app.js'));
  ui.catch(() => {}); // awaited once the hub is open; if opening fails, that error is the one to tell
  return withService(
    settings,
    graceSeconds,
    async (service) => {
      const { renderConsole } = await ui;
      notes.clear();
      // Without a blob store nothing can be collected: the console still shows what would be.
      await renderConsole(service, {
        readOnly: (args.values['read-only'] ?? false) || !service.canCollect,
        graceSeconds,
      });
      return EXIT.done;
    },
    { poolMax: CONSOLE_POOL, notice: notes.say },
  );
}

/** Lines on the terminal before the console draws, erased when it does (an error leaves them, with it below). */
function terminalNotes(terminal: NodeJS.WriteStream): { say(line: string): void; clear(): void } {
  let rows = 0;
  return {
    say(line) {
      terminal.write(`${line}\n`);
      rows += Math.max(1, Math.ceil(line.length / (terminal.columns || 80)));
    },
    clear() {
      // Up to the first of them, then erase to the end of the screen.
      if (rows > 0) terminal.write(`\x1b[${rows}F\x1b[J`);
      rows = 0;
    },
  };
}
