/** Phase 2: snapshots of the commits phase 1 deletes that no remaining commit and no release uses. */
import { counted } from '../../present/words.js';
import { readCopy } from '../../db/copy-rows.js';
import { IdIndex, IdList } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { Kept, PlanSets } from '../types.js';
import {
  batchRelation,
  DELETE_CHUNK,
  goneLine,
  idsByRepo,
  idsOf,
  keptLine,
  Leftover,
  smallest,
  type ApplyContext,
  type PhaseApplied,
  type PhasePlanned,
  type PlanContext,
  type PlanStep,
  type PrepareContext,
  type RepoPlanning,
  type PhaseSteps,
  noLongerGarbage,
} from './runtime.js';

/** The snapshots an earlier, interrupted run's commits left are known before the walk. */
export async function prepareSnapshots(ctx: PrepareContext): Promise<PlanStep> {
  const pending = await idsByRepo(
    ctx.session,
    `select distinct repo_id as repo, unnest(ids) as id from musehub_gc_pending
    where repo_id in (select id from ${await batchRelation(ctx)} as batch) and kind = 'snapshot'`,
  );
  return (planCtx, repos) => planSnapshots(planCtx, repos, pending);
}

/** What the hub says of a snapshot: how many commits use it, whether a release pins it, whether it has a row. */
interface SnapshotUse {
  commits: number;
  released: boolean;
  stored: boolean;
}

async function planSnapshots(
  ctx: PlanContext,
  repos: readonly RepoPlanning[],
  pending: ReadonlyMap<string, string[]>,
): Promise<PhasePlanned[]> {
  // Each repo's candidates: the snapshots of the commits phase 1 deletes, with how many of those use
  // each; then the snapshots an earlier, interrupted run's commits left. All repos' candidates are
  // numbered in `everyCandidate`, for one pass over the hub's commits.
  const everyCandidate = new IdIndex('hex');
  const drafts = repos.map(({ repo, live, sets }) => {
    const { graph } = live;
    const candidates = new IdIndex('hex', 64);
    const deletedUses: number[] = [];
    const use = (snapshot: number) => {
      if (snapshot < 0) return;
      const number = candidates.addFrom(graph.snapshots, snapshot);
      deletedUses[number] = (deletedUses[number] ?? 0) + 1;
    };
    sets.commits.forEachKey(
      (bytes, at) => use(graph.snapshotNumber(graph.ids.indexOfKey(bytes, at))),
      (id) => use(graph.snapshotNumber(graph.ids.indexOf(id))),
    );
    for (const id of pending.get(repo.repoId) ?? []) candidates.add(id);
    const numbers = Array.from({ length: candidates.size }, (_, number) => everyCandidate.addFrom(candidates, number));
    return { candidates, deletedUses, numbers };
  });
  const uses = await snapshotUses(ctx.session, everyCandidate);

  // A snapshot goes when it has a row, no release pins it, and only commits phase 1 deletes use it.
  return drafts.map(({ candidates, deletedUses, numbers }): PhasePlanned => {
    const snapshots = new IdList('hex');
    let inUse = 0;
    let released = 0;
    numbers.forEach((everyNumber, number) => {
      const use = uses[everyNumber]!;
      if (!use.stored) return;
      if (use.released) released++;
      else if (use.commits > (deletedUses[number] ?? 0)) inUse++;
      else candidates.copyTo(number, snapshots);
    });
    const kept: Kept[] = [
      ...keptLine('in-use', inUse, `${inUse} still used by commits that stay`),
      ...keptLine('pinned', released, `${released} pinned by a release`),
    ];
    return {
      plan: {
        phase: 'snapshots',
        refs: 0,
        rows: snapshots.size,
        bytes: 0,
        blobs: 0,
        kept,
        items: smallest(snapshots, ctx.itemLimit).map((id) => ({ id })),
      },
      sets: { snapshots },
    };
  });
}

/**
 * How the hub uses each of `snapshots`, by number. No index leads from a snapshot to its commits:
 * one pass over the hub's commits counts them, for every repo of a batch at once.
 */
async function snapshotUses(session: Session, snapshots: IdIndex): Promise<SnapshotUse[]> {
  const uses: SnapshotUse[] = [];
  if (snapshots.size === 0) return uses;
  const listed = await session.idRelation(snapshots.toList());
  await readCopy(
    session.copyOut(`
      select g.id, count(c.commit_id), g.id in (select snapshot_id from musehub_releases where snapshot_id is not null),
             exists (select 1 from musehub_snapshots s where s.snapshot_id = g.id)
      from ${listed} g left join musehub_commits c on c.snapshot_id = g.id group by g.id`),
    (row) => {
      const number = snapshots.indexOfText(row.buf, row.starts[0]!, row.ends[0]!);
      uses[number] = { commits: row.int(1), released: row.bool(2), stored: row.bool(3) };
    },
  );
  return uses;
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
    const rows = await chunkSession.execute(
      `
      delete from musehub_snapshots s where s.snapshot_id = any(?)
        and not exists (select 1 from musehub_releases x where x.snapshot_id = s.snapshot_id)`,
      [chunk],
    );
    await left.note(chunk, rows, () =>
      idsOf(chunkSession, 'select snapshot_id as id from musehub_snapshots where snapshot_id = any(?)', [chunk]),
    );
    return { refs: 0, rows, bytes: 0 };
  });

  // What still has its row and is used by nothing waits in pending for the next run; the rest is settled.
  const listed = await session.idRelation(everything);
  const waiting = (
    await idsOf(session, `select g.id from ${listed} g join musehub_snapshots s on s.snapshot_id = g.id`)
  ).filter((id) => !used(id));
  await session.transaction(async () => {
    await session.execute(`delete from musehub_gc_pending where repo_id = ? and kind = 'snapshot'`, [repo.repoId]);
    if (waiting.length > 0) {
      await session.execute(`insert into musehub_gc_pending (repo_id, kind, ids) values (?, 'snapshot', ?)`, [
        repo.repoId,
        waiting,
      ]);
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
    `select distinct unnest(ids) as id from musehub_gc_pending where repo_id = ? and kind = 'snapshot'`,
    [repoId],
  );
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
  await readCopy(
    session.copyOut(`
      select distinct c.snapshot_id from musehub_commits c join ${listed} g on g.id = c.snapshot_id`),
    (row) => {
      inUse.byCommit.add(row.text(0)!);
    },
  );
  for (const row of await session.rows<{ id: string; why: string }>(`
      select distinct x.snapshot_id as id, 'release' as why from musehub_releases x join ${listed} g on g.id = x.snapshot_id
      union all
      select g.id, 'absent' from ${listed} g where not exists (select 1 from musehub_snapshots s where s.snapshot_id = g.id)`)) {
    (row.why === 'release' ? inUse.byRelease : inUse.absent).add(row.id);
  }
  for (const id of inUse.byRelease) inUse.byCommit.delete(id);
  return inUse;
}

/** Phase 2's steps (the catalog's `snapshots`). */
export const SNAPSHOTS_STEPS: PhaseSteps<'snapshots'> = {
  prepare: prepareSnapshots,
  apply: applySnapshots,
  dropped: { snapshots: noLongerGarbage('snapshots') },
};
