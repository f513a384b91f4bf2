/**
 * MuseHub's schema has no index from a snapshot to its commits, so each repo's snapshot
 * phase reads every commit of the hub (phases/snapshots.ts): a pass over the hub costs
 * repos x commits. musehub-gc never changes MuseHub's tables; it says so, once a pass, where
 * the hub is big enough for it to matter, and uses the index once MuseHub's owners add it.
 */
import type { Database } from '../../db/connect.js';

/** Below this many commits a repo's read of them all costs little beside the rest of its run. */
export const COMMITS_WORTH_AN_INDEX = 100_000;

/** The line a pass says when the hub's commits are many and nothing leads from a snapshot to them; else undefined. */
export async function snapshotIndexNotice(
  db: Database,
  minCommits = COMMITS_WORTH_AN_INDEX,
): Promise<string | undefined> {
  const [facts] = (
    await db.knex().raw(`
    select greatest(c.reltuples, 0)::float8 as commits,
           exists (select 1 from pg_index i
                   where i.indrelid = c.oid and i.indkey[0] = a.attnum and i.indisvalid and i.indpred is null) as indexed
    from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'snapshot_id'
    where c.oid = to_regclass('musehub_commits')`)
  ).rows as Array<{ commits: number; indexed: boolean }>;
  if (!facts || facts.indexed || facts.commits < minCommits) return undefined;
  return (
    `musehub_commits has no index on snapshot_id, so each repo's snapshot phase reads all of the hub's ` +
    `${Math.round(facts.commits).toLocaleString('en')} commits: a pass costs repos x commits. MuseHub's owners can add ` +
    `one (create index concurrently on musehub_commits (snapshot_id)); musehub-gc uses it, and never creates it itself`
  );
}
