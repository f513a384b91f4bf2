/**
 * Reads back every MuseHub table and lists the blob store, in the same shape as
 * a HubModel reduces to, and says exactly which rows and blobs differ.
 */
import type { Database } from '../../src/db/connect.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import type { HubModel } from './hub-model.js';

/** One sorted list of row keys per table, and the store's keys. */
export type HubState = Record<(typeof TABLE_NAMES)[number], string[]>;

const TABLE_NAMES = [
  'musehub_repos',
  'musehub_branches',
  'musehub_commits',
  'musehub_commit_refs',
  'musehub_snapshots',
  'musehub_objects',
  'musehub_object_refs',
  'musehub_releases',
  'musehub_wire_tags',
  'musehub_fetch_mpack_cache',
  'blobs',
] as const;

// Each row reduced to the columns GC may never change: ids, heads and pins.
const ROW_KEYS: Record<Exclude<keyof HubState, 'blobs'>, string> = {
  musehub_repos: 'repo_id',
  musehub_branches: `branch_id || ' ' || name || ' head ' || coalesce(head_commit_id, '-')`,
  musehub_commits: `commit_id || ' snapshot ' || coalesce(snapshot_id, '-')`,
  musehub_commit_refs: `repo_id || ' ' || commit_id`,
  musehub_snapshots: 'snapshot_id',
  musehub_objects: 'object_id',
  musehub_object_refs: `repo_id || ' ' || object_id`,
  musehub_releases: `release_id || ' ' || coalesce(commit_id, '-') || ' ' || coalesce(snapshot_id, '-')`,
  musehub_wire_tags: `tag_id || ' ' || commit_id`,
  musehub_fetch_mpack_cache: `cache_id || ' ' || mpack_id`,
};

const sorted = (items: Iterable<string>) => [...items].sort();

/** What the model says the database and the store hold. */
export function stateOf(hub: HubModel): HubState {
  return {
    musehub_repos: sorted(hub.repos.map((r) => r.id)),
    musehub_branches: sorted(hub.branches.map((b) => `${b.id} ${b.name} head ${b.head ?? '-'}`)),
    musehub_commits: sorted(hub.commits.map((c) => `${c.id} snapshot ${c.snapshot ?? '-'}`)),
    musehub_commit_refs: sorted(hub.commitRefs.map((r) => `${r.repoId} ${r.id}`)),
    musehub_snapshots: sorted(hub.snapshots.map((s) => s.id)),
    musehub_objects: sorted(hub.objects.map((o) => o.id)),
    musehub_object_refs: sorted(hub.objectRefs.map((r) => `${r.repoId} ${r.id}`)),
    musehub_releases: sorted(hub.releases.map((r) => `${r.id} ${r.commitId ?? '-'} ${r.snapshotId ?? '-'}`)),
    musehub_wire_tags: sorted(hub.wireTags.map((t) => `${t.id} ${t.commitId}`)),
    musehub_fetch_mpack_cache: sorted(hub.cache.map((c) => `${c.id} ${c.mpackId}`)),
    blobs: sorted(hub.blobs),
  };
}

/** What the database and the store actually hold. */
export async function readState(db: Database, store: BlobStore): Promise<HubState> {
  const state = {} as HubState;
  for (const [table, key] of Object.entries(ROW_KEYS) as Array<[keyof typeof ROW_KEYS, string]>) {
    const rows: Array<{ key: string }> = (await db.knex().raw(`select ${key} as key from ${table}`)).rows;
    state[table] = sorted(rows.map((row) => row.key));
  }
  const keys: string[] = [];
  for await (const { key } of store.list('objects/')) keys.push(key);
  state.blobs = sorted(keys);
  return state;
}

/** One line per row or blob that differs, naming which side has it; empty when they agree. */
export function diffStates(expected: HubState, actual: HubState): string[] {
  const lines: string[] = [];
  for (const table of TABLE_NAMES) {
    const want = new Set(expected[table]);
    const have = new Set(actual[table]);
    for (const key of want)
      if (!have.has(key)) lines.push(`${table}: missing (GC deleted what the oracle keeps): ${key}`);
    for (const key of have)
      if (!want.has(key)) lines.push(`${table}: left over (GC kept what the oracle deletes): ${key}`);
  }
  return lines;
}
