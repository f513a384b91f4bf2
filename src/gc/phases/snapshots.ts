/** Phase 2: snapshots of the commits phase 1 deleted that nothing uses any more. */
import type { Kept } from '../types.js';
import { chunkIds, inChunks, phasePlan, selectInto, sincePlan, type PhaseApplied, type PhaseRuntime, type Progress } from './runtime.js';

export async function planSnapshots(rt: PhaseRuntime) {
  const { session } = rt;
  // The snapshots of the commits phase 1 deletes, and of those an earlier, interrupted run deleted.
  await selectInto(session, 'gc_snapshot_candidates', `
    select id from (
      select c.snapshot_id as id from gc_commits g join musehub_commits c on c.commit_id = g.id
      union
      select unnest(ids) from musehub_gc_pending where repo_id = ? and kind = 'snapshot'
    ) as candidates
    where id is not null and exists (select 1 from musehub_snapshots s where s.snapshot_id = candidates.id)`,
  [rt.repo.repoId]);
  // Commits that stay (all but those phase 1 deletes) and releases of any repo keep a snapshot. No index
  // leads from a snapshot to its commits, so find the used ones in one pass over the commits.
  await selectInto(session, 'gc_snapshots_kept', `
    select distinct o.snapshot_id as id, 'commit' as why from musehub_commits o
    join gc_snapshot_candidates g on g.id = o.snapshot_id
    where not exists (select 1 from gc_commits d where d.id = o.commit_id)
    union
    select distinct x.snapshot_id, 'release' from musehub_releases x join gc_snapshot_candidates g on g.id = x.snapshot_id`, [], false);
  const inUse = await session.one<{ commits: number; releases: number }>(`
    select count(distinct id) filter (where why = 'commit')::int as commits,
           count(distinct id) filter (where why = 'release')::int as releases from gc_snapshots_kept`);
  const rows = await selectInto(session, 'gc_snapshots', `
    select g.id from gc_snapshot_candidates g where not exists (select 1 from gc_snapshots_kept k where k.id = g.id)`, []);
  const kept: Kept[] = [];
  if (inUse.commits > 0) {
    kept.push({ reason: 'in-use', count: inUse.commits, detail: `${inUse.commits} still used by commits that stay` });
  }
  if (inUse.releases > 0) {
    kept.push({ reason: 'pinned', count: inUse.releases, detail: `${inUse.releases} pinned by a release` });
  }
  const items = await session.rows<{ id: string }>('select id from gc_snapshots order by id limit ?', [rt.itemLimit]);
  return phasePlan('snapshots', { rows, kept, items });
}

export async function applySnapshots(rt: PhaseRuntime, planned: { rows: number }, progress: Progress): Promise<PhaseApplied> {
  const { session } = rt;
  await session.execute(`
    select count(*) from (select 1 from musehub_snapshots s join gc_snapshots g on g.id = s.snapshot_id
      for update of s) as locked`);
  // No index leads from snapshot to commit: find the ones still in use in one pass, after the lock.
  await session.execute('drop table if exists gc_snapshots_in_use');
  await session.execute(`
    create temp table gc_snapshots_in_use as
    select distinct g.id from gc_snapshots g join musehub_commits o on o.snapshot_id = g.id
    union select g.id from gc_snapshots g join musehub_releases x on x.snapshot_id = g.id`);
  const rows = await inChunks(planned.rows, (from, to) => session.execute(`
    delete from musehub_snapshots s
    where s.snapshot_id = ${chunkIds('gc_snapshots')}
      and not exists (select 1 from gc_snapshots_in_use u where u.id = s.snapshot_id)`, [from, to]),
  (done) => progress(done, planned.rows, 0));
  await session.execute(`delete from musehub_gc_pending where repo_id = ? and kind = 'snapshot'`, [rt.repo.repoId]);
  return { refs: 0, rows, bytes: 0, blobs: 0, keptSincePlan: planned.rows - rows,
    differences: sincePlan(planned.rows - rows, 'snapshots') };
}
