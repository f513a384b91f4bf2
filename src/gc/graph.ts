/**
 * A repo's commits as the graph view draws them: each marked reachable,
 * orphaned (to be collected) or kept (and why), with the branches, releases and
 * wire tags that point at it, in topological order, newest first.
 */
import type { GcContext } from './context.js';
import { readManifest } from './manifest.js';
import { BRANCH, GRACE, PINNED } from './live-set.js';
import { derivePlan } from './plan.js';
import type { CommitDetail, GraphCommit } from './service.js';
import { Session } from './session.js';
import { UserError } from '../errors.js';
import type { RepoIdentity } from './types.js';

interface CommitRow {
  commit_id: string;
  parent_ids: string[];
  message: string;
  author: string;
  timestamp: Date;
  deleted: boolean;
  holder: string | null;
}

export async function repoGraph(ctx: GcContext, repo: RepoIdentity, graceSeconds: number): Promise<GraphCommit[]> {
  const session = await Session.open(ctx.db);
  try {
    const { runtime } = await derivePlan(session, repo, { graceSeconds, itemLimit: 0 });
    const rows = await session.rows<CommitRow>(`
      select c.commit_id, c.parent_ids, c.message, c.author, c."timestamp",
             exists (select 1 from gc_commits g where g.id = c.commit_id) as deleted,
             (select min(o.owner || '/' || o.slug) from musehub_commit_refs x
                join musehub_repos o on o.repo_id = x.repo_id
              where x.commit_id = c.commit_id and x.repo_id <> r.repo_id) as holder
      from musehub_commit_refs r join musehub_commits c on c.commit_id = r.commit_id
      where r.repo_id = ?`, [repo.repoId]);
    const labels = new Map<string, string[]>();
    for (const root of runtime.live.roots) {
      const label = root.kind === 'branch' ? root.name : root.kind === 'release' ? `[${root.name}]` : `#${root.name}`;
      labels.set(root.commitId, [...(labels.get(root.commitId) ?? []), label]);
    }
    const commits = rows.map((row): GraphCommit => {
      const level = runtime.live.graph.levelOf(row.commit_id);
      const state = level === BRANCH || level === PINNED ? 'reachable' : level === GRACE || !row.deleted ? 'kept' : 'orphaned';
      const keptBecause = level === GRACE ? 'a ref younger than the grace period reaches it'
        : state === 'kept' ? (row.holder ? `held by ${row.holder}` : 'another repo points at it') : undefined;
      return {
        commitId: row.commit_id, parentIds: row.parent_ids ?? [], state, keptBecause,
        labels: labels.get(row.commit_id) ?? [], message: row.message, author: row.author,
        timestamp: new Date(row.timestamp).toISOString(),
      };
    });
    return topologicalOrder(commits);
  } finally {
    await session.close();
  }
}

/**
 * Children before parents, and among the commits ready to show, the newest
 * first (git log --graph's order).
 */
export function topologicalOrder(commits: GraphCommit[]): GraphCommit[] {
  const byId = new Map(commits.map((commit) => [commit.commitId, commit]));
  const children = new Map<string, number>();
  for (const commit of commits) {
    for (const parent of commit.parentIds) {
      if (byId.has(parent)) children.set(parent, (children.get(parent) ?? 0) + 1);
    }
  }
  const ready = new Heap<GraphCommit>((a, b) => a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.commitId < b.commitId));
  for (const commit of commits) if (!children.get(commit.commitId)) ready.push(commit);
  const ordered: GraphCommit[] = [];
  while (ready.size > 0) {
    const commit = ready.pop();
    ordered.push(commit);
    for (const parent of commit.parentIds) {
      const waiting = children.get(parent);
      if (waiting === undefined) continue;
      children.set(parent, waiting - 1);
      if (waiting === 1) ready.push(byId.get(parent)!);
    }
  }
  return ordered;
}

/** A binary heap; `before(a, b)` says a comes out first. */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (!this.before(items[i]!, items[up]!)) break;
      [items[i], items[up]] = [items[up]!, items[i]!];
      i = up;
    }
  }

  pop(): T {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let first = i;
        if (left < items.length && this.before(items[left]!, items[first]!)) first = left;
        if (right < items.length && this.before(items[right]!, items[first]!)) first = right;
        if (first === i) break;
        [items[i], items[first]] = [items[first]!, items[i]!];
        i = first;
      }
    }
    return top;
  }
}

/** One commit with its snapshot's files, for the commit detail view. */
export async function commitDetail(ctx: GcContext, commitId: string): Promise<CommitDetail> {
  const knex = ctx.db.knex();
  const [commit] = (await knex.raw(`
    select c.commit_id, c.parent_ids, c.message, c.author, c."timestamp", c.snapshot_id,
           s.snapshot_id is not null as snapshot_present, s.manifest_blob
    from musehub_commits c left join musehub_snapshots s on s.snapshot_id = c.snapshot_id
    where c.commit_id = ?`, [commitId])).rows;
  if (!commit) throw new UserError(`no commit ${commitId}: it may have been collected`, 2);
  const detail: CommitDetail = {
    commitId, parentIds: commit.parent_ids ?? [], message: commit.message, author: commit.author,
    timestamp: new Date(commit.timestamp).toISOString(), snapshotId: commit.snapshot_id, files: [],
  };
  if (!commit.snapshot_id) return detail;
  if (!commit.snapshot_present) return { ...detail, manifestError: 'the snapshot has no row' };
  const reading = readManifest(commit.manifest_blob);
  if (!reading.ok) return { ...detail, manifestError: reading.problem };
  const sizes = new Map<string, number>((await knex.raw(
    'select object_id, size_bytes::float8 as size from musehub_objects where object_id = any(?)',
    [reading.entries.map(([, objectId]) => objectId)])).rows.map((row: { object_id: string; size: number }) =>
    [row.object_id, row.size]));
  detail.files = reading.entries
    .map(([path, objectId]) => ({ path, objectId, bytes: sizes.get(objectId) ?? null }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return detail;
}
