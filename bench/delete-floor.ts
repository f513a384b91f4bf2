/**
 * The delete floor: what deleting a plan's garbage costs with none of GC's safety. PostgreSQL alone
 * deletes the rows the plan lists, by primary key, 10,000 ids a statement, each its own
 * transaction, on one connection — MuseHub's cascading foreign keys firing as they do for GC, but no
 * row locks, re-checks or journal — and then the plan's blobs are unlinked from the file store by
 * path, 8 at once (as the store does; one after another, as the original service does, is about half
 * as fast here), with none of the store's checks. Measured on a copy of the database the
 * plan was made on, so the plan file's hub is that copy's too.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { openServer } from '../src/db/connect.js';
import { loadPlan } from '../src/gc/plan-file.js';
import { existingPlanKey } from '../src/gc/plan-key.js';
import type { Plan, PlanSets } from '../src/gc/types.js';
import { keyForId } from '../src/storage/blob-store.js';
import { forEachLimited } from '../src/storage/pool.js';
import { databaseUrl } from './templates.js';

/** Ids a statement, as GC's chunks. */
const CHUNK = 10_000;
/** Unlinks in flight, as the file store has. */
const UNLINKS_IN_FLIGHT = 8;

/** The bare delete of each set, in phase order: `$1` a chunk of ids, `$2` the repo where refs are its own. */
const BARE_DELETES: Array<[keyof PlanSets, string]> = [
  ['commitRefs', 'delete from musehub_commit_refs where commit_id = any($1) and repo_id = $2'],
  ['commits', 'delete from musehub_commits where commit_id = any($1)'],
  ['snapshots', 'delete from musehub_snapshots where snapshot_id = any($1)'],
  ['objectRefs', 'delete from musehub_object_refs where object_id = any($1) and repo_id = $2'],
  ['objects', 'delete from musehub_objects where object_id = any($1)'],
  ['cacheRows', 'delete from musehub_fetch_mpack_cache where cache_id = any($1)'],
];

/** What the floor took: rows deleted bare, then blobs unlinked bare. */
export interface DeleteFloor {
  rows: number;
  rowSeconds: number;
  blobs: number;
  blobSeconds: number;
}

/** The plan file `planFile`, made on database `name`, as a run would load it there. */
export async function planOf(adminUrl: string, name: string, planFile: string): Promise<Plan> {
  const db = await openServer(databaseUrl(adminUrl, name));
  return existingPlanKey(db)
    .then((key) =>
      loadPlan(planFile, { hub: db.hub, key, now: new Date().toISOString(), maxAgeSeconds: Number.MAX_SAFE_INTEGER }),
    )
    .finally(() => db.close());
}

/** The blobs a plan deletes, as the file store's keys with the sizes their rows give. */
export async function planBlobs(url: string, plan: Plan): Promise<Array<{ key: string; size: number }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const blobs: Array<{ key: string; size: number }> = [];
    for (const chunk of plan.sets.objects.chunks(CHUNK)) {
      const { rows } = await client.query<{ id: string; size: string }>(
        'select object_id as id, size_bytes as size from musehub_objects where object_id = any($1) and storage_uri is null',
        [chunk],
      );
      for (const row of rows) blobs.push({ key: keyForId(row.id), size: Number(row.size) });
    }
    return blobs;
  } finally {
    await client.end();
  }
}

/**
 * Writes each blob as a file of its size under `store`, where the file store keeps it; one already
 * there stays, so a store a run left half full is filled again at the cost of what it deleted. Then
 * the store's file system is synced: a hub's blobs were written long ago, and unlinking a file whose
 * pages are still being written back waits for them.
 */
export function writeBlobFiles(store: string, blobs: ReadonlyArray<{ key: string; size: number }>): void {
  mkdirSync(join(store, 'objects'), { recursive: true });
  const bytes = Buffer.alloc(Math.max(0, ...blobs.map((blob) => blob.size)), 0x6d);
  for (const { key, size } of blobs) {
    try {
      writeFileSync(join(store, key), bytes.subarray(0, size), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  execFileSync('sync', ['--file-system', store]);
}

/**
 * Copies database `source` (no one connected to it), deletes the plan's rows bare and unlinks its
 * blobs from `store` (which holds them: writeBlobFiles), then drops the copy.
 */
export async function deleteFloor(
  adminUrl: string,
  source: string,
  plan: Plan,
  store: string,
  blobs: ReadonlyArray<{ key: string }>,
): Promise<DeleteFloor> {
  const copy = `${source}_floor`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${copy} with (force)`);
    await admin.query(`create database ${copy} template ${source}`);
    const client = new pg.Client({ connectionString: databaseUrl(adminUrl, copy) });
    await client.connect();
    let rows = 0;
    const started = performance.now();
    try {
      for (const [set, sql] of BARE_DELETES) {
        for (const chunk of plan.sets[set].chunks(CHUNK)) {
          rows += (await client.query(sql, sql.includes('$2') ? [chunk, plan.repo.repoId] : [chunk])).rowCount ?? 0;
        }
      }
    } finally {
      await client.end();
    }
    const deleted = performance.now();
    await forEachLimited(blobs, UNLINKS_IN_FLIGHT, ({ key }) => unlink(join(store, key)));
    const unlinked = performance.now();
    return {
      rows,
      rowSeconds: (deleted - started) / 1000,
      blobs: blobs.length,
      blobSeconds: (unlinked - deleted) / 1000,
    };
  } finally {
    await admin.query(`drop database if exists ${copy} with (force)`);
    await admin.end();
  }
}
