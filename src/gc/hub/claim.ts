/**
 * How processes share a hub's repos with nothing but PostgreSQL: a repo's GC lock is its claim.
 * A worker claims a batch of repos at once, on one connection, taking each lock without waiting;
 * held elsewhere, the repo is skipped ('claimed'). Under the locks it applies the rule of once: a
 * real run of the repo that started at or after the pass's `since` and has ended (done, stopped or
 * failed, by any process, a plain `run` too) means it was collected in this pass, and it is skipped
 * ('collected'). A run still marked running cannot hold the lock we hold: its process died, and the
 * repo is collected, its journal finished first. A process that dies lets go of its locks with its
 * connections. A batch is no bigger than `max_locks_per_transaction`: the server's lock table has
 * room for that many locks per connection, shared by all.
 */
import type { Database } from '../../db/connect.js';
import { tryLockRepo, type Unlock } from '../lock.js';
import { Session } from '../session.js';
import type { RepoIdentity } from '../types.js';

/** Repos claimed together: each held one's lock until its run lets go of it, and those skipped, and why. */
export interface ClaimedBatch {
  held: Array<{ repo: RepoIdentity; unlock: Unlock }>;
  skipped: Array<{ repo: RepoIdentity; skipped: 'claimed' | 'collected'; detail: string }>;
  /** Lets go of the locks of repos whose runs never took them (a stop), and of the claim's connection. */
  release(): Promise<void>;
}

/** How many repos a worker claims at once on `db`. */
export async function claimBatchSize(db: Database): Promise<number> {
  if (db.kind === 'embedded') return EMBEDDED_CLAIM;
  const [row] = (await db.knex().raw(`select current_setting('max_locks_per_transaction')::int as locks`)).rows;
  return Math.max(1, Number(row.locks));
}

/** The embedded hub's locks are a set in this process; a batch as small as its marks (hub/mark.ts). */
const EMBEDDED_CLAIM = 50;

/**
 * Claims `repos` for a pass that counts from `since`. On a server the locks stay on a connection of
 * the claim's until each is let go of; the embedded hub's are in this process, and its one
 * connection goes back at once.
 */
export async function claimBatch(db: Database, repos: readonly RepoIdentity[], since: string): Promise<ClaimedBatch> {
  const session = await Session.open(db);
  const server = db.kind === 'server';
  /** The locks this claim still holds, by repo. */
  const open = new Map<string, Unlock>();
  const letGo = async (repoId: string) => {
    const unlock = open.get(repoId);
    open.delete(repoId);
    await unlock?.();
  };
  const release = async () => {
    for (const repoId of [...open.keys()]) await letGo(repoId).catch(() => {});
    if (server) await session.close();
  };
  try {
    const skipped: ClaimedBatch['skipped'] = [];
    for (const repo of repos) {
      const lock = await tryLockRepo(session, db.kind, repo);
      if ('heldBy' in lock) skipped.push({ repo, skipped: 'claimed', detail: `its GC lock is held by ${lock.heldBy}` });
      else open.set(repo.repoId, lock.unlock);
    }
    const collected = new Map(
      (
        await session.rows<{ repoId: string; runId: string; who: string; outcome: string; started: string }>(
          `
      select distinct on (repo_id) repo_id as "repoId", run_id as "runId", os_user || '@' || host as who, outcome,
             to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as started
      from musehub_gc_runs where repo_id = any(?) and not dry_run and outcome <> 'running' and started_at >= ?
      order by repo_id, started_at desc`,
          [[...open.keys()], since],
        )
      ).map((run) => [run.repoId, run]),
    );
    const held: ClaimedBatch['held'] = [];
    for (const repo of repos) {
      if (!open.has(repo.repoId)) continue;
      const run = collected.get(repo.repoId);
      if (!run) {
        held.push({ repo, unlock: () => letGo(repo.repoId) });
        continue;
      }
      await letGo(repo.repoId);
      skipped.push({
        repo,
        skipped: 'collected',
        detail: `collected in this pass already: run ${run.runId} by ${run.who} at ${run.started}, ${run.outcome}`,
      });
    }
    // The embedded hub's one connection is the runs' to use.
    if (!server) await session.close();
    return { held, skipped, release };
  } catch (error) {
    await release();
    if (!server) await session.close();
    throw error;
  }
}
