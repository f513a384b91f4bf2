/**
 * The phase table: each phase of the catalog (catalog.ts) bound to its SQL-bearing steps, how it
 * prepares and plans, how it applies, and why ids a plan listed are no longer garbage. The engine
 * (plan.ts, execute.ts, narrow.ts) reads it; everything else reads the catalog.
 */
import type { IdList } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { LiveSet } from '../live-set.js';
import type { Kept, PlanClock, PlanSets, RepoIdentity } from '../types.js';
import { applyCache, mpackBytes, prepareCache } from './cache.js';
import {
  PHASES as CATALOG,
  type Phase as CatalogPhase,
  type PhaseName,
  type PhaseSet as CatalogSet,
  type SetKey,
  type SetKeyOf,
} from './catalog.js';
import { applyCommits, explainCommitRefs, explainCommits, prepareCommits } from './commits.js';
import { applyObjects, explainObjects, objectBytes, prepareObjects } from './objects.js';
import { applyRefs, explainObjectRefs, prepareRefs } from './refs.js';
import { keptLine, type ApplyContext, type PhaseApplied, type PlanStep, type PrepareContext } from './runtime.js';
import { applySnapshots, prepareSnapshots } from './snapshots.js';

/** What a set's phase says of ids a plan listed that a plan derived since, when the hub changed, does not. */
type Dropped = (
  ctx: { session: Session; repo: RepoIdentity; clock: PlanClock; live: LiveSet },
  ids: IdList,
) => Promise<Kept[]>;

/** One set a phase deletes, with why its dropped ids stay. */
export interface PhaseSet extends CatalogSet {
  dropped: Dropped;
}

/** The SQL-bearing steps of a phase. */
interface PhaseSteps<Name extends PhaseName = PhaseName> {
  /**
   * Reads what its plan needs that does not rest on liveness (so that it can run while the walk
   * does, on another connection) and returns its planning step, bound to what it read.
   */
  prepare(ctx: PrepareContext): Promise<PlanStep>;
  apply(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied>;
  /** Why dropped ids of each of its sets are no longer garbage. */
  dropped: Record<SetKeyOf<Name>, Dropped>;
  /** The blobs (and their bytes) its sets free, for a blob phase's plan narrowed to fewer ids. */
  freed?(session: Session, sets: PlanSets): Promise<{ bytes: number; blobs: number }>;
}

export interface Phase extends CatalogPhase, Omit<PhaseSteps, 'dropped'> {
  sets: readonly PhaseSet[];
}

/** Dropped ids the phase cannot say more about than that they are no longer garbage. */
const noLongerGarbage =
  (what: string): Dropped =>
  async (_ctx, ids) =>
    keptLine('live', ids.size, `${ids.size} ${what} no longer garbage: in use again since the plan`);

const STEPS: { [Name in PhaseName]: PhaseSteps<Name> } = {
  commits: {
    prepare: prepareCommits,
    apply: applyCommits,
    dropped: {
      commitRefs: (ctx, ids) => explainCommitRefs(ctx, ids, ctx.live),
      commits: (ctx, ids) => explainCommits(ctx, [...ids]),
    },
  },
  snapshots: { prepare: prepareSnapshots, apply: applySnapshots, dropped: { snapshots: noLongerGarbage('snapshots') } },
  refs: {
    prepare: prepareRefs,
    apply: applyRefs,
    dropped: { objectRefs: async (ctx, ids) => explainObjectRefs(ids, ctx.live) },
  },
  objects: {
    prepare: prepareObjects,
    apply: applyObjects,
    dropped: { objects: (ctx, ids) => explainObjects(ctx, [...ids]) },
    freed: (session, sets) => objectBytes(session, sets.objects),
  },
  cache: {
    prepare: prepareCache,
    apply: applyCache,
    dropped: { cacheRows: noLongerGarbage('cache entries') },
    freed: (session, sets) => mpackBytes(session, sets.cacheRows),
  },
};

/** The catalog's phases, in its order, each bound to its steps. */
export const PHASES: readonly Phase[] = CATALOG.map((phase) => {
  const { prepare, apply, freed } = STEPS[phase.name];
  const dropped: Partial<Record<SetKey, Dropped>> = STEPS[phase.name].dropped;
  return {
    ...phase,
    prepare,
    apply,
    ...(freed ? { freed } : {}),
    sets: phase.sets.map((set) => ({ ...set, dropped: dropped[set.key]! })),
  };
});
