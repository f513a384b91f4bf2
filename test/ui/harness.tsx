/** Renders the console with a fixture service and reads its frames as a person does (ANSI stripped). */
import React from 'react';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { ConsoleApp } from '../../src/ui/app.js';
import type { GcService } from '../../src/gc/service.js';
import { NOW } from './fixture-service.js';

/** Lets React render what the last write caused. */
export const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

export const KEYS = { enter: '\r', esc: '\u001b', down: '\u001b[B', up: '\u001b[A', pgdn: '\u001b[6~', pgup: '\u001b[5~', backspace: '\u007f' };

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
  return {
    ...instance,
    frame,
    rawFrame: () => instance.lastFrame() ?? '',
    /** Writes keys in one write (a burst) and lets the console render. */
    async press(keys: string, ms = 30) {
      instance.stdin.write(keys);
      await tick(ms);
    },
    /** Waits until the frame shows `text`; fails with the last frame if it never does. */
    async waitFor(text: string | RegExp, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = frame();
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
        if (Date.now() > deadline) throw new Error(`the console never showed ${String(text)}; last frame:\n${current}`);
        await tick(10);
      }
    },
  };
}

/** The line of a frame that contains `text`. */
export function lineWith(frame: string, text: string): string {
  return frame.split('\n').find((line) => line.includes(text)) ?? '';
}
