/**
 * Phase 1: the repo's refs to commits it no longer reaches, then the commit rows
 * that nothing references or points at any more.
 */
import { counted } from '../../present/words.js';
import { byId } from '../ids.js';
import { formatGrace } from '../duration.js';
import { IdIndex, IdList } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { Kept, PlanSets } from '../types.js';
import type { LiveSet } from '../live-set.js';
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
  topBy,
  type ApplyContext,
  type PhaseApplied,
  type PhasePlanned,
  type PlanContext,
  type PlanStep,
  type PrepareContext,
  type RepoPlanning,
  type PhaseSteps,
} from './runtime.js';

/** A branch, release or wire tag of any repo points at the commit `id` names. */
function pinned(id: string): string {
  return `(${id} in (select head_commit_id from musehub_branches where head_commit_id is not null)
    or ${id} in (select commit_id from musehub_releases where commit_id is not null)
    or ${id} in (select commit_id from musehub_wire_tags))`;
}

/**
 * Of each repo's refs old enough to go, the commits another repo holds or a pin points at: they
 * stay, live or not, so they are read before the walk (as semi-joins the planner hashes or probes).
 */
export async function prepareCommits(ctx: PrepareContext): Promise<PlanStep> {
  const { session, clock } = ctx;
  const batch = await batchRelation(ctx);
  const held = await idsByRepo(
    session,
    `select r.repo_id as repo, r.commit_id as id from musehub_commit_refs r
    where r.repo_id in (select id from ${batch} as batch) and r.created_at <= ?
      and exists (select 1 from musehub_commit_refs x where x.commit_id = r.commit_id and x.repo_id <> r.repo_id)`,
    [clock.cutoff],
  );
  const pins = await idsByRepo(
    session,
    `select r.repo_id as repo, r.commit_id as id from musehub_commit_refs r
    where r.repo_id in (select id from ${batch} as batch) and r.created_at <= ? and ${pinned('r.commit_id')}`,
    [clock.cutoff],
  );
  return (planCtx, repos) => planCommits(planCtx, repos, held, pins);
}

async function planCommits(
  ctx: PlanContext,
  repos: readonly RepoPlanning[],
  held: ReadonlyMap<string, string[]>,
  pins: ReadonlyMap<string, string[]>,
): Promise<PhasePlanned[]> {
  const drafts = repos.map(({ repo, live }) => {
    const { graph } = live;
    const candidates: number[] = [];
    const commitRefs = new IdList('hex');
    for (let node = 0; node < graph.size; node++) {
      if (graph.isOwn(node) && graph.hasOldRef(node) && graph.level(node) === 0) {
        candidates.push(node);
        graph.ids.copyTo(node, commitRefs);
      }
    }
    const isCandidate = (id: string) => graph.levelOf(id) === 0;
    const heldCandidates = (held.get(repo.repoId) ?? []).filter(isCandidate);
    const kept = IdIndex.of(
      IdList.of('hex', [...heldCandidates, ...(pins.get(repo.repoId) ?? []).filter(isCandidate)]),
    );
    const deleted = candidates.filter((node) => !graph.ids.heldBy(node, kept));
    const commits = new IdList('hex', deleted.length);
    for (const node of deleted) graph.ids.copyTo(node, commits);
    const newest = topBy(
      deleted,
      ctx.itemLimit,
      (node) => graph.time(node),
      (a, b) => byId(graph.ids.idOf(a), graph.ids.idOf(b)),
    ).map((node) => graph.ids.idOf(node));
    return { repo, live, commitRefs, commits, heldCandidates, pinnedOnly: kept.size - heldCandidates.length, newest };
  });
  const heldKept = drafts.map(({ repo, heldCandidates }) => ({ repoId: repo.repoId, ids: heldCandidates }));
  const holders = await heldByOtherRepos(ctx.session, heldKept, 'musehub_commit_refs', 'commit_id', 'commit');
  const newest = drafts.flatMap((draft) => draft.newest);
  const messages = new Map(
    newest.length === 0
      ? []
      : (
          await ctx.session.rows<{ id: string; message: string }>(
            'select commit_id as id, message from musehub_commits where commit_id = any(?)',
            [newest],
          )
        ).map((row) => [row.id, row.message]),
  );
  return drafts.map((draft, index): PhasePlanned => {
    const { live, commitRefs, commits, pinnedOnly } = draft;
    const keptLines: Kept[] = [
      ...keptLine(
        'grace',
        live.graceOnly,
        `${counted(live.graceOnly, 'commit')} reached only from refs younger than the grace period (${formatGrace(ctx.graceSeconds)})`,
      ),
      ...holders[index]!,
      ...keptLine(
        'pinned',
        pinnedOnly,
        `${counted(pinnedOnly, 'commit')} a branch, release or wire tag of another repo points at`,
      ),
    ];
    return {
      plan: {
        phase: 'commits',
        refs: commitRefs.size,
        rows: commits.size,
        bytes: 0,
        blobs: 0,
        kept: keptLines,
        items: draft.newest.map((id) => ({ id, label: messages.get(id) ?? '' })),
      },
      sets: { commitRefs, commits },
    };
  });
}

/**
 * A chunk of the repo's refs, and the commit rows among them, go in one transaction: an
 * interrupted run never leaves a commit row that no ref names, which no repo's GC would see.
 * For the same reason the rows looked at are those the plan lists and those of every commit
 * whose ref just went: another repo that held one when the plan was made may have let go of
 * it since (its own GC, running at the same time), and then this repo's ref was the last.
 */
export async function applyCommits(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied> {
  const { repo } = ctx;
  const rows = IdIndex.of(sets.commits);
  const refsLeft = new Leftover();
  const rowsLeft = new Leftover();
  let beyondPlan = 0;
  await ctx.chunks.run(sets.commitRefs.chunks(DELETE_CHUNK), sets.commitRefs.size, async (session, chunk) => {
    const released = await idsOf(
      session,
      `delete from musehub_commit_refs where repo_id = ? and commit_id = any(?)
      and created_at <= ? returning commit_id as id`,
      [repo.repoId, chunk, ctx.clock.cutoff],
    );
    const refs = released.length;
    await refsLeft.note(chunk, refs, () => stillThere(session, ctx, 'refs', chunk));
    const planned = chunk.filter((id) => rows.has(id));
    const looked = [...new Set([...planned, ...released])];
    if (looked.length === 0) return { refs, rows: 0, bytes: 0 };
    // Lock first, then re-check in a new statement: its snapshot sees every ref committed before the
    // lock, and a push after it waits on the lock and then fails on the foreign key. In id order, so that
    // two runs locking commits they share (forks collected at once) never wait on each other in a circle.
    await session.execute('select 1 from musehub_commits where commit_id = any(?) order by commit_id for update', [
      looked,
    ]);
    // Their snapshots wait in musehub_gc_pending for phase 2, of this run or, if it stops here, the next.
    const deleted = await idsOf(
      session,
      `
      with deleted as (
        delete from musehub_commits c
        where c.commit_id = any(?)
          and not exists (select 1 from musehub_commit_refs x where x.commit_id = c.commit_id)
          and not exists (select 1 from musehub_branches b where b.head_commit_id = c.commit_id)
          and not exists (select 1 from musehub_releases x where x.commit_id = c.commit_id)
          and not exists (select 1 from musehub_wire_tags t where t.commit_id = c.commit_id)
        returning c.commit_id, c.snapshot_id),
      pending as (
        insert into musehub_gc_pending (repo_id, kind, ids)
        select ?, 'snapshot', array_agg(distinct snapshot_id) from deleted where snapshot_id is not null
        having count(*) > 0)
      select commit_id as id from deleted`,
      [looked, repo.repoId],
    );
    const beyond = deleted.filter((id) => !rows.has(id)).length;
    await rowsLeft.note(planned, deleted.length - beyond, () => stillThere(session, ctx, 'rows', planned));
    beyondPlan += beyond;
    return { refs, rows: deleted.length, bytes: 0 };
  });
  return {
    kept: [
      ...(await explainCommitRefs(ctx, IdList.of('hex', refsLeft.kept))),
      ...goneLine(refsLeft.gone, 'commit ref'),
      ...(await explainCommits(ctx, rowsLeft.kept)),
      ...goneLine(rowsLeft.gone, 'commit'),
    ],
    beyondPlan:
      beyondPlan === 0
        ? []
        : [
            `${counted(beyondPlan, 'commit')} more than the plan listed: another repo that ` +
              `held ${beyondPlan === 1 ? 'it' : 'them'} let go since, and this repo's ref was the last` +
              ` (${beyondPlan === 1 ? 'its snapshot waits' : 'their snapshots wait'} for the next run)`,
          ],
  };
}

/** The ids of `chunk` whose ref (or row) is still there after the delete: the ones it kept. */
async function stillThere(
  session: Session,
  ctx: ApplyContext,
  what: 'refs' | 'rows',
  chunk: string[],
): Promise<string[]> {
  return what === 'refs'
    ? idsOf(session, 'select commit_id as id from musehub_commit_refs where repo_id = ? and commit_id = any(?)', [
        ctx.repo.repoId,
        chunk,
      ])
    : idsOf(session, 'select commit_id as id from musehub_commits where commit_id = any(?)', [chunk]);
}

/** Why refs the plan listed stay: pushed again since (younger than the cutoff now), or live again. */
export async function explainCommitRefs(
  ctx: { session: ApplyContext['session']; repo: ApplyContext['repo']; clock: ApplyContext['clock'] },
  ids: IdList,
  live?: Pick<LiveSet, 'graph'>,
): Promise<Kept[]> {
  if (ids.size === 0) return [];
  const reached = live ? ids.filter((id) => live.graph.levelOf(id) !== 0) : new IdList('hex');
  const rest = [...ids].filter((id) => !live || live.graph.levelOf(id) === 0);
  const { young } =
    rest.length === 0
      ? { young: 0 }
      : await ctx.session.one<{ young: number }>(
          `
    select count(*)::int as young from musehub_commit_refs where repo_id = ? and commit_id = any(?) and created_at > ?`,
          [ctx.repo.repoId, rest, ctx.clock.cutoff],
        );
  const liveAgain = reached.size;
  const gone = rest.length - young;
  return [
    ...keptLine(
      'live',
      liveAgain,
      `${counted(liveAgain, 'commit')} live again: a push since the plan reaches ${liveAgain === 1 ? 'it' : 'them'}`,
    ),
    ...keptLine('grace', young, `${counted(young, 'commit ref')} pushed again since the plan`),
    ...keptLine('gone', gone, `${counted(gone, 'commit ref')} already gone`),
  ];
}

/** Why commit rows the plan listed stay: another repo references or points at them, or they are already gone. */
export async function explainCommits(
  ctx: { session: ApplyContext['session']; repo: ApplyContext['repo'] },
  ids: string[],
): Promise<Kept[]> {
  if (ids.length === 0) return [];
  const counts = await stayCounts(
    ctx,
    ids,
    { table: 'musehub_commits', column: 'commit_id', refs: 'musehub_commit_refs' },
    { sql: pinned('g.id'), bindings: [] },
  );
  return [
    ...keptLine(
      'other-repo',
      counts.held,
      `${counted(counts.held, 'commit')} referenced by another repo when the phase ran`,
    ),
    ...keptLine('grace', counts.ours, `${counted(counts.ours, 'commit')} still referenced by this repo`),
    ...keptLine('pinned', counts.extra, `${counted(counts.extra, 'commit')} a branch, release or wire tag points at`),
    ...keptLine('gone', counts.gone, `${counted(counts.gone, 'commit')} already gone`),
  ];
}

/** Phase 1's steps (the catalog's `commits`). */
export const COMMITS_STEPS: PhaseSteps<'commits'> = {
  prepare: prepareCommits,
  apply: applyCommits,
  dropped: {
    commitRefs: (ctx, ids) => explainCommitRefs(ctx, ids, ctx.live),
    commits: (ctx, ids) => explainCommits(ctx, [...ids]),
  },
};
