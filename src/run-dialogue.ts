/**
 * What the operator is asked before each phase of a run, and told at its end: written once, for the
 * console and `musehub-gc run` alike, which differ only in how an answer is given (keys, or a line
 * typed on the terminal). A phase with nothing to delete goes without asking; one that deletes blobs
 * wants the repo's slug typed out, because what it deletes from storage cannot be undone; any other
 * wants a yes, and the default is no.
 */
import { phaseNamed } from './gc/phases/table.js';
import { repoName, type PhasePlan, type Plan, type RunResult } from './gc/types.js';
import { describeDeletes, describeToDelete, formatBytes, isEmptyPhase } from './present/run.js';
import { counted } from './present/words.js';

/** How a phase is confirmed: not at all (nothing to delete), with a yes, or with the repo's slug typed out. */
export type Confirmation = 'none' | 'yes' | 'slug';

export function confirmationOf(phase: PhasePlan): Confirmation {
  if (isEmptyPhase(phase)) return 'none';
  return phaseNamed(phase.phase).blobs ? 'slug' : 'yes';
}

/**
 * The question before a phase; the console and the terminal each add how to answer a slug. `word` is
 * what is typed: the slug, or owner/slug where another repo shares the slug.
 */
export function phaseQuestion(plan: Plan, phase: PhasePlan, word = plan.repo.slug): string {
  const what = describeDeletes(phase);
  if (confirmationOf(phase) === 'slug') return `Type ${word} to delete ${what} from storage`;
  return `Delete ${what} of ${repoName(plan.repo)}? [y/N]`;
}

/** What a run deleted in the words its prompts and the preview used: commits, objects and bytes, then the rest. */
function deletedLine(result: RunResult): string {
  const main = describeToDelete({
    commits: result.commits_deleted,
    objects: result.objects_deleted,
    bytes: result.storage_bytes_freed,
  });
  return `${main}; with them ${[
    counted(result.commit_refs_deleted, 'commit ref'),
    counted(result.snapshots_deleted, 'snapshot'),
    counted(result.object_refs_deleted, 'object ref'),
    counted(result.mpack_cache_deleted, 'cache entry', 'cache entries'),
  ].join(', ')}`;
}

/** A finished run in a few lines: what it freed and its errors, what it deleted, the phases not done. */
export function runSummary(result: RunResult): string[] {
  const [freed, deleted] = result.dry_run ? ['would free', 'would delete'] : ['freed', 'deleted'];
  // Why a phase was refused or failed is said where it happened: in the plan and the warnings.
  const notDone = result.phases.filter((phase) => phase.status !== 'done');
  return [
    `${freed} ${formatBytes(result.storage_bytes_freed)} · ${counted(result.errors.length, 'error')}`,
    `${deleted}: ${deletedLine(result)}`,
    ...(notDone.length > 0 ? [`not done: ${notDone.map((phase) => `${phase.phase} ${phase.status}`).join(', ')}`] : []),
  ];
}
