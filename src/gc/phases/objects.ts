/**
 * Phase 4: object rows whose last ref went in phase 3. Rows go in the phase's
 * transaction together with journal entries for their blobs; the blobs go after
 * it commits, from the journal (see journal.ts).
 */
import { formatDuration } from '../duration.js';
import type { Kept } from '../types.js';
import { objectPhasesRefusal } from './refs.js';
import {
  chunkIds, counted, heldByOtherRepos, inChunks, phasePlan, selectInto, type PhaseApplied, type PhaseRuntime, type Progress,
} from './runtime.js';

export async function planObjects(rt: PhaseRuntime) {
  const { session, repo } = rt;
  const refused = objectPhasesRefusal(rt);
  // The objects whose refs phase 3 deletes, and those whose refs an earlier, interrupted run deleted.
  const rows = await selectInto(session, 'gc_objects', `
    select o.object_id as id, o.size_bytes, o.storage_uri from (
      select id from gc_object_refs
      union
      select p.id from (select unnest(ids) as id from musehub_gc_pending where repo_id = ? and kind = 'object') as p
      where not exists (select 1 from musehub_object_refs x where x.object_id = p.id and x.repo_id = ?)
    ) as g
    join musehub_objects o on o.object_id = g.id
    where ${refused ? 'false and ' : ''}o.created_at <= ?
      and not exists (select 1 from musehub_object_refs x where x.object_id = g.id and x.repo_id <> ?)`,
  [repo.repoId, repo.repoId, rt.cutoff, repo.repoId]);
  const { bytes } = await session.one<{ bytes: number }>(
    'select coalesce(sum(size_bytes), 0)::float8 as bytes from gc_objects');
  const kept: Kept[] = await heldByOtherRepos(rt, 'gc_object_refs', 'musehub_object_refs', 'object_id', 'object');
  const young = await session.one<{ count: number }>(`
    select count(*)::int as count from gc_object_refs g join musehub_objects o on o.object_id = g.id
    where o.created_at > ?`, [rt.cutoff]);
  if (young.count > 0) {
    kept.push({ reason: 'grace', count: young.count,
      detail: `${counted(young.count, 'object')} stored within the grace period (${formatDuration(rt.graceSeconds)})` });
  }
  const items = await session.rows<{ id: string; bytes: number }>(
    'select id, size_bytes::float8 as bytes from gc_objects order by size_bytes desc, id limit ?', [rt.itemLimit]);
  return phasePlan('objects', { rows, bytes, blobs: rows, kept, items, refused });
}

export async function applyObjects(
  rt: PhaseRuntime, runId: string, planned: { rows: number }, progress: Progress,
): Promise<PhaseApplied & { journaled: number }> {
  const { session } = rt;
  // Lock first: a push that adds a ref afterwards waits, then fails on the foreign key.
  await session.execute(`
    select count(*) from (select 1 from musehub_objects o join gc_objects g on g.id = o.object_id
      for update of o) as locked`);
  let bytes = 0;
  const rows = await inChunks(planned.rows, async (from, to) => {
    const done = await session.one<{ count: number; bytes: number }>(`
      with deleted as (
        delete from musehub_objects o
        where o.object_id = ${chunkIds('gc_objects')} and o.created_at <= ?
          and not exists (select 1 from musehub_object_refs x where x.object_id = o.object_id)
        returning o.object_id, o.size_bytes, o.storage_uri),
      journaled as (
        insert into musehub_gc_journal (run_id, kind, blob_id, storage_uri, size_bytes)
        select ?, 'object', object_id, storage_uri, size_bytes from deleted returning size_bytes)
      select count(*)::int as count, coalesce(sum(size_bytes), 0)::float8 as bytes from journaled`,
    [from, to, rt.cutoff, runId]);
    bytes += done.bytes;
    return done.count;
  }, (done) => progress(done, planned.rows, bytes));
  // The blob deletion that follows pages through these entries: let the planner know they are there.
  await session.analyze('musehub_gc_journal');
  await session.execute(`delete from musehub_gc_pending where repo_id = ? and kind = 'object'`, [rt.repo.repoId]);
  const keptSincePlan = planned.rows - rows;
  return { refs: 0, rows, bytes, blobs: 0, journaled: rows, keptSincePlan, differences: keptSincePlan > 0
    ? [`${keptSincePlan} objects the plan listed were referenced again when the phase ran, and were kept`] : [] };
}

