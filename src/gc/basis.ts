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

/** A relation `(id text)` of repo ids, as SQL with its bindings: a batch of a mark, or one repo. */
export interface RepoRelation {
  sql: string;
  bindings: readonly unknown[];
}

function oneRepo(repoId: string): RepoRelation {
  return { sql: '(select ?::text as id)', bindings: [repoId] };
}

/** Digest of each repo's branches, releases, wire tags and commit refs younger than `cutoff`; '' for none. */
export async function rootsDigests(
  session: Session,
  repos: RepoRelation,
  cutoff: string,
): Promise<Map<string, string>> {
  const inRepos = `repo_id in (select id from ${repos.sql} as batch)`;
  const rows = await session.rows<{ repo: string; digest: string }>(
    `
    select repo_id as repo, md5(string_agg(item, ',' order by item)) as digest from (
      select repo_id, 'b:' || name || '=' || head_commit_id as item from musehub_branches
        where ${inRepos} and head_commit_id is not null
      union all select repo_id, 'r:' || tag || '=' || coalesce(commit_id, '') || '/' || coalesce(snapshot_id, '')
        from musehub_releases where ${inRepos}
      union all select repo_id, 't:' || tag || '=' || commit_id from musehub_wire_tags where ${inRepos}
      union all select repo_id, 'c:' || commit_id from musehub_commit_refs where ${inRepos} and created_at > ?
    ) as items group by repo_id`,
    [...repos.bindings, ...repos.bindings, ...repos.bindings, ...repos.bindings, cutoff],
  );
  return new Map(rows.map((row) => [row.repo, row.digest]));
}

/** Digest of the repo's branches, releases, wire tags and commit refs younger than `cutoff`. */
export async function rootsDigest(session: Session, repoId: string, cutoff: string): Promise<string> {
  return (await rootsDigests(session, oneRepo(repoId), cutoff)).get(repoId) ?? '';
}

/** Digest of the work earlier runs left for each repo, and of its last finished run (not the one checking). */
async function workDigests(session: Session, repos: RepoRelation): Promise<Map<string, string>> {
  const rows = await session.rows<{ repo: string; digest: string }>(
    `
    select g.id as repo, md5(coalesce(p.items, '') || '|' || coalesce(r.last, '')) as digest
    from ${repos.sql} g
    left join (select repo_id, string_agg(kind || ':' || cardinality(ids) || '@' || extract(epoch from created_at), ','
                                          order by kind, created_at) as items
               from musehub_gc_pending where repo_id in (select id from ${repos.sql} as batch) group by repo_id) p on p.repo_id = g.id
    left join (select distinct on (repo_id) repo_id, run_id || ':' || outcome as last from musehub_gc_runs
               where repo_id in (select id from ${repos.sql} as batch) and not dry_run and outcome <> 'running'
               order by repo_id, started_at desc) r on r.repo_id = g.id`,
    [...repos.bindings, ...repos.bindings, ...repos.bindings],
  );
  return new Map(rows.map((row) => [row.repo, row.digest]));
}

/** Reads the bases of plans derived now, by repo; `absent` are the commits each walk found missing. */
export async function readBases(
  session: Session,
  repos: RepoRelation,
  cutoff: string,
  absent: ReadonlyMap<string, string[]>,
): Promise<Map<string, PlanBasis>> {
  const roots = await rootsDigests(session, repos, cutoff);
  const work = await workDigests(session, repos);
  return new Map(
    [...absent].map(([repoId, ids]) => [
      repoId,
      {
        roots: roots.get(repoId) ?? '',
        work: work.get(repoId) ?? '',
        absent: ids.filter(isCommitId),
      },
    ]),
  );
}

/** Why `basis` no longer holds, in the operator's words; empty when the plan may run as it is. */
export async function basisChanges(
  session: Session,
  repoId: string,
  cutoff: string,
  basis: PlanBasis,
): Promise<string[]> {
  const changes: string[] = [];
  if ((await rootsDigest(session, repoId, cutoff)) !== basis.roots) {
    changes.push('a branch, release or wire tag moved, or a push added commits');
  }
  if ((await workDigests(session, oneRepo(repoId))).get(repoId) !== basis.work)
    changes.push('another GC run changed the repo');
  if (basis.absent.length > 0) {
    const { arrived } = await session.one<{ arrived: number }>(
      'select count(*)::int as arrived from musehub_commits where commit_id = any(?)',
      [basis.absent],
    );
    if (arrived > 0) changes.push(`${arrived} commit(s) missing from the history (shallow) were pushed`);
  }
  return changes;
}
