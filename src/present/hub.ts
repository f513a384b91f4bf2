/** A pass over the whole hub in the operator's words: where it stands, how each repo fared, how it went. */
import type { HubProgress, HubRepoResult, HubResult } from '../gc/hub/types.js';
import { PHASE_SETS, rowsDeleted, toDeleteOf, type RunTally } from '../gc/phases/catalog.js';
import { repoName, type RunResult } from '../gc/types.js';
import { describeToDelete } from './run.js';
import { formatBytes, formatDuration, formatRate } from './units.js';
import { counted } from './words.js';

/** How a pass's words go: what it did, or (a dry run, a plan) what it would do. */
export type HubVerb = 'run' | 'would';

/**
 * Where a pass stands, in one line:
 * `12/300 repos · 4,512 rows deleted · 1.2 MiB freed · 3.4 repos/s · ETA 1m 20s · in flight: a/b, c/d`.
 */
export function describeHubProgress(progress: HubProgress, verb: HubVerb): string {
  const rate = progress.elapsedSeconds > 0 ? progress.finished / progress.elapsedSeconds : 0;
  const eta = rate > 0 ? formatDuration((progress.total - progress.finished) / rate) : '?';
  const shown = progress.inFlight.slice(0, 3).map(repoName);
  const more = progress.inFlight.length - shown.length;
  return [
    `${progress.finished}/${progress.total} repos`,
    `${counted(progress.rows, 'row')} ${verb === 'run' ? 'deleted' : 'to delete'}`,
    `${formatBytes(progress.bytes)} ${verb === 'run' ? 'freed' : 'to free'}`,
    formatRate(rate, 'repos'),
    `ETA ${eta}`,
    ...(shown.length > 0 ? [`in flight: ${shown.join(', ')}${more > 0 ? ` +${more}` : ''}`] : []),
  ].join(' · ');
}

/**
 * How one repo of a pass fared, in a line after its name: `done: deleted 38 commit refs, … ; 4.0 MiB
 * freed in 0.4 s`, `skipped: its GC lock is held by …`, `not started`.
 */
export function describeRepoOutcome(outcome: HubRepoResult): string {
  const { result } = outcome;
  if (!result) {
    if (outcome.status === 'not-started') return 'not started';
    return `${outcome.status === 'failed' ? 'failed' : 'skipped'}: ${outcome.detail ?? outcome.status}`;
  }
  const seconds = (Date.parse(outcome.finished_at!) - Date.parse(outcome.started_at!)) / 1000;
  const what =
    rowsDeleted(result) === 0 && result.storage_bytes_freed === 0
      ? 'nothing to delete'
      : `${result.dry_run ? 'would delete' : 'deleted'} ${describeRunDeletes(result)}; ` +
        `${formatBytes(result.storage_bytes_freed)} ${result.dry_run ? 'to free' : 'freed'}`;
  const refused = result.phases.filter((phase) => phase.status === 'refused').map((phase) => phase.phase);
  return (
    `${result.outcome}: ${what} in ${formatDuration(seconds)}` +
    (refused.length > 0 ? `; refused: ${refused.join(', ')}` : '') +
    (result.errors.length > 0 ? `; ${counted(result.errors.length, 'error')}: ${result.errors[0]}` : '')
  );
}

/**
 * How a pass went, after what it was (`run --all done: `, the console's badge):
 * `300 repos: 290 done, 5 claimed, …; 12,345 rows deleted, 1.2 GiB freed in 3m 05s (1.6 repos/s, 4.1k rows/s)`.
 */
export function describeHubResult(result: HubResult): string {
  const seconds = Math.max((Date.parse(result.finished_at) - Date.parse(result.started_at)) / 1000, 1e-3);
  const { totals } = result;
  const rows = rowsDeleted(totals);
  const statuses = Object.entries(totals.statuses)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  const ran = result.repos.filter((repo) => repo.result).length;
  const would = result.dry_run;
  // Commits, objects and bytes in the words the pass's confirmation promised them (src/present/words.ts).
  const deleted = describeToDelete(toDeleteOf(totals));
  return (
    `${counted(totals.repos, 'repo')}: ${statuses}` +
    (totals.refused_phases > 0 ? ` (${totals.refused_phases} with refused phases)` : '') +
    `; ${would ? 'would delete' : 'deleted'}: ${deleted} (${counted(rows, 'row')} in all) ` +
    `in ${formatDuration(seconds)} (${formatRate(ran / seconds, 'repos')}, ${formatRate(rows / seconds, 'rows')})` +
    (totals.errors > 0 ? `; ${counted(totals.errors, 'error')}` : '')
  );
}

/** What a run deleted, the sets it deleted from: `38 commit refs, 35 commits, 61 object refs, 2 expired entries`, or `nothing`. */
function describeRunDeletes(result: Pick<RunResult, RunTally>): string {
  const sets = PHASE_SETS.filter((set) => result[set.tally] > 0);
  return sets.length === 0 ? 'nothing' : sets.map((set) => counted(result[set.tally], set.one, set.many)).join(', ');
}
