/**
 * Phase 4: object rows whose last ref went in phase 3 (of this run or an earlier,
 * interrupted one). Rows go in the phase's transaction together with one journal
 * entry per chunk for their blobs; the blobs go after it commits, from the journal
 * (see journal.ts).
 */
import { counted } from '../../present/words.js';
import { readCopy } from '../../db/copy-rows.js';
import { byId } from '../ids.js';
import { writtenEntry, type WrittenEntry } from '../journal.js';
import { formatGrace } from '../duration.js';
import { IdIndex, IdList } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { Kept, PlanItem, PlanSets } from '../types.js';
import {
  batchRelation,
  DELETE_CHUNK,
  goneLine,
  heldByOtherRepos,
  idsByRepo,
  idsOf,
  keptLine,
  Leftover,
  stayCounts,
  TopN,
  type ApplyContext,
  type PhaseApplied,
  type PhasePlanned,
  type PlanContext,
  type PlanStep,
  type PrepareContext,
  type RepoPlanning,
  type PhaseSteps,
} from './runtime.js';

/**
 * What keeps pending objects (of `listed`) from going: no row, stored within the grace period, or
 * a repo's ref to them again; of the rest, the bytes they free and the largest few.
 */
async function pendingFacts(ctx: PlanContext, listed: string) {
  const heldIds = await idsOf(
    ctx.session,
    `select g.id from ${listed} g where g.id in (select object_id from musehub_object_refs)`,
  );
  const excluded = IdIndex.of(IdList.of('sha256', heldIds));
  const facts = {
    excluded,
    young: 0,
    bytes: 0,
    largest: new TopN<PlanItem>(ctx.itemLimit, (a, b) => byId(a.id, b.id)),
  };
  await readCopy(
    ctx.session.copyOut(
      `
      select g.id, o.object_id is null, o.created_at > ?, o.size_bytes
      from ${listed} g left join musehub_objects o on o.object_id = g.id`,
      [ctx.clock.cutoff],
    ),
    (row) => {
      if (excluded.indexOfText(row.buf, row.starts[0]!, row.ends[0]!) >= 0) return;
      if (row.bool(1) || row.bool(2)) {
        excluded.addText(row.buf, row.starts[0]!, row.ends[0]!);
        if (!row.bool(1)) facts.young++;
        return;
      }
      const bytes = row.int(3);
      facts.bytes += bytes;
      if (facts.largest.admits(bytes)) facts.largest.add({ id: row.text(0)!, bytes }, bytes);
    },
  );
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
 * The objects of each repo's old refs with their sizes and ages, the ones another repo holds too
 * (as a semi-join the planner hashes or probes), and the objects earlier runs left pending.
 */
export async function prepareObjects(ctx: PrepareContext): Promise<PlanStep> {
  const { session, clock } = ctx;
  const batch = await batchRelation(ctx);
  const facts = new Map(
    ctx.repos.map((repo): [string, ObjectFacts] => [
      repo.repoId,
      { index: new IdIndex('sha256', 64), sizes: [], young: [], held: new IdIndex('sha256', 64), pending: [] },
    ]),
  );
  await readCopy(
    session.copyOut(
      `
      select r.repo_id, r.object_id, o.size_bytes, o.created_at > ?
      from musehub_object_refs r join musehub_objects o on o.object_id = r.object_id
      where r.repo_id in (select id from ${batch} as batch) and r.created_at <= ?`,
      [clock.cutoff, clock.cutoff],
      'binary',
    ),
    (row) => {
      const repo = facts.get(row.text(0)!)!;
      const number = repo.index.addText(row.buf, row.starts[1]!, row.ends[1]!);
      repo.sizes[number] = row.int(2);
      repo.young[number] = row.bool(3);
    },
  );
  for (const [repoId, ids] of await idsByRepo(
    session,
    `select r.repo_id as repo, r.object_id as id from musehub_object_refs r
      where r.repo_id in (select id from ${batch} as batch) and r.created_at <= ?
        and exists (select 1 from musehub_object_refs x where x.object_id = r.object_id and x.repo_id <> r.repo_id)`,
    [clock.cutoff],
  )) {
    for (const id of ids) facts.get(repoId)!.held.add(id);
  }
  for (const [repoId, ids] of await idsByRepo(
    session,
    `select distinct repo_id as repo, unnest(ids) as id from musehub_gc_pending
      where repo_id in (select id from ${batch} as batch) and kind = 'object'`,
  ))
    facts.get(repoId)!.pending = ids;
  return (planCtx, repos) => planObjects(planCtx, repos, facts);
}

async function planObjects(
  ctx: PlanContext,
  repos: readonly RepoPlanning[],
  facts: ReadonlyMap<string, ObjectFacts>,
): Promise<PhasePlanned[]> {
  const drafts = [];
  for (const { repo, sets } of repos) drafts.push(await planRepoObjects(ctx, sets, facts.get(repo.repoId)!));
  const held = drafts.map((draft, index) => ({ repoId: repos[index]!.repo.repoId, ids: draft.held }));
  const holders = await heldByOtherRepos(ctx.session, held, 'musehub_object_refs', 'object_id', 'object');
  return drafts.map(
    ({ objects, bytes, young, items }, index): PhasePlanned => ({
      plan: {
        phase: 'objects',
        refs: 0,
        rows: objects.size,
        bytes,
        blobs: objects.size,
        items,
        kept: [
          ...holders[index]!,
          ...keptLine(
            'grace',
            young,
            `${counted(young, 'object')} stored within the grace period (${formatGrace(ctx.graceSeconds)})`,
          ),
        ],
      },
      sets: { objects },
    }),
  );
}

/** A repo's objects that go, with their bytes and the largest; what another repo holds, what is too young. */
async function planRepoObjects(ctx: PlanContext, sets: Pick<PlanSets, 'objectRefs'>, facts: ObjectFacts) {
  // The objects whose refs phase 3 deletes, unless another repo refers to one too…
  const objects = new IdList('sha256', sets.objectRefs.size);
  const largest = new TopN<number>(ctx.itemLimit, (a, b) => byId(facts.index.idOf(a), facts.index.idOf(b)));
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
  sets.objectRefs.forEachKey(
    (key, at) => consider(facts.index.indexOfKey(key, at), facts.held.indexOfKey(key, at) >= 0),
    (id) => consider(facts.index.indexOf(id), facts.held.has(id)),
  );
  const items: PlanItem[] = largest
    .highest()
    .map((number) => ({ id: facts.index.idOf(number), bytes: facts.sizes[number]! }));
  // …and those whose refs an earlier, interrupted run deleted, unless any repo refers to one again.
  const queued = facts.pending.length === 0 ? undefined : IdIndex.of(sets.objectRefs);
  const pending = IdList.of(
    'sha256',
    facts.pending.filter((id) => !queued!.has(id)),
  );
  if (pending.size > 0) {
    const fromPending = await pendingFacts(ctx, await ctx.session.idRelation(pending));
    for (const id of pending) if (!fromPending.excluded.has(id)) objects.push(id);
    young += fromPending.young;
    bytes += fromPending.bytes;
    items.push(...fromPending.largest.highest());
    items.sort((a, b) => b.bytes! - a.bytes! || byId(a.id, b.id)).splice(ctx.itemLimit);
  }
  return { objects, bytes, young, items, held };
}

export async function applyObjects(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied> {
  const left = new Leftover();
  await ctx.chunks.run(sets.objects.chunks(DELETE_CHUNK), sets.objects.size, async (session, chunk) => {
    // Lock first: a push that adds a ref afterwards waits, then fails on the foreign key.
    await session.execute('select 1 from musehub_objects where object_id = any(?) for update', [chunk]);
    const done = await session.one<{ count: number; bytes: number } & WrittenEntry>(
      `
      with deleted as (
        delete from musehub_objects o
        where o.object_id = any(?) and o.created_at <= ?
          and not exists (select 1 from musehub_object_refs x where x.object_id = o.object_id)
        returning o.object_id, o.size_bytes, o.storage_uri),
      journaled as (
        insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes)
        select ?, 'object', array_agg(object_id), array_agg(storage_uri), array_agg(size_bytes) from deleted
        having count(*) > 0
        returning entry_id::text, kind, blob_ids, storage_uris, sizes::float8[])
      select d.count, d.bytes, j.* from
        (select count(*)::int as count, coalesce(sum(size_bytes), 0)::float8 as bytes from deleted) as d
        left join journaled j on true`,
      [chunk, ctx.clock.cutoff, ctx.runId],
    );
    await left.note(chunk, done.count, () =>
      idsOf(session, 'select object_id as id from musehub_objects where object_id = any(?)', [chunk]),
    );
    return { refs: 0, rows: done.count, bytes: done.bytes, journaled: writtenEntry(done) };
  });
  await settlePendingObjects(ctx);
  return { kept: [...(await explainObjects(ctx, left.kept)), ...goneLine(left.gone, 'object')] };
}

/**
 * Pending objects still stored and referenced by no repo wait for the next run (one stored
 * within the grace period, one a plan file did not list); the rest are settled.
 */
async function settlePendingObjects(ctx: ApplyContext): Promise<void> {
  const repoId = ctx.repo.repoId;
  await ctx.session.transaction(
    () =>
      ctx.session.execute(
        `
    with ids as (select distinct unnest(ids) as id from musehub_gc_pending where repo_id = ? and kind = 'object'),
    waiting as (
      select array_agg(i.id) as ids from ids i join musehub_objects o on o.object_id = i.id
      where not exists (select 1 from musehub_object_refs x where x.object_id = i.id)),
    settled as (delete from musehub_gc_pending where repo_id = ? and kind = 'object')
    insert into musehub_gc_pending (repo_id, kind, ids) select ?, 'object', ids from waiting where ids is not null`,
        [repoId, repoId, repoId],
      ),
    ctx.chunks.dryRun,
  );
}

/** Why objects the plan listed stay: a repo references them again, or they were stored within the grace period. */
export async function explainObjects(
  ctx: Pick<ApplyContext, 'session' | 'repo' | 'clock'>,
  ids: string[],
): Promise<Kept[]> {
  if (ids.length === 0) return [];
  const counts = await stayCounts(
    ctx,
    ids,
    { table: 'musehub_objects', column: 'object_id', refs: 'musehub_object_refs' },
    { sql: 't.created_at > ?', bindings: [ctx.clock.cutoff] },
  );
  return [
    ...keptLine(
      'other-repo',
      counts.held,
      `${counted(counts.held, 'object')} referenced by another repo when the phase ran`,
    ),
    ...keptLine('in-use', counts.ours, `${counted(counts.ours, 'object')} referenced by this repo again`),
    ...keptLine('grace', counts.extra, `${counted(counts.extra, 'object')} stored within the grace period`),
    ...goneLine(counts.gone, 'object'),
  ];
}

/** The bytes and blobs deleting `objects` frees: a narrowed plan's. */
export async function objectBytes(session: Session, objects: IdList): Promise<{ bytes: number; blobs: number }> {
  let bytes = 0;
  for (const chunk of objects.chunks(10_000)) {
    bytes += (
      await session.one<{ bytes: number }>(
        'select coalesce(sum(size_bytes), 0)::float8 as bytes from musehub_objects where object_id = any(?)',
        [chunk],
      )
    ).bytes;
  }
  return { bytes, blobs: objects.size };
}

/** Phase 4's steps (the catalog's `objects`). */
export const OBJECTS_STEPS: PhaseSteps<'objects'> = {
  prepare: prepareObjects,
  apply: applyObjects,
  dropped: { objects: (ctx, ids) => explainObjects(ctx, [...ids]) },
  freed: (session, sets) => objectBytes(session, sets.objects),
};
