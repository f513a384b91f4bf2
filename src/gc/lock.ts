/**
 * One GC of a repo at a time. On a server: a session-level advisory lock, held
 * by the run's own connection, so it goes if the process dies. Embedded: the
 * data directory's lock file already keeps other processes out, so a set of
 * repos in this process is enough (PGlite's advisory locks exclude nobody).
 */
import type { Database } from '../db/connect.js';
import { RefusedError } from '../errors.js';
import type { Session } from './session.js';
import { repoName, type RepoIdentity } from './types.js';

/** First key of the two-key advisory lock: 'MH', so our locks are easy to spot in pg_locks. */
const LOCK_CLASS = 0x4d48;
const embeddedHeld = new Set<string>();

export type Unlock = () => Promise<void>;

/** The repo's lock, taken on `session`: whoever holds both owns the repo's GC until it unlocks. */
export interface HeldLock {
  session: Session;
  unlock: Unlock;
}

/** Takes the repo's lock without waiting; when another session holds it, says who. */
export async function tryLockRepo(
  session: Session,
  kind: 'server' | 'embedded',
  repo: RepoIdentity,
): Promise<{ unlock: Unlock } | { heldBy: string }> {
  if (kind === 'embedded') {
    if (embeddedHeld.has(repo.repoId)) return { heldBy: 'this process' };
    embeddedHeld.add(repo.repoId);
    return {
      unlock: async () => {
        embeddedHeld.delete(repo.repoId);
      },
    };
  }
  const key = await session.one<{ key: number }>('select (hashtext(?) & 2147483647)::int as key', [repo.repoId]);
  const { locked } = await session.one<{ locked: boolean }>('select pg_try_advisory_lock(?, ?) as locked', [
    LOCK_CLASS,
    key.key,
  ]);
  if (!locked) return { heldBy: await holderOf(session, repo, key.key) };
  return {
    unlock: async () => {
      await session.execute('select pg_advisory_unlock(?, ?)', [LOCK_CLASS, key.key]);
    },
  };
}

export async function lockRepo(session: Session, kind: 'server' | 'embedded', repo: RepoIdentity): Promise<Unlock> {
  const lock = await tryLockRepo(session, kind, repo);
  if ('unlock' in lock) return lock.unlock;
  if (kind === 'embedded') {
    throw new RefusedError(`GC of ${repoName(repo)} is already running in this console: wait for it to finish`);
  }
  throw new RefusedError(
    `GC of ${repoName(repo)} is already running: the lock is held by ${lock.heldBy}. ` +
      'Wait for it to finish, or stop that process',
  );
}

/** Whether a GC of the repo holds its lock now (a run row marked running without it was cut off). */
export async function repoLocked(db: Database, repo: RepoIdentity): Promise<boolean> {
  if (db.kind === 'embedded') return embeddedHeld.has(repo.repoId);
  const { rows } = await db.knex().raw(
    `
    select 1 from pg_locks where locktype = 'advisory' and granted and classid::bigint = ?
      and objid::bigint = (hashtext(?) & 2147483647) and objsubid = 2`,
    [LOCK_CLASS, repo.repoId],
  );
  return rows.length > 0;
}

/** Who holds the repo's lock: the client and its backend, and the run it recorded. */
async function holderOf(session: Session, repo: RepoIdentity, key: number): Promise<string> {
  const [holder] = await session.rows<{
    pid: number;
    app: string;
    usename: string;
    addr: string | null;
    since: string;
  }>(
    `
    select a.pid, a.application_name as app, a.usename, a.client_addr::text as addr,
           to_char(a.backend_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as since
    from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and l.classid::bigint = ? and l.objid::bigint = ? and l.objsubid = 2`,
    [LOCK_CLASS, key],
  );
  const [run] = await session.rows<{ who: string; started: string }>(
    `
    select os_user || '@' || host as who, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as started
    from musehub_gc_runs where repo_id = ? and outcome = 'running' order by started_at desc limit 1`,
    [repo.repoId],
  );
  const by = holder
    ? `${holder.app || 'a client'} (backend pid ${holder.pid}, ${holder.usename}${holder.addr ? ` from ${holder.addr}` : ''}, connected since ${holder.since})`
    : 'another session';
  return `${by}${run ? `, run started by ${run.who} at ${run.started}` : ''}`;
}
