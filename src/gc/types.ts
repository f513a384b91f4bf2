/**
 * The engine's output is data only: a Plan (what each phase would delete and what
 * it keeps, and why, with the complete sets it deletes) and, while executing, a
 * stream of GcEvents. The console and the headless commands are two consumers of
 * the same types.
 */
import type { HubIdentity } from '../db/connect.js';
import type { PhaseName, PlanSets, RunTally } from './phases/catalog.js';

/** The phases' names and the plan's sets are the phase catalog's (phases/catalog.ts). */
export type { HubIdentity, PhaseName, PlanSets };

export interface RepoIdentity {
  repoId: string;
  owner: string;
  slug: string;
}

/** `owner/slug`, as operators name repos. */
export function repoName(repo: Pick<RepoIdentity, 'owner' | 'slug'>): string {
  return `${repo.owner}/${repo.slug}`;
}

/** One thing a phase would delete, as the preview lists it. */
export interface PlanItem {
  /** commit_id, snapshot_id, object_id or cache_id. */
  id: string;
  /** A commit's message, an object's path in a manifest, a cache row's mpack_id. */
  label?: string;
  bytes?: number;
}

/** Why some rows a phase might have deleted stay. */
export type KeptReason =
  | 'grace' // created after the cutoff
  | 'other-repo' // another repo still references it
  | 'pinned' // a branch, release or wire tag of another repo points at it
  | 'in-use' // a remaining commit or a release still uses it (snapshots)
  | 'fresh' // a cache entry that has not expired
  | 'shared-blob' // a remaining cache row still names the mpack
  | 'live' // live again: a push since the plan reaches it
  | 'gone'; // someone else deleted it before the run reached it

export interface Kept {
  reason: KeptReason;
  count: number;
  /** A sentence for the operator: "3 held by fork keystrio/blue-in-green". */
  detail: string;
  /** owner/slug of the repos that hold them, where the reason is another repo. */
  repos?: string[];
}

export interface PhasePlan {
  phase: PhaseName;
  /** Ref rows of this repo the phase deletes (commit refs in phase 1, object refs in phase 3). */
  refs: number;
  /** Shared rows the phase deletes: commits, snapshots, objects or cache rows. */
  rows: number;
  /** Blob bytes the phase frees (objects and cache). */
  bytes: number;
  /** Blobs the phase deletes from storage. */
  blobs: number;
  kept: Kept[];
  /** Why the phase may not run at all (a manifest that does not decode); undefined when it may. */
  refused?: string;
  /** The first items the phase would delete, for the preview's lists. */
  items: PlanItem[];
}

/** A fact about the repo the operator must see before anything is pruned. */
export interface Finding {
  severity: 'warning' | 'error';
  message: string;
}

/** The instants a plan is computed against, on the database's clock; ISO 8601. */
export interface PlanClock {
  now: string;
  /** `now` minus the grace period: rows created after it are never deleted. */
  cutoff: string;
}

/** What a plan was derived from, so that a run can tell cheaply whether it still holds. */
export interface PlanBasis {
  /** Digest of the repo's branches, releases, wire tags and commit refs younger than the cutoff. */
  roots: string;
  /** Digest of the repo's pending work and its last GC run. */
  work: string;
  /** Commits the walk found missing (shallow history), which a push since may have brought. */
  absent: string[];
}

export interface Plan {
  hub: HubIdentity;
  repo: RepoIdentity;
  /** When the plan was computed (database clock), ISO 8601. */
  computedAt: string;
  graceSeconds: number;
  /** Rows created after this instant are never deleted; ISO 8601. */
  cutoff: string;
  reachableCommits: number;
  orphanedCommits: number;
  phases: PhasePlan[];
  findings: Finding[];
  basis: PlanBasis;
  /** In JSON each set says only how many ids it holds; a plan file holds them all. */
  sets: PlanSets;
  /** Seconds each step of deriving it took. */
  profile: Record<string, number>;
  /** Seconds deriving it took in all: less than its steps add up to, as two lanes overlap. */
  seconds: number;
  /** Who wrote the plan file it was read from: a plan read from a file has it, signed with the rest. */
  madeBy?: PlanMaker;
}

/** Who saved a plan to a file, on which host, with which version of this tool. */
export interface PlanMaker {
  user: string;
  host: string;
  /** `musehub-gc 0.1.0`. */
  tool: string;
}

export type Decision = 'go' | 'skip' | 'stop';

/** Asked before each phase; the console prompts, `run --yes` answers 'go'. */
export type Decide = (phase: PhasePlan, plan: Plan) => Promise<Decision>;

/**
 * What a run acts on: a plan it derives under the repo's lock, or one it was given: the preview's, the
 * hub mark's (derived for a hub pass's batch under the batch's locks), or a file's. A file is untrusted
 * input, only narrowing a run derived again under the lock, with `graceSeconds` the operator holds it
 * to (the file's grace counts only when longer).
 */
export type RunTarget =
  | { repo: RepoIdentity; graceSeconds: number }
  | { plan: Plan; source: 'preview' | 'mark' }
  | { plan: Plan; source: 'file'; graceSeconds: number };

export interface RunOptions {
  /** Asked before each phase: the console prompts, `run --yes` answers 'go'. */
  decide: Decide;
  /** The phases to run; the others are skipped without asking. */
  phases?: readonly PhaseName[];
  /** Every phase in one transaction that is rolled back; needs no blob store. */
  dryRun?: boolean;
  /** Items per phase of a plan derived under the lock. */
  itemLimit?: number;
  /** How many connections the run deletes on at once, on a server (default 2). */
  connections?: number;
}

export interface PhaseResult {
  phase: PhaseName;
  status: 'done' | 'skipped' | 'refused' | 'failed' | 'not-run';
  refs: number;
  rows: number;
  bytes: number;
  blobs: number;
  seconds: number;
  /** How many of the rows the plan listed stayed: live again, or held when the phase ran. */
  keptSincePlan: number;
  /** What the plan listed that stayed, and why. */
  kept: Kept[];
  /** What differed from the plan, in the operator's words. */
  differences: string[];
  errors: string[];
}

/** Where the plan a run acts on came from. */
export type PlanSource = 'derived' | 'preview' | 'file' | 'mark';

export type GcEvent =
  /** The plan the run acts on: derived under the lock, or the one it was given (then `rederived` says whether the hub had changed). */
  | { type: 'plan-ready'; plan: Plan; source: PlanSource; rederived: boolean }
  | { type: 'journal-resumed'; blobs: number; bytes: number; errors: string[] }
  | { type: 'confirm'; phase: PhasePlan }
  | { type: 'phase-start'; phase: PhaseName; total: number; bytes: number }
  | { type: 'progress'; phase: PhaseName; done: number; total: number; bytes: number }
  | { type: 'phase-done'; result: PhaseResult }
  | { type: 'warning'; phase?: PhaseName; message: string }
  | { type: 'error'; phase?: PhaseName; message: string }
  | { type: 'run-done'; result: RunResult };

/**
 * The outcome of a run; carries the seed service's GCResult fields, and more: a tally of what it
 * deleted per set (`commits_deleted`, …, `mpack_cache_deleted`: the catalog's), and the bytes it freed.
 */
export interface RunResult extends Record<RunTally, number> {
  run_id: string;
  repo_id: string;
  repo: string;
  dry_run: boolean;
  outcome: 'done' | 'stopped' | 'failed' | 'refused';
  storage_bytes_freed: number;
  reachable_commit_count: number;
  errors: string[];
  phases: PhaseResult[];
  /** Where the plan came from, whether the hub had changed since it was made, and what deriving it took. */
  plan: {
    source: PlanSource;
    computed_at: string;
    cutoff: string;
    rederived: boolean;
    profile: Record<string, number>;
  };
  /** Seconds each step of the run took: checking or deriving the plan, each phase's deletes, journal, blobs. */
  profile: Record<string, number>;
}
