/** Phase 3: the repo's refs to objects that none of its live snapshots names. */
import { formatDuration } from '../duration.js';
import { shortId } from '../ids.js';
import type { Kept } from '../types.js';
import { chunkIds, counted, holdRoots, inChunks, phasePlan, selectInto, sincePlan, type PhaseApplied, type PhaseRuntime, type Progress } from './runtime.js';

/** Why phases 3 and 4 may not run: a live manifest that proves nothing. Undefined when they may. */
export function objectPhasesRefusal(rt: PhaseRuntime): string | undefined {
  const [first, ...rest] = rt.live.manifestProblems;
  if (!first) return undefined;
  const more = rest.length > 0 ? ` (and ${rest.length} more snapshot(s))` : '';
  return `live snapshot ${shortId(first.snapshotId)} ${first.problem}${more}: ` +
    'which objects are live cannot be proven, so no object ref or object is deleted';
}

export async function planRefs(rt: PhaseRuntime) {
  const { session, repo } = rt;
  const refused = objectPhasesRefusal(rt);
  // A refused phase still selects nothing, so that phase 4 finds no candidates.
  const refs = await selectInto(session, 'gc_object_refs', `
    select r.object_id as id from musehub_object_refs r
    where ${refused ? 'false and ' : ''}r.repo_id = ? and r.created_at <= ?
    except select id from gc_live_objects`, [repo.repoId, rt.cutoff]);
  const kept: Kept[] = [];
  if (!refused) {
    const young = await session.one<{ count: number }>(`
      select count(*)::int as count from (
        select r.object_id from musehub_object_refs r where r.repo_id = ? and r.created_at > ?
        except select id from gc_live_objects) as young`, [repo.repoId, rt.cutoff]);
    if (young.count > 0) {
      kept.push({ reason: 'grace', count: young.count,
        detail: `${counted(young.count, 'ref')} younger than the grace period (${formatDuration(rt.graceSeconds)})` });
    }
  }
  const items = await session.rows<{ id: string; bytes: number }>(`
    select g.id, o.size_bytes::float8 as bytes from gc_object_refs g
    left join musehub_objects o on o.object_id = g.id order by g.id limit ?`, [rt.itemLimit]);
  return phasePlan('refs', { refs, kept, items, refused });
}

export async function applyRefs(rt: PhaseRuntime, planned: { refs: number }, progress: Progress): Promise<PhaseApplied> {
  const { session, repo } = rt;
  await holdRoots(rt);
  await session.execute(`
    select count(*) from (select 1 from musehub_object_refs r join gc_object_refs g on g.id = r.object_id
      where r.repo_id = ? for update of r) as locked`, [repo.repoId]);
  // The objects wait in musehub_gc_pending for phase 4, of this run or, if it stops here, the next.
  const refs = await inChunks(planned.refs, async (from, to) => (await session.one<{ count: number }>(`
    with deleted as (
      delete from musehub_object_refs r
      where r.repo_id = ? and r.object_id = ${chunkIds('gc_object_refs')} and r.created_at <= ?
        and not exists (select 1 from gc_live_objects l where l.id = r.object_id)
      returning r.object_id),
    pending as (
      insert into musehub_gc_pending (repo_id, kind, ids)
      select ?, 'object', array_agg(object_id) from deleted having count(*) > 0)
    select count(*)::int as count from deleted`, [repo.repoId, from, to, rt.cutoff, repo.repoId])).count,
  (done) => progress(done, planned.refs, 0));
  return { refs, rows: 0, bytes: 0, blobs: 0, keptSincePlan: planned.refs - refs,
    differences: sincePlan(planned.refs - refs, 'object refs') };
}
