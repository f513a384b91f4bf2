/** Finding repos: by name for the commands, all of them for the repos list. */
import type { Database } from '../db/connect.js';
import { UsageError } from '../errors.js';
import { didYouMean, nearest } from '../suggest.js';
import type { RepoIdentity } from './types.js';

/** A repo as the repos table lists it; counts are exact and cheap. */
export interface RepoRow extends RepoIdentity {
  branches: number;
  commits: number;
  /** ISO 8601, or null when never pushed. */
  pushedAt: string | null;
  /** ISO 8601 of the last recorded GC run that deleted something, or null. */
  lastGcAt: string | null;
}

/** Finds a repo by `owner/slug` or by repo_id; a wrong name is a usage error that says how to list repos. */
export async function findRepo(db: Database, ref: string): Promise<RepoIdentity> {
  const [owner, slug, extra] = ref.split('/');
  const rows: RepoIdentity[] = (
    await db
      .knex()
      .raw(
        slug !== undefined && extra === undefined
          ? 'select repo_id as "repoId", owner, slug from musehub_repos where owner = ? and slug = ?'
          : 'select repo_id as "repoId", owner, slug from musehub_repos where repo_id = ?',
        slug !== undefined && extra === undefined ? [owner!, slug] : [ref],
      )
  ).rows;
  const repo = rows[0];
  if (!repo) {
    const near = await nearRepos(db, ref);
    throw new UsageError(`no repo ${JSON.stringify(ref)} in ${db.label}${near} (\`musehub-gc repos\` lists them)`);
  }
  return repo;
}

/**
 * What an unknown repo name may have meant: the repos whose slug it is (a bare slug names no repo,
 * and two owners may share one), else the names nearest it; else how repos are named.
 */
async function nearRepos(db: Database, ref: string): Promise<string> {
  const repos: Array<{ name: string; slug: string }> = (
    await db
      .knex()
      .raw(`select owner || '/' || slug as name, slug from musehub_repos where deleted_at is null order by 1`)
  ).rows;
  const slug = ref.includes('/') ? ref.slice(ref.indexOf('/') + 1) : ref;
  const sameSlug = repos.filter((repo) => repo.slug === slug).map((repo) => repo.name);
  if (sameSlug.length > 1) {
    const named = sameSlug.join(', ');
    return `: ${sameSlug.length} owners have a repo ${JSON.stringify(slug)}, name one as owner/slug: ${named}`;
  }
  const near =
    sameSlug.length === 1
      ? sameSlug
      : nearest(
          ref,
          repos.map((repo) => repo.name),
        );
  return near.length > 0 ? didYouMean(near) : ': name it as owner/slug or by repo_id';
}

/** Every repo with its counts, in one pass over each table. */
export async function listRepos(db: Database): Promise<RepoRow[]> {
  const rows = (
    await db.knex().raw(`
    select r.repo_id as "repoId", r.owner, r.slug, r.pushed_at as "pushedAt",
           coalesce(b.count, 0)::int as branches, coalesce(c.count, 0)::int as commits, g.last as "lastGcAt"
    from musehub_repos r
    left join (select repo_id, count(*) as count from musehub_branches group by repo_id) b on b.repo_id = r.repo_id
    left join (select repo_id, count(*) as count from musehub_commit_refs group by repo_id) c on c.repo_id = r.repo_id
    left join (select repo_id, max(finished_at) as last from musehub_gc_runs
               where not dry_run and outcome in ('done', 'stopped') group by repo_id) g on g.repo_id = r.repo_id
    where r.deleted_at is null
    order by r.owner, r.slug`)
  ).rows;
  return rows.map((row: RepoRow & { pushedAt: Date | null; lastGcAt: Date | null }) => ({
    ...row,
    pushedAt: row.pushedAt ? new Date(row.pushedAt).toISOString() : null,
    lastGcAt: row.lastGcAt ? new Date(row.lastGcAt).toISOString() : null,
  }));
}
