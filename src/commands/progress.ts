/**
 * Progress of a run as lines: one per phase, and on a terminal a single status
 * line that updates in place while a phase works.
 */
import type { GcEvent, PhaseResult } from '../gc/types.js';
import { describeDeletes, formatBytes, formatDuration, phaseTitle } from '../present.js';

/** The least time between two redraws of the status line. */
const REDRAW_MS = 100;

/** A line that updates in place on a terminal, not more often than REDRAW_MS; elsewhere it is not drawn. */
export class StatusLine {
  private drawn = false;
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  draw(text: string): void {
    if (!this.stream.isTTY) return;
    const now = performance.now();
    if (this.drawn && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[K${text.slice(0, (this.stream.columns || 80) - 1)}`);
    this.drawn = true;
  }

  /** Clears it before anything else (a line, a prompt) writes to the terminal. */
  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

export class RunProgress {
  private readonly status: StatusLine;

  /** `out` gets the lines (stdout, or stderr under --json); `warn` gets warnings and errors. */
  constructor(private readonly out: NodeJS.WriteStream, private readonly warn: NodeJS.WriteStream) {
    this.status = new StatusLine(out);
  }

  /** Reports one engine event; the run's result is the caller's to print. */
  event(event: GcEvent): void {
    switch (event.type) {
      case 'journal-resumed':
        this.line(`finished ${event.blobs} blob deletions (${formatBytes(event.bytes)}) left by an interrupted run` +
          (event.errors.length > 0 ? `; ${event.errors.length} failed` : ''));
        for (const error of event.errors) this.problem(`error: ${error}`);
        break;
      case 'phase-start':
        this.status.draw(`${phaseTitle(event.phase)}: 0/${event.total}`);
        break;
      case 'progress':
        this.status.draw(`${phaseTitle(event.phase)}: ${event.done}/${event.total}` +
          (event.bytes > 0 ? `, ${formatBytes(event.bytes)}` : ''));
        break;
      case 'phase-done':
        this.line(phaseDoneLine(event.result));
        for (const difference of event.result.differences) this.line(`  ${difference}`);
        for (const error of event.result.errors) this.problem(`error: ${error}`);
        break;
      case 'warning':
        this.problem(`warning: ${event.message}`);
        break;
      case 'error':
        this.problem(`error: ${event.message}`);
        break;
      case 'plan-ready':
      case 'confirm':
      case 'run-done':
        break;
    }
  }

  /** A line that stays, replacing the status line if one is drawn. */
  line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }

  /** Clears the status line before anything else (a prompt) writes to the terminal. */
  clear(): void {
    this.status.clear();
  }

  private problem(text: string): void {
    this.clear();
    this.warn.write(`${text}\n`);
  }
}

/** `1 commits     deleted 30 commit refs, 20 commits in 0.3 s`. */
export function phaseDoneLine(result: PhaseResult): string {
  if (result.refs + result.rows + result.blobs === 0 && result.errors.length === 0) {
    return `${phaseTitle(result.phase).padEnd(14)}nothing to delete`;
  }
  const blobs = result.blobs > 0 ? ` (${result.blobs} blobs)` : '';
  const errors = result.errors.length > 0 ? `; ${result.errors.length} errors` : '';
  return `${phaseTitle(result.phase).padEnd(14)}deleted ${describeDeletes(result)}${blobs} ` +
    `in ${formatDuration(result.seconds)}${errors}`;
}
