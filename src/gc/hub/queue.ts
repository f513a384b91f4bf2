/** The order a pass takes repos in: most reclaimable bytes first (the cached estimates), unknown ones after. */
import type { Database } from '../../db/connect.js';
import type { RepoIdentity } from '../types.js';

export async function reposInOrder(db: Database): Promise<RepoIdentity[]> {
  return (await db.knex().raw(`
    select r.repo_id as "repoId", r.owner, r.slug from musehub_repos r
    left join musehub_gc_estimates e on e.repo_id = r.repo_id
    where r.deleted_at is null
    order by e.reclaimable_bytes desc nulls last, r.owner, r.slug`)).rows;
}
