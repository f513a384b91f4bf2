/**
 * Phase 5: the repo's expired fetch-pack cache rows, and their mpack blobs unless
 * a remaining cache row (of any repo) still names them.
 */
import { counted } from '../../present/words.js';
import { readCopy } from '../../db/copy-rows.js';
import { byId } from '../ids.js';
import { writtenEntry, type WrittenEntry } from '../journal.js';
import { IdList } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { Kept, PlanItem, PlanSets } from '../types.js';
import {
  batchRelation,
  DELETE_CHUNK,
  goneLine,
  idsOf,
  keptLine,
  Leftover,
  type ApplyContext,
  type PhaseApplied,
  type PhasePlanned,
  type PlanStep,
  type PrepareContext,
  type PhaseSteps,
  noLongerGarbage,
} from './runtime.js';

/** The cache needs no liveness: each repo's whole plan is made before the walk. */
export async function prepareCache(ctx: PrepareContext): Promise<PlanStep> {
  const planned = await planCache(ctx);
  return async (_planCtx, repos) => repos.map(({ repo }) => planned.get(repo.repoId)!);
}

async function planCache(ctx: PrepareContext): Promise<Map<string, PhasePlanned>> {
  const { session } = ctx;
  const now = ctx.clock.now;
  const batch = await batchRelation(ctx);
  const repos = new Map(
    ctx.repos.map((repo) => [
      repo.repoId,
      {
        cacheRows: new IdList('uuid'),
        mpacks: new Map<string, { bytes: number; freed: boolean }>(),
        rows: [] as PlanItem[],
      },
    ]),
  );
  // An mpack's blob goes with the last row naming it: none of the rows that stay (nor an object row, sharing the key space).
  await readCopy(
    session.copyOut(
      `
      select c.repo_id, c.cache_id, c.mpack_id, c.size_bytes,
             not exists (select 1 from musehub_fetch_mpack_cache o
                         where o.mpack_id = c.mpack_id and not (o.repo_id = c.repo_id and o.expires_at <= ?))
             and not exists (select 1 from musehub_objects x where x.object_id = c.mpack_id)
      from musehub_fetch_mpack_cache c
      where c.repo_id in (select id from ${batch} as batch) and c.expires_at <= ?`,
      [now, now],
    ),
    (row) => {
      const repo = repos.get(row.text(0)!)!;
      repo.cacheRows.pushText(row.buf, row.starts[1]!, row.ends[1]!);
      const mpack = row.text(2)!;
      const bytes = row.int(3);
      repo.mpacks.set(mpack, { bytes: Math.max(bytes, repo.mpacks.get(mpack)?.bytes ?? 0), freed: row.bool(4) });
      repo.rows.push({ id: row.text(1)!, label: mpack, bytes });
    },
  );
  const fresh = new Map(
    (
      await session.rows<{ repo: string; fresh: number }>(
        `select repo_id as repo, count(*)::int as fresh
    from musehub_fetch_mpack_cache where repo_id in (select id from ${batch} as batch) and expires_at > ? group by 1`,
        [now],
      )
    ).map((row) => [row.repo, row.fresh]),
  );
  return new Map(
    [...repos].map(([repoId, { cacheRows, mpacks, rows }]) => {
      let bytes = 0;
      let blobs = 0;
      for (const mpack of mpacks.values()) {
        if (!mpack.freed) continue;
        blobs++;
        bytes += mpack.bytes;
      }
      const shared = mpacks.size - blobs;
      const freshRows = fresh.get(repoId) ?? 0;
      const kept: Kept[] = [
        ...keptLine('fresh', freshRows, counted(freshRows, 'fresh entry', 'fresh entries')),
        ...keptLine('shared-blob', shared, `${counted(shared, 'mpack blob')} still named by a remaining cache row`),
      ];
      const items = rows.sort((a, b) => byId(a.id, b.id)).slice(0, ctx.itemLimit);
      return [
        repoId,
        {
          plan: { phase: 'cache', refs: 0, rows: cacheRows.size, bytes, blobs, kept, items },
          sets: { cacheRows },
        },
      ];
    }),
  );
}

export async function applyCache(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied> {
  const { repo } = ctx;
  const left = new Leftover();
  await ctx.chunks.run(sets.cacheRows.chunks(DELETE_CHUNK), sets.cacheRows.size, async (session, chunk) => {
    const deleted = await session.rows<{ mpack_id: string; size_bytes: number }>(
      `
      delete from musehub_fetch_mpack_cache where cache_id = any(?) and repo_id = ? and expires_at <= ?
      returning mpack_id, size_bytes::float8 as size_bytes`,
      [chunk, repo.repoId, ctx.clock.now],
    );
    await left.note(chunk, deleted.length, () =>
      idsOf(session, 'select cache_id as id from musehub_fetch_mpack_cache where cache_id = any(?)', [chunk]),
    );
    const sizes = new Map<string, number>();
    for (const row of deleted) sizes.set(row.mpack_id, Math.max(row.size_bytes, sizes.get(row.mpack_id) ?? 0));
    // A new statement: it sees the rows just deleted as gone, and any other row naming the mpack.
    const journal = await session.one<{ bytes: number } & WrittenEntry>(
      `
      with freed as (
        select m.id, m.size from unnest(?::text[], ?::float8[]) as m(id, size)
        where not exists (select 1 from musehub_fetch_mpack_cache c where c.mpack_id = m.id)
          and not exists (select 1 from musehub_objects o where o.object_id = m.id)),
      journaled as (
        insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes)
        select ?, 'mpack', array_agg(id), array_agg(null::text), array_agg(size::bigint) from freed having count(*) > 0
        returning entry_id::text, kind, blob_ids, storage_uris, sizes::float8[])
      select f.bytes, j.* from (select coalesce(sum(size), 0)::float8 as bytes from freed) as f left join journaled j on true`,
      [[...sizes.keys()], [...sizes.values()], ctx.runId],
    );
    return { refs: 0, rows: deleted.length, bytes: journal.bytes, journaled: writtenEntry(journal) };
  });
  return {
    kept: [
      ...keptLine(
        'fresh',
        left.kept.length,
        `${counted(left.kept.length, 'cache entry', 'cache entries')} not expired when the phase ran`,
      ),
      ...goneLine(left.gone, 'cache entry'),
    ],
  };
}

/** The mpack blobs the cache rows free: those no other cache row (nor an object row) names, as phase 5 deletes. */
export async function mpackBytes(session: Session, cacheRows: IdList): Promise<{ bytes: number; blobs: number }> {
  return session.one<{ bytes: number; blobs: number }>(
    `
    with going as (select unnest(?::text[]) as cache_id),
    mpacks as (
      select c.mpack_id, max(c.size_bytes) as bytes from musehub_fetch_mpack_cache c join going g using (cache_id)
      group by c.mpack_id)
    select coalesce(sum(m.bytes), 0)::float8 as bytes, count(*)::int as blobs from mpacks m
    where not exists (select 1 from musehub_fetch_mpack_cache o
                      where o.mpack_id = m.mpack_id and o.cache_id not in (select cache_id from going))
      and not exists (select 1 from musehub_objects x where x.object_id = m.mpack_id)`,
    [[...cacheRows]],
  );
}

/** Phase 5's steps (the catalog's `cache`). */
export const CACHE_STEPS: PhaseSteps<'cache'> = {
  prepare: prepareCache,
  apply: applyCache,
  dropped: { cacheRows: noLongerGarbage('cache entries') },
  freed: (session, sets) => mpackBytes(session, sets.cacheRows),
};
