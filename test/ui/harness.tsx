/** Renders the console with a fixture service and reads its frames as a person does (ANSI stripped). */
import { stripVTControlCharacters } from 'node:util';
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { ConsoleApp } from '../../src/ui/app.js';
import type { GcService } from '../../src/gc/service.js';
import { NOW } from './fixture-service.js';

export const KEYS = {
  enter: '\r',
  esc: '\u001b',
  down: '\u001b[B',
  up: '\u001b[A',
  left: '\u001b[D',
  right: '\u001b[C',
  pgdn: '\u001b[6~',
  pgup: '\u001b[5~',
  backspace: '\u007f',
};

/** What a frame should show: text in it, a pattern, or a test of the whole frame. */
export type Expected = string | RegExp | ((frame: string) => boolean);

/** How long a frame may take to show before a test says what it showed instead. */
const FRAME_TIMEOUT_MS = 5000;

/**
 * A terminal of a size the test chooses, which it can resize: Ink lays out at its width, and the
 * console follows its resizes, as on a real terminal (ink-testing-library's is always 100 wide).
 */
class Terminal extends EventEmitter {
  readonly isTTY = true;
  lastFrame = '';
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write(frame: string): boolean {
    this.lastFrame = frame;
    return true;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** The keyboard: what a test presses arrives as a terminal's bytes do. */
class Keyboard extends EventEmitter {
  readonly isTTY = true;
  private pending: string | null = null;
  write(keys: string): void {
    this.pending = keys;
    this.emit('readable');
  }
  read(): string | null {
    const keys = this.pending;
    this.pending = null;
    return keys;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

const opened: Array<{ unmount(): void }> = [];

/** Closes every console a test opened. */
export function cleanup(): void {
  for (const instance of opened.splice(0)) instance.unmount();
}

export function openConsole(
  service: GcService,
  options: { readOnly?: boolean; color?: boolean; columns?: number; rows?: number } = {},
) {
  const terminal = new Terminal(options.columns ?? 100, options.rows ?? 24);
  const keyboard = new Keyboard();
  const instance = render(
    <ConsoleApp
      service={service}
      readOnly={options.readOnly ?? false}
      graceSeconds={3600}
      color={options.color ?? true}
      now={() => NOW}
    />,
    {
      stdout: terminal as unknown as NodeJS.WriteStream,
      stderr: new Terminal(terminal.columns, terminal.rows) as unknown as NodeJS.WriteStream,
      stdin: keyboard as unknown as NodeJS.ReadStream,
      // Every frame written whole, as the last frame a person sees.
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  opened.push(instance);
  const frame = () => stripVTControlCharacters(terminal.lastFrame);
  // Every frame the console draws is a moment to look again: waits follow frames, not a clock.
  const onFrame = new Set<() => void>();
  let framesDrawn = 0;
  const frames: string[] = [];
  const write = terminal.write.bind(terminal);
  terminal.write = (drawn: string) => {
    write(drawn);
    frames.push(drawn);
    framesDrawn += 1;
    for (const look of [...onFrame]) look();
    return true;
  };
  // React runs a frame's effects in a turn of the event loop after it, and draws what they changed in
  // the turn after that (a text field starts listening to keys, the hint bar follows a prompt):
  // the console is done when three turns pass without a frame.
  const settled = async () => {
    for (let seen = -1; seen !== framesDrawn; ) {
      seen = framesDrawn;
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const until = (what: string, met: () => boolean, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (!met()) return;
        stop();
        resolve();
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`the console never ${what}; last frame:\n${frame()}`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        onFrame.delete(look);
      };
      onFrame.add(look);
      look();
    });
  return {
    unmount: () => instance.unmount(),
    frame,
    rawFrame: () => terminal.lastFrame,
    /** Every frame drawn so far, as written (with its escapes). */
    frames,
    /** Types keys in one write, as a paste or a burst arrives; what they do shows in a later frame. */
    press(keys: string) {
      keyboard.write(keys);
    },
    /** Resizes the terminal, as a person drags its window. */
    resize(columns: number, rows: number) {
      terminal.resize(columns, rows);
    },
    /**
     * Waits until the console, done drawing, shows what is expected, as a person reads the
     * screen before typing; returns that frame, or fails with the last one.
     */
    async waitFor(expected: Expected, timeoutMs = FRAME_TIMEOUT_MS): Promise<string> {
      const shows =
        typeof expected === 'string'
          ? (text: string) => text.includes(expected)
          : expected instanceof RegExp
            ? (text: string) => expected.test(text)
            : expected;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await until(`showed ${String(expected)}`, () => shows(frame()), deadline - Date.now());
        await settled();
        if (shows(frame())) return frame();
      }
    },
    /** Waits until the console has quit: Ink stops reading the keyboard. */
    async waitForExit(timeoutMs = FRAME_TIMEOUT_MS): Promise<void> {
      const stopsReading = () => {
        for (const look of onFrame) look();
      };
      keyboard.on('removeListener', stopsReading);
      await until('quit', () => keyboard.listenerCount('readable') === 0, timeoutMs).finally(() =>
        keyboard.off('removeListener', stopsReading),
      );
    },
  };
}

/** Types into a text field as a person does: the text, and once it shows in the field (after its label), Enter. */
export async function typeAndSubmit(app: ReturnType<typeof openConsole>, text: string, label = '› '): Promise<void> {
  app.press(text);
  await app.waitFor(`${label}${text}`);
  app.press(KEYS.enter);
}

/** The line of a frame that contains `text`. */
export function lineWith(frame: string, text: string): string {
  return frame.split('\n').find((line) => line.includes(text)) ?? '';
}

/** The frame's text read line after line, box rules and runs of spaces gone: what a sentence wrapped over lines reads as. */
export function read(frame: string): string {
  return frame
    .split('\n')
    .map((line) => line.replace(/[│╭╮╰╯─]/g, ' ').trim())
    .join(' ')
    .replace(/\s+/g, ' ');
}
