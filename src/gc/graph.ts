/**
 * A repo's commits as the graph view draws them: each marked reachable,
 * orphaned (to be collected) or kept (and why), with the branches, releases and
 * wire tags that point at it, in topological order, newest first.
 */
import type { Database } from '../db/connect.js';
import { readParents } from './ids.js';
import { readManifest } from './manifest.js';
import { IdIndex } from './packed-ids.js';
import { BRANCH, GRACE, PINNED } from './live-set.js';
import { PHASES, phaseOfSet } from './phases/catalog.js';
import { derivePlan } from './plan.js';
import { Heap } from './heap.js';
import { Session } from './session.js';
import { UsageError } from '../errors.js';
import type { RepoIdentity } from './types.js';

/** How the graph marks a commit. */
export type CommitState = 'reachable' | 'orphaned' | 'kept';

/** One commit of a repo's graph, newest first in topological order. */
export interface GraphCommit {
  commitId: string;
  parentIds: string[];
  state: CommitState;
  /** Why an unreachable commit is kept ("grace period", "held by fork a/b"). */
  keptBecause?: string;
  /** Branch names, `[tag]` release tags and `#wire` tags that point here. */
  labels: string[];
  message: string;
  author: string;
  /** ISO 8601. */
  timestamp: string;
}

export interface CommitDetail {
  commitId: string;
  parentIds: string[];
  message: string;
  author: string;
  timestamp: string;
  snapshotId: string | null;
  /** Files of the snapshot, path and object, with size where the object row exists. */
  files: Array<{ path: string; objectId: string; bytes: number | null }>;
  /** Set when the manifest is missing or does not decode. */
  manifestError?: string;
}

interface CommitRow {
  commit_id: string;
  parent_ids: unknown;
  message: string;
  author: string;
  timestamp: Date;
}

export async function repoGraph(db: Database, repo: RepoIdentity, graceSeconds: number): Promise<GraphCommit[]> {
  const session = await Session.open(db);
  try {
    const { plan, live } = await derivePlan(session, db.hub, repo, { graceSeconds, itemLimit: 0 });
    const deleted = new IdIndex('hex', plan.sets.commits.size);
    for (const id of plan.sets.commits) deleted.add(id);
    const rows = await session.rows<CommitRow>(
      `
      select c.commit_id, c.parent_ids, c.message, c.author, c."timestamp"
      from musehub_commit_refs r join musehub_commits c on c.commit_id = r.commit_id
      where r.repo_id = ?`,
      [repo.repoId],
    );
    const unreached = rows.filter((row) => live.graph.levelOf(row.commit_id) === 0 && !deleted.has(row.commit_id));
    const holders = new Map(
      (
        await session.rows<{ id: string; holder: string }>(
          `
      select x.commit_id as id, min(o.owner || '/' || o.slug) as holder
      from musehub_commit_refs x join musehub_repos o on o.repo_id = x.repo_id
      where x.commit_id = any(?) and x.repo_id <> ? group by 1`,
          [unreached.map((row) => row.commit_id), repo.repoId],
        )
      ).map((row) => [row.id, row.holder]),
    );
    const commitsPhase = phaseOfSet('commits');
    const refused = plan.phases[PHASES.indexOf(commitsPhase)]!.refused;
    const labels = new Map<string, string[]>();
    for (const root of live.roots) {
      const label = root.kind === 'branch' ? root.name : root.kind === 'release' ? `[${root.name}]` : `#${root.name}`;
      labels.set(root.commitId, [...(labels.get(root.commitId) ?? []), label]);
    }
    const commits = rows.map((row): GraphCommit => {
      const level = live.graph.levelOf(row.commit_id);
      const state =
        level === BRANCH || level === PINNED
          ? 'reachable'
          : level === GRACE || !deleted.has(row.commit_id)
            ? 'kept'
            : 'orphaned';
      const holder = holders.get(row.commit_id);
      const keptBecause =
        state !== 'kept'
          ? undefined
          : level === GRACE
            ? 'a ref younger than the grace period reaches it'
            : refused
              ? `phase ${commitsPhase.number} is refused: liveness cannot be proven`
              : holder
                ? `held by ${holder}`
                : 'another repo points at it, or its ref is younger than the grace period';
      const parents = readParents(row.parent_ids);
      return {
        commitId: row.commit_id,
        parentIds: parents.ok ? parents.parents : [],
        state,
        keptBecause,
        labels: labels.get(row.commit_id) ?? [],
        message: row.message,
        author: row.author,
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
  const ready = new Heap<GraphCommit>(
    (a, b) => a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.commitId < b.commitId),
  );
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

/** One commit with its snapshot's files, for the commit detail view. */
export async function commitDetail(db: Database, commitId: string): Promise<CommitDetail> {
  const knex = db.knex();
  const [commit] = (
    await knex.raw(
      `
    select c.commit_id, c.parent_ids, c.message, c.author, c."timestamp", c.snapshot_id,
           s.snapshot_id is not null as snapshot_present, s.manifest_blob
    from musehub_commits c left join musehub_snapshots s on s.snapshot_id = c.snapshot_id
    where c.commit_id = ?`,
      [commitId],
    )
  ).rows;
  if (!commit) throw new UsageError(`no commit ${commitId}: it may have been collected`);
  const parents = readParents(commit.parent_ids);
  const detail: CommitDetail = {
    commitId,
    parentIds: parents.ok ? parents.parents : [],
    message: commit.message,
    author: commit.author,
    timestamp: new Date(commit.timestamp).toISOString(),
    snapshotId: commit.snapshot_id,
    files: [],
  };
  if (!commit.snapshot_id) return detail;
  if (!commit.snapshot_present) return { ...detail, manifestError: 'the snapshot has no row' };
  const reading = readManifest(commit.manifest_blob);
  if (!reading.ok) return { ...detail, manifestError: reading.problem };
  const sizes = new Map<string, number>(
    (
      await knex.raw('select object_id, size_bytes::float8 as size from musehub_objects where object_id = any(?)', [
        reading.entries.map(([, objectId]) => objectId),
      ])
    ).rows.map((row: { object_id: string; size: number }) => [row.object_id, row.size]),
  );
  detail.files = reading.entries
    .map(([path, objectId]) => ({ path, objectId, bytes: sizes.get(objectId) ?? null }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return detail;
}
