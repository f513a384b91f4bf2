/** Phase 2: snapshots of the commits phase 1 deletes that no remaining commit and no release uses. */
import { counted } from '../../words.js';
import { readCopy } from '../../db/copy-rows.js';
import { IdIndex, IdList } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { Kept, PlanSets } from '../types.js';
import {
  DELETE_CHUNK, goneLine, idsOf, keptLine, Leftover, type ApplyContext, type PhaseApplied, type PhasePlanned, type PlanContext, type PlanStep,
  type PrepareContext,
} from './runtime.js';

/** The snapshots an earlier, interrupted run's commits left are known before the walk. */
export async function prepareSnapshots(ctx: PrepareContext): Promise<PlanStep> {
  const pending = await pendingSnapshots(ctx.session, ctx.repo.repoId);
  return (planCtx, sets) => planSnapshots(planCtx, sets, pending);
}

async function planSnapshots(ctx: PlanContext, sets: Pick<PlanSets, 'commits'>, pending: readonly string[]): Promise<PhasePlanned> {
  const { session, live } = ctx;
  const { graph } = live;
  // The snapshots of the commits phase 1 deletes, with how many of those use each; then the
  // snapshots an earlier, interrupted run's commits left.
  const candidates = new IdIndex('hex');
  const deletedUses: number[] = [];
  sets.commits.forEachKey((bytes, at) => {
    const snapshot = graph.snapshotNumber(graph.ids.indexOfKey(bytes, at));
    if (snapshot < 0) return;
    const number = candidates.addFrom(graph.snapshots, snapshot);
    deletedUses[number] = (deletedUses[number] ?? 0) + 1;
  }, (id) => {
    const snapshot = graph.snapshotNumber(graph.ids.indexOf(id));
    if (snapshot >= 0) {
      const number = candidates.addFrom(graph.snapshots, snapshot);
      deletedUses[number] = (deletedUses[number] ?? 0) + 1;
    }
  });
  for (const id of pending) candidates.add(id);

  // A snapshot goes when it has a row, no release pins it, and only commits phase 1 deletes use it.
  // No index leads from a snapshot to its commits: one pass over the commits counts them.
  const listed = await session.idRelation(candidates.toList());
  const snapshots = new IdList('hex');
  let inUse = 0;
  let released = 0;
  await readCopy(session.copyOut(`
      select g.id, count(c.commit_id), g.id in (select snapshot_id from musehub_releases where snapshot_id is not null),
             exists (select 1 from musehub_snapshots s where s.snapshot_id = g.id)
      from ${listed} g left join musehub_commits c on c.snapshot_id = g.id group by g.id`), (row) => {
    if (!row.bool(3)) return;
    const number = candidates.indexOfText(row.buf, row.starts[0]!, row.ends[0]!);
    if (row.bool(2)) released++;
    else if (row.int(1) > (deletedUses[number] ?? 0)) inUse++;
    else candidates.copyTo(number, snapshots);
  });
  const kept: Kept[] = [
    ...keptLine('in-use', inUse, `${inUse} still used by commits that stay`),
    ...keptLine('pinned', released, `${released} pinned by a release`),
  ];
  return {
    plan: { phase: 'snapshots', refs: 0, rows: snapshots.size, bytes: 0, blobs: 0, kept,
      items: [...snapshots.first(ctx.itemLimit)].sort().map((id) => ({ id })) },
    sets: { snapshots },
  };
}

export async function applySnapshots(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied> {
  const { session, repo } = ctx;
  // Phase 1 has deleted its commits: whatever commit still uses a snapshot now stays, as does a release's.
  // Pending snapshots are looked at too, to settle which of them still wait for a run.
  const examined = new IdIndex('hex');
  examined.addAll(sets.snapshots);
  for (const id of await pendingSnapshots(session, repo.repoId)) examined.add(id);
  const everything = examined.toList();
  const inUse = await snapshotsInUse(session, everything);
  const used = (id: string) => inUse.byCommit.has(id) || inUse.byRelease.has(id);
  const deletable = sets.snapshots.filter((id) => !used(id) && !inUse.absent.has(id));
  const left = new Leftover();
  await ctx.chunks.run(deletable.chunks(DELETE_CHUNK), deletable.size, async (chunkSession, chunk) => {
    const rows = await chunkSession.execute(`
      delete from musehub_snapshots s where s.snapshot_id = any(?)
        and not exists (select 1 from musehub_releases x where x.snapshot_id = s.snapshot_id)`, [chunk]);
    await left.note(chunk, rows, () => idsOf(chunkSession, 'select snapshot_id as id from musehub_snapshots where snapshot_id = any(?)', [chunk]));
    return { refs: 0, rows, bytes: 0 };
  });

  // What still has its row and is used by nothing waits in pending for the next run; the rest is settled.
  const listed = await session.idRelation(everything);
  const waiting = (await idsOf(session, `select g.id from ${listed} g join musehub_snapshots s on s.snapshot_id = g.id`))
    .filter((id) => !used(id));
  await session.transaction(async () => {
    await session.execute(`delete from musehub_gc_pending where repo_id = ? and kind = 'snapshot'`, [repo.repoId]);
    if (waiting.length > 0) {
      await session.execute(`insert into musehub_gc_pending (repo_id, kind, ids) values (?, 'snapshot', ?)`, [repo.repoId, waiting]);
    }
  }, ctx.chunks.dryRun);

  let byCommit = 0;
  let byRelease = left.kept.length;
  let absent = left.gone;
  for (const id of sets.snapshots) {
    if (inUse.byRelease.has(id)) byRelease++;
    else if (inUse.byCommit.has(id)) byCommit++;
    else if (inUse.absent.has(id)) absent++;
  }
  return {
    kept: [
      ...keptLine('in-use', byCommit, `${counted(byCommit, 'snapshot')} used by a commit when the phase ran`),
      ...keptLine('pinned', byRelease, `${counted(byRelease, 'snapshot')} pinned by a release when the phase ran`),
      ...goneLine(absent, 'snapshot'),
    ],
  };
}

async function pendingSnapshots(session: Session, repoId: string): Promise<string[]> {
  const rows = await session.rows<{ id: string }>(
    `select distinct unnest(ids) as id from musehub_gc_pending where repo_id = ? and kind = 'snapshot'`, [repoId]);
  return rows.map((row) => row.id);
}

/**
 * Which of `snapshots` a commit or a release of any repo uses, and which have no row. No index
 * leads from a snapshot to its commits: one pass over the commits finds them.
 */
async function snapshotsInUse(session: Session, snapshots: IdList) {
  const inUse = { byCommit: new Set<string>(), byRelease: new Set<string>(), absent: new Set<string>() };
  if (snapshots.size === 0) return inUse;
  const listed = await session.idRelation(snapshots);
  await readCopy(session.copyOut(`
      select distinct c.snapshot_id from musehub_commits c join ${listed} g on g.id = c.snapshot_id`), (row) => {
    inUse.byCommit.add(row.text(0)!);
  });
  for (const row of await session.rows<{ id: string; why: string }>(`
      select distinct x.snapshot_id as id, 'release' as why from musehub_releases x join ${listed} g on g.id = x.snapshot_id
      union all
      select g.id, 'absent' from ${listed} g where not exists (select 1 from musehub_snapshots s where s.snapshot_id = g.id)`)) {
    (row.why === 'release' ? inUse.byRelease : inUse.absent).add(row.id);
  }
  for (const id of inUse.byRelease) inUse.byCommit.delete(id);
  return inUse;
}
