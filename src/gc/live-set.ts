/**
 * What a repo still needs (GC-RULES "live"): its roots, the commits they reach,
 * and the snapshots and objects of those commits. The walk runs in memory over
 * rows streamed with COPY; the results go to temporary tables, where every phase
 * reads them with set-based SQL.
 */
import { CommitGraph } from './commit-graph.js';
import { isCommitId, shortId } from './ids.js';
import { readManifest } from './manifest.js';
import { copyField, copyRows, type Session } from './session.js';
import type { Finding, RepoIdentity } from './types.js';

/** Walk levels: what first reached a commit. */
export const BRANCH = 1;
export const PINNED = 2;
export const GRACE = 3;

/** A branch head, release or wire tag of the repo. */
export interface Root {
  kind: 'branch' | 'release' | 'tag';
  name: string;
  commitId: string;
}

export interface LiveSet {
  graph: CommitGraph;
  roots: Root[];
  /** Commits of the repo reached from a branch, release or wire tag. */
  reachable: number;
  /** Commits kept only because a ref younger than the cutoff reaches them. */
  graceOnly: number;
  /** Commits the repo holds refs to that nothing reaches. */
  orphaned: number;
  /** Snapshots whose manifest cannot prove which objects are live. */
  manifestProblems: Array<{ snapshotId: string; problem: string }>;
  findings: Finding[];
  /** Changes when a root moves or a ref younger than the cutoff appears. */
  fingerprint: string;
}

const LOOKUP_CHUNK = 10_000;

/** Lists the repo's branch heads, releases and wire tags. */
export async function readRoots(session: Session, repoId: string): Promise<Root[]> {
  return session.rows<Root>(`
    select 'branch' as kind, name, head_commit_id as "commitId" from musehub_branches
      where repo_id = ? and head_commit_id is not null
    union all
    select 'release', tag, commit_id from musehub_releases where repo_id = ? and commit_id is not null
    union all
    select 'tag', tag, commit_id from musehub_wire_tags where repo_id = ?`, [repoId, repoId, repoId]);
}

/** Identifies the roots and young refs that liveness depends on, to notice a push since. */
export async function rootFingerprint(session: Session, repoId: string, cutoff: string): Promise<string> {
  const row = await session.one<{ fingerprint: string | null }>(`
    select md5(string_agg(item, ',' order by item)) as fingerprint from (
      select 'b:' || name || '=' || head_commit_id as item from musehub_branches
        where repo_id = ? and head_commit_id is not null
      union all select 'r:' || tag || '=' || coalesce(commit_id, '') || '/' || coalesce(snapshot_id, '')
        from musehub_releases where repo_id = ?
      union all select 't:' || tag || '=' || commit_id from musehub_wire_tags where repo_id = ?
      union all select 'c:' || commit_id from musehub_commit_refs where repo_id = ? and created_at > ?
    ) as items`, [repoId, repoId, repoId, repoId, cutoff]);
  return row.fingerprint ?? '';
}

/**
 * Walks the repo's history and fills the temporary tables `gc_live_commits`,
 * `gc_live_snapshots` and `gc_live_objects`.
 */
export async function deriveLiveSet(session: Session, repo: RepoIdentity, cutoff: string): Promise<LiveSet> {
  const repoId = repo.repoId;
  const graph = new CommitGraph();
  for await (const [commitId, parents] of copyRows(session.copyOut(`
      select c.commit_id, c.parent_ids from musehub_commit_refs r
      join musehub_commits c on c.commit_id = r.commit_id where r.repo_id = ${literal(repoId)}`))) {
    graph.add(commitId!, parseParents(copyField(parents!)));
  }
  const ownCommits = graph.size;

  const roots = await readRoots(session, repoId);
  const young = (await session.rows<{ commit_id: string }>(
    'select commit_id from musehub_commit_refs where repo_id = ? and created_at > ?', [repoId, cutoff],
  )).map((row) => row.commit_id);

  const borrowed: string[] = [];
  const walk = async (starts: string[], level: number) => {
    let missing = graph.walk(starts, level);
    while (missing.length > 0) {
      const found = await lookUpCommits(session, missing);
      for (const [commitId, parents] of found) {
        graph.add(commitId, parents);
        borrowed.push(commitId);
      }
      graph.markAbsent(missing.filter((id) => !found.has(id)));
      missing = graph.walk([], level);
    }
  };
  await walk(roots.filter((root) => root.kind === 'branch').map((root) => root.commitId), BRANCH);
  await walk(roots.filter((root) => root.kind !== 'branch').map((root) => root.commitId), PINNED);
  await walk(young, GRACE);

  let reachable = 0;
  let graceOnly = 0;
  let orphaned = 0;
  await session.createIdTable('gc_live_commits', (function* () {
    for (const [commitId, level] of graph.levels()) {
      if (level === 0) {
        orphaned++;
        continue;
      }
      if (level === GRACE) graceOnly++;
      else reachable++;
      yield commitId;
    }
  })());

  const findings: Finding[] = [];
  if (borrowed.length > 0) {
    findings.push({
      severity: 'warning',
      message: `${borrowed.length} live commit(s) of ${repo.owner}/${repo.slug} have no ref row in it ` +
        `(first: ${shortId(borrowed[0]!)}); other repos' GC cannot see that it needs them. ` +
        `${ownCommits} commits hold refs.`,
    });
  }

  const manifestProblems = await deriveLiveObjects(session, repoId);
  return {
    graph, roots, reachable, graceOnly, orphaned, manifestProblems, findings,
    fingerprint: await rootFingerprint(session, repoId, cutoff),
  };
}

/**
 * Fills `gc_live_snapshots` and `gc_live_objects`; returns the manifests that prove nothing.
 * The manifests stream in with one COPY; their object ids are gathered first (a set, as
 * snapshots share most files) and written after, as the connection is busy until COPY ends.
 */
async function deriveLiveObjects(session: Session, repoId: string): Promise<LiveSet['manifestProblems']> {
  await session.execute('drop table if exists gc_live_snapshots');
  await session.execute(`
    create temp table gc_live_snapshots as
    select c.snapshot_id as id from gc_live_commits l join musehub_commits c on c.commit_id = l.id
      where c.snapshot_id is not null
    union
    select snapshot_id from musehub_releases where repo_id = ? and snapshot_id is not null`, [repoId]);
  await session.analyze('gc_live_snapshots');

  const problems: LiveSet['manifestProblems'] = [];
  const objectIds = new Set<string>();
  for await (const [snapshotId, present, blob] of copyRows(session.copyOut(`
      select l.id, s.snapshot_id is not null, s.manifest_blob
      from gc_live_snapshots l left join musehub_snapshots s on s.snapshot_id = l.id`))) {
    const reading = present === 't' ? readManifest(decodeBytea(copyField(blob!)))
      : { ok: false as const, problem: 'has no row in musehub_snapshots' };
    if (!reading.ok) problems.push({ snapshotId: snapshotId!, problem: reading.problem });
    else for (const [, objectId] of reading.entries) objectIds.add(objectId);
  }
  await session.createIdTable('gc_live_objects', objectIds);
  return problems;
}

/** A COPY text bytea (`\x0a1b…`) as bytes. */
function decodeBytea(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text.startsWith('\\x') ? text.slice(2) : text, 'hex');
}

async function lookUpCommits(session: Session, ids: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const valid = ids.filter(isCommitId);
  for (let i = 0; i < valid.length; i += LOOKUP_CHUNK) {
    const rows = await session.rows<{ commit_id: string; parent_ids: unknown }>(
      'select commit_id, parent_ids from musehub_commits where commit_id = any(?)', [valid.slice(i, i + LOOKUP_CHUNK)]);
    for (const row of rows) found.set(row.commit_id, parentList(row.parent_ids));
  }
  return found;
}

function parseParents(json: string | null): string[] {
  if (!json) return [];
  try {
    return parentList(JSON.parse(json));
  } catch {
    return [];
  }
}

function parentList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

/** A repo id quoted for the few statements (COPY) that take no parameters. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
