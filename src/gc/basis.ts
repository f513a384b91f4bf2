/**
 * What a plan's liveness rests on, read cheaply: the repo's roots and young refs, its
 * pending work and last run, and the commits shallow history ended at. Under the lock
 * a run compares them with its plan's and derives again only when they differ; every
 * other change (another repo's refs, a snapshot put back to use) is caught by the
 * re-check each deleting statement makes under row locks.
 */
import { isCommitId } from './ids.js';
import type { Session } from './session.js';
import type { PlanBasis } from './types.js';

/** Digest of the repo's branches, releases, wire tags and commit refs younger than `cutoff`. */
export async function rootsDigest(session: Session, repoId: string, cutoff: string): Promise<string> {
  const row = await session.one<{ digest: string | null }>(`
    select md5(string_agg(item, ',' order by item)) as digest from (
      select 'b:' || name || '=' || head_commit_id as item from musehub_branches
        where repo_id = ? and head_commit_id is not null
      union all select 'r:' || tag || '=' || coalesce(commit_id, '') || '/' || coalesce(snapshot_id, '')
        from musehub_releases where repo_id = ?
      union all select 't:' || tag || '=' || commit_id from musehub_wire_tags where repo_id = ?
      union all select 'c:' || commit_id from musehub_commit_refs where repo_id = ? and created_at > ?
    ) as items`, [repoId, repoId, repoId, repoId, cutoff]);
  return row.digest ?? '';
}

/** Digest of the work earlier runs left for this repo, and of its last finished run (not the one checking). */
async function workDigest(session: Session, repoId: string): Promise<string> {
  const row = await session.one<{ digest: string | null }>(`
    select md5(coalesce((select string_agg(kind || ':' || cardinality(ids) || '@' || extract(epoch from created_at), ',' order by kind, created_at)
                         from musehub_gc_pending where repo_id = ?), '') || '|' ||
               coalesce((select run_id || ':' || outcome from musehub_gc_runs
                         where repo_id = ? and not dry_run and outcome <> 'running'
                         order by started_at desc limit 1), '')) as digest`, [repoId, repoId]);
  return row.digest ?? '';
}

/** Reads the basis of a plan derived now; `absent` are the commits its walk found missing. */
export async function readBasis(session: Session, repoId: string, cutoff: string, absent: string[]): Promise<PlanBasis> {
  return {
    roots: await rootsDigest(session, repoId, cutoff),
    work: await workDigest(session, repoId),
    absent: absent.filter(isCommitId),
  };
}

/** Why `basis` no longer holds, in the operator's words; empty when the plan may run as it is. */
export async function basisChanges(session: Session, repoId: string, cutoff: string, basis: PlanBasis): Promise<string[]> {
  const changes: string[] = [];
  if (await rootsDigest(session, repoId, cutoff) !== basis.roots) {
    changes.push('a branch, release or wire tag moved, or a push added commits');
  }
  if (await workDigest(session, repoId) !== basis.work) changes.push('another GC run changed the repo');
  if (basis.absent.length > 0) {
    const { arrived } = await session.one<{ arrived: number }>(
      'select count(*)::int as arrived from musehub_commits where commit_id = any(?)', [basis.absent]);
    if (arrived > 0) changes.push(`${arrived} commit(s) missing from the history (shallow) were pushed`);
  }
  return changes;
}
