/**
 * Phase 4: object rows whose last ref went in phase 3 (of this run or an earlier,
 * interrupted one). Rows go in the phase's transaction together with one journal
 * entry per chunk for their blobs; the blobs go after it commits, from the journal
 * (see journal.ts).
 */
import { counted } from '../../words.js';
import { readCopy } from '../copy-rows.js';
import { formatGrace } from '../duration.js';
import { IdIndex, IdList } from '../packed-ids.js';
import type { Kept, PlanItem, PlanSets } from '../types.js';
import {
  DELETE_CHUNK, goneLine, heldByOtherRepos, TopN, idsOf, keptLine, Leftover, type ApplyContext, type PhaseApplied, type PhasePlanned, type PlanContext,
} from './runtime.js';

/**
 * What keeps the candidates of `table` from going: no row, stored within the grace period,
 * or `held` by a repo's ref (as a semi-join, so that the planner chooses between hashing the
 * refs and probing them). Of the rest, the bytes they free and the largest few.
 */
async function candidateFacts(ctx: PlanContext, table: string, held: string, bindings: readonly unknown[]) {
  const heldIds = await idsOf(ctx.session, `select g.id from ${table} g where g.id in (${held})`, bindings);
  const excluded = IdIndex.of(IdList.of('sha256', heldIds));
  const facts = { excluded, held: heldIds, young: 0, bytes: 0, largest: new TopN<PlanItem>(ctx.itemLimit) };
  await readCopy(ctx.session.copyOut(`
      select g.id, o.object_id is null, o.created_at > ?, o.size_bytes
      from ${table} g left join musehub_objects o on o.object_id = g.id`, [ctx.clock.cutoff]), (row) => {
    if (excluded.indexOfText(row.buf, row.starts[0]!, row.ends[0]!) >= 0) return;
    if (row.bool(1) || row.bool(2)) {
      excluded.addText(row.buf, row.starts[0]!, row.ends[0]!);
      if (!row.bool(1)) facts.young++;
      return;
    }
    const bytes = row.int(3);
    facts.bytes += bytes;
    if (facts.largest.admits(bytes)) facts.largest.add({ id: row.text(0)!, bytes }, bytes);
  });
  return facts;
}

export async function planObjects(ctx: PlanContext, sets: Pick<PlanSets, 'objectRefs'>): Promise<PhasePlanned> {
  const { session, repo } = ctx;
  // The objects whose refs phase 3 deletes, unless another repo refers to one too…
  const table = await session.idTable(sets.objectRefs);
  const fromRefs = await candidateFacts(ctx, table, 'select object_id from musehub_object_refs where repo_id <> ?', [repo.repoId]);
  const objects = sets.objectRefs.filterKeys((bytes, at) => fromRefs.excluded.indexOfKey(bytes, at) < 0, (id) => !fromRefs.excluded.has(id));
  // …and those whose refs an earlier, interrupted run deleted, unless any repo refers to one again.
  const pendingIds = (await session.rows<{ id: string }>(
    `select distinct unnest(ids) as id from musehub_gc_pending where repo_id = ? and kind = 'object'`, [repo.repoId],
  )).map((row) => row.id);
  const queued = pendingIds.length === 0 ? undefined : IdIndex.of(sets.objectRefs);
  const pending = IdList.of('sha256', pendingIds.filter((id) => !queued!.has(id)));
  const fromPending = pending.size === 0 ? undefined
    : await candidateFacts(ctx, await session.idTable(pending), 'select object_id from musehub_object_refs', []);
  if (fromPending) for (const id of pending) if (!fromPending.excluded.has(id)) objects.push(id);

  const young = fromRefs.young + (fromPending?.young ?? 0);
  const kept: Kept[] = [
    ...await heldByOtherRepos(ctx, fromRefs.held, 'musehub_object_refs', 'object_id', 'object'),
    ...keptLine('grace', young, `${counted(young, 'object')} stored within the grace period (${formatGrace(ctx.graceSeconds)})`),
  ];
  const items = [...fromRefs.largest.highest(), ...fromPending?.largest.highest() ?? []]
    .sort((a, b) => b.bytes! - a.bytes! || (a.id < b.id ? -1 : 1)).slice(0, ctx.itemLimit);
  const bytes = fromRefs.bytes + (fromPending?.bytes ?? 0);
  return {
    plan: { phase: 'objects', refs: 0, rows: objects.size, bytes, blobs: objects.size, kept, items },
    sets: { objects },
  };
}

export async function applyObjects(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied> {
  const left = new Leftover();
  await ctx.chunks.run(sets.objects.chunks(DELETE_CHUNK), sets.objects.size, async (session, chunk) => {
    // Lock first: a push that adds a ref afterwards waits, then fails on the foreign key.
    await session.execute('select 1 from musehub_objects where object_id = any(?) for update', [chunk]);
    const done = await session.one<{ count: number; bytes: number; entry: string | null }>(`
      with deleted as (
        delete from musehub_objects o
        where o.object_id = any(?) and o.created_at <= ?
          and not exists (select 1 from musehub_object_refs x where x.object_id = o.object_id)
        returning o.object_id, o.size_bytes, o.storage_uri),
      journaled as (
        insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes)
        select ?, 'object', array_agg(object_id), array_agg(storage_uri), array_agg(size_bytes) from deleted
        having count(*) > 0
        returning entry_id)
      select count(*)::int as count, coalesce(sum(size_bytes), 0)::float8 as bytes,
             (select entry_id::text from journaled) as entry from deleted`,
    [chunk, ctx.clock.cutoff, ctx.runId]);
    await left.note(chunk, done.count, () => idsOf(session, 'select object_id as id from musehub_objects where object_id = any(?)', [chunk]));
    return { refs: 0, rows: done.count, bytes: done.bytes, entryId: done.entry };
  });
  await settlePendingObjects(ctx);
  return { kept: [...await explainObjects(ctx, left.kept), ...goneLine(left.gone, 'object')] };
}

/**
 * Pending objects still stored and referenced by no repo wait for the next run (one stored
 * within the grace period, one a plan file did not list); the rest are settled.
 */
async function settlePendingObjects(ctx: ApplyContext): Promise<void> {
  const repoId = ctx.repo.repoId;
  await ctx.session.transaction(() => ctx.session.execute(`
    with ids as (select distinct unnest(ids) as id from musehub_gc_pending where repo_id = ? and kind = 'object'),
    waiting as (
      select array_agg(i.id) as ids from ids i join musehub_objects o on o.object_id = i.id
      where not exists (select 1 from musehub_object_refs x where x.object_id = i.id)),
    settled as (delete from musehub_gc_pending where repo_id = ? and kind = 'object')
    insert into musehub_gc_pending (repo_id, kind, ids) select ?, 'object', ids from waiting where ids is not null`,
  [repoId, repoId, repoId]), ctx.chunks.dryRun);
}

/** Why objects the plan listed stay: a repo references them again, or they were stored within the grace period. */
export async function explainObjects(ctx: Pick<ApplyContext, 'session' | 'repo' | 'clock'>, ids: string[]): Promise<Kept[]> {
  if (ids.length === 0) return [];
  const counts = await ctx.session.one<{ gone: number; held: number; ours: number; young: number }>(`
    select count(*) filter (where o.object_id is null)::int as gone,
           count(*) filter (where o.object_id is not null and exists
             (select 1 from musehub_object_refs x where x.object_id = g.id and x.repo_id <> ?))::int as held,
           count(*) filter (where o.object_id is not null and exists
             (select 1 from musehub_object_refs x where x.object_id = g.id and x.repo_id = ?))::int as ours,
           count(*) filter (where o.created_at > ?)::int as young
    from unnest(?::text[]) as g(id) left join musehub_objects o on o.object_id = g.id`,
  [ctx.repo.repoId, ctx.repo.repoId, ctx.clock.cutoff, ids]);
  return [
    ...keptLine('other-repo', counts.held, `${counted(counts.held, 'object')} referenced by another repo when the phase ran`),
    ...keptLine('in-use', counts.ours, `${counted(counts.ours, 'object')} referenced by this repo again`),
    ...keptLine('grace', counts.young, `${counted(counts.young, 'object')} stored within the grace period`),
    ...goneLine(counts.gone, 'object'),
  ];
}
