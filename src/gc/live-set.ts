/**
 * What a repo still needs (GC-RULES "live"): its roots, the commits they reach,
 * and the snapshots and objects of those commits. The repo's commits stream in with
 * one COPY and are walked in memory; the live snapshots go back once, as an id relation
 * (Session.idRelation), for their manifests to stream out. Nothing live is written back.
 */
import { readBases } from './basis.js';
import { CommitGraph } from './commit-graph.js';
import { readCopy } from '../db/copy-rows.js';
import { byId, isCommitId } from './ids.js';
import { visitManifestObjects } from './manifest.js';
import { IdIndex, IdList } from './packed-ids.js';
import { idsByRepo } from './phases/runtime.js';
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

/** The batch's branch heads, releases and wire tags, by repo. */
async function readRoots(session: Session, batch: string): Promise<Map<string, Root[]>> {
  const roots = new Map<string, Root[]>();
  for (const { repoId, ...root } of await session.rows<Root & { repoId: string }>(`
    select repo_id as "repoId", 'branch' as kind, name, head_commit_id as "commitId" from musehub_branches
      where repo_id in (select id from ${batch} as batch) and head_commit_id is not null
    union all
    select repo_id, 'release', tag, commit_id from musehub_releases
      where repo_id in (select id from ${batch} as batch) and commit_id is not null
    union all
    select repo_id, 'tag', tag, commit_id from musehub_wire_tags where repo_id in (select id from ${batch} as batch)`)) {
    roots.set(repoId, [...(roots.get(repoId) ?? []), root]);
  }
  return roots;
}

/** Walks the histories of a batch of repos and reads their live manifests, each once. */
export async function deriveLiveSets(
  session: Session,
  repos: readonly RepoIdentity[],
  repoIds: IdList,
  clock: PlanClock,
  profile: Profile,
): Promise<Map<string, LiveSet>> {
  const commits = await walkCommits(session, repos, repoIds, clock, profile);
  const objects = await readLiveObjects(session, commits, profile);
  return new Map(
    [...commits].map(([repoId, walked]) => {
      const read = objects.get(repoId)!;
      return [repoId, { ...walked, ...read, findings: [...walked.findings, ...read.findings] }];
    }),
  );
}

/** A repo's walk while it goes. */
interface Walking {
  repo: RepoIdentity;
  graph: CommitGraph;
  /** Commits whose ref is younger than the cutoff: roots of the grace walk. */
  young: string[];
  /** Commits the walk reached outside the repo's refs, found in the hub. */
  borrowed: string[];
}

/**
 * Walks each repo's history from its roots (and its refs younger than the cutoff). The batch's
 * commits stream in with one COPY, each repo's into a graph of its own; commits a walk reaches
 * outside its repo's refs are looked up for the whole batch at once, a round per generation.
 */
export async function walkCommits(
  session: Session,
  repos: readonly RepoIdentity[],
  repoIds: IdList,
  clock: PlanClock,
  profile: Profile,
): Promise<Map<string, CommitLiveness>> {
  const batch = await session.idRelation(repoIds);
  const walking = new Map(
    repos.map((repo): [string, Walking] => [
      repo.repoId,
      { repo, graph: new CommitGraph(repos.length > 1 ? 64 : 4096), young: [], borrowed: [] },
    ]),
  );
  let last: Walking | undefined;
  await profile.time('read commits', () =>
    readCopy(
      session.copyOut(
        `
      select r.repo_id, c.commit_id, c.parent_ids, r.created_at <= ?, c.snapshot_id, extract(epoch from c."timestamp")::int8
      from musehub_commit_refs r join musehub_commits c on c.commit_id = r.commit_id where r.repo_id in (select id from ${batch} as batch)`,
        [clock.cutoff],
      ),
      (row) => {
        const repoId = row.text(0)!;
        if (last?.repo.repoId !== repoId) last = walking.get(repoId)!;
        const { graph } = last;
        const node = graph.addText(row.buf, row.starts[1]!, row.ends[1]!, row.starts[2]!, row.ends[2]!, () =>
          row.text(2),
        );
        const old = row.bool(3);
        graph.markOwn(node, old);
        if (!old) last.young.push(graph.ids.idOf(node));
        if (!row.isNull(4)) graph.setSnapshot(node, graph.snapshots.addText(row.buf, row.starts[4]!, row.ends[4]!));
        graph.setTime(node, row.int(5));
      },
    ),
  );
  const ownCommits = new Map([...walking].map(([repoId, { graph }]) => [repoId, graph.size]));

  const roots = await readRoots(session, batch);
  const rootsOf = (repo: Walking) => roots.get(repo.repo.repoId) ?? [];
  await profile.time('walk', async () => {
    await walkAll(
      session,
      walking,
      (repo) =>
        rootsOf(repo)
          .filter((root) => root.kind === 'branch')
          .map((root) => root.commitId),
      BRANCH,
    );
    await walkAll(
      session,
      walking,
      (repo) =>
        rootsOf(repo)
          .filter((root) => root.kind !== 'branch')
          .map((root) => root.commitId),
      PINNED,
    );
    await walkAll(session, walking, (repo) => repo.young, GRACE);
  });

  const releaseSnapshots = await idsByRepo(
    session,
    `select repo_id as repo, snapshot_id as id
    from musehub_releases where repo_id in (select id from ${batch} as batch) and snapshot_id is not null`,
  );
  const bases = await readBases(
    session,
    { sql: batch, bindings: [] },
    clock.cutoff,
    new Map([...walking].map(([repoId, { graph }]) => [repoId, graph.absentIds()])),
  );

  return new Map(
    [...walking].map(([repoId, { repo, graph, borrowed }]) => {
      const released = (releaseSnapshots.get(repoId) ?? []).map((id) => graph.snapshots.add(id));
      return [
        repoId,
        liveness(
          repo,
          graph,
          rootsOf(walking.get(repoId)!),
          released,
          borrowed,
          ownCommits.get(repoId)!,
          bases.get(repoId)!,
        ),
      ];
    }),
  );
}

/**
 * Marks with `level` what each repo's `starts` reach, loading the rows of commits the walks reach
 * outside their repos' refs, a statement per generation for the whole batch, until none is missing.
 */
async function walkAll(
  session: Session,
  walking: ReadonlyMap<string, Walking>,
  starts: (repo: Walking) => string[],
  level: number,
) {
  let missing = new Map([...walking.values()].map((repo) => [repo, repo.graph.walk(starts(repo), level)]));
  for (;;) {
    const wanted = new Set<string>();
    for (const ids of missing.values()) for (const id of ids) wanted.add(id);
    if (wanted.size === 0) return;
    const rows = await lookUpCommits(session, [...wanted]);
    const next = new Map<Walking, string[]>();
    for (const [repo, ids] of missing) {
      if (ids.length === 0) continue;
      const absent: string[] = [];
      for (const id of ids) {
        const row = rows.get(id);
        if (!row) {
          absent.push(id);
          continue;
        }
        const node = repo.graph.add(row.commit_id, row.parent_ids);
        if (row.snapshot_id !== null) repo.graph.setSnapshot(node, repo.graph.snapshots.add(row.snapshot_id));
        repo.graph.setTime(node, Number(row.time));
        repo.borrowed.push(row.commit_id);
      }
      repo.graph.markAbsent(absent);
      next.set(repo, repo.graph.walk([], level));
    }
    missing = next;
  }
}

/** What one repo's walk proves: its counts, its live snapshots, and what it could not read. */
function liveness(
  repo: RepoIdentity,
  graph: CommitGraph,
  roots: Root[],
  releaseSnapshots: readonly number[],
  borrowed: readonly string[],
  ownCommits: number,
  basis: PlanBasis,
): CommitLiveness {
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
  commitProblems.sort((a, b) => byId(a.id, b.id));

  const findings: Finding[] = [];
  if (borrowed.length > 0) {
    // biome-ignore lint/complexity/useMathMinMax: the ids are strings; Math.min would make them NaN.
    const first = borrowed.reduce((a, b) => (b < a ? b : a));
    findings.push({
      severity: 'warning',
      message:
        `${borrowed.length} live commit(s) of ${repoName(repo)} have no ref row in it ` +
        `(first: ${first}); other repos' GC cannot see that it needs them. ${ownCommits} commits hold refs.`,
    });
  }
  findings.push(...problemFindings(commitProblems, 'live commit'));
  return { graph, roots, reachable, graceOnly, orphaned, commitProblems, liveSnapshots: snapshotList, findings, basis };
}

/**
 * Reads the live snapshots' manifests: which objects are live, per repo. A snapshot live in several
 * repos of the batch is read and decoded once, its objects added to each.
 */
export async function readLiveObjects(
  session: Session,
  commits: ReadonlyMap<string, CommitLiveness>,
  profile: Profile,
): Promise<Map<string, ObjectLiveness>> {
  const repoIds = [...commits.keys()];
  const least = commits.size > 1 ? 64 : 1024;
  const objects = repoIds.map(
    (repoId) => new IdIndex('sha256', Math.max(least, commits.get(repoId)!.liveSnapshots.size * 4)),
  );
  const problems = repoIds.map((): LivenessProblem[] => []);
  const snapshots = new IdIndex('hex');
  const holders: number[][] = [];
  const hold = (snapshot: number, repo: number): void => {
    const list = holders[snapshot];
    if (list) list.push(repo);
    else holders[snapshot] = [repo];
  };
  repoIds.forEach((repoId, repo) => {
    commits.get(repoId)!.liveSnapshots.forEachKey(
      (bytes, at) => hold(snapshots.addKey(bytes, at), repo),
      (id) => hold(snapshots.add(id), repo),
    );
  });
  await profile.time('read manifests', () =>
    readLiveManifests(session, snapshots, (snapshot) => holders[snapshot]!, objects, problems),
  );
  return new Map(
    repoIds.map((repoId, repo) => {
      const manifestProblems = problems[repo]!.sort((a, b) => byId(a.id, b.id));
      return [
        repoId,
        { objects: objects[repo]!, manifestProblems, findings: problemFindings(manifestProblems, 'live snapshot') },
      ];
    }),
  );
}

/** Streams the manifests of `snapshots`, adding the objects each names to its holders' sets, or its problem to their lists. */
async function readLiveManifests(
  session: Session,
  snapshots: IdIndex,
  holdersOf: (snapshot: number) => number[],
  objects: IdIndex[],
  problems: LivenessProblem[][],
): Promise<void> {
  if (snapshots.size === 0) return;
  const listed = await session.idRelation(snapshots.toList());
  let holders: number[] = [];
  const visitOne = (text: Uint8Array, start: number, end: number) => objects[holders[0]!]!.addText(text, start, end);
  const visitEach = (text: Uint8Array, start: number, end: number) => {
    for (const holder of holders) objects[holder]!.addText(text, start, end);
  };
  await readCopy(
    session.copyOut(
      `
      select l.id, s.snapshot_id is not null, s.manifest_blob
      from ${listed} l left join musehub_snapshots s on s.snapshot_id = l.id`,
      [],
      'binary',
    ),
    (row) => {
      holders = holdersOf(snapshots.indexOfText(row.buf, row.starts[0]!, row.ends[0]!));
      const problem = row.bool(1)
        ? visitManifestObjects(row.bytes(2), holders.length === 1 ? visitOne : visitEach)
        : 'has no row in musehub_snapshots';
      if (problem) for (const holder of holders) problems[holder]!.push({ id: row.text(0)!, problem });
    },
  );
}

/** The first problems of a kind by id, and how many more, as error findings. */
function problemFindings(problems: LivenessProblem[], what: string): Finding[] {
  const listed = problems
    .slice(0, LISTED_PROBLEMS)
    .map(({ id, problem }): Finding => ({ severity: 'error', message: `${what} ${id} ${problem}` }));
  const more = problems.length - listed.length;
  return more > 0 ? [...listed, { severity: 'error', message: `and ${more} more ${what}s like these` }] : listed;
}

interface CommitRow {
  commit_id: string;
  parent_ids: unknown;
  snapshot_id: string | null;
  time: string;
}

/** Loads the rows of commits walks reached outside their repos' refs, by id; ids with no row are not in it. */
async function lookUpCommits(session: Session, ids: string[]): Promise<Map<string, CommitRow>> {
  const found = new Map<string, CommitRow>();
  const valid = ids.filter(isCommitId);
  for (let i = 0; i < valid.length; i += LOOKUP_CHUNK) {
    const rows = await session.rows<CommitRow>(
      `
      select commit_id, parent_ids, snapshot_id, extract(epoch from "timestamp")::int8 as time
      from musehub_commits where commit_id = any(?)`,
      [valid.slice(i, i + LOOKUP_CHUNK)],
    );
    for (const row of rows) found.set(row.commit_id, row);
  }
  return found;
}
