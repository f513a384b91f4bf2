/**
 * What a repo still needs (GC-RULES "live"): its roots, the commits they reach,
 * and the snapshots and objects of those commits. The repo's commits stream in with
 * one COPY and are walked in memory; the live snapshots go back once, as an id relation
 * (Session.idRelation), for their manifests to stream out. Nothing live is written back.
 */
import { readBasis } from './basis.js';
import { CommitGraph } from './commit-graph.js';
import { readCopy } from '../db/copy-rows.js';
import { isCommitId } from './ids.js';
import { visitManifestObjects } from './manifest.js';
import { IdIndex, IdList } from './packed-ids.js';
import type { Profile } from './profile.js';
import type { Session } from './session.js';
import { repoName, type Finding, type PlanBasis, type PlanClock, type RepoIdentity } from './types.js';

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

/** A row liveness cannot be proven through, and why. */
export interface LivenessProblem {
  id: string;
  problem: string;
}

/** What the walk proves: the repo's live commits, and the live snapshots whose manifests say the rest. */
export interface CommitLiveness {
  graph: CommitGraph;
  roots: Root[];
  /** Commits of the repo reached from a branch, release or wire tag. */
  reachable: number;
  /** Commits kept only because a ref younger than the cutoff reaches them. */
  graceOnly: number;
  /** Commits the repo holds refs to that nothing reaches. */
  orphaned: number;
  /** Live commits whose parent_ids cannot be read: which commits are live cannot be proven. */
  commitProblems: LivenessProblem[];
  /** The snapshots of the live commits and the repo's releases. */
  liveSnapshots: IdList;
  findings: Finding[];
  basis: PlanBasis;
}

/** What the live manifests prove: the objects they name, and the manifests that prove nothing. */
export interface ObjectLiveness {
  /** Objects a live snapshot names. */
  objects: IdIndex;
  /** Live snapshots missing or whose manifest cannot be read: which objects are live cannot be proven. */
  manifestProblems: LivenessProblem[];
  findings: Finding[];
}

/** A repo's liveness, whole. */
export type LiveSet = CommitLiveness & ObjectLiveness;

/** Borrowed commits looked up per statement. */
const LOOKUP_CHUNK = 10_000;
/** Problems of one kind listed by id in the findings; the rest are counted. */
const LISTED_PROBLEMS = 5;

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

/** Walks the repo's history and reads the live manifests. */
export async function deriveLiveSet(session: Session, repo: RepoIdentity, clock: PlanClock, profile: Profile): Promise<LiveSet> {
  const commits = await walkCommits(session, repo, clock, profile);
  const objects = await readLiveObjects(session, commits, profile);
  return { ...commits, ...objects, findings: [...commits.findings, ...objects.findings] };
}

/** Walks the repo's history from its roots (and its refs younger than the cutoff). */
export async function walkCommits(session: Session, repo: RepoIdentity, clock: PlanClock, profile: Profile): Promise<CommitLiveness> {
  const graph = new CommitGraph();
  const young: string[] = [];
  await profile.time('read commits', () => readCopy(session.copyOut(`
      select c.commit_id, c.parent_ids, r.created_at <= ?, c.snapshot_id, extract(epoch from c."timestamp")::int8
      from musehub_commit_refs r join musehub_commits c on c.commit_id = r.commit_id where r.repo_id = ?`,
  [clock.cutoff, repo.repoId]), (row) => {
    const node = graph.addText(row.buf, row.starts[0]!, row.ends[0]!, row.starts[1]!, row.ends[1]!, () => row.text(1));
    const old = row.bool(2);
    graph.markOwn(node, old);
    if (!old) young.push(graph.ids.idOf(node));
    if (!row.isNull(3)) graph.setSnapshot(node, graph.snapshots.addText(row.buf, row.starts[3]!, row.ends[3]!));
    graph.setTime(node, row.int(4));
  }));
  const ownCommits = graph.size;

  const roots = await readRoots(session, repo.repoId);
  const borrowed: string[] = [];
  const walk = async (starts: string[], level: number) => {
    for (let missing = graph.walk(starts, level); missing.length > 0; missing = graph.walk([], level)) {
      const found = await lookUpCommits(session, graph, missing);
      borrowed.push(...found);
      const foundSet = new Set(found);
      graph.markAbsent(missing.filter((id) => !foundSet.has(id)));
    }
  };
  await profile.time('walk', async () => {
    await walk(roots.filter((root) => root.kind === 'branch').map((root) => root.commitId), BRANCH);
    await walk(roots.filter((root) => root.kind !== 'branch').map((root) => root.commitId), PINNED);
    await walk(young, GRACE);
  });

  const releaseSnapshots = (await session.rows<{ snapshot_id: string }>(
    'select snapshot_id from musehub_releases where repo_id = ? and snapshot_id is not null', [repo.repoId],
  )).map((row) => graph.snapshots.add(row.snapshot_id));

  let reachable = 0;
  let graceOnly = 0;
  let orphaned = 0;
  const commitProblems: LivenessProblem[] = [];
  const liveSnapshots = new Uint8Array(graph.snapshots.size);
  const snapshotList = new IdList('hex');
  const addSnapshot = (snapshot: number) => {
    if (snapshot < 0 || liveSnapshots[snapshot]) return;
    liveSnapshots[snapshot] = 1;
    graph.snapshots.copyTo(snapshot, snapshotList);
  };
  for (let node = 0; node < graph.size; node++) {
    const level = graph.level(node);
    if (graph.isOwn(node)) {
      if (level === 0) orphaned++;
      else if (level === GRACE) graceOnly++;
      else reachable++;
    }
    if (level === 0 || !graph.hasRow(node)) continue;
    const problem = graph.malformed.get(node);
    if (problem) commitProblems.push({ id: graph.ids.idOf(node), problem });
    addSnapshot(graph.snapshotNumber(node));
  }
  releaseSnapshots.forEach(addSnapshot);

  const findings: Finding[] = [];
  if (borrowed.length > 0) {
    findings.push({
      severity: 'warning',
      message: `${borrowed.length} live commit(s) of ${repoName(repo)} have no ref row in it ` +
        `(first: ${borrowed[0]}); other repos' GC cannot see that it needs them. ${ownCommits} commits hold refs.`,
    });
  }
  findings.push(...problemFindings(commitProblems, 'live commit'));
  return {
    graph, roots, reachable, graceOnly, orphaned, commitProblems, liveSnapshots: snapshotList, findings,
    basis: await readBasis(session, repo.repoId, clock.cutoff, graph.absentIds()),
  };
}

/** Reads the live snapshots' manifests: which objects are live. */
export async function readLiveObjects(session: Session, commits: CommitLiveness, profile: Profile): Promise<ObjectLiveness> {
  const objects = new IdIndex('sha256', Math.max(1024, commits.liveSnapshots.size * 4));
  const manifestProblems = await profile.time('read manifests', () => readLiveManifests(session, commits.liveSnapshots, objects));
  return { objects, manifestProblems, findings: problemFindings(manifestProblems, 'live snapshot') };
}

/** Streams the manifests of `snapshots`, adding the objects they name; returns those that prove nothing. */
async function readLiveManifests(session: Session, snapshots: IdList, objects: IdIndex): Promise<LivenessProblem[]> {
  if (snapshots.size === 0) return [];
  const listed = await session.idRelation(snapshots);
  const problems: LivenessProblem[] = [];
  const visit = (text: Uint8Array, start: number, end: number) => objects.addText(text, start, end);
  await readCopy(session.copyOut(`
      select l.id, s.snapshot_id is not null, s.manifest_blob
      from ${listed} l left join musehub_snapshots s on s.snapshot_id = l.id`, [], 'binary'), (row) => {
    const problem = row.bool(1) ? visitManifestObjects(row.bytes(2), visit) : 'has no row in musehub_snapshots';
    if (problem) problems.push({ id: row.text(0)!, problem });
  });
  return problems;
}

/** The first problems of a kind by id, and how many more, as error findings. */
function problemFindings(problems: LivenessProblem[], what: string): Finding[] {
  const listed = problems.slice(0, LISTED_PROBLEMS).map(({ id, problem }): Finding =>
    ({ severity: 'error', message: `${what} ${id} ${problem}` }));
  const more = problems.length - listed.length;
  return more > 0 ? [...listed, { severity: 'error', message: `and ${more} more ${what}s like these` }] : listed;
}

/** Loads the rows of commits the walk reached outside the repo's refs; returns the ids found. */
async function lookUpCommits(session: Session, graph: CommitGraph, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  const valid = ids.filter(isCommitId);
  for (let i = 0; i < valid.length; i += LOOKUP_CHUNK) {
    const rows = await session.rows<{ commit_id: string; parent_ids: unknown; snapshot_id: string | null; time: string }>(`
      select commit_id, parent_ids, snapshot_id, extract(epoch from "timestamp")::int8 as time
      from musehub_commits where commit_id = any(?)`, [valid.slice(i, i + LOOKUP_CHUNK)]);
    for (const row of rows) {
      const node = graph.add(row.commit_id, row.parent_ids);
      if (row.snapshot_id !== null) graph.setSnapshot(node, graph.snapshots.add(row.snapshot_id));
      graph.setTime(node, Number(row.time));
      found.push(row.commit_id);
    }
  }
  return found;
}
