/**
 * Phase 5: the repo's expired fetch-pack cache rows, and their mpack blobs unless
 * a remaining cache row (of any repo) still names them.
 */
import type { Kept } from '../types.js';
import { counted, phasePlan, selectInto, sincePlan, type PhaseApplied, type PhaseRuntime, type Progress } from './runtime.js';

/** The mpacks of the candidate rows that no other cache row names (nor any object row, sharing the key space). */
const UNNAMED_MPACKS = `
  select mpack_id as id, max(size_bytes) as size_bytes from gc_cache g
  where not exists (select 1 from musehub_fetch_mpack_cache c
                    where c.mpack_id = g.mpack_id and not exists (select 1 from gc_cache d where d.id = c.cache_id))
    and not exists (select 1 from musehub_objects o where o.object_id = g.mpack_id)
  group by mpack_id`;

export async function planCache(rt: PhaseRuntime) {
  const { session, repo } = rt;
  const rows = await selectInto(session, 'gc_cache', `
    select cache_id as id, mpack_id, size_bytes from musehub_fetch_mpack_cache
    where repo_id = ? and expires_at <= ?`, [repo.repoId, rt.now]);
  const blobs = await selectInto(session, 'gc_cache_blobs', UNNAMED_MPACKS, []);
  const { bytes } = await session.one<{ bytes: number }>(
    'select coalesce(sum(size_bytes), 0)::float8 as bytes from gc_cache_blobs');
  const counts = await session.one<{ fresh: number; shared: number }>(`
    select
      (select count(*)::int from musehub_fetch_mpack_cache where repo_id = ? and expires_at > ?) as fresh,
      (select count(distinct mpack_id)::int from gc_cache g
        where not exists (select 1 from gc_cache_blobs b where b.id = g.mpack_id)) as shared`, [repo.repoId, rt.now]);
  const kept: Kept[] = [];
  if (counts.fresh > 0) kept.push({ reason: 'fresh', count: counts.fresh, detail: `${counted(counts.fresh, 'fresh entry', 'fresh entries')}` });
  if (counts.shared > 0) {
    kept.push({ reason: 'shared-blob', count: counts.shared,
      detail: `${counted(counts.shared, 'mpack blob')} still named by a remaining cache row` });
  }
  const items = await session.rows<{ id: string; label: string; bytes: number }>(`
    select id, mpack_id as label, size_bytes::float8 as bytes from gc_cache order by id limit ?`, [rt.itemLimit]);
  return phasePlan('cache', { rows, bytes, blobs, kept, items });
}

export async function applyCache(
  rt: PhaseRuntime, runId: string, planned: { rows: number }, progress: Progress,
): Promise<PhaseApplied & { journaled: number }> {
  const { session, repo } = rt;
  await session.execute('drop table if exists gc_cache_deleted');
  await session.execute('create temp table gc_cache_deleted (mpack_id text, size_bytes bigint)');
  const rows = await session.execute(`
    with deleted as (
      delete from musehub_fetch_mpack_cache c using gc_cache g
      where c.cache_id = g.id and c.repo_id = ? and c.expires_at <= ?
      returning c.mpack_id, c.size_bytes)
    insert into gc_cache_deleted select mpack_id, size_bytes from deleted`, [repo.repoId, rt.now]);
  // A new statement: it sees the rows just deleted as gone, and any other row naming the mpack.
  const journal = await session.one<{ count: number; bytes: number }>(`
    with journaled as (
      insert into musehub_gc_journal (run_id, kind, blob_id, size_bytes)
      select ?, 'mpack', d.mpack_id, max(d.size_bytes) from gc_cache_deleted d
      where not exists (select 1 from musehub_fetch_mpack_cache c where c.mpack_id = d.mpack_id)
        and not exists (select 1 from musehub_objects o where o.object_id = d.mpack_id)
      group by d.mpack_id returning size_bytes)
    select count(*)::int as count, coalesce(sum(size_bytes), 0)::float8 as bytes from journaled`, [runId]);
  progress(rows, planned.rows, journal.bytes);
  return { refs: 0, rows, bytes: journal.bytes, blobs: 0, journaled: journal.count,
    keptSincePlan: planned.rows - rows, differences: sincePlan(planned.rows - rows, 'cache rows') };
}
