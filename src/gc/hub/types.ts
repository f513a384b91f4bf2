/**
 * The whole hub, as data: what a hub pass (`run --all`) and a hub plan (`plan --all`)
 * yield while they work and return at the end. The console and the headless commands
 * consume the same events. Results of runs keep the RunResult's snake_case, as
 * `run --all --json` prints them; plans keep the Plan's camelCase.
 */
import type { RunTally } from '../phases/catalog.js';
import type { Finding, GcEvent, HubIdentity, PhaseName, PhasePlan, Plan, RepoIdentity, RunResult } from '../types.js';

export interface HubRunOptions {
  graceSeconds: number;
  /** Repos collected at once (default 2 on a server; the embedded hub has one connection, so 1). */
  workers?: number;
  /** Every repo's run is a dry run: nothing changes, no blob store is needed. */
  dryRun?: boolean;
  /** The phases each run runs; the others are skipped. */
  phases?: readonly PhaseName[];
  /** Once aborted, no repo starts; the repos in flight finish. */
  stop?: AbortSignal;
  /**
   * Only these repos (by repo_id), taken in the pass's order under the same claim and rule of
   * once; the pass knows no other (its result lists these alone). Every repo when undefined.
   */
  repoIds?: readonly string[];
  /**
   * The most repos a worker claims and plans at once (never more than max_locks_per_transaction);
   * by default few enough that every worker gets some batches.
   */
  batch?: number;
}

export interface HubPlanOptions {
  graceSeconds: number;
  workers?: number;
  stop?: AbortSignal;
}

/** Where a pass stands: repos finished of all, rows and bytes so far, the repos in flight. */
export interface HubProgress {
  total: number;
  finished: number;
  /** Rows deleted so far (a plan: rows to delete). */
  rows: number;
  /** Bytes freed so far (a dry run or a plan: bytes to free). */
  bytes: number;
  elapsedSeconds: number;
  inFlight: RepoIdentity[];
}

/** How a repo fared in a pass: its run's outcome, or why it was not run. */
export type HubRepoStatus =
  | RunResult['outcome']
  /** Another process holds its GC lock: collecting it now, in this pass or its own. */
  | 'claimed'
  /** A real run of it that started since the pass began has finished: it is not collected twice. */
  | 'collected'
  /** The pass was stopped (Ctrl-C) before it was reached. */
  | 'not-started';

export interface HubRepoResult {
  repo: string;
  repo_id: string;
  status: HubRepoStatus;
  /** Why it was skipped, or failed without a run: the holder of its lock, the run that collected it. */
  detail?: string;
  /** ISO 8601, this process's clock; absent for a repo not started. */
  started_at?: string;
  finished_at?: string;
  /** The run's result, for a repo that was run. */
  result?: RunResult;
}

export type HubTotals = Record<RunTally, number> & {
  repos: number;
  /** How many repos ended each way. */
  statuses: Partial<Record<HubRepoStatus, number>>;
  /** Repos whose run refused a phase (a manifest that does not decode). */
  refused_phases: number;
  storage_bytes_freed: number;
  errors: number;
};

/** A pass as it began: which, since when its rule of once counts, how many workers. */
export interface PassStart {
  pass_id: string;
  /** ISO 8601: the start of the earliest pass this one joined, or its own. */
  since: string;
  started_at: string;
  workers: number;
}

export interface HubResult extends PassStart {
  hub: HubIdentity;
  /** `user@host` of the process. */
  who: string;
  finished_at: string;
  dry_run: boolean;
  grace_seconds: number;
  /** 'stopped' when it was stopped before every repo was started. */
  outcome: 'done' | 'stopped';
  /** Every repo of the hub, in the order the pass took them. */
  repos: HubRepoResult[];
  totals: HubTotals;
}

export type HubEvent =
  /** Said once: the workers a pass gets when it cannot have those asked for. */
  | { type: 'notice'; message: string }
  /** `repos`: the repos of the pass, in the order it takes them. */
  | { type: 'hub-start'; pass: PassStart; total: number; repos: RepoIdentity[] }
  | { type: 'repo-start'; repo: RepoIdentity }
  | { type: 'repo-event'; repo: RepoIdentity; event: GcEvent }
  | { type: 'repo-done'; outcome: HubRepoResult }
  | { type: 'hub-progress'; progress: HubProgress }
  | { type: 'hub-done'; result: HubResult };

/** A phase as a plan summary keeps it: counts, what it keeps and why, a refusal; no items. */
export type PhaseSummary = Omit<PhasePlan, 'items'>;

/** A repo's plan without its sets and items: what the hub plan and the reports keep of it. */
export interface RepoPlanSummary {
  repo: RepoIdentity;
  computedAt: string;
  cutoff: string;
  reachableCommits: number;
  orphanedCommits: number;
  phases: PhaseSummary[];
  findings: Finding[];
}

/** A repo of a hub plan: its plan, or why it could not be planned. */
export interface HubPlanRepo {
  repo: RepoIdentity;
  plan?: RepoPlanSummary;
  error?: string;
}

export interface HubPlan {
  hub: HubIdentity;
  who: string;
  startedAt: string;
  finishedAt: string;
  graceSeconds: number;
  workers: number;
  outcome: 'done' | 'stopped';
  /** Every repo planned, in the order they were taken. */
  repos: HubPlanRepo[];
  /** Per phase, summed over the repos that could be planned. */
  phases: Array<Pick<PhasePlan, 'phase' | 'refs' | 'rows' | 'bytes' | 'blobs'> & { refused: number }>;
}

export type HubPlanEvent =
  | { type: 'notice'; message: string }
  | { type: 'hub-start'; total: number; workers: number }
  | { type: 'repo-start'; repo: RepoIdentity }
  | { type: 'repo-planned'; repo: RepoIdentity; plan: Plan }
  | { type: 'repo-failed'; repo: RepoIdentity; message: string }
  | { type: 'hub-progress'; progress: HubProgress }
  | { type: 'hub-done'; result: HubPlan };

/** A plan without its sets and items. */
export function summarizePlan(plan: Plan): RepoPlanSummary {
  return {
    repo: plan.repo,
    computedAt: plan.computedAt,
    cutoff: plan.cutoff,
    reachableCommits: plan.reachableCommits,
    orphanedCommits: plan.orphanedCommits,
    phases: plan.phases.map(({ items: _items, ...phase }) => phase),
    findings: plan.findings,
  };
}
