/**
 * The engine's output is data only: a Plan (what each phase would delete and what
 * it keeps, and why) and, while executing, a stream of GcEvents. The console and
 * the headless commands are two consumers of the same types.
 */

/** The five phases of GC-RULES, in the order they run. */
export const PHASES = ['commits', 'snapshots', 'refs', 'objects', 'cache'] as const;
export type PhaseName = (typeof PHASES)[number];

/** The phases that delete blobs from storage: the console asks for the repo's slug. */
export const BLOB_PHASES: readonly PhaseName[] = ['objects', 'cache'];

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
  | 'grace'          // created after the cutoff
  | 'other-repo'     // another repo still references it
  | 'pinned'         // a branch, release or wire tag of another repo points at it
  | 'in-use'         // a remaining commit or a release still uses it (snapshots)
  | 'fresh'          // a cache entry that has not expired
  | 'shared-blob';   // a remaining cache row still names the mpack

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

export interface Plan {
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
}

export type Decision = 'go' | 'skip' | 'stop';

/** Asked before each phase; the console prompts, `run --yes` answers 'go'. */
export type Decide = (phase: PhasePlan, plan: Plan) => Promise<Decision>;

export interface PhaseResult {
  phase: PhaseName;
  status: 'done' | 'skipped' | 'refused' | 'failed' | 'not-run';
  refs: number;
  rows: number;
  bytes: number;
  blobs: number;
  seconds: number;
  /** Rows the plan listed that were live again when the phase ran, and were kept. */
  keptSincePlan: number;
  /** What differed from the plan, in the operator's words. */
  differences: string[];
  errors: string[];
}

export type GcEvent =
  | { type: 'plan-ready'; plan: Plan }
  | { type: 'journal-resumed'; blobs: number; bytes: number; errors: string[] }
  | { type: 'confirm'; phase: PhasePlan }
  | { type: 'phase-start'; phase: PhaseName; total: number; bytes: number }
  | { type: 'progress'; phase: PhaseName; done: number; total: number; bytes: number }
  | { type: 'phase-done'; result: PhaseResult }
  | { type: 'warning'; phase?: PhaseName; message: string }
  | { type: 'error'; phase?: PhaseName; message: string }
  | { type: 'run-done'; result: RunResult };

/** The outcome of a run; carries the seed service's GCResult fields, and more. */
export interface RunResult {
  run_id: string;
  repo_id: string;
  repo: string;
  dry_run: boolean;
  outcome: 'done' | 'stopped' | 'failed' | 'refused';
  commits_deleted: number;
  commit_refs_deleted: number;
  snapshots_deleted: number;
  object_refs_deleted: number;
  objects_deleted: number;
  storage_bytes_freed: number;
  mpack_cache_deleted: number;
  reachable_commit_count: number;
  errors: string[];
  phases: PhaseResult[];
}
