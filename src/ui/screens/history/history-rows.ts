/** A past run as one line of the history table (pure). */
import type { RunRecord } from '../../../gc/service.js';
import { PHASES } from '../../../gc/phases/table.js';
import { fit } from '../../fit.js';
import { counted, formatAgo, formatBytes, formatGrace } from '../../../present.js';

export const HISTORY_HEADER = `  ${fit('STARTED', 10)}${fit('WHO', 12)}${fit('MODE', 8)}${fit('GRACE', 6)}${fit('OUTCOME', 9)}${fit('FREED', 11, 'right')}  PHASES (rows deleted)`;

/** `1:35 2:35 3:61 4:58 5:2`, with `-` for a phase that did not run. */
function phaseCounts(run: RunRecord): string {
  return PHASES.map((phase) => {
    const recorded = run.phases.find((entry) => entry.phase === phase.name);
    const done = recorded && recorded.status === 'done';
    return `${phase.number}:${done ? recorded.rows + recorded.refs : '-'}`;
  }).join(' ');
}

/** The run's line: when, who, dry or real, grace, outcome, bytes freed, per-phase counts, errors. */
export function historyLine(run: RunRecord, now: number): string {
  const errors = run.errors.length > 0 ? `  ${counted(run.errors.length, 'error')}: ${run.errors[0]}` : '';
  return `${fit(formatAgo(run.startedAt, now), 10)}${fit(run.who, 12)}${fit(run.dryRun ? 'dry run' : 'real', 8)}${fit(formatGrace(run.graceSeconds), 6)}${fit(run.outcome, 9)}${fit(formatBytes(run.bytesFreed), 11, 'right')}  ${phaseCounts(run)}${errors}`;
}
