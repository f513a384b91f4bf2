/**
 * A plan and a run in the operator's words: each phase, what it deletes and keeps, the question
 * before it and the summary after. The question and the summary are written once, for the console
 * and `musehub-gc run` alike, which differ only in how an answer is given (keys, or a line typed on
 * the terminal). A phase with nothing to delete goes without asking; one that deletes blobs wants the
 * repo's slug typed out, because what it deletes from storage cannot be undone; any other wants a
 * yes, and the default is no.
 */
import { PHASES, phaseNamed, toDeleteOf, WITH_THEM_SETS, type Phase, type ToDelete } from '../gc/phases/catalog.js';
import { repoName, type Kept, type PhaseName, type PhasePlan, type Plan, type RunResult } from '../gc/types.js';
import { formatBytes } from './units.js';
import { counted } from './words.js';

/** `3 object refs`: a phase's number and title. */
export function phaseTitle(phase: PhaseName | Phase): string {
  const { number, title } = typeof phase === 'string' ? phaseNamed(phase) : phase;
  return `${number} ${title}`;
}

/** What a phase deletes, in the operator's words: `38 commit refs, 35 commits`, `58 objects, 4.0 MiB`. */
export function describeDeletes(plan: Pick<PhasePlan, 'phase' | 'refs' | 'rows' | 'bytes'>): string {
  const phase = phaseNamed(plan.phase);
  const counts = phase.sets.map((set) => counted(plan[set.count], set.one, set.many));
  return [...counts, ...(phase.blobs ? [formatBytes(plan.bytes)] : [])].join(', ');
}

/** What a plan deletes, as a confirmation promises it and a run reports it: `13 commits, 18 objects, 56.8 KiB`. */
export function describeToDelete(counts: ToDelete): string {
  return `${counted(counts.commits, 'commit')}, ${counted(counts.objects, 'object')}, ${formatBytes(counts.bytes)}`;
}

/** Whether a phase has nothing to delete. */
export function isEmptyPhase(plan: Pick<PhasePlan, 'refs' | 'rows' | 'blobs'>): boolean {
  return plan.refs === 0 && plan.rows === 0 && plan.blobs === 0;
}

/** Why things stay, in one line: `3 held by fork a/b; 2 in grace period`, or `-`. */
export function describeKept(kept: readonly Kept[]): string {
  return kept.length === 0 ? '-' : kept.map((line) => line.detail).join('; ');
}

/** A plan's counts set by set, in the order of PHASE_SETS: commit refs, commits, …, expired entries. */
export function plannedBySet(phases: ReadonlyArray<Pick<PhasePlan, 'refs' | 'rows'>>): number[] {
  return PHASES.flatMap((phase, index) => phase.sets.map((set) => phases[index]![set.count]));
}

/** The bytes a plan's phases free. */
export function plannedBytes(phases: ReadonlyArray<Pick<PhasePlan, 'bytes'>>): number {
  return phases.reduce((sum, phase) => sum + phase.bytes, 0);
}

/** The phase names, in order, as `--phases` takes them. */
export function phaseNames(): string {
  return PHASES.map((phase) => phase.name).join(',');
}

/** What finishing an interrupted run's blob deletions did: `finished 3 blob deletions (1.0 MiB) left by an interrupted run`. */
export function describeResumed(event: { blobs: number; bytes: number; errors: string[] }): string {
  return (
    `finished ${event.blobs} blob deletions (${formatBytes(event.bytes)}) left by an interrupted run` +
    (event.errors.length > 0 ? `; ${event.errors.length} failed` : '')
  );
}

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
  const withThem = WITH_THEM_SETS.map((set) => counted(result[set.tally], set.one, set.many));
  return `${describeToDelete(toDeleteOf(result))}; with them ${withThem.join(', ')}`;
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
