/**
 * The delete floor: what PostgreSQL alone needs to delete the rows a plan lists, by primary
 * key, 10,000 ids a statement, each its own transaction, on one connection — MuseHub's
 * cascading foreign keys firing as they do for GC, but none of GC's safety (no row locks, no
 * re-checks, no journal, no blobs). Measured on a copy of the database the plan was made on,
 * so the plan file's hub is that copy's too.
 */
import pg from 'pg';
import { openServer } from '../src/db/connect.js';
import { loadPlan } from '../src/gc/plan-file.js';
import { existingPlanKey } from '../src/gc/plan-key.js';
import type { PlanSets } from '../src/gc/types.js';
import { databaseUrl } from './templates.js';

/** Ids a statement, as GC's chunks. */
const CHUNK = 10_000;

/** The bare delete of each set, in phase order: `$1` a chunk of ids, `$2` the repo where refs are its own. */
const BARE_DELETES: Array<[keyof PlanSets, string]> = [
  ['commitRefs', 'delete from musehub_commit_refs where commit_id = any($1) and repo_id = $2'],
  ['commits', 'delete from musehub_commits where commit_id = any($1)'],
  ['snapshots', 'delete from musehub_snapshots where snapshot_id = any($1)'],
  ['objectRefs', 'delete from musehub_object_refs where object_id = any($1) and repo_id = $2'],
  ['objects', 'delete from musehub_objects where object_id = any($1)'],
  ['cacheRows', 'delete from musehub_fetch_mpack_cache where cache_id = any($1)'],
];

/** Copies database `source` (no one connected to it), deletes the plan's rows bare, drops the copy. */
export async function deleteFloor(
  adminUrl: string,
  source: string,
  planFile: string,
): Promise<{ rows: number; seconds: number }> {
  const copy = `${source}_floor`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${copy} with (force)`);
    await admin.query(`create database ${copy} template ${source}`);
    const db = await openServer(databaseUrl(adminUrl, copy));
    const plan = await existingPlanKey(db)
      .then((key) =>
        loadPlan(planFile, { hub: db.hub, key, now: new Date().toISOString(), maxAgeSeconds: Number.MAX_SAFE_INTEGER }),
      )
      .finally(() => db.close());
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
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await admin.query(`drop database if exists ${copy} with (force)`);
    await admin.end();
  }
}
