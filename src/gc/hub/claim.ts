/**
 * How processes share a hub's repos with nothing but PostgreSQL: a repo's GC lock is its claim.
 * A worker takes the lock without waiting; held elsewhere, the repo is skipped ('claimed'). Under
 * the lock it applies the rule of once: a real run of the repo that started at or after the pass's
 * `since` and has ended (done, stopped or failed, by any process, a plain `run` too) means it was
 * collected in this pass, and it is skipped ('collected'). A run still marked running cannot hold
 * the lock we hold: its process died, and the repo is collected, its journal finished first. A
 * process that dies lets go of its locks with its connections.
 */
import type { Database } from '../../db/connect.js';
import { tryLockRepo, type HeldLock, type Unlock } from '../lock.js';
import { Session } from '../session.js';
import type { RepoIdentity } from '../types.js';

export type Claimed = { held: HeldLock } | { skipped: 'claimed' | 'collected'; detail: string };

export async function claimRepo(db: Database, repo: RepoIdentity, since: string): Promise<Claimed> {
  const session = await Session.open(db);
  let unlock: Unlock | undefined;
  let claimed: Claimed | undefined;
  try {
    const lock = await tryLockRepo(session, db.kind, repo);
    if ('heldBy' in lock) return claimed = { skipped: 'claimed', detail: `its GC lock is held by ${lock.heldBy}` };
    unlock = lock.unlock;
    const [run] = await session.rows<{ runId: string; who: string; outcome: string; started: string }>(`
      select run_id as "runId", os_user || '@' || host as who, outcome,
             to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as started
      from musehub_gc_runs where repo_id = ? and not dry_run and outcome <> 'running' and started_at >= ?
      order by started_at desc limit 1`, [repo.repoId, since]);
    claimed = run
      ? { skipped: 'collected', detail: `collected in this pass already: run ${run.runId} by ${run.who} at ${run.started}, ${run.outcome}` }
      : { held: { session, unlock } };
    return claimed;
  } finally {
    // What is not handed over goes back at once: the lock, and the connection.
    if (!claimed || !('held' in claimed)) {
      await unlock?.().catch(() => {});
      await session.close();
    }
  }
}
