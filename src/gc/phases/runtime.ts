/**
 * What every phase works with. A phase plans from the live set and the sets earlier
 * phases planned, and hands on its own as typed values (PlanSets). It applies by
 * deleting its sets in bounded chunks (ChunkRunner), each chunk one array parameter,
 * locking its rows and re-checking its condition in the deleting statement.
 */
import { rootsDigest } from '../basis.js';
import { byId } from '../ids.js';
import { counted } from '../../present/words.js';
import { Heap } from '../heap.js';
import type { CommitLiveness, LiveSet, ObjectLiveness } from '../live-set.js';
import type { IdList } from '../packed-ids.js';
import type { Session } from '../session.js';
import type { ChunkRunner } from '../chunks.js';
import type { PhaseName, SetKeyOf } from './catalog.js';
import type { Kept, KeptReason, PhasePlan, PlanClock, PlanSets, RepoIdentity } from '../types.js';

/**
 * What a phase's prepare step reads with: the repos planned together (one, or a batch of a hub's
 * mark), the clock and the plan's options; no liveness yet. Every read names the batch's repos
 * (`batchRelation`) and says which repo each row is of, so a batch costs one statement, not one a repo.
 */
export interface PrepareContext extends PlanContext {
  repos: readonly RepoIdentity[];
  /** The repos' ids, for `batchRelation`. */
  repoIds: IdList;
}

/** What a phase plans with beside the repos: the session, the clock and the plan's options. */
export interface PlanContext {
  session: Session;
  clock: PlanClock;
  graceSeconds: number;
  /** How many items a phase plan lists. */
  itemLimit: number;
}

/** One repo as a phase plans it: its liveness, and the sets earlier phases planned for it. */
export interface RepoPlanning {
  repo: RepoIdentity;
  live: CommitLiveness;
  /** What the live manifests prove: there for the phases that need the live objects. */
  objects: ObjectLiveness | undefined;
  sets: PlanSets;
}

/** A phase's planning, bound to what its prepare step read: a plan for each of `repos`, in their order. */
export type PlanStep = (ctx: PlanContext, repos: readonly RepoPlanning[]) => Promise<PhasePlanned[]>;

/** A relation `(id text)` of the batch's repo ids on `ctx.session`, to select from. */
export function batchRelation(ctx: PrepareContext): Promise<string> {
  return ctx.session.idRelation(ctx.repoIds);
}

/** The rows `(repo, id)` of a query, as each repo's ids. */
export async function idsByRepo(
  session: Session,
  sql: string,
  bindings: readonly unknown[] = [],
): Promise<Map<string, string[]>> {
  const byRepo = new Map<string, string[]>();
  for (const row of await session.rows<{ repo: string; id: string }>(sql, bindings)) {
    const ids = byRepo.get(row.repo);
    if (ids) ids.push(row.id);
    else byRepo.set(row.repo, [row.id]);
  }
  return byRepo;
}

export interface ApplyContext {
  /** The run's own connection: for what a phase reads before its chunks, and settles after them. */
  session: Session;
  repo: RepoIdentity;
  clock: PlanClock;
  runId: string;
  /** Runs the phase's deleting chunks; counts what they deleted. */
  chunks: ChunkRunner;
}

/** The live objects a phase that needs them plans with; the plan's scheduler gives them to those phases only. */
export function objectsOf(repo: RepoPlanning): ObjectLiveness {
  if (!repo.objects) throw new Error('a phase that needs the live objects was planned without them');
  return repo.objects;
}

/** What planning a phase gives: its summary, and the sets it adds for later phases and for execution. */
export interface PhasePlanned {
  plan: PhasePlan;
  sets: Partial<PlanSets>;
}

/** What applying a phase says beside its counts (which its ChunkRunner keeps). */
export interface PhaseApplied {
  /** What the plan listed that stayed under the re-check, and why. */
  kept: Kept[];
  /** What it deleted that the plan did not list, and why, a line each. */
  beyondPlan?: string[];
}

export type Progress = (done: number, total: number, bytes: number) => void;

/** Why ids of a set a plan listed are no longer garbage in a plan derived since, when the hub changed. */
export type Dropped = (
  ctx: { session: Session; repo: RepoIdentity; clock: PlanClock; live: LiveSet },
  ids: IdList,
) => Promise<Kept[]>;

/** The SQL-bearing steps of a phase of the catalog, which its own file binds and the phase table lists. */
export interface PhaseSteps<Name extends PhaseName = PhaseName> {
  /**
   * Reads what its plan needs that does not rest on liveness (so that it can run while the walk
   * does, on another connection) and returns its planning step, bound to what it read.
   */
  prepare(ctx: PrepareContext): Promise<PlanStep>;
  apply(ctx: ApplyContext, sets: PlanSets): Promise<PhaseApplied>;
  /** Why dropped ids of each of its sets are no longer garbage. */
  dropped: Record<SetKeyOf<Name>, Dropped>;
  /** The blobs (and their bytes) its sets free, for a blob phase's plan narrowed to fewer ids. */
  freed?(session: Session, sets: PlanSets): Promise<{ bytes: number; blobs: number }>;
}

/** Dropped ids the phase cannot say more about than that they are no longer garbage. */
export function noLongerGarbage(what: string): Dropped {
  return async (_ctx, ids) =>
    keptLine('live', ids.size, `${ids.size} ${what} no longer garbage: in use again since the plan`);
}

/** Thrown when a branch, release, tag or young ref changed since liveness was derived. */
export class RootsMoved extends Error {
  constructor() {
    super("a push changed the repo's branches, releases, tags or recent refs since liveness was derived");
  }
}

/**
 * Holds the repo's branches, releases and wire tags still until `session`'s transaction ends
 * (with `lock`), and makes sure liveness was derived from them as they are (`roots`): the
 * executor calls it before a phase that deletes what is not live.
 */
export async function holdRoots(
  session: Session,
  repo: RepoIdentity,
  cutoff: string,
  roots: string,
  lock: boolean,
): Promise<void> {
  if (lock) {
    for (const table of ['musehub_branches', 'musehub_releases', 'musehub_wire_tags']) {
      await session.execute(`select 1 from ${table} where repo_id = ? for share`, [repo.repoId]);
    }
  }
  if ((await rootsDigest(session, repo.repoId, cutoff)) !== roots) throw new RootsMoved();
}

/** Ids per deleting statement, and per chunk transaction. */
export const DELETE_CHUNK = 10_000;

/** What a set's deletes left: ids the re-check kept (their row is still there), and how many were already gone. */
export class Leftover {
  readonly kept: string[] = [];
  gone = 0;

  /** After a statement deleted `count` of `chunk`, finds which of the rest `remaining` still sees. */
  async note(chunk: readonly string[], count: number, remaining: () => Promise<string[]>): Promise<void> {
    if (count >= chunk.length) return;
    const kept = await remaining();
    this.kept.push(...kept);
    this.gone += chunk.length - count - kept.length;
  }
}

/** Of ids a delete left, how many have no row any more, how many another repo's ref or this repo's ref names, and how many `extra` is true of. */
export interface StayCounts {
  gone: number;
  held: number;
  ours: number;
  extra: number;
}

/**
 * Counts why `ids` of `table` (keyed by `column`, with refs in `refs`) stayed: a sentence's worth
 * for each reason. `extra` is a condition on the row (`t`) or the id (`g.id`), with its bindings.
 */
export async function stayCounts(
  ctx: { session: Session; repo: RepoIdentity },
  ids: readonly string[],
  where: { table: string; column: string; refs: string },
  extra: { sql: string; bindings: readonly unknown[] },
): Promise<StayCounts> {
  const { table, column, refs } = where;
  return ctx.session.one<StayCounts>(
    `
    select count(*) filter (where t.${column} is null)::int as gone,
           count(*) filter (where t.${column} is not null and exists
             (select 1 from ${refs} x where x.${column} = g.id and x.repo_id <> ?))::int as held,
           count(*) filter (where t.${column} is not null and exists
             (select 1 from ${refs} x where x.${column} = g.id and x.repo_id = ?))::int as ours,
           count(*) filter (where t.${column} is not null and ${extra.sql})::int as extra
    from unnest(?::text[]) as g(id) left join ${table} t on t.${column} = g.id`,
    [ctx.repo.repoId, ctx.repo.repoId, ...extra.bindings, ids],
  );
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

/**
 * Which other repos hold each repo's `held` ids through `refTable`: per repo, one "kept" line naming
 * the three holding most (none when it holds nothing so), in the order of `held`. One statement for all.
 */
export async function heldByOtherRepos(
  session: Session,
  held: ReadonlyArray<{ repoId: string; ids: readonly string[] }>,
  refTable: 'musehub_commit_refs' | 'musehub_object_refs',
  idColumn: 'commit_id' | 'object_id',
  what: string,
): Promise<Kept[][]> {
  const asking = held.filter((repo) => repo.ids.length > 0);
  const holders =
    asking.length === 0
      ? new Map<string, string[]>()
      : await idsByRepo(
          session,
          `
    select g.repo_id as repo, r.owner || '/' || r.slug as id
    from unnest(?::text[], ?::text[]) as g(repo_id, id)
    join ${refTable} x on x.${idColumn} = g.id and x.repo_id <> g.repo_id
    join musehub_repos r on r.repo_id = x.repo_id
    group by 1, 2 order by 1, count(*) desc, 2`,
          [asking.flatMap((repo) => repo.ids.map(() => repo.repoId)), asking.flatMap((repo) => repo.ids)],
        );
  return held.map(({ repoId, ids }) => {
    if (ids.length === 0) return [];
    const rows = holders.get(repoId) ?? [];
    const names = rows.slice(0, 3);
    const more = rows.length > 3 ? ` and ${rows.length - 3} more` : '';
    return keptLine(
      'other-repo',
      ids.length,
      `${counted(ids.length, what)} still referenced by ${names.join(', ')}${more}`,
      rows,
    );
  });
}

/**
 * The `limit` entries with the highest scores seen: a bounded heap, not a sort of all. `tie` orders
 * entries of equal score (negative: `a` first), so that what is kept does not depend on the order seen.
 */
export class TopN<T> {
  private readonly lowest = new Heap<{ entry: T; score: number }>((a, b) => this.below(a, b));

  constructor(
    private readonly limit: number,
    private readonly tie?: (a: T, b: T) => number,
  ) {}

  /** Whether an entry of this score could be kept (so the caller can skip building it). */
  admits(score: number): boolean {
    return this.limit > 0 && (this.lowest.size < this.limit || score >= this.lowest.peek().score);
  }

  add(entry: T, score: number): void {
    if (!this.admits(score)) return;
    const item = { entry, score };
    if (this.lowest.size >= this.limit && !this.below(this.lowest.peek(), item)) return;
    this.lowest.push(item);
    if (this.lowest.size > this.limit) this.lowest.pop();
  }

  /** The entries kept, highest score first. */
  highest(): T[] {
    const entries: Array<{ entry: T; score: number }> = [];
    while (this.lowest.size > 0) entries.push(this.lowest.pop());
    return entries.reverse().map((item) => item.entry);
  }

  /** Whether `a` ranks below `b`. */
  private below(a: { entry: T; score: number }, b: { entry: T; score: number }): boolean {
    return a.score < b.score || (a.score === b.score && this.tie !== undefined && this.tie(a.entry, b.entry) > 0);
  }
}

/** The `limit` entries with the highest `score`, highest first; `tie` orders equal scores. */
export function topBy<T>(
  entries: Iterable<T>,
  limit: number,
  score: (entry: T) => number,
  tie?: (a: T, b: T) => number,
): T[] {
  const top = new TopN<T>(limit, tie);
  for (const entry of entries) top.add(entry, score(entry));
  return top.highest();
}

/** The `limit` smallest of `ids`, in order: the items a phase lists, whatever order its set has. */
export function smallest(ids: Iterable<string>, limit: number): string[] {
  return topBy(ids, limit, () => 0, byId);
}
