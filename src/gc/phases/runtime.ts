/**
 * What every phase works with. A phase plans from the live set and the sets earlier
 * phases planned, and hands on its own as typed values (PlanSets). It applies by
 * deleting its sets in bounded chunks, each chunk one array parameter, re-checking
 * its condition under row locks in the deleting statement.
 */
import { rootsDigest } from '../basis.js';
import { counted } from '../../words.js';
import { Heap } from '../heap.js';
import type { LiveSet } from '../live-set.js';
import type { Session } from '../session.js';
import type { IdList } from '../packed-ids.js';
import type { Kept, KeptReason, PhasePlan, PlanClock, PlanSets, RepoIdentity } from '../types.js';

export interface PlanContext {
  session: Session;
  repo: RepoIdentity;
  live: LiveSet;
  clock: PlanClock;
  graceSeconds: number;
  /** How many items a phase plan lists. */
  itemLimit: number;
}

export interface ApplyContext {
  session: Session;
  repo: RepoIdentity;
  clock: PlanClock;
  runId: string;
  /** The digest of the roots the sets were derived from: a phase that deletes what is not live checks it. */
  roots: string;
}

/** What planning a phase gives: its summary, and the sets it adds for later phases and for execution. */
export interface PhasePlanned {
  plan: PhasePlan;
  sets: Partial<PlanSets>;
}

/** What applying a phase did. */
export interface PhaseApplied {
  refs: number;
  rows: number;
  /** Bytes of the blobs the phase journalled (objects and cache). */
  bytes: number;
  /** What the plan listed that stayed under the re-check, and why. */
  kept: Kept[];
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
export async function holdRoots(ctx: ApplyContext): Promise<void> {
  for (const table of ['musehub_branches', 'musehub_releases', 'musehub_wire_tags']) {
    await ctx.session.execute(`select 1 from ${table} where repo_id = ? for share`, [ctx.repo.repoId]);
  }
  if (await rootsDigest(ctx.session, ctx.repo.repoId, ctx.clock.cutoff) !== ctx.roots) throw new RootsMoved();
}

/** Ids per deleting statement: progress is reported between chunks, and locks are taken per chunk. */
export const DELETE_CHUNK = 10_000;

/** What deleting a set chunk by chunk did. */
export interface Chunked {
  /** Rows deleted. */
  count: number;
  /** Ids of the set whose row is still there: the re-check kept them. */
  kept: string[];
  /** Ids of the set whose row was gone before the delete reached it. */
  gone: number;
}

/**
 * Runs `statement` over `ids` in chunks, adding up the rows it deletes. Where a chunk
 * deletes fewer than it names, `remaining` says which of its ids still have their row;
 * the others were already gone.
 */
export async function inChunks(
  ids: IdList, statement: (chunk: string[]) => Promise<number>,
  remaining: (chunk: string[]) => Promise<string[]>, progress: (done: number) => void,
): Promise<Chunked> {
  const result: Chunked = { count: 0, kept: [], gone: 0 };
  let done = 0;
  for (const chunk of ids.chunks(DELETE_CHUNK)) {
    const count = await statement(chunk);
    result.count += count;
    if (count < chunk.length) {
      const kept = await remaining(chunk);
      result.kept.push(...kept);
      result.gone += chunk.length - count - kept.length;
    }
    done += chunk.length;
    progress(done);
  }
  return result;
}

/** The line for ids whose row someone else deleted before the phase reached it. */
export function goneLine(count: number, what: string): Kept[] {
  return keptLine('gone', count, `${counted(count, what)} already gone`);
}

/** A Kept line, or none when the count is 0. */
export function keptLine(reason: KeptReason, count: number, detail: string, repos?: string[]): Kept[] {
  return count > 0 ? [{ reason, count, detail, ...(repos ? { repos } : {}) }] : [];
}

/** The first column of a query's rows, as ids. */
export async function idsOf(session: Session, sql: string, bindings: readonly unknown[] = []): Promise<string[]> {
  return (await session.rows<{ id: string }>(sql, bindings)).map((row) => row.id);
}

/** Which other repos hold the `held` ids through `refTable`, as one "kept" line naming the three holding most. */
export async function heldByOtherRepos(
  ctx: { session: Session; repo: RepoIdentity }, held: readonly string[],
  refTable: 'musehub_commit_refs' | 'musehub_object_refs', idColumn: 'commit_id' | 'object_id', what: string,
): Promise<Kept[]> {
  if (held.length === 0) return [];
  const rows = await ctx.session.rows<{ holder: string }>(`
    select r.owner || '/' || r.slug as holder
    from ${refTable} x join musehub_repos r on r.repo_id = x.repo_id
    where x.${idColumn} = any(?) and x.repo_id <> ?
    group by 1 order by count(*) desc, 1`, [held, ctx.repo.repoId]);
  const names = rows.slice(0, 3).map((row) => row.holder);
  const more = rows.length > 3 ? ` and ${rows.length - 3} more` : '';
  return keptLine('other-repo', held.length, `${counted(held.length, what)} still referenced by ${names.join(', ')}${more}`,
    rows.map((row) => row.holder));
}

/** The `limit` entries with the highest scores seen: a bounded heap, not a sort of all. */
export class TopN<T> {
  private readonly lowest = new Heap<{ entry: T; score: number }>((a, b) => a.score < b.score);

  constructor(private readonly limit: number) {}

  /** Whether an entry of this score would be kept (so the caller can skip building it). */
  admits(score: number): boolean {
    return this.limit > 0 && (this.lowest.size < this.limit || score > this.lowest.peek().score);
  }

  add(entry: T, score: number): void {
    if (!this.admits(score)) return;
    this.lowest.push({ entry, score });
    if (this.lowest.size > this.limit) this.lowest.pop();
  }

  /** The entries kept, highest score first. */
  highest(): T[] {
    const entries: Array<{ entry: T; score: number }> = [];
    while (this.lowest.size > 0) entries.push(this.lowest.pop());
    return entries.reverse().map((item) => item.entry);
  }
}

/** The `limit` entries with the highest `score`, highest first. */
export function topBy<T>(entries: Iterable<T>, limit: number, score: (entry: T) => number): T[] {
  const top = new TopN<T>(limit);
  for (const entry of entries) top.add(entry, score(entry));
  return top.highest();
}
