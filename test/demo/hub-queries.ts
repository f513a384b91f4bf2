/**
 * Plain SQL questions about a loaded hub, for asserting what a generated hub
 * holds. Deliberately simple (no grace, no cross-repo rules): they describe the
 * data, they are not a second GC.
 */
import { unpack } from 'msgpackr';
import type { Database } from '../../src/db/connect.js';

export async function rows<T>(db: Database, sql: string, bindings: unknown[] = []): Promise<T[]> {
  return (await db.knex().raw(sql, bindings as never)).rows as T[];
}

export async function column(db: Database, sql: string, bindings: unknown[] = []): Promise<string[]> {
  return (await rows<{ v: string }>(db, sql, bindings)).map((row) => row.v);
}

export async function repoId(db: Database, name: string): Promise<string> {
  const [owner, slug] = name.split('/');
  const [id] = await column(db, 'select repo_id as v from musehub_repos where owner = ? and slug = ?', [owner, slug]);
  if (!id) throw new Error(`no repo ${name}`);
  return id;
}

/** Commits reachable from the repo's branch heads (releases and wire tags not counted). */
export async function reachableFromBranches(db: Database, repo: string): Promise<Set<string>> {
  return new Set(
    await column(
      db,
      `
    with recursive live(commit_id) as (
      select head_commit_id::text from musehub_branches where repo_id = ? and head_commit_id is not null
      union
      select p.value from live join musehub_commits c on c.commit_id = live.commit_id, json_array_elements_text(c.parent_ids) as p(value)
    ) select commit_id as v from live`,
      [repo],
    ),
  );
}

export async function commitRefs(db: Database, repo: string): Promise<string[]> {
  return column(db, 'select commit_id as v from musehub_commit_refs where repo_id = ?', [repo]);
}

export async function objectRefs(db: Database, repo: string): Promise<string[]> {
  return column(db, 'select object_id as v from musehub_object_refs where repo_id = ?', [repo]);
}

/** The snapshot ids of the given commits. */
export async function snapshotsOf(db: Database, commits: Iterable<string>): Promise<string[]> {
  return column(
    db,
    'select distinct snapshot_id as v from musehub_commits where commit_id = any(?) and snapshot_id is not null',
    [[...commits]],
  );
}

/** Every object id the given snapshots' manifests name; throws on a manifest that does not decode. */
export async function manifestObjects(db: Database, snapshots: Iterable<string>): Promise<Set<string>> {
  const found = await rows<{ manifest_blob: Buffer }>(
    db,
    'select manifest_blob from musehub_snapshots where snapshot_id = any(?)',
    [[...snapshots]],
  );
  return new Set(found.flatMap((row) => Object.values(unpack(row.manifest_blob) as Record<string, string>)));
}
