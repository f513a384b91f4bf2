/** Phase 3: the repo's refs to objects that none of its live snapshots names. */
import { counted } from '../../words.js';
import { readCopy } from '../../db/copy-rows.js';
import { formatGrace } from '../duration.js';
import type { ObjectLiveness } from '../live-set.js';
import { IdList } from '../packed-ids.js';
import type { Kept, PlanSets } from '../types.js';
import {
  DELETE_CHUNK, goneLine, idsOf, keptLine, Leftover, objectsOf, type ApplyContext, type PhaseApplied, type PhasePlanned, type PlanContext, type PlanStep,
  type PrepareContext,
} from './runtime.js';

/** The repo's object refs, old enough to go or not, are read before the walk; liveness sorts them after. */
export async function prepareRefs(ctx: PrepareContext): Promise<PlanStep> {
  const old = new IdList('sha256');
  const young = new IdList('sha256');
  await readCopy(ctx.session.copyOut('select object_id, created_at <= ? from musehub_object_refs where repo_id = ?',
    [ctx.clock.cutoff, ctx.repo.repoId]), (row) => (row.bool(1) ? old : young).pushText(row.buf, row.starts[0]!, row.ends[0]!));
  return (planCtx) => planRefs(planCtx, old, young);
}

async function planRefs(ctx: PlanContext, old: IdList, youngRefs: IdList): Promise<PhasePlanned> {
  const { session } = ctx;
  const live = objectsOf(ctx).objects;
  const notLive = (bytes: Uint8Array, at: number) => live.indexOfKey(bytes, at) < 0;
  const objectRefs = old.filterKeys(notLive, (id) => !live.has(id));
  const young = youngRefs.filterKeys(notLive, (id) => !live.has(id)).size;
  const first = objectRefs.first(ctx.itemLimit).sort();
  const sizes = new Map((await session.rows<{ id: string; bytes: number }>(
    'select object_id as id, size_bytes::float8 as bytes from musehub_objects where object_id = any(?)', [first],
  )).map((row) => [row.id, row.bytes]));
  return {
    plan: { phase: 'refs', refs: objectRefs.size, rows: 0, bytes: 0, blobs: 0,
      kept: keptLine('grace', young, `${counted(young, 'ref')} younger than the grace period (${formatGrace(ctx.graceSeconds)})`),
      items: first.map((id) => ({ id, ...(sizes.has(id) ? { bytes: sizes.get(id)! } : {}) })) },
    sets: { objectRefs },
  };
}

export async function applyRefs(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied> {
  const { repo } = ctx;
  const left = new Leftover();
  await ctx.chunks.run(sets.objectRefs.chunks(DELETE_CHUNK), sets.objectRefs.size, async (session, chunk) => {
    // The objects wait in musehub_gc_pending for phase 4, of this run or, if it stops here, the next.
    const { count } = await session.one<{ count: number }>(`
      with deleted as (
        delete from musehub_object_refs where repo_id = ? and object_id = any(?) and created_at <= ?
        returning object_id),
      pending as (
        insert into musehub_gc_pending (repo_id, kind, ids)
        select ?, 'object', array_agg(object_id) from deleted having count(*) > 0)
      select count(*)::int as count from deleted`, [repo.repoId, chunk, ctx.clock.cutoff, repo.repoId]);
    await left.note(chunk, count, () => idsOf(session,
      'select object_id as id from musehub_object_refs where repo_id = ? and object_id = any(?)', [repo.repoId, chunk]));
    return { refs: count, rows: 0, bytes: 0 };
  });
  return {
    kept: [...keptLine('grace', left.kept.length, `${counted(left.kept.length, 'object ref')} pushed again since the plan`),
      ...goneLine(left.gone, 'object ref')],
  };
}

/** Why object refs the plan listed are no longer garbage in a plan derived since: their object is live again. */
export function explainObjectRefs(ids: IdList, live: ObjectLiveness): Kept[] {
  let liveAgain = 0;
  for (const id of ids) if (live.objects.has(id)) liveAgain++;
  const other = ids.size - liveAgain;
  return [
    ...keptLine('live', liveAgain, `${counted(liveAgain, 'object ref')} live again: a snapshot a push since the plan reaches names ${liveAgain === 1 ? 'its object' : 'their objects'}`),
    ...keptLine('grace', other, `${counted(other, 'object ref')} pushed again or gone since the plan`),
  ];
}
