/**
 * What every phase works with, and the few set operations they share: each phase
 * selects its candidates into a temporary table (the plan) and later deletes
 * them in bounded chunks, re-checking its condition under row locks.
 */
import { rootFingerprint, type LiveSet } from '../live-set.js';
import type { Session } from '../session.js';
import type { Kept, PhaseName, PhasePlan, PlanItem, RepoIdentity } from '../types.js';

export interface PhaseRuntime {
  session: Session;
  repo: RepoIdentity;
  live: LiveSet;
  /** Database time when the plan or run began, ISO 8601. */
  now: string;
  /** Rows created after this are never deleted, ISO 8601. */
  cutoff: string;
  graceSeconds: number;
  /** How many items a phase plan lists. */
  itemLimit: number;
}

/** What applying a phase did. */
export interface PhaseApplied {
  refs: number;
  rows: number;
  bytes: number;
  blobs: number;
  /** Candidates of the plan that were no longer garbage under the lock, and stayed. */
  keptSincePlan: number;
  differences: string[];
}

export type Progress = (done: number, total: number, bytes: number) => void;

/** Thrown when a branch, release, tag or young ref changed since liveness was derived. */
export class RootsMoved extends Error {
  constructor() {
    super('a push changed the repo\'s branches, releases, tags or recent refs since liveness was derived');
  }
}

/**
 * Holds the repo's branches, releases and wire tags still until the transaction ends, and makes
 * sure liveness was derived from them as they are: the phases that delete what is not live call it.
 */
export async function holdRoots(rt: PhaseRuntime): Promise<void> {
  for (const table of ['musehub_branches', 'musehub_releases', 'musehub_wire_tags']) {
    await rt.session.execute(`select 1 from ${table} where repo_id = ? for share`, [rt.repo.repoId]);
  }
  if (await rootFingerprint(rt.session, rt.repo.repoId, rt.cutoff) !== rt.live.fingerprint) throw new RootsMoved();
}

/** How many rows one delete statement takes: progress is reported between chunks. */
export const DELETE_CHUNK = 10_000;

/**
 * (Re)creates temporary table `table` from `select`, numbering its rows in `seq`
 * so that later statements can take it in chunks; returns its row count.
 */
export async function selectInto(
  session: Session, table: string, select: string, bindings: unknown[], unique = true,
): Promise<number> {
  await session.execute(`drop table if exists ${table}`);
  const count = await session.execute(
    `create temp table ${table} as select row_number() over () as seq, candidates.* from (${select}) as candidates`, bindings);
  await session.execute(`create ${unique ? 'unique ' : ''}index on ${table} (id)`);
  await session.execute(`create index on ${table} (seq)`);
  await session.analyze(table);
  return count;
}

/**
 * The ids of one chunk of a candidate table, as an array the statement matches with `= any(…)`:
 * the planner then looks each one up by index instead of hashing the whole table per chunk.
 */
export function chunkIds(table: string): string {
  return `any(array(select id from ${table} where seq > ? and seq <= ?))`;
}

/** Runs `statement(from, to)` over `seq` ranges of a candidate table, adding up its counts. */
export async function inChunks(
  total: number, statement: (from: number, to: number) => Promise<number>, progress?: (done: number) => void,
): Promise<number> {
  let affected = 0;
  for (let from = 0; from < total; from += DELETE_CHUNK) {
    affected += await statement(from, Math.min(from + DELETE_CHUNK, total));
    progress?.(Math.min(from + DELETE_CHUNK, total));
  }
  return affected;
}

/** Which other repos hold rows of `table` through `refTable`, as "kept" lines. */
export async function heldByOtherRepos(
  rt: PhaseRuntime, candidates: string, refTable: 'musehub_commit_refs' | 'musehub_object_refs',
  idColumn: 'commit_id' | 'object_id', what: string,
): Promise<Kept[]> {
  const rows = await rt.session.rows<{ holder: string; count: number }>(`
    select r.owner || '/' || r.slug as holder, count(distinct g.id)::int as count
    from ${candidates} g
    join ${refTable} x on x.${idColumn} = g.id and x.repo_id <> ?
    join musehub_repos r on r.repo_id = x.repo_id
    group by 1 order by 2 desc, 1`, [rt.repo.repoId]);
  if (rows.length === 0) return [];
  const total = await rt.session.one<{ count: number }>(`
    select count(*)::int as count from ${candidates} g
    where exists (select 1 from ${refTable} x where x.${idColumn} = g.id and x.repo_id <> ?)`, [rt.repo.repoId]);
  const names = rows.slice(0, 3).map((row) => row.holder);
  const more = rows.length > 3 ? ` and ${rows.length - 3} more` : '';
  return [{
    reason: 'other-repo',
    count: total.count,
    detail: `${counted(total.count, what)} still referenced by ${names.join(', ')}${more}`,
    repos: rows.map((row) => row.holder),
  }];
}

/** `1 commit`, `2 commits`: a count and its noun. */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Builds a phase plan from its counts, reasons and items. */
export function phasePlan(phase: PhaseName, fields: Partial<PhasePlan> & { items: PlanItem[]; kept: Kept[] }): PhasePlan {
  return { phase, refs: 0, rows: 0, bytes: 0, blobs: 0, ...fields };
}

/** "2 became live since the plan" lines, for the run summary. */
export function sincePlan(kept: number, what: string): string[] {
  return kept > 0 ? [`${kept} ${what} the plan listed were in use again when the phase ran, and were kept`] : [];
}
