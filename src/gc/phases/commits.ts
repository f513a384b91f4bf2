/**
 * Phase 1: the repo's refs to commits it no longer reaches, then the commit rows
 * that nothing references or points at any more.
 */
import { formatDuration } from '../duration.js';
import type { Kept } from '../types.js';
import {
  chunkIds, counted, heldByOtherRepos, holdRoots, inChunks, phasePlan, selectInto, sincePlan, type PhaseApplied, type PhaseRuntime, type Progress,
} from './runtime.js';

/**
 * No repo (other than `?`, when the plan still counts the repo's own refs as
 * going) references the commit, and no branch, release or wire tag points at it.
 */
function unheld(commitId: string, exceptRepo: boolean): string {
  return `
    not exists (select 1 from musehub_commit_refs x where x.commit_id = ${commitId} ${exceptRepo ? 'and x.repo_id <> ?' : ''})
    and not exists (select 1 from musehub_branches b where b.head_commit_id = ${commitId})
    and not exists (select 1 from musehub_releases x where x.commit_id = ${commitId})
    and not exists (select 1 from musehub_wire_tags t where t.commit_id = ${commitId})`;
}

/** EXCEPT rather than NOT EXISTS: it hashes both sides once, where the planner would probe per row. */
const DEAD_REFS = `
  select r.commit_id as id from musehub_commit_refs r where r.repo_id = ? and r.created_at <= ?
  except select id from gc_live_commits`;

export async function planCommits(rt: PhaseRuntime) {
  const { session, repo } = rt;
  const refs = await selectInto(session, 'gc_commit_refs', DEAD_REFS, [repo.repoId, rt.cutoff]);
  const rows = await selectInto(session, 'gc_commits', `select g.id from gc_commit_refs g where ${unheld('g.id', true)}`,
    [repo.repoId]);

  const kept: Kept[] = [];
  if (rt.live.graceOnly > 0) {
    kept.push({ reason: 'grace', count: rt.live.graceOnly,
      detail: `${counted(rt.live.graceOnly, 'commit')} reached only from refs younger than the grace period (${formatDuration(rt.graceSeconds)})` });
  }
  kept.push(...await heldByOtherRepos(rt, 'gc_commit_refs', 'musehub_commit_refs', 'commit_id', 'commit'));
  const pinned = await session.one<{ count: number }>(`
    select count(*)::int as count from gc_commit_refs g
    where not exists (select 1 from gc_commits d where d.id = g.id)
      and not exists (select 1 from musehub_commit_refs x where x.commit_id = g.id and x.repo_id <> ?)`, [repo.repoId]);
  if (pinned.count > 0) {
    kept.push({ reason: 'pinned', count: pinned.count,
      detail: `${counted(pinned.count, 'commit')} a branch, release or wire tag of another repo points at` });
  }
  const items = await session.rows<{ id: string; label: string }>(`
    select g.id, c.message as label from gc_commits g join musehub_commits c on c.commit_id = g.id
    order by c."timestamp" desc, g.id limit ?`, [rt.itemLimit]);
  return phasePlan('commits', { refs, rows, kept, items });
}

export async function applyCommits(rt: PhaseRuntime, planned: { refs: number; rows: number }, progress: Progress): Promise<PhaseApplied> {
  const { session, repo } = rt;
  await holdRoots(rt);

  const total = planned.refs + planned.rows;
  await session.execute(`
    select count(*) from (select 1 from musehub_commit_refs r join gc_commit_refs g on g.id = r.commit_id
      where r.repo_id = ? for update of r) as locked`, [repo.repoId]);
  const refs = await inChunks(planned.refs, (from, to) => session.execute(`
    delete from musehub_commit_refs r
    where r.repo_id = ? and r.commit_id = ${chunkIds('gc_commit_refs')} and r.created_at <= ?
      and not exists (select 1 from gc_live_commits l where l.id = r.commit_id)`, [repo.repoId, from, to, rt.cutoff]),
  (done) => progress(done, total, 0));

  // Lock first, then re-check in a new statement: its snapshot sees every ref committed before the lock,
  // and a push after it waits on the lock and then fails on the foreign key.
  await session.execute(`
    select count(*) from (select 1 from musehub_commits c join gc_commits g on g.id = c.commit_id
      for update of c) as locked`);
  // Their snapshots wait in musehub_gc_pending for phase 2, of this run or, if it stops here, the next.
  const rows = await inChunks(planned.rows, async (from, to) => (await session.one<{ count: number }>(`
    with deleted as (
      delete from musehub_commits c
      where c.commit_id = ${chunkIds('gc_commits')} and ${unheld('c.commit_id', false)}
      returning c.snapshot_id),
    pending as (
      insert into musehub_gc_pending (repo_id, kind, ids)
      select ?, 'snapshot', array_agg(distinct snapshot_id) from deleted where snapshot_id is not null
      having count(*) > 0)
    select count(*)::int as count from deleted`, [from, to, repo.repoId])).count,
  (done) => progress(planned.refs + done, total, 0));

  const keptSincePlan = planned.rows - rows;
  return { refs, rows, bytes: 0, blobs: 0, keptSincePlan, differences: [
    ...sincePlan(planned.refs - refs, 'commit refs'), ...sincePlan(keptSincePlan, 'commits')] };
}
