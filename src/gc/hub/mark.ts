/**
 * The hub's mark: every repo's plan from one read of the hub, not one plan after another.
 * Repos go in batches (derivePlans): each batch's commits, roots, refs and pending work are
 * read with a statement each, its borrowed commits looked up a generation at a time, each
 * distinct live manifest decoded once, and the snapshot phase counts the hub's commits once
 * for the whole batch. Each repo's plan is exactly the plan it gets alone (plan.ts says why).
 * A batch holds at most so many ref rows in memory, so a hub whose DAG does not fit is marked
 * a batch at a time, in bounded memory.
 */
import type { Database } from '../../db/connect.js';
import { messageOf } from '../../errors.js';
import { derivePlan, derivePlans, type Derived, type PlanOptions } from '../plan.js';
import { Session } from '../session.js';
import type { RepoIdentity } from '../types.js';

/** How big a batch may be: repos, and their commit and object ref rows, which its walk holds in memory. */
export interface BatchLimits {
  repos: number;
  rows: number;
}

/** About 200 MiB of graphs and ref lists at most, and few enough statements that a batch is one round. */
export const MARK_BATCH: BatchLimits = { repos: 2_000, rows: 1_000_000 };
/** On the embedded hub's one connection a batch holds the console's other queries back: a tenth of a second or so. */
export const EMBEDDED_BATCH: BatchLimits = { repos: 50, rows: 20_000 };

/** A repo of the mark: its plan and liveness, or why it could not be planned. */
export type Marked = { repo: RepoIdentity; derived: Derived } | { repo: RepoIdentity; error: string };

/** What the mark says as it goes: a batch begins (its repos), a batch is planned. */
export type MarkEvent =
  | { type: 'batch-start'; repos: readonly RepoIdentity[] }
  | { type: 'batch-done'; marked: Marked[] };

export interface MarkOptions extends PlanOptions {
  /** Once aborted, no new batch starts. */
  stop?: AbortSignal;
  limits?: BatchLimits;
}

/**
 * Splits `repos`, in their order, into batches within `limits`; a repo bigger than the row limit
 * is a batch of its own. Counts each repo's ref rows with one statement over the hub.
 */
export async function markBatches(
  session: Session,
  repos: readonly RepoIdentity[],
  limits: BatchLimits,
): Promise<RepoIdentity[][]> {
  const rows = new Map(
    (
      await session.rows<{ repo: string; rows: number }>(`
    select repo_id as repo, count(*)::float8 as rows from (
      select repo_id from musehub_commit_refs union all select repo_id from musehub_object_refs) as refs
    group by 1`)
    ).map((row) => [row.repo, row.rows]),
  );
  const batches: RepoIdentity[][] = [];
  let batch: RepoIdentity[] = [];
  let held = 0;
  for (const repo of repos) {
    const size = rows.get(repo.repoId) ?? 0;
    if (batch.length > 0 && (batch.length >= limits.repos || held + size > limits.rows)) {
      batches.push(batch);
      batch = [];
      held = 0;
    }
    batch.push(repo);
    held += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Marks `repos` batch by batch, yielding each batch's repos once they are planned. Each batch takes
 * its sessions (on a server a helper reads the object phases beside the walk) and lets go of them
 * before it is handed on: on the embedded hub's one connection, other queries go between batches,
 * which are smaller there for that reason.
 */
export async function* markHub(
  db: Database,
  repos: readonly RepoIdentity[],
  options: MarkOptions,
): AsyncGenerator<MarkEvent> {
  if (repos.length === 0) return;
  const limits = options.limits ?? (db.kind === 'server' ? MARK_BATCH : EMBEDDED_BATCH);
  const sizing = await Session.open(db);
  const batches = await markBatches(sizing, repos, limits).finally(() => sizing.close());
  for (const batch of batches) {
    if (options.stop?.aborted) return;
    yield { type: 'batch-start', repos: batch };
    const session = await Session.open(db);
    const helper = db.kind === 'server' ? await Session.open(db) : undefined;
    let marked: Marked[];
    try {
      marked = await markBatch(session, helper, db, batch, options);
    } finally {
      await helper?.close();
      await session.close();
    }
    yield { type: 'batch-done', marked };
  }
}

/** One batch's plans, on sessions the caller holds (a pass holds the batch's locks meanwhile). */
export async function markBatch(
  session: Session,
  helper: Session | undefined,
  db: Database,
  batch: readonly RepoIdentity[],
  options: PlanOptions,
): Promise<Marked[]> {
  try {
    const derived = await derivePlans(session, db.hub, batch, options, undefined, helper);
    return derived.map((one) => ({ repo: one.plan.repo, derived: one }));
  } catch (error) {
    if (batch.length === 1) return [{ repo: batch[0]!, error: messageOf(error) }];
    const alone: Marked[] = [];
    for (const repo of batch) {
      try {
        alone.push({ repo, derived: await derivePlan(session, db.hub, repo, options, undefined, helper) });
      } catch (repoError) {
        alone.push({ repo, error: messageOf(repoError) });
      }
    }
    return alone;
  }
}
