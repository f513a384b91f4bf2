/**
 * How musehub-gc writes what the engine returns, for the console and the headless
 * commands alike: sizes, ages, durations, rates, ids, counts and the phases' words.
 * One behaviour each.
 */
import type { CheckRecord, CheckReport, ProblemKind } from '../gc/check/types.js';
import { formatGrace } from '../gc/duration.js';
import type { HubProgress, HubRepoResult, HubResult } from '../gc/hub/types.js';
import { PHASE_SETS, PHASES, phaseNamed, rowsDeleted, type Phase, type RunTally } from '../gc/phases/table.js';
import type { SweepFound, SweepResult } from '../gc/sweep/types.js';
import type { WhyAnswer, WhyHolder, WhyPath } from '../gc/why.js';
import { repoName, type Kept, type PhaseName, type PhasePlan, type RunResult } from '../gc/types.js';
import { counted, describeCommits, WORDS } from './words.js';

export { counted, describeCommits, formatGrace, WORDS };

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes as an operator reads them: `512 B`, `4.1 MiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** How long ago an ISO instant was, coarsely: `now`, `5m ago`, `1h ago`, `3d ago`. */
export function formatAgo(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return '?';
  if (seconds < 60) return 'now';
  const steps: Array<[number, string]> = [
    [60, 'm'],
    [3600, 'h'],
    [86400, 'd'],
    [86400 * 365, 'y'],
  ];
  let label = '';
  for (const [size, suffix] of steps) if (seconds >= size) label = `${Math.floor(seconds / size)}${suffix} ago`;
  return label;
}

/** How long something took: `0.2 s`, `14 s`, `3m 05s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** A count per second, short: `1.6/s`, `950/s`, `1.2k/s`; of what, when given: `1.2k rows/s`. */
export function formatRate(perSecond: number, what = ''): string {
  const per = `${what ? ` ${what}` : ''}/s`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k${per}`;
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}${per}`;
}

/** The first 12 characters of an id, without a `sha256:` prefix: enough to tell a million apart. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

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
export function describeToDelete(counts: { commits: number; objects: number; bytes: number }): string {
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

/** A kind of problem a check found, counted: `2 live commits without the repo's ref row`. */
export function describeProblem(kind: ProblemKind, count: number): string {
  switch (kind) {
    case 'root-without-commit':
      return `${counted(count, 'branch head, release or wire tag', 'branch heads, releases and wire tags')} naming a commit with no row`;
    case 'snapshot-without-row':
      return `${counted(count, 'commit or release', 'commits and releases')} naming a snapshot with no row`;
    case 'manifest-unreadable':
      return `${counted(count, 'live snapshot')} whose manifest cannot be read: which objects are live cannot be proven`;
    case 'object-without-row':
      return `${counted(count, 'object')} named by live manifests, with no row`;
    case 'object-without-ref':
      return `${counted(count, 'object')} named by live manifests that the repo holds no ref to`;
    case 'commit-without-ref':
      return `${counted(count, 'live commit')} without the repo's ref row: other repos' GC cannot see that it needs them`;
    case 'parents-malformed':
      return `${counted(count, 'live commit')} whose parent_ids is not a JSON array of commit ids`;
    case 'cache-blob-missing':
      return `${counted(count, 'fetch-pack cache row')} whose mpack blob is missing from the store`;
    case 'object-blob-missing':
      return `${counted(count, 'object')} the repo refs whose blob is missing from the store`;
  }
}

/** What a kind of problem means for GC, and what to do about it, in one sentence. */
export function adviseProblem(kind: ProblemKind): string {
  switch (kind) {
    case 'root-without-commit':
      return 'The repo cannot be fetched at these names, and GC reads the history as ending there: push the commit again from a clone that has it, or move the branch or delete the tag.';
    case 'snapshot-without-row':
      return 'Those commits cannot be checked out, and while a live one lacks its snapshot GC refuses phases 3 and 4: push the snapshot again from a clone that has it.';
    case 'manifest-unreadable':
      return 'GC refuses phases 3 and 4 for this repo (an unreadable manifest is never read as empty): restore the snapshot from a backup or a clone; phases 1, 2 and 5 can still run.';
    case 'object-without-row':
      return 'Those files cannot be fetched, and no GC can bring them back: push them again from a clone that has them.';
    case 'object-without-ref':
      return "Another repo's GC may delete them once it drops its own refs to them: add this repo's object refs (a MuseHub repair) before GC runs on the repos that hold them.";
    case 'commit-without-ref':
      return "Another repo's GC may delete them from under this one once it drops its own refs: add this repo's commit refs (a MuseHub repair) before GC runs on its forks or upstream.";
    case 'parents-malformed':
      return 'Their ancestors cannot be proven live, so GC refuses phases 1 to 4 for this repo: make parent_ids a JSON array of full, lowercase commit ids.';
    case 'cache-blob-missing':
      return 'A fetch served from those rows fails; nothing else depends on them: phase 5 collects them once they expire, or delete the rows and MuseHub builds the packs again.';
    case 'object-blob-missing':
      return 'Those files cannot be fetched, and no GC can bring them back: upload the blobs again from a clone or a backup.';
  }
}

/** What a check found, in a word or a count: `clean`, `3 problems`. */
export function describeCheckOutcome(check: Pick<CheckRecord, 'problems'>): string {
  const total = Object.values(check.problems).reduce((sum, count) => sum + (count ?? 0), 0);
  return total === 0 ? 'clean' : counted(total, 'problem');
}

/** What finishing an interrupted run's blob deletions did: `finished 3 blob deletions (1.0 MiB) left by an interrupted run`. */
export function describeResumed(event: { blobs: number; bytes: number; errors: string[] }): string {
  return (
    `finished ${event.blobs} blob deletions (${formatBytes(event.bytes)}) left by an interrupted run` +
    (event.errors.length > 0 ? `; ${event.errors.length} failed` : '')
  );
}

/** How a check of several repos went: `checked 12 repos of <hub> in 1.2 s: 10 clean, 2 with problems`. */
export function describeCheckReport(report: CheckReport, label: string): string {
  const unclean = report.repos.filter((result) => !result.clean).length;
  const seconds = report.repos.reduce((sum, result) => sum + result.seconds, 0);
  return (
    `checked ${counted(report.repos.length, 'repo')} of ${label}${report.blobs ? ', blobs included,' : ''} ` +
    `in ${formatDuration(seconds)}: ${report.repos.length - unclean} clean, ${unclean} with problems`
  );
}

/** A sweep's strays: `90 keys (4.0 MiB)`. */
export function describeStrays(found: Pick<SweepFound, 'candidates' | 'candidateBytes'>): string {
  return `${counted(found.candidates, 'key')} (${formatBytes(found.candidateBytes)})`;
}

/** What a sweep's comparison found: `listed 1,000 keys (4.0 MiB) under objects/: 900 named by rows, 10 younger than 1d, 90 strays (…)`. */
export function describeSweepFound(found: SweepFound, graceSeconds: number): string {
  return (
    `listed ${counted(found.listed, 'key')} (${formatBytes(found.listedBytes)}) under objects/: ` +
    `${found.named.toLocaleString('en-US')} named by rows, ${found.young.toLocaleString('en-US')} younger than ` +
    `${formatGrace(graceSeconds)}, ${counted(found.candidates, 'stray', 'strays')} (${formatBytes(found.candidateBytes)})`
  );
}

/** A sweep's batches so far: `40/90 strays: 40 keys deleted (1.8 MiB)`. */
export function describeSweepProgress(progress: {
  done: number;
  total: number;
  deleted: number;
  bytes: number;
}): string {
  return `${progress.done}/${progress.total} strays: ${counted(progress.deleted, 'key')} deleted (${formatBytes(progress.bytes)})`;
}

/** How a sweep ended: `dry run: would delete 90 keys, in 0.3 s`, `sweep done: deleted 90 keys (4.0 MiB) of file:///…, in 1.2 s`. */
export function describeSweepResult(result: Omit<SweepResult, 'profile'>): string {
  const kept =
    result.keptOnRecheck > 0
      ? `; ${result.keptOnRecheck.toLocaleString('en-US')} kept: a row named them during the sweep`
      : '';
  const errors = result.errors.length > 0 ? `; ${counted(result.errors.length, 'error')}` : '';
  if (result.dryRun) {
    return `dry run: would delete ${counted(result.candidates - result.keptOnRecheck, 'key')}${kept}, in ${formatDuration(result.seconds)}`;
  }
  return (
    `sweep ${result.outcome}: deleted ${counted(result.deleted, 'key')} (${formatBytes(result.deletedBytes)}) ` +
    `of ${result.store}${kept}${errors}, in ${formatDuration(result.seconds)}`
  );
}

/** What a run deleted, the sets it deleted from: `38 commit refs, 35 commits, 61 object refs, 2 expired entries`, or `nothing`. */
export function describeRunDeletes(result: Pick<RunResult, RunTally>): string {
  const sets = PHASE_SETS.filter((set) => result[set.tally] > 0);
  return sets.length === 0 ? 'nothing' : sets.map((set) => counted(result[set.tally], set.one, set.many)).join(', ');
}

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
  // Commits, objects and bytes in the words the pass's confirmation promised them (src/words.ts).
  const deleted = describeToDelete({
    commits: totals.commits_deleted,
    objects: totals.objects_deleted,
    bytes: totals.storage_bytes_freed,
  });
  return (
    `${counted(totals.repos, 'repo')}: ${statuses}` +
    (totals.refused_phases > 0 ? ` (${totals.refused_phases} with refused phases)` : '') +
    `; ${would ? 'would delete' : 'deleted'}: ${deleted} (${counted(rows, 'row')} in all) ` +
    `in ${formatDuration(seconds)} (${formatRate(ran / seconds, 'repos')}, ${formatRate(rows / seconds, 'rows')})` +
    (totals.errors > 0 ? `; ${counted(totals.errors, 'error')}` : '')
  );
}

/**
 * What `why` found, in the operator's words: a headline (`commit 3b8e1aa… of a/b: live`) and the
 * line that says why, with the path that keeps it: `branch main → 3 parents down`, `release v1.0`,
 * `held by keystrio/blue-in-green`, `pushed 20m ago, inside the grace period (1h)`.
 */
export function describeWhy(why: WhyAnswer, now: number): string[] {
  const grace = `inside the grace period (${formatGrace(why.graceSeconds)})`;
  const phase = why.phase ? `phase ${phaseTitle(why.phase)}` : '';
  const fate =
    why.fate === 'live'
      ? 'live, nothing deletes it'
      : why.fate === 'kept'
        ? `not live, kept: ${phase} leaves it`
        : why.fate === 'deleted'
          ? `GC deletes it in ${phase}`
          : 'not in this repo';
  return [`${why.kind} ${why.id} of ${repoName(why.repo)}: ${fate}`, whyReason(why, grace, now)];
}

/** The second line of describeWhy: the path that keeps it, or why it stays, goes, or is not the repo's. */
function whyReason(why: WhyAnswer, grace: string, now: number): string {
  const path = (route: WhyPath) => {
    const { root } = route;
    if (root.kind === 'recent' && route.commits.length === 1 && why.kind === 'commit') {
      return `its ref, pushed ${formatAgo(root.pushedAt!, now)}, ${grace}`;
    }
    const start =
      root.kind === 'recent'
        ? `commit ${shortId(root.commitId)} pushed ${formatAgo(root.pushedAt!, now)}, ${grace}`
        : `${root.kind === 'tag' ? 'wire tag' : root.kind} ${root.name}`;
    const down = route.commits.length - 1;
    return down === 0 ? start : `${start} → ${counted(down, 'parent')} down`;
  };
  const refPhase = phaseTitle(why.kind === 'commit' ? 'commits' : 'refs');
  const refGoes = why.ref?.deleted ? `; this repo's ref goes in phase ${refPhase}` : '';
  if (why.fate === 'not-in-repo') {
    const held = why.holders.length > 0 ? `${describeHolders(why.holders)} hold it` : 'no repo holds it';
    return `the repo holds no ref to it and reaches it from no root; ${held}`;
  }
  if (why.reason === 'refused') return `phase ${phaseTitle(why.phase!)} refuses: ${why.refusal}`;
  if (why.file) {
    const { file } = why;
    const of = file.release ? `release ${file.release}` : `commit ${shortId(file.commitId!)}`;
    const via = why.path ? `, via ${path(why.path)}` : '';
    return `at ${file.path} in snapshot ${shortId(file.snapshotId)} of ${of}${via}`;
  }
  if (why.path) {
    const borrowed = why.borrowed ? ' (the repo holds no ref row for it: `musehub-gc check` reports it)' : '';
    return `via ${path(why.path)}${borrowed}`;
  }
  if (why.fate === 'deleted') {
    const what =
      why.kind === 'commit'
        ? 'no branch, release or wire tag of the repo reaches it'
        : `no live snapshot of the repo names it (it frees ${formatBytes(why.object!.bytes)})`;
    const ref = why.ref ? refGoes : "; this repo's ref went in an earlier run that stopped";
    return `${what}, and no other repo holds it${ref}`;
  }
  if (why.reason === 'grace') {
    return why.ref && !why.ref.deleted
      ? `its ref was pushed ${formatAgo(why.ref.createdAt, now)}, ${grace}`
      : `stored ${formatAgo(why.object!.storedAt, now)}, ${grace}${refGoes}`;
  }
  const holders = describeHolders(why.holders.filter((holder) => why.reason !== 'other-repo' || holder.via === 'ref'));
  return `${why.reason === 'pinned' ? 'pinned by' : 'held by'} ${holders}${refGoes}`;
}

/** Other repos holding something: `keystrio/blue-in-green`, `release v1.0 of a/b`; three, and how many more. */
function describeHolders(holders: readonly WhyHolder[]): string {
  const named = holders.map((holder) =>
    holder.via === 'ref'
      ? holder.repo
      : `${holder.via === 'tag' ? 'wire tag' : holder.via} ${holder.name} of ${holder.repo}`,
  );
  const unique = [...new Set(named)];
  return unique.slice(0, 3).join(', ') + (unique.length > 3 ? ` and ${unique.length - 3} more` : '');
}
