/**
 * Ctrl-C. The first one asks what is running to wind down (a run stops before
 * its next phase); if nothing is listening, or on a second Ctrl-C, what is open
 * is closed (the embedded hub's lock file goes with it) and the process exits 130.
 */
import { note } from './output.js';

const closers = new Set<() => Promise<void>>();
let windDown: { handler: () => void; what: string } | undefined;
let windingDown = false;
let aborting = false;

/** Installs the SIGINT handler, once per process. */
export function handleInterrupts(): void {
  process.on('SIGINT', () => {
    if (windDown && !windingDown) {
      windingDown = true;
      note(`interrupted: ${windDown.what} (Ctrl-C again to abort now)`);
      windDown.handler();
      return;
    }
    note('interrupted');
    aborting = true;
    void Promise.allSettled([...closers].map((close) => close())).finally(() => process.exit(130));
  });
}

/** Registers `close` to run on an abort; returns the function that unregisters it. */
export function onInterrupt(close: () => Promise<void>): () => void {
  closers.add(close);
  return () => closers.delete(close);
}

/**
 * Sets what the first Ctrl-C does instead of aborting, and `what` it says it does; returns the
 * function that unsets it.
 */
export function onWindDown(handler: () => void, what = 'stopping before the next phase'): () => void {
  windDown = { handler, what };
  return () => {
    windDown = undefined;
  };
}

/** Exits with `code`, unless an abort is closing what is open: then it exits 130 when done. */
export function exitWith(code: number): void {
  if (!aborting) process.exit(code);
}

/** True once an abort has begun: what fails after it is the abort's doing, not news. */
export function isAborting(): boolean {
  return aborting;
}
