/** Renders the console with a fixture service and reads its frames as a person does (ANSI stripped). */
import React from 'react';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { ConsoleApp } from '../../src/ui/app.js';
import type { GcService } from '../../src/gc/service.js';
import { NOW } from './fixture-service.js';

export const KEYS = { enter: '\r', esc: '\u001b', down: '\u001b[B', up: '\u001b[A', pgdn: '\u001b[6~', pgup: '\u001b[5~', backspace: '\u007f' };

/** What a frame should show: text in it, a pattern, or a test of the whole frame. */
export type Expected = string | RegExp | ((frame: string) => boolean);

/** How long a frame may take to show before a test says what it showed instead. */
const FRAME_TIMEOUT_MS = 5000;

export function openConsole(
  service: GcService,
  options: { readOnly?: boolean; color?: boolean; columns?: number; rows?: number } = {},
) {
  const instance = render(
    <ConsoleApp
      service={service}
      readOnly={options.readOnly ?? false}
      graceSeconds={3600}
      color={options.color ?? true}
      size={{ columns: options.columns ?? 100, rows: options.rows ?? 24 }}
      now={() => NOW}
    />,
  );
  const frame = () => stripVTControlCharacters(instance.lastFrame() ?? '');
  // Every frame the console draws is a moment to look again: waits follow frames, not a clock.
  const onFrame = new Set<() => void>();
  let framesDrawn = 0;
  const write = instance.stdout.write;
  instance.stdout.write = (drawn: string) => {
    write(drawn);
    framesDrawn += 1;
    for (const look of [...onFrame]) look();
  };
  // React runs a frame's effects in a turn of the event loop after it, and draws what they changed in
  // the turn after that (a text field starts listening to keys, the hint bar follows a prompt):
  // the console is done when three turns pass without a frame.
  const settled = async () => {
    for (let seen = -1; seen !== framesDrawn;) {
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
    ...instance,
    frame,
    rawFrame: () => instance.lastFrame() ?? '',
    /** Types keys in one write, as a paste or a burst arrives; what they do shows in a later frame. */
    press(keys: string) {
      instance.stdin.write(keys);
    },
    /**
     * Waits until the console, done drawing, shows what is expected, as a person reads the
     * screen before typing; returns that frame, or fails with the last one.
     */
    async waitFor(expected: Expected, timeoutMs = FRAME_TIMEOUT_MS): Promise<string> {
      const shows = typeof expected === 'string' ? (text: string) => text.includes(expected)
        : expected instanceof RegExp ? (text: string) => expected.test(text) : expected;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await until(`showed ${String(expected)}`, () => shows(frame()), deadline - Date.now());
        await settled();
        if (shows(frame())) return frame();
      }
    },
    /** Waits until the console has quit: Ink stops reading the keyboard. */
    async waitForExit(timeoutMs = FRAME_TIMEOUT_MS): Promise<void> {
      const stopsReading = () => onFrame.forEach((look) => look());
      instance.stdin.on('removeListener', stopsReading);
      await until('quit', () => instance.stdin.listenerCount('readable') === 0, timeoutMs)
        .finally(() => instance.stdin.off('removeListener', stopsReading));
    },
  };
}

/** Types into a text field as a person does: the text, and once it shows in the field, Enter. */
export async function typeAndSubmit(app: ReturnType<typeof openConsole>, text: string): Promise<void> {
  app.press(text);
  await app.waitFor(`› ${text}`);
  app.press(KEYS.enter);
}

/** The line of a frame that contains `text`. */
export function lineWith(frame: string, text: string): string {
  return frame.split('\n').find((line) => line.includes(text)) ?? '';
}
