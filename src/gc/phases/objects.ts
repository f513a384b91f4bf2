/**
 * Phase 4: object rows whose last ref went in phase 3 (of this run or an earlier,
 * interrupted one). Rows go in the phase's transaction together with one journal
 * entry per chunk for their blobs; the blobs go after it commits, from the journal
 * (see journal.ts).
 */
import { counted } from '../../words.js';
import { readCopy } from '../../db/copy-rows.js';
import { formatGrace } from '../duration.js';
import { IdIndex, IdList } from '../packed-ids.js';
import type { Kept, PlanItem, PlanSets } from '../types.js';
import {
  DELETE_CHUNK, goneLine, heldByOtherRepos, idsOf, keptLine, Leftover, stayCounts, TopN, type ApplyContext, type PhaseApplied, type PhasePlanned, type PlanContext, type PlanStep,
  type PrepareContext,
} from './runtime.js';

/**
 * What keeps pending objects (of `listed`) from going: no row, stored within the grace period, or
 * a repo's ref to them again; of the rest, the bytes they free and the largest few.
 */
async function pendingFacts(ctx: PlanContext, listed: string) {
  const heldIds = await idsOf(ctx.session, `select g.id from ${listed} g where g.id in (select object_id from musehub_object_refs)`);
  const excluded = IdIndex.of(IdList.of('sha256', heldIds));
  const facts = { excluded, young: 0, bytes: 0, largest: new TopN<PlanItem>(ctx.itemLimit) };
  await readCopy(ctx.session.copyOut(`
      select g.id, o.object_id is null, o.created_at > ?, o.size_bytes
      from ${listed} g left join musehub_objects o on o.object_id = g.id`, [ctx.clock.cutoff]), (row) => {
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

/** What stands between the repo's old refs and their objects going: read before the walk, over all of them. */
interface ObjectFacts {
  /** The objects of the repo's refs older than the cutoff, numbered as `sizes` and `young` are. */
  index: IdIndex;
  sizes: number[];
  /** Stored within the grace period. */
  young: boolean[];
  /** Another repo refers to them too. */
  held: IdIndex;
  pending: string[];
}

/**
 * The objects of the repo's old refs with their sizes and ages, the ones another repo holds too
 * (as a semi-join the planner hashes or probes), and the objects earlier runs left pending.
 */
export async function prepareObjects(ctx: PrepareContext): Promise<PlanStep> {
  const { session, repo, clock } = ctx;
  const facts: ObjectFacts = { index: new IdIndex('sha256'), sizes: [], young: [], held: new IdIndex('sha256'), pending: [] };
  await readCopy(session.copyOut(`
      select r.object_id, o.size_bytes, o.created_at > ?
      from musehub_object_refs r join musehub_objects o on o.object_id = r.object_id
      where r.repo_id = ? and r.created_at <= ?`, [clock.cutoff, repo.repoId, clock.cutoff], 'binary'), (row) => {
    const number = facts.index.addText(row.buf, row.starts[0]!, row.ends[0]!);
    facts.sizes[number] = row.int(1);
    facts.young[number] = row.bool(2);
  });
  for (const id of await idsOf(session, `select r.object_id as id from musehub_object_refs r
      where r.repo_id = ? and r.created_at <= ? and r.object_id in (select object_id from musehub_object_refs where repo_id <> ?)`,
  [repo.repoId, clock.cutoff, repo.repoId])) facts.held.add(id);
  facts.pending = await idsOf(session,
    `select distinct unnest(ids) as id from musehub_gc_pending where repo_id = ? and kind = 'object'`, [repo.repoId]);
  return (planCtx, sets) => planObjects(planCtx, sets, facts);
}

async function planObjects(ctx: PlanContext, sets: Pick<PlanSets, 'objectRefs'>, facts: ObjectFacts): Promise<PhasePlanned> {
  const { session } = ctx;
  // The objects whose refs phase 3 deletes, unless another repo refers to one too…
  const objects = new IdList('sha256', sets.objectRefs.size);
  const largest = new TopN<number>(ctx.itemLimit);
  const held: string[] = [];
  let bytes = 0;
  let young = 0;
  const consider = (number: number, heldElsewhere: boolean) => {
    if (heldElsewhere) held.push(facts.index.idOf(number));
    else if (number < 0 || facts.young[number]) young++;
    else {
      facts.index.copyTo(number, objects);
      bytes += facts.sizes[number]!;
      largest.add(number, facts.sizes[number]!);
    }
  };
  sets.objectRefs.forEachKey((key, at) => consider(facts.index.indexOfKey(key, at), facts.held.indexOfKey(key, at) >= 0),
    (id) => consider(facts.index.indexOf(id), facts.held.has(id)));
  const items: PlanItem[] = largest.highest().map((number) => ({ id: facts.index.idOf(number), bytes: facts.sizes[number]! }));
  // …and those whose refs an earlier, interrupted run deleted, unless any repo refers to one again.
  const queued = facts.pending.length === 0 ? undefined : IdIndex.of(sets.objectRefs);
  const pending = IdList.of('sha256', facts.pending.filter((id) => !queued!.has(id)));
  if (pending.size > 0) {
    const fromPending = await pendingFacts(ctx, await session.idRelation(pending));
    for (const id of pending) if (!fromPending.excluded.has(id)) objects.push(id);
    young += fromPending.young;
    bytes += fromPending.bytes;
    items.push(...fromPending.largest.highest());
    items.sort((a, b) => b.bytes! - a.bytes! || (a.id < b.id ? -1 : 1)).splice(ctx.itemLimit);
  }
  const kept: Kept[] = [
    ...await heldByOtherRepos(ctx, held, 'musehub_object_refs', 'object_id', 'object'),
    ...keptLine('grace', young, `${counted(young, 'object')} stored within the grace period (${formatGrace(ctx.graceSeconds)})`),
  ];
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
  const counts = await stayCounts(ctx, ids, { table: 'musehub_objects', column: 'object_id', refs: 'musehub_object_refs' },
    { sql: 't.created_at > ?', bindings: [ctx.clock.cutoff] });
  return [
    ...keptLine('other-repo', counts.held, `${counted(counts.held, 'object')} referenced by another repo when the phase ran`),
    ...keptLine('in-use', counts.ours, `${counted(counts.ours, 'object')} referenced by this repo again`),
    ...keptLine('grace', counts.extra, `${counted(counts.extra, 'object')} stored within the grace period`),
    ...goneLine(counts.gone, 'object'),
  ];
}
