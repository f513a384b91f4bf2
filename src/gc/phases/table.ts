/**
 * The phase table: each phase of the catalog (catalog.ts) bound to its SQL-bearing steps, which its
 * own file defines: how it prepares and plans, how it applies, why ids a plan listed are no longer
 * garbage, what a narrowed plan frees. The engine (plan.ts, execute.ts, narrow.ts) reads it;
 * everything else reads the catalog.
 */
import { CACHE_STEPS } from './cache.js';
import {
  PHASES as CATALOG,
  type Phase as CatalogPhase,
  type PhaseName,
  type PhaseSet as CatalogSet,
  type SetKey,
} from './catalog.js';
import { COMMITS_STEPS } from './commits.js';
import { OBJECTS_STEPS } from './objects.js';
import { REFS_STEPS } from './refs.js';
import type { Dropped, PhaseSteps } from './runtime.js';
import { SNAPSHOTS_STEPS } from './snapshots.js';

/** One set a phase deletes, with why its dropped ids stay. */
export interface PhaseSet extends CatalogSet {
  dropped: Dropped;
}

export interface Phase extends CatalogPhase, Omit<PhaseSteps, 'dropped'> {
  sets: readonly PhaseSet[];
}

/** Every phase's steps: tsc wants one for each name of the catalog, with a `dropped` for each of its sets. */
const STEPS: { [Name in PhaseName]: PhaseSteps<Name> } = {
  commits: COMMITS_STEPS,
  snapshots: SNAPSHOTS_STEPS,
  refs: REFS_STEPS,
  objects: OBJECTS_STEPS,
  cache: CACHE_STEPS,
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
