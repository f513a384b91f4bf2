/**
 * Progress of a run as lines: one per phase, and on a terminal a single status
 * line that updates in place while a phase works.
 */
import type { GcEvent, PhaseResult } from '../gc/types.js';
import { describeDeletes, describeResumed, phaseTitle } from '../present/run.js';
import { formatBytes, formatDuration } from '../present/units.js';
import { StatusLine } from './status-line.js';

export class RunProgress extends StatusLine {
  /** Reports one engine event; the run's result is the caller's to print. */
  event(event: GcEvent): void {
    switch (event.type) {
      case 'journal-resumed':
        this.line(describeResumed(event));
        for (const error of event.errors) this.problem(`error: ${error}`);
        break;
      case 'phase-start':
        this.status(`${phaseTitle(event.phase)}: 0/${event.total}`);
        break;
      case 'progress':
        this.status(
          `${phaseTitle(event.phase)}: ${event.done}/${event.total}` +
            (event.bytes > 0 ? `, ${formatBytes(event.bytes)}` : ''),
        );
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
}

/** `1 commits     deleted 30 commit refs, 20 commits in 0.3 s`. */
export function phaseDoneLine(result: PhaseResult): string {
  if (result.refs + result.rows + result.blobs === 0 && result.errors.length === 0) {
    return `${phaseTitle(result.phase).padEnd(14)}nothing to delete`;
  }
  const blobs = result.blobs > 0 ? ` (${result.blobs} blobs)` : '';
  const errors = result.errors.length > 0 ? `; ${result.errors.length} errors` : '';
  return (
    `${phaseTitle(result.phase).padEnd(14)}deleted ${describeDeletes(result)}${blobs} ` +
    `in ${formatDuration(result.seconds)}${errors}`
  );
}
