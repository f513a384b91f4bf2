/**
 * A hub pass or plan as a command prints it: a line per repo as it ends (stdout, or stderr
 * under --json) and the pass's progress on stderr, updating in place on a terminal and a
 * line every PROGRESS_EVERY_MS elsewhere (a cron's log).
 */
import type { HubProgress } from '../gc/hub/types.js';
import { describeHubProgress, type HubVerb } from '../present/hub.js';
import { eachEvent } from './events.js';
import { onWindDown } from './interrupt.js';
import { StatusLine } from './status-line.js';

const PROGRESS_EVERY_MS = 10_000;

export class HubLines {
  /** The lines that stay, and problems on stderr. */
  private readonly lines: StatusLine;
  /** The pass's progress, on stderr. */
  private readonly meter = new StatusLine(process.stderr);
  private lastLogged = -Infinity;

  constructor(
    out: NodeJS.WriteStream,
    private readonly verb: HubVerb,
  ) {
    this.lines = new StatusLine(out, process.stderr);
  }

  /** A line that stays, on the output. */
  line(text: string): void {
    this.meter.clear();
    this.lines.line(text);
  }

  /** A note, warning or error, on stderr. */
  problem(text: string): void {
    this.meter.clear();
    this.lines.problem(text);
  }

  progress(progress: HubProgress): void {
    const text = describeHubProgress(progress, this.verb);
    if (process.stderr.isTTY) {
      this.meter.status(text);
      return;
    }
    const now = performance.now();
    if (now - this.lastLogged < PROGRESS_EVERY_MS) return;
    this.lastLogged = now;
    process.stderr.write(`${text}\n`);
  }

  /** Clears the progress for good, before the summary. */
  done(): void {
    this.meter.clear();
  }
}

/**
 * Follows a hub pass or plan that `start` begins, handing each event to `onEvent`: the first
 * Ctrl-C lets the repos in flight finish and starts no new one. Resolves to its result.
 */
export async function followHub<E, R>(
  lines: HubLines,
  start: (stop: AbortSignal) => AsyncGenerator<E, R>,
  onEvent: (event: E) => void,
): Promise<R> {
  const stop = new AbortController();
  const stopWindDown = onWindDown(() => stop.abort(), 'finishing the repos in flight and starting no new one');
  try {
    return await eachEvent(start(stop.signal), onEvent);
  } finally {
    stopWindDown();
    lines.done();
  }
}
