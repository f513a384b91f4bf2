/** Phase 3: the repo's refs to objects that none of its live snapshots names. */
import { counted } from '../../present/words.js';
import { readCopy } from '../../db/copy-rows.js';
import { formatGrace } from '../duration.js';
import type { ObjectLiveness } from '../live-set.js';
import { IdList } from '../packed-ids.js';
import type { Kept, PlanSets } from '../types.js';
import {
  batchRelation,
  DELETE_CHUNK,
  goneLine,
  idsOf,
  keptLine,
  Leftover,
  objectsOf,
  smallest,
  type ApplyContext,
  type PhaseApplied,
  type PhasePlanned,
  type PlanContext,
  type PlanStep,
  type PrepareContext,
  type RepoPlanning,
  type PhaseSteps,
} from './runtime.js';

/** Each repo's object refs, old enough to go or not, are read before the walk; liveness sorts them after. */
export async function prepareRefs(ctx: PrepareContext): Promise<PlanStep> {
  const refs = new Map(
    ctx.repos.map((repo) => [repo.repoId, { old: new IdList('sha256'), young: new IdList('sha256') }]),
  );
  await readCopy(
    ctx.session.copyOut(
      `select repo_id, object_id, created_at <= ? from musehub_object_refs
      where repo_id in (select id from ${await batchRelation(ctx)} as batch)`,
      [ctx.clock.cutoff],
    ),
    (row) => {
      const repo = refs.get(row.text(0)!)!;
      (row.bool(2) ? repo.old : repo.young).pushText(row.buf, row.starts[1]!, row.ends[1]!);
    },
  );
  return (planCtx, repos) => planRefs(planCtx, repos, refs);
}

async function planRefs(
  ctx: PlanContext,
  repos: readonly RepoPlanning[],
  refs: ReadonlyMap<string, { old: IdList; young: IdList }>,
): Promise<PhasePlanned[]> {
  const drafts = repos.map((repo) => {
    const live = objectsOf(repo).objects;
    const { old, young } = refs.get(repo.repo.repoId)!;
    const notLive = (bytes: Uint8Array, at: number) => live.indexOfKey(bytes, at) < 0;
    const objectRefs = old.filterKeys(notLive, (id) => !live.has(id));
    return {
      objectRefs,
      young: young.filterKeys(notLive, (id) => !live.has(id)).size,
      first: smallest(objectRefs, ctx.itemLimit),
    };
  });
  const first = drafts.flatMap((draft) => draft.first);
  const sizes = new Map(
    first.length === 0
      ? []
      : (
          await ctx.session.rows<{ id: string; bytes: number }>(
            'select object_id as id, size_bytes::float8 as bytes from musehub_objects where object_id = any(?)',
            [first],
          )
        ).map((row) => [row.id, row.bytes]),
  );
  return drafts.map(
    ({ objectRefs, young, first: listed }): PhasePlanned => ({
      plan: {
        phase: 'refs',
        refs: objectRefs.size,
        rows: 0,
        bytes: 0,
        blobs: 0,
        kept: keptLine(
          'grace',
          young,
          `${counted(young, 'ref')} younger than the grace period (${formatGrace(ctx.graceSeconds)})`,
        ),
        items: listed.map((id) => ({ id, ...(sizes.has(id) ? { bytes: sizes.get(id)! } : {}) })),
      },
      sets: { objectRefs },
    }),
  );
}

export async function applyRefs(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied> {
  const { repo } = ctx;
  const left = new Leftover();
  await ctx.chunks.run(sets.objectRefs.chunks(DELETE_CHUNK), sets.objectRefs.size, async (session, chunk) => {
    // The objects wait in musehub_gc_pending for phase 4, of this run or, if it stops here, the next.
    const { count } = await session.one<{ count: number }>(
      `
      with deleted as (
        delete from musehub_object_refs where repo_id = ? and object_id = any(?) and created_at <= ?
        returning object_id),
      pending as (
        insert into musehub_gc_pending (repo_id, kind, ids)
        select ?, 'object', array_agg(object_id) from deleted having count(*) > 0)
      select count(*)::int as count from deleted`,
      [repo.repoId, chunk, ctx.clock.cutoff, repo.repoId],
    );
    await left.note(chunk, count, () =>
      idsOf(session, 'select object_id as id from musehub_object_refs where repo_id = ? and object_id = any(?)', [
        repo.repoId,
        chunk,
      ]),
    );
    return { refs: count, rows: 0, bytes: 0 };
  });
  return {
    kept: [
      ...keptLine('grace', left.kept.length, `${counted(left.kept.length, 'object ref')} pushed again since the plan`),
      ...goneLine(left.gone, 'object ref'),
    ],
  };
}

/** Why object refs the plan listed are no longer garbage in a plan derived since: their object is live again. */
export function explainObjectRefs(ids: IdList, live: ObjectLiveness): Kept[] {
  let liveAgain = 0;
  for (const id of ids) if (live.objects.has(id)) liveAgain++;
  const other = ids.size - liveAgain;
  return [
    ...keptLine(
      'live',
      liveAgain,
      `${counted(liveAgain, 'object ref')} live again: a snapshot a push since the plan reaches names ${liveAgain === 1 ? 'its object' : 'their objects'}`,
    ),
    ...keptLine('grace', other, `${counted(other, 'object ref')} pushed again or gone since the plan`),
  ];
}

/** Phase 3's steps (the catalog's `refs`). */
export const REFS_STEPS: PhaseSteps<'refs'> = {
  prepare: prepareRefs,
  apply: applyRefs,
  dropped: { objectRefs: async (ctx, ids) => explainObjectRefs(ids, ctx.live) },
};
