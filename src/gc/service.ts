/**
 * What the console asks of the engine, as one interface: the console holds no SQL
 * and no storage calls, and its tests can drive it with fixture data.
 */
import type { Decide, GcEvent, Plan, PhaseName, RepoIdentity, RunResult } from './types.js';

/** A repo as the repos table lists it; counts are exact and cheap. */
export interface RepoRow extends RepoIdentity {
  branches: number;
  commits: number;
  /** ISO 8601, or null when never pushed. */
  pushedAt: string | null;
  /** ISO 8601 of the last recorded GC run that deleted something, or null. */
  lastGcAt: string | null;
}

/** What GC would reclaim in a repo, computed in the background. */
export interface Estimate {
  repoId: string;
  orphanCommits: number;
  orphanObjects: number;
  reclaimableBytes: number;
  /** ISO 8601 of when it was computed: a cached estimate says its age. */
  computedAt: string;
  /** Set when the estimate could not be computed (a corrupt manifest, say). */
  error?: string;
}

/** How the graph marks a commit. */
export type CommitState = 'reachable' | 'orphaned' | 'kept';

/** One commit of a repo's graph, newest first in topological order. */
export interface GraphCommit {
  commitId: string;
  parentIds: string[];
  state: CommitState;
  /** Why an unreachable commit is kept ("grace period", "held by fork a/b"). */
  keptBecause?: string;
  /** Branch names, `[tag]` release tags and `#wire` tags that point here. */
  labels: string[];
  message: string;
  author: string;
  /** ISO 8601. */
  timestamp: string;
}

export interface CommitDetail {
  commitId: string;
  parentIds: string[];
  message: string;
  author: string;
  timestamp: string;
  snapshotId: string | null;
  /** Files of the snapshot, path and object, with size where the object row exists. */
  files: Array<{ path: string; objectId: string; bytes: number | null }>;
  /** Set when the manifest is missing or does not decode. */
  manifestError?: string;
}

/** A past run, as the history view lists it. */
export interface RunRecord {
  runId: string;
  startedAt: string;
  finishedAt: string | null;
  who: string;
  dryRun: boolean;
  graceSeconds: number;
  outcome: string;
  bytesFreed: number;
  /** Per-phase counts as the run recorded them. */
  phases: Array<{ phase: PhaseName; status: string; refs: number; rows: number; bytes: number }>;
  errors: string[];
}

export interface GcService {
  /** What the title bar says: "embedded demo hub", "db.example:5432/musehub". */
  readonly label: string;
  listRepos(): Promise<RepoRow[]>;
  /** Estimates for these repos, yielded one by one as they are computed (cached ones first). */
  estimates(repoIds: readonly string[], signal?: AbortSignal): AsyncIterable<Estimate>;
  graph(repo: RepoIdentity, graceSeconds: number): Promise<GraphCommit[]>;
  commit(commitId: string): Promise<CommitDetail>;
  plan(repo: RepoIdentity, graceSeconds: number): Promise<Plan>;
  /** Runs GC on a plan, asking `decide` before each phase. */
  run(plan: Plan, decide: Decide, options?: { phases?: PhaseName[] }): AsyncIterable<GcEvent>;
  history(repo: RepoIdentity): Promise<RunRecord[]>;
}

export type { RunResult };
