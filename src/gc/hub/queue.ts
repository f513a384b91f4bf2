/** The order a pass takes repos in: most reclaimable bytes first (the cached estimates), unknown ones after. */
import type { Database } from '../../db/connect.js';
import type { RepoIdentity } from '../types.js';

/** The hub's repos in a pass's order; only those of `repoIds` when it is given. */
export async function reposInOrder(db: Database, repoIds?: readonly string[]): Promise<RepoIdentity[]> {
  return (
    await db.knex().raw(
      `
    select r.repo_id as "repoId", r.owner, r.slug from musehub_repos r
    left join musehub_gc_estimates e on e.repo_id = r.repo_id
    where r.deleted_at is null${repoIds ? ' and r.repo_id = any(?)' : ''}
    order by e.reclaimable_bytes desc nulls last, r.owner, r.slug`,
      repoIds ? [[...repoIds]] : [],
    )
  ).rows;
}
