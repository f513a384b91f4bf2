/**
 * A hub pass: one process's `run --all`, recorded in musehub_gc_passes. A pass that begins
 * while others run joins them: its `since` is the earliest of theirs, so processes started
 * together (a cron on two machines, minutes apart) form one pass, and a repo one of them
 * collected is not collected again by another (see claim.ts). On a server a running pass
 * holds an advisory lock on a connection of its own: a process that dies leaves a pass that
 * nobody joins. The embedded hub admits one process, so its passes join none.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/connect.js';
import { operator } from '../../operator.js';
import { Session } from '../session.js';

/** First key of a pass's advisory lock: 'MP', beside the repos' 'MH'. */
const PASS_CLASS = 0x4d50;
/** Second key of the lock that lets one pass at a time join: no pass's own key is negative. */
const JOINING = -1;
/** The lock passes join by, one at a time (a test holds it to begin passes together). */
export const JOINING_LOCK = [PASS_CLASS, JOINING] as const;

export interface Pass {
  passId: string;
  /** ISO 8601: the start of the earliest pass this one joined, or its own. */
  since: string;
  startedAt: string;
  /** Records the pass's end and lets go of its lock. */
  end(outcome: string, repos: number): Promise<void>;
}

export interface PassFacts {
  workers: number;
  dryRun: boolean;
  graceSeconds: number;
}

export async function beginPass(db: Database, facts: PassFacts): Promise<Pass> {
  const passId = randomUUID();
  const { user, host } = operator();
  const server = db.kind === 'server';
  const session = await Session.open(db);
  let locked = false;
  try {
    const { key } = await session.one<{ key: number }>('select (hashtext(?) & 2147483647)::int as key', [passId]);
    if (server) {
      await session.execute('select pg_advisory_lock(?, ?)', [PASS_CLASS, key]);
      locked = true;
    }
    const running = server
      ? `p.finished_at is null and exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted
           and l.classid::bigint = ${PASS_CLASS} and l.objid::bigint = (hashtext(p.pass_id) & 2147483647) and l.objsubid = 2)`
      : 'false';
    const row = await session.transaction(async () => {
      // One pass joins at a time: two beginning together would otherwise each miss the other.
      if (server) await session.execute('select pg_advisory_xact_lock(?, ?)', [PASS_CLASS, JOINING]);
      return session.one<{ since: Date; started: Date }>(
        `
        insert into musehub_gc_passes (pass_id, since, os_user, host, workers, dry_run, grace_seconds)
        select ?, coalesce(min(p.since) filter (where ${running}), now()), ?, ?, ?, ?, ? from musehub_gc_passes p
        returning since, started_at as started`,
        [passId, user, host, facts.workers, facts.dryRun, facts.graceSeconds],
      );
    });
    // The embedded hub's one connection is the runs' to use: the pass records its end on one of its own then.
    const control = server ? session : undefined;
    if (!server) await session.close();
    return {
      passId,
      since: new Date(row.since).toISOString(),
      startedAt: new Date(row.started).toISOString(),
      async end(outcome, repos) {
        const ending = control ?? (await Session.open(db));
        try {
          await ending.execute(
            `update musehub_gc_passes set finished_at = now(), outcome = ?, repos = ? where pass_id = ?`,
            [outcome, repos, passId],
          );
        } finally {
          if (server) await ending.execute('select pg_advisory_unlock(?, ?)', [PASS_CLASS, key]).catch(() => {});
          await ending.close();
        }
      },
    };
  } catch (error) {
    if (locked) await session.execute('select pg_advisory_unlock_all()').catch(() => {});
    await session.close();
    throw error;
  }
}
