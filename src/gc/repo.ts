import type { Database } from '../db/connect.js';
import { UserError } from '../errors.js';
import type { RepoIdentity } from './types.js';

/** Finds a repo by `owner/slug` or by repo_id; a wrong name is a usage error that says how to list repos. */
export async function resolveRepo(db: Database, ref: string): Promise<RepoIdentity> {
  const [owner, slug, extra] = ref.split('/');
  const rows: RepoIdentity[] = (await db.knex().raw(
    slug !== undefined && extra === undefined
      ? 'select repo_id as "repoId", owner, slug from musehub_repos where owner = ? and slug = ?'
      : 'select repo_id as "repoId", owner, slug from musehub_repos where repo_id = ?',
    slug !== undefined && extra === undefined ? [owner!, slug] : [ref],
  )).rows;
  const repo = rows[0];
  if (!repo) {
    throw new UserError(`no repo ${JSON.stringify(ref)} in ${db.label}: name it as owner/slug or by repo_id ` +
      '(`musehub-gc repos` lists them)', 2);
  }
  return repo;
}
