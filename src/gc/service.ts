/**
 * The one door into the engine: what the console and the headless commands ask of it,
 * as one interface. Neither holds SQL or storage calls; each failure comes out of it
 * as one typed error with one message, whoever asked. The console's tests drive it
 * with fixture data.
 */
import type { CheckEvent, CheckOptions, CheckRecord, CheckReport, CheckTarget } from './check/types.js';
import type { HubEvent, HubPlan, HubPlanEvent, HubPlanOptions, HubResult, HubRunOptions } from './hub/types.js';
import { DEFAULT_WORKERS, hubPoolSize } from './hub/workers.js';
import type { Drained } from './journal.js';
import type { JournalDrop, JournalDropped, JournalDropTarget, JournalEntryView } from './journal-entries.js';
import type { SweepEvent, SweepOptions, SweepRecord, SweepResult } from './sweep/types.js';
import type { GcEvent, HubIdentity, Plan, RepoIdentity, RunOptions, RunResult, RunTarget } from './types.js';
import type { WhyAnswer, WhyOptions } from './why.js';
import type { Estimate } from './estimate.js';
import type { PlanDrift } from './plan-drift.js';
import type { CommitDetail, GraphCommit } from './graph.js';
import type { RunRecord } from './history.js';
import type { RepoRow } from './repo.js';

/** The console's pool: a hub pass of the default workers, and a connection for the views that load meanwhile. */
export const CONSOLE_POOL = hubPoolSize(DEFAULT_WORKERS) + 1;

export interface GcService {
  /** What the title bar says: "embedded demo hub", "db.example:5432/musehub". */
  readonly label: string;
  /** The hub as plans name it. */
  readonly hub: HubIdentity;
  /** Whether a blob store is configured: without one, nothing can be collected. */
  readonly canCollect: boolean;
  /** The repos a hub pass collects at once unless told otherwise: 1 on the embedded hub (one connection), else what the pool holds, up to 2. */
  readonly hubWorkers: number;
  listRepos(): Promise<RepoRow[]>;
  /** A repo by `owner/slug` or repo_id; a UsageError naming how to list them when there is none. */
  findRepo(ref: string): Promise<RepoIdentity>;
  /** Estimates for these repos, yielded one by one as they are computed (cached ones first). */
  estimates(repoIds: readonly string[], signal?: AbortSignal): AsyncIterable<Estimate>;
  graph(repo: RepoIdentity, graceSeconds: number): Promise<GraphCommit[]>;
  commit(commitId: string): Promise<CommitDetail>;
  plan(repo: RepoIdentity, options: { graceSeconds: number; itemLimit?: number }): Promise<Plan>;
  /**
   * "Why is this alive?": what GC does with one commit or object of the repo (`id`: the whole id, or a
   * prefix of at least 8 hex characters that names one thing; an object's may start `sha256:`), read off
   * the same derivation as `plan` with the same grace, so the two never disagree. The fate: `live`,
   * `kept` (by which phase, and why: grace, another repo's ref, another repo's branch/release/tag, a
   * refused phase), `deleted` (by which phase) or `not-in-repo`; the shortest path that keeps it (a
   * root and the commits down to it); for an object, the snapshot, commit and file path that name it;
   * the other repos holding it. `describeWhy` (present/why.ts) says it in words. A UsageError for an id
   * that names nothing, or several things.
   */
  why(repo: RepoIdentity, id: string, options: WhyOptions): Promise<WhyAnswer>;
  /**
   * Runs GC phase by phase, asking `decide` before each. It checks the blob store first
   * (nothing is deleted when it is not usable), and yields the run's events; the last is
   * `run-done`, and the generator returns the same result.
   */
  run(target: RunTarget, options: RunOptions): AsyncGenerator<GcEvent, RunResult>;
  /**
   * Collects every repo of the hub, `workers` at a time, most reclaimable first, sharing the
   * work with any other process doing the same through PostgreSQL (gc/hub/claim.ts says how).
   * It checks the blob store first, as `run` does, and yields the pass's events: each repo's
   * start, its run's events, its end (run or skipped, and why), progress; the last is
   * `hub-done`, and the generator returns the same result.
   */
  runAll(options: HubRunOptions): AsyncGenerator<HubEvent, HubResult>;
  /** Plans every repo, `workers` at a time; changes nothing but the cached estimates. The last event is `hub-done`. */
  planAll(options: HubPlanOptions): AsyncGenerator<HubPlanEvent, HubPlan>;
  history(repo: RepoIdentity): Promise<RunRecord[]>;
  /**
   * Finishes the blob deletions interrupted runs left in the journal, in the configured store; entries
   * of another store, or of none recorded, stay, and `warnings` says so.
   */
  resume(): Promise<Resumed>;
  /** Every journal entry, with why it is still there as the configured store (if any) sees it. */
  journal(): Promise<JournalEntryView[]>;
  /**
   * Takes entries out of the journal into its drop history, deleting no blob: those named, or the blobs the
   * configured store refuses. A UsageError, dropping nothing, for an entry id that is not there.
   */
  dropJournal(target: JournalDropTarget): Promise<JournalDropped>;
  /** The journal's drop history, oldest first. */
  journalDrops(): Promise<JournalDrop[]>;
  /** Writes a plan file signed with the hub's plan key (made on first need); resolves to its size in bytes. */
  savePlan(plan: Plan, path: string): Promise<number>;
  /**
   * Reads a plan file and checks it is signed with this hub's key, for this hub and an existing repo,
   * not dated ahead, and young enough. A run still derives liveness again and only narrows to it.
   */
  loadPlan(path: string, options: { maxAgeSeconds: number }): Promise<Plan>;
  /**
   * What a loaded plan file would delete on the hub as it is now, against what it lists, and what it
   * lists that is no longer garbage and why: the run's narrowing, derived dry before anyone confirms.
   * Deletes nothing and takes no lock; `graceSeconds` is the operator's (the file's counts where longer).
   */
  comparePlan(plan: Plan, options: { graceSeconds: number }): Promise<PlanDrift>;
  /**
   * Checks a repo, or every repo, for what must be said before anything is pruned; changes nothing
   * of MuseHub's. Yields progress and each repo's result (recorded as its last check); the last
   * event is `check-done`, and the generator returns the same report. A UsageError for `blobs`
   * without a store; UnavailableError when the store does not answer.
   */
  check(target: CheckTarget, options: CheckOptions): AsyncGenerator<CheckEvent, CheckReport>;
  /** The repo's last recorded check, or null when it was never checked. */
  lastCheck(repo: RepoIdentity): Promise<CheckRecord | null>;
  /**
   * Deletes the keys under `objects/` of the store that no row names and that are older than
   * the grace period, through the journal. It lists the whole store before deleting anything: a
   * listing that fails throws UnavailableError and nothing is deleted. The last event is
   * `sweep-done`, and the generator returns the same result.
   */
  sweep(options: SweepOptions): AsyncGenerator<SweepEvent, SweepResult>;
  /** The last recorded sweep of the hub's blob store, a dry run or one that could delete; null when there was none (or no store). */
  lastSweep(options: { dryRun: boolean }): Promise<SweepRecord | null>;
}

/** What `resume` did, and what it left alone and why. */
export interface Resumed extends Drained {
  warnings: string[];
}

export type { RunOptions, RunResult, RunTarget };
export { DEFAULT_WORKERS, hubPoolSize };
export type { Estimate } from './estimate.js';
export type { CommitDetail, CommitState, GraphCommit } from './graph.js';
export type { RunRecord } from './history.js';
export type { RepoRow } from './repo.js';
export type { WhyAnswer, WhyFate, WhyFile, WhyHolder, WhyOptions, WhyPath, WhyReason, WhyRoot } from './why.js';
export type {
  JournalDrop,
  JournalDropped,
  JournalDropTarget,
  JournalEntryStatus,
  JournalEntryView,
  RefusedBlob,
} from './journal-entries.js';
export type {
  CheckEvent,
  CheckOptions,
  CheckProblem,
  CheckRecord,
  CheckReport,
  CheckTarget,
  ProblemKind,
  RepoCheck,
} from './check/types.js';
export type { SweepEvent, SweepFound, SweepOptions, SweepRecord, SweepResult } from './sweep/types.js';
