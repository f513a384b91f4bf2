/**
 * The phase table (git's builtin/gc.c keeps its tasks so): each phase of GC-RULES
 * once, in the order they run, with the sets it deletes and their words, what it
 * relies on (and so when it refuses), how it prepares and plans, and how it applies. Everything
 * that lists or switches on phases reads this table.
 */
import type { LiveSet } from '../live-set.js';
import type { IdList, IdShape } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { Kept, PhaseName, PlanClock, PlanSets, RepoIdentity, RunResult } from '../types.js';
import { applyCache, prepareCache } from './cache.js';
import { applyCommits, explainCommitRefs, explainCommits, prepareCommits } from './commits.js';
import { applyObjects, explainObjects, prepareObjects } from './objects.js';
import { applyRefs, explainObjectRefs, prepareRefs } from './refs.js';
import { keptLine, type ApplyContext, type PhaseApplied, type PlanStep, type PrepareContext } from './runtime.js';
import { applySnapshots, prepareSnapshots } from './snapshots.js';

/** The counts of a run result, one per set. */
export type RunTally = keyof Pick<
  RunResult,
  | 'commit_refs_deleted'
  | 'commits_deleted'
  | 'snapshots_deleted'
  | 'object_refs_deleted'
  | 'objects_deleted'
  | 'mpack_cache_deleted'
>;

/** One set a phase deletes. */
export interface PhaseSet {
  key: keyof PlanSets;
  shape: IdShape;
  /** Which count of the phase plan it is: ref rows of this repo, or shared rows. */
  count: 'refs' | 'rows';
  /** The field of the run result (the seed service's GCResult) that counts what it deleted. */
  tally: RunTally;
  /** What one and many of it are called: `commit ref`, `commit refs`. */
  one: string;
  many: string;
  /** Why ids a plan listed are not garbage in a plan derived since, when the hub changed. */
  dropped(ctx: { session: Session; repo: RepoIdentity; clock: PlanClock; live: LiveSet }, ids: IdList): Promise<Kept[]>;
}

export interface Phase {
  name: PhaseName;
  /** 1 … 5, as operators number them. */
  number: number;
  title: string;
  sets: readonly PhaseSet[];
  /** Deletes blobs from storage (after its rows, from the journal): the console wants the slug typed. */
  blobs: boolean;
  /** The liveness it relies on; when that cannot be proven the phase refuses. */
  needs: 'commits' | 'objects' | undefined;
  /** It deletes what is not live: the repo's roots must stay as they were while it runs. */
  holdsRoots: boolean;
  /**
   * Reads what its plan needs that does not rest on liveness (so that it can run while the walk
   * does, on another connection) and returns its planning step, bound to what it read.
   */
  prepare(ctx: PrepareContext): Promise<PlanStep>;
  apply(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied>;
}

/** Dropped ids the phase cannot say more about than that they are no longer garbage. */
const noLongerGarbage =
  (what: string) =>
  async (_ctx: unknown, ids: IdList): Promise<Kept[]> =>
    keptLine('live', ids.size, `${ids.size} ${what} no longer garbage: in use again since the plan`);

export const PHASES: readonly Phase[] = [
  {
    name: 'commits',
    number: 1,
    title: 'commits',
    blobs: false,
    needs: 'commits',
    holdsRoots: true,
    sets: [
      {
        key: 'commitRefs',
        shape: 'hex',
        count: 'refs',
        tally: 'commit_refs_deleted',
        one: 'commit ref',
        many: 'commit refs',
        dropped: (ctx, ids) => explainCommitRefs(ctx, ids, ctx.live),
      },
      {
        key: 'commits',
        shape: 'hex',
        count: 'rows',
        tally: 'commits_deleted',
        one: 'commit',
        many: 'commits',
        dropped: (ctx, ids) => explainCommits(ctx, [...ids]),
      },
    ],
    prepare: prepareCommits,
    apply: applyCommits,
  },
  {
    // Its candidates are the commits phase 1 deletes: it stands or falls with phase 1.
    name: 'snapshots',
    number: 2,
    title: 'snapshots',
    blobs: false,
    needs: 'commits',
    holdsRoots: false,
    sets: [
      {
        key: 'snapshots',
        shape: 'hex',
        count: 'rows',
        tally: 'snapshots_deleted',
        one: 'snapshot',
        many: 'snapshots',
        dropped: noLongerGarbage('snapshots'),
      },
    ],
    prepare: prepareSnapshots,
    apply: applySnapshots,
  },
  {
    name: 'refs',
    number: 3,
    title: 'object refs',
    blobs: false,
    needs: 'objects',
    holdsRoots: true,
    sets: [
      {
        key: 'objectRefs',
        shape: 'sha256',
        count: 'refs',
        tally: 'object_refs_deleted',
        one: 'object ref',
        many: 'object refs',
        dropped: async (ctx, ids) => explainObjectRefs(ids, ctx.live),
      },
    ],
    prepare: prepareRefs,
    apply: applyRefs,
  },
  {
    name: 'objects',
    number: 4,
    title: 'objects',
    blobs: true,
    needs: 'objects',
    holdsRoots: false,
    sets: [
      {
        key: 'objects',
        shape: 'sha256',
        count: 'rows',
        tally: 'objects_deleted',
        one: 'object',
        many: 'objects',
        dropped: (ctx, ids) => explainObjects(ctx, [...ids]),
      },
    ],
    prepare: prepareObjects,
    apply: applyObjects,
  },
  {
    name: 'cache',
    number: 5,
    title: 'pack cache',
    blobs: true,
    needs: undefined,
    holdsRoots: false,
    sets: [
      {
        key: 'cacheRows',
        shape: 'uuid',
        count: 'rows',
        tally: 'mpack_cache_deleted',
        one: 'expired entry',
        many: 'expired entries',
        dropped: noLongerGarbage('cache entries'),
      },
    ],
    prepare: prepareCache,
    apply: applyCache,
  },
];

/** The phase of a name. */
export function phaseNamed(name: PhaseName): Phase {
  return PHASES.find((phase) => phase.name === name)!;
}

/** Every set of every phase, in phase order. */
export const PHASE_SETS: readonly PhaseSet[] = PHASES.flatMap((phase) => phase.sets);

/** Rows a run deleted (or, dry, would delete), over every set. */
export function rowsDeleted(result: Pick<RunResult, RunTally>): number {
  return PHASE_SETS.reduce((sum, set) => sum + result[set.tally], 0);
}

/**
 * Why a phase may not run on this live set, or undefined when it may. An unreadable
 * parent_ids leaves the live commits unproven, and with them everything after; an
 * unreadable manifest leaves the live objects unproven.
 */
export function refusalOf(
  phase: Phase,
  live: Pick<LiveSet, 'commitProblems' | 'manifestProblems'>,
): string | undefined {
  if (phase.needs === undefined) return undefined;
  const [commit, ...moreCommits] = live.commitProblems;
  if (commit) {
    return (
      `live commit ${commit.id} ${commit.problem}${more(moreCommits.length, 'commit')}: which commits are live ` +
      'cannot be proven, so no commit, snapshot, object ref or object of the repo is deleted'
    );
  }
  const [manifest, ...moreManifests] = live.manifestProblems;
  if (phase.needs === 'objects' && manifest) {
    return (
      `live snapshot ${manifest.id} ${manifest.problem}${more(moreManifests.length, 'snapshot')}: which objects ` +
      'are live cannot be proven, so no object ref or object is deleted'
    );
  }
  return undefined;
}

function more(count: number, what: string): string {
  return count > 0 ? ` (and ${count} more ${what}${count === 1 ? '' : 's'})` : '';
}
