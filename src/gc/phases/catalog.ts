/**
 * The phase catalog (git's builtin/gc.c keeps its tasks so): each phase of GC-RULES once, in the
 * order they run, with the sets it deletes and their words, what it relies on (and so when it
 * refuses), whether it deletes blobs and holds the repo's roots. It holds no SQL: the console, the
 * commands and the reports read it, and the engine binds each entry to its steps (table.ts).
 * `PhaseName`, the plan's sets, the run's tallies, empty sets and empty tallies derive from it;
 * everything that lists or switches on phases reads it. Adding a phase: docs/design.md.
 */
import { IdList, type IdShape } from '../packed-ids.js';
import type { PhasePlan } from '../types.js';

/** What an entry of the catalog is made of; the catalog's literal types are the names, keys and tallies. */
interface CatalogEntry {
  name: string;
  number: number;
  title: string;
  blobs: boolean;
  needs: 'commits' | 'objects' | undefined;
  holdsRoots: boolean;
  why: boolean;
  sets: ReadonlyArray<{
    key: string;
    shape: IdShape;
    count: 'refs' | 'rows';
    tally: string;
    one: string;
    many: string;
    within?: string;
  }>;
}

const CATALOG = [
  {
    name: 'commits',
    number: 1,
    title: 'commits',
    blobs: false,
    needs: 'commits',
    holdsRoots: true,
    why: true,
    sets: [
      {
        key: 'commitRefs',
        shape: 'hex',
        count: 'refs',
        tally: 'commit_refs_deleted',
        one: 'commit ref',
        many: 'commit refs',
      },
      {
        key: 'commits',
        shape: 'hex',
        count: 'rows',
        tally: 'commits_deleted',
        one: 'commit',
        many: 'commits',
        within: 'commitRefs',
      },
    ],
  },
  {
    // Its candidates are the commits phase 1 deletes: it stands or falls with phase 1.
    name: 'snapshots',
    number: 2,
    title: 'snapshots',
    blobs: false,
    needs: 'commits',
    holdsRoots: false,
    why: false,
    sets: [
      { key: 'snapshots', shape: 'hex', count: 'rows', tally: 'snapshots_deleted', one: 'snapshot', many: 'snapshots' },
    ],
  },
  {
    name: 'refs',
    number: 3,
    title: 'object refs',
    blobs: false,
    needs: 'objects',
    holdsRoots: true,
    why: true,
    sets: [
      {
        key: 'objectRefs',
        shape: 'sha256',
        count: 'refs',
        tally: 'object_refs_deleted',
        one: 'object ref',
        many: 'object refs',
      },
    ],
  },
  {
    name: 'objects',
    number: 4,
    title: 'objects',
    blobs: true,
    needs: 'objects',
    holdsRoots: false,
    why: true,
    sets: [
      {
        key: 'objects',
        shape: 'sha256',
        count: 'rows',
        tally: 'objects_deleted',
        one: 'object',
        many: 'objects',
        within: 'objectRefs',
      },
    ],
  },
  {
    name: 'cache',
    number: 5,
    title: 'pack cache',
    blobs: true,
    needs: undefined,
    holdsRoots: false,
    why: false,
    sets: [
      {
        key: 'cacheRows',
        shape: 'uuid',
        count: 'rows',
        tally: 'mpack_cache_deleted',
        one: 'expired entry',
        many: 'expired entries',
      },
    ],
  },
] as const satisfies readonly CatalogEntry[];

/** The phases of GC-RULES, by name: `commits`, `snapshots`, `refs`, `objects`, `cache`. */
export type PhaseName = (typeof CATALOG)[number]['name'];

/** The keys of the sets one phase deletes. */
export type SetKeyOf<Name extends PhaseName> = Extract<(typeof CATALOG)[number], { name: Name }>['sets'][number]['key'];

/** The sets a plan deletes, by key: `commitRefs`, `commits`, `snapshots`, `objectRefs`, `objects`, `cacheRows`. */
export type SetKey = (typeof CATALOG)[number]['sets'][number]['key'];

/** The counts of a run result, one per set: the seed service's GCResult fields, `commits_deleted` and so on. */
export type RunTally = (typeof CATALOG)[number]['sets'][number]['tally'];

/** The complete sets a plan deletes, phase by phase: what a run acts on and a plan file saves. */
export type PlanSets = Record<SetKey, IdList>;

/** One set a phase deletes. */
export interface PhaseSet {
  key: SetKey;
  shape: IdShape;
  /** Which count of the phase plan it is: ref rows of this repo, or shared rows. */
  count: 'refs' | 'rows';
  /** The field of the run result (the seed service's GCResult) that counts what it deleted. */
  tally: RunTally;
  /** What one and many of it are called: `commit ref`, `commit refs`. */
  one: string;
  many: string;
  /** The set listed before it that it (almost) lies inside: a plan file stores it as a bitmap over that one. */
  within?: SetKey;
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
  /** Its list names commits or objects, which `why` answers about. */
  why: boolean;
}

export const PHASES: readonly Phase[] = CATALOG;

/** The phase of a name. */
export function phaseNamed(name: PhaseName): Phase {
  return PHASES.find((phase) => phase.name === name)!;
}

/** Every set of every phase, in phase order. */
export const PHASE_SETS: readonly PhaseSet[] = PHASES.flatMap((phase) => phase.sets);

/** The phase that deletes a set. */
export function phaseOfSet(key: SetKey): Phase {
  return PHASES.find((phase) => phase.sets.some((set) => set.key === key))!;
}

/** The set of a key. */
export function setNamed(key: SetKey): PhaseSet {
  return PHASE_SETS.find((set) => set.key === key)!;
}

/** A set's count in a plan's phases: the count (refs or rows) of the phase that deletes it. */
export function plannedOf(phases: ReadonlyArray<Pick<PhasePlan, 'refs' | 'rows'>>, key: SetKey): number {
  return phases[PHASES.indexOf(phaseOfSet(key))]![setNamed(key).count];
}

/**
 * The sets the operator is told a plan deletes, in the words of src/words.ts (to delete: the commits,
 * the objects and the bytes they free); the other sets go with them.
 */
export const TO_DELETE_SETS = ['commits', 'objects'] as const satisfies readonly SetKey[];

/** What a plan deletes in those words: `13 commits, 18 objects, 56.8 KiB`. */
export type ToDelete = Record<(typeof TO_DELETE_SETS)[number], number> & { bytes: number };

/** The sets that go with those the operator is told of: refs, snapshots, cache entries. */
export const WITH_THEM_SETS: readonly PhaseSet[] = PHASE_SETS.filter(
  (set) => !(TO_DELETE_SETS as readonly SetKey[]).includes(set.key),
);

/** What a run's tallies (or a pass's totals) deleted, in the words of `to delete`. */
export function toDeleteOf(result: Record<RunTally, number> & { storage_bytes_freed: number }): ToDelete {
  const [commits, objects] = TO_DELETE_SETS.map((key) => result[setNamed(key).tally]);
  return { commits: commits!, objects: objects!, bytes: result.storage_bytes_freed };
}

/** The phases the live objects decide: a live manifest that does not decode refuses them. */
export const OBJECT_PHASES: readonly Phase[] = PHASES.filter((phase) => phase.needs === 'objects');

/** Phases by number, as operators say them: `3-4` for a run of them, `1, 2 and 5` otherwise. */
export function phaseNumbers(phases: readonly Phase[]): string {
  const numbers = phases.map((phase) => phase.number);
  if (numbers.length > 1 && numbers.every((number, index) => index === 0 || number === numbers[index - 1]! + 1)) {
    return `${numbers[0]}-${numbers.at(-1)}`;
  }
  return numbers.length > 1 ? `${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}` : numbers.join('');
}

/** The phases a live manifest that does not decode refuses, and those that go on, by number: `3-4`, `1, 2 and 5`. */
export const MANIFEST_REFUSAL = {
  refused: phaseNumbers(OBJECT_PHASES),
  goOn: phaseNumbers(PHASES.filter((phase) => !OBJECT_PHASES.includes(phase))),
} as const;

/** Sets with nothing in them, for a phase that refuses or has not planned yet. */
export function emptySets(): PlanSets {
  return Object.fromEntries(PHASE_SETS.map((set) => [set.key, new IdList(set.shape)])) as PlanSets;
}

/** A run's tallies before it deleted anything. */
export function emptyTallies(): Record<RunTally, number> {
  return Object.fromEntries(PHASE_SETS.map((set) => [set.tally, 0])) as Record<RunTally, number>;
}

/** Rows a run deleted (or, dry, would delete), over every set. */
export function rowsDeleted(result: Record<RunTally, number>): number {
  return PHASE_SETS.reduce((sum, set) => sum + result[set.tally], 0);
}

/** What stands in the way of proving liveness: a commit or a snapshot, and what is wrong with it. */
interface Unproven {
  id: string;
  problem: string;
}

/**
 * Why a phase may not run on this live set, or undefined when it may. An unreadable
 * parent_ids leaves the live commits unproven, and with them everything after; an
 * unreadable manifest leaves the live objects unproven.
 */
export function refusalOf(
  phase: Phase,
  live: { commitProblems: readonly Unproven[]; manifestProblems: readonly Unproven[] },
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
