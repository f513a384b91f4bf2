/**
 * A real public git history imported into a hub, collected side by side by the original
 * Python service and by `musehub-gc run --yes`, beside the floor (PostgreSQL handing over the
 * commits and manifests). Each git commit becomes a commit, each distinct tree a snapshot
 * whose manifest is the flattened tree (path → object id of the blob), each distinct blob an
 * object row whose size_bytes is git's. On top of the history, as GC-RULES' hard cases:
 * main is force-pushed back FORCE_BACK first-parent commits and a new chain pushed, a release
 * was cut from a commit that push left behind, and a fork holds the older half of it. Both
 * collectors then run on fresh copies of one template, and a check of every row that was live
 * (for any repo) before says what each lost.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pack, unpack } from 'msgpackr';
import type pg from 'pg';
import type { Database } from '../src/db/connect.js';
import { emptyRows } from '../src/demo/hub-builder.js';
import { blobId, hexId, uuidId } from '../src/demo/ids.js';
import { loadHubChunks, type HubRows } from '../src/demo/load.js';
import type { RunResult } from '../src/gc/types.js';
import { keyForId } from '../src/storage/blob-store.js';
import { flattenedTrees, readGitHistory, type GitCommit, type GitHistory } from './git-history.js';
import { breakdown, cli, floorMs } from './measure.js';
import { runSeedService, seedServiceMissing, writeSeedService } from './seed-service.js';
import { benchTemplate, databaseUrl, freshCopy, onDatabase } from './templates.js';

/** Where this machine keeps libarchive's history: 8,203 commits, 1,077 merges, ~1,500 files a tree. */
export const DEFAULT_HISTORY = '/work/.mirror/libarchive+libarchive/repo';
const REPO = 'real/history';
/** First-parent commits of main the force push leaves behind, and the commits of the chain it pushes instead. */
const FORCE_BACK = 100;
const NEW_CHAIN = 20;
const FILES_A_PUSH = 3;
/** Rows and manifest bytes a chunk of the load carries at most. */
const CHUNK_ROWS = 20_000;
const CHUNK_BYTES = 32 << 20;
const DAY = 86_400_000;

interface Scenario {
  /** The commit main was reset to, the fork's head, the left-behind release's commit. */
  newBase: string;
  forkHead: string;
  releasedBehind: string;
  /** Commits the fork holds: everything its head reaches. */
  forkHolds: Set<string>;
  /** The newest tags still on main after the push, which get releases. */
  releaseTags: Array<[tag: string, commit: string]>;
}

function ancestry(bySha: Map<string, GitCommit>, head: string): Set<string> {
  const seen = new Set<string>();
  for (const stack = [head]; stack.length > 0; ) {
    const sha = stack.pop()!;
    if (seen.has(sha) || !bySha.has(sha)) continue;
    seen.add(sha);
    stack.push(...bySha.get(sha)!.parents);
  }
  return seen;
}

function scenarioOf(history: GitHistory): Scenario {
  const bySha = new Map(history.commits.map((commit) => [commit.sha, commit]));
  const mainLine: string[] = [];
  for (let sha: string | undefined = history.head; sha && bySha.has(sha); sha = bySha.get(sha)!.parents[0]) {
    mainLine.push(sha);
  }
  if (mainLine.length < 16) {
    throw new Error(`the history's main line has ${mainLine.length} commits; the bench needs 16 or more`);
  }
  const back = Math.min(FORCE_BACK, Math.floor(mainLine.length / 4));
  const kept = ancestry(bySha, mainLine[back]!);
  const order = new Map(history.commits.map((commit, i) => [commit.sha, i]));
  const releaseTags = [...history.tags]
    .filter(([, commit]) => kept.has(commit))
    .sort((a, b) => order.get(b[1])! - order.get(a[1])!)
    .slice(0, 3);
  const forkHead = mainLine[Math.floor(back / 2)]!;
  return {
    newBase: mainLine[back]!,
    forkHead,
    releasedBehind: mainLine[Math.floor(back / 4)]!,
    forkHolds: ancestry(bySha, forkHead),
    releaseTags,
  };
}

const commitIdOf = (sha: string) => hexId('git-commit', sha);
const snapshotIdOf = (tree: string) => hexId('git-tree', tree);
/** Memoised: every manifest names its blobs again, millions of times in all. */
const objectIds = new Map<string, string>();
function objectIdOf(blob: string): string {
  let id = objectIds.get(blob);
  if (id === undefined) {
    id = blob.startsWith('sha256:') ? blob : blobId('git-blob', blob);
    objectIds.set(blob, id);
  }
  return id;
}

/** The hub's rows, a chunk at a time: the history parents first, then the force push, the fork and the releases. */
function* hubRows(history: GitHistory, scenario: Scenario, now: number): Generator<HubRows> {
  let rows = emptyRows();
  const pushedAt = new Date(now - 2 * DAY);
  const forcedAt = new Date(now - DAY);
  const main = uuidId('repo', 'real', 'history');
  const fork = uuidId('repo', 'fork', 'history');
  rows.repos.push(
    {
      repoId: main,
      owner: 'real',
      slug: 'history',
      name: 'A real history',
      visibility: 'public',
      createdAt: pushedAt,
      pushedAt: forcedAt,
    },
    {
      repoId: fork,
      owner: 'fork',
      slug: 'history',
      name: 'A fork of it from before the force push',
      visibility: 'public',
      createdAt: pushedAt,
      pushedAt,
    },
  );

  const objects = new Set<string>();
  const addObject = (objectId: string, sizeBytes: number | undefined) => {
    if (objects.has(objectId)) return;
    if (sizeBytes === undefined) throw new Error(`no size for ${objectId}: is the git repository a partial clone?`);
    objects.add(objectId);
    rows.objects.push({ objectId, sizeBytes, createdAt: pushedAt });
    rows.objectRefs.push({ repoId: main, objectId, createdAt: pushedAt });
  };
  const snapshots = new Set<string>();
  let manifestBytes = 0;
  const addSnapshot = (snapshotId: string, manifest: ReadonlyMap<string, string>) => {
    if (snapshots.has(snapshotId)) return;
    snapshots.add(snapshotId);
    const named = new Map([...manifest].map(([path, blob]) => [path, objectIdOf(blob)]));
    // msgpackr writes a map32 for a Map of more than 65,535 entries (an object that big it refuses).
    const manifestBlob = pack(named);
    manifestBytes += manifestBlob.length;
    rows.snapshots.push({ snapshotId, manifestBlob, createdAt: pushedAt });
  };

  const forkObjects = new Set<string>();
  let base: Map<string, string> | undefined;
  for (const [commit, tree] of flattenedTrees(history)) {
    if (commit.sha === scenario.newBase) base = new Map(tree);
    for (const [, blob] of commit.changes) if (blob !== null) addObject(objectIdOf(blob), history.blobSizes.get(blob));
    addSnapshot(snapshotIdOf(commit.tree), tree);
    const commitId = commitIdOf(commit.sha);
    rows.commits.push({
      commitId,
      parentIds: commit.parents.map(commitIdOf),
      message: commit.subject,
      author: commit.author.slice(0, 255),
      timestamp: new Date(commit.at * 1000),
      snapshotId: snapshotIdOf(commit.tree),
      createdAt: pushedAt,
    });
    rows.commitRefs.push({ repoId: main, commitId, createdAt: pushedAt });
    if (scenario.forkHolds.has(commit.sha)) {
      rows.commitRefs.push({ repoId: fork, commitId, createdAt: pushedAt });
      for (const blob of tree.values()) forkObjects.add(blob);
    }
    if (rows.objects.length + rows.commitRefs.length >= CHUNK_ROWS || manifestBytes >= CHUNK_BYTES) {
      yield rows;
      rows = emptyRows();
      manifestBytes = 0;
    }
  }

  // The force push: main reset to newBase, and a new chain of a few changed files a commit.
  const tree = base!;
  const paths = [...tree.keys()].sort();
  const sizes = new Map(history.blobSizes);
  let parent = commitIdOf(scenario.newBase);
  for (let i = 0; i < NEW_CHAIN; i++) {
    for (let k = 0; k < FILES_A_PUSH; k++) {
      const path = paths[((i * FILES_A_PUSH + k) * 7919) % paths.length]!;
      const objectId = blobId('force-push', i, path);
      sizes.set(objectId, sizes.get(tree.get(path)!)!);
      addObject(objectId, sizes.get(objectId));
      tree.set(path, objectId);
    }
    const snapshotId = hexId('force-push-tree', i);
    addSnapshot(snapshotId, tree);
    const commitId = hexId('force-push', i);
    rows.commits.push({
      commitId,
      parentIds: [parent],
      message: `Rework after the force push (${i + 1})`,
      author: 'bench',
      timestamp: forcedAt,
      snapshotId,
      createdAt: forcedAt,
    });
    rows.commitRefs.push({ repoId: main, commitId, createdAt: forcedAt });
    parent = commitId;
  }
  rows.branches.push(
    { branchId: uuidId('branch', main, 'main'), repoId: main, name: 'main', headCommitId: parent },
    {
      branchId: uuidId('branch', fork, 'main'),
      repoId: fork,
      name: 'main',
      headCommitId: commitIdOf(scenario.forkHead),
    },
  );
  const bySha = new Map(history.commits.map((commit) => [commit.sha, commit]));
  for (const [tag, sha] of [...scenario.releaseTags, ['left-behind-rc', scenario.releasedBehind] as [string, string]]) {
    rows.releases.push({
      releaseId: uuidId('release', main, tag),
      repoId: main,
      tag,
      title: tag,
      commitId: commitIdOf(sha),
      snapshotId: snapshotIdOf(bySha.get(sha)!.tree),
      createdAt: pushedAt,
    });
  }
  for (const blob of forkObjects) {
    rows.objectRefs.push({ repoId: fork, objectId: objectIdOf(blob), createdAt: pushedAt });
  }
  yield rows;
}

async function importHistory(db: Database, dir: string, limit: number | undefined): Promise<void> {
  const history = readGitHistory(dir, limit);
  await loadHubChunks(db, hubRows(history, scenarioOf(history), Date.now()));
}

/** What is live for some repo of the hub, by GC-RULES: no collection of one repo may delete any of it. */
interface LiveRows {
  commits: string[];
  snapshots: string[];
  objects: string[];
  /** Ref rows of every repo but the collected one. */
  otherRefs: number;
}

async function otherRefs(client: pg.Client): Promise<number> {
  const { rows } = await client.query(
    `select (select count(*) from musehub_commit_refs where repo_id <> r.repo_id)
    + (select count(*) from musehub_object_refs where repo_id <> r.repo_id) as refs
    from musehub_repos r where owner || '/' || slug = $1`,
    [REPO],
  );
  return Number(rows[0].refs);
}

async function liveRows(url: string): Promise<LiveRows> {
  return onDatabase(url, async (client) => {
    const { rows: commitRows } = await client.query(
      'select commit_id, parent_ids::text as parents, snapshot_id from musehub_commits',
    );
    const commits = new Map(
      commitRows.map((row) => [
        row.commit_id as string,
        { parents: JSON.parse(row.parents) as string[], snapshot: row.snapshot_id as string | null },
      ]),
    );
    const roots = (
      await client.query(`select head_commit_id as id from musehub_branches
      where head_commit_id is not null
      union all select commit_id from musehub_releases where commit_id is not null
      union all select commit_id from musehub_wire_tags`)
    ).rows.map((row) => row.id as string);
    const live = new Set<string>();
    for (const stack = roots; stack.length > 0; ) {
      const id = stack.pop()!;
      if (live.has(id) || !commits.has(id)) continue;
      live.add(id);
      stack.push(...commits.get(id)!.parents);
    }
    const released = await client.query('select snapshot_id from musehub_releases where snapshot_id is not null');
    const snapshots = [
      ...new Set([
        ...[...live].map((id) => commits.get(id)!.snapshot),
        ...released.rows.map((row) => row.snapshot_id as string),
      ]),
    ].filter((id) => id !== null);
    const objects = new Set<string>();
    for (let start = 0; start < snapshots.length; start += 200) {
      const { rows } = await client.query('select manifest_blob from musehub_snapshots where snapshot_id = any($1)', [
        snapshots.slice(start, start + 200),
      ]);
      for (const row of rows) {
        for (const id of Object.values(unpack(row.manifest_blob) as Record<string, string>)) objects.add(id);
      }
    }
    return { commits: [...live], snapshots, objects: [...objects], otherRefs: await otherRefs(client) };
  });
}

/** What of `before` is gone from the hub at `url` and its file store, in words; empty when nothing is. */
async function lost(url: string, before: LiveRows, store: string): Promise<string[]> {
  return onDatabase(url, async (client) => {
    const missing = async (table: string, column: string, ids: string[]) =>
      ids.length -
      Number((await client.query(`select count(*) as n from ${table} where ${column} = any($1)`, [ids])).rows[0].n);
    const losses: Array<[number, string]> = [
      [await missing('musehub_commits', 'commit_id', before.commits), 'live commits'],
      [await missing('musehub_snapshots', 'snapshot_id', before.snapshots), 'live snapshots'],
      [await missing('musehub_objects', 'object_id', before.objects), 'live objects'],
      [before.objects.filter((id) => !existsSync(join(store, keyForId(id)))).length, 'blobs of live objects'],
      [before.otherRefs - (await otherRefs(client)), 'ref rows of the fork'],
    ];
    return losses.filter(([count]) => count > 0).map(([count, what]) => `${count.toLocaleString('en')} ${what}`);
  });
}

/** A file store holding a placeholder blob for every object row (the bytes do not matter; size_bytes is git's). */
async function storeFor(url: string): Promise<string> {
  const store = mkdtempSync(join(tmpdir(), 'mhgc-bench-history-'));
  const ids = await onDatabase(url, async (client) =>
    (await client.query('select object_id from musehub_objects')).rows.map((row) => row.object_id as string),
  );
  mkdirSync(dirname(join(store, keyForId(ids[0] ?? 'sha256:0'))), { recursive: true });
  for (const id of ids) writeFileSync(join(store, keyForId(id)), '');
  return store;
}

/** Imports the history at `options.history` (once, into a template) and collects it both ways; reports each line. */
export async function benchRealHistory(
  adminUrl: string,
  report: (line: string) => void,
  options: { history?: string; commits?: number },
): Promise<void> {
  const dir = options.history ?? DEFAULT_HISTORY;
  const rev = existsSync(dir) ? spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }) : undefined;
  if (rev?.status !== 0) {
    report(
      `real history: not run, no git repository with a HEAD at ${dir} (git clone --bare ` +
        'https://github.com/libarchive/libarchive.git, then --history <its directory>)',
    );
    return;
  }
  const head = rev.stdout.trim();
  const templateName = `musehub_gc_bench_history_${head.slice(0, 12)}${options.commits ? `_${options.commits}` : ''}`;
  const name = await benchTemplate(adminUrl, templateName, (db) => importHistory(db, dir, options.commits));
  const copy = async () => databaseUrl(adminUrl, await freshCopy(adminUrl, name));

  let url = await copy();
  const shape = await onDatabase(
    url,
    async (client) =>
      (
        await client.query(`select
    (select count(*) from musehub_commits) as commits,
    (select count(*) from musehub_commits where json_array_length(parent_ids) > 1) as merges,
    (select count(*) from musehub_snapshots) as snapshots,
    (select sum(length(manifest_blob)) from musehub_snapshots) as manifest_bytes,
    (select count(*) from musehub_objects) as objects`)
      ).rows[0],
  );
  const before = await liveRows(url);
  const [text, binary] = [await floorMs(url, 'text'), await floorMs(url, 'binary')];
  const n = (value: unknown) => Number(value).toLocaleString('en');
  report(
    `real history (${dir} at ${head.slice(0, 12)}): ${n(shape.commits)} commits (${n(shape.merges)} merges), ` +
      `${n(shape.snapshots)} trees as manifests (${(Number(shape.manifest_bytes) / 1e6).toFixed(0)} MB), ` +
      `${n(shape.objects)} objects; ` +
      `main force-pushed back ${FORCE_BACK} first-parent commits, a fork and a release on what it left behind`,
  );
  report(
    `  floor: COPY of commits and manifests ${(text / 1000).toFixed(2)} s as text, ` +
      `${(binary / 1000).toFixed(2)} s binary`,
  );
  const ratios = (s: number) =>
    `${((s * 1000) / text).toFixed(1)}x the floor (${((s * 1000) / binary).toFixed(1)}x the binary floor)`;
  const lostWords = (losses: string[]) => (losses.length === 0 ? 'lost nothing live' : `LOST ${losses.join(', ')}`);

  url = await copy();
  let store = await storeFor(url);
  const run = cli(['run', REPO, '--yes', '--json', '--grace', '0'], {
    DATABASE_URL: url,
    MUSEHUB_STORAGE: `file://${store}`,
  });
  const result = JSON.parse(run.stdout) as RunResult;
  report(
    `  musehub-gc run --yes (own process)   ${run.seconds.toFixed(2)} s   ${ratios(run.seconds)}   ` +
      `peak RSS ${run.rssMiB} MiB; deleted ${n(result.commit_refs_deleted)} commit refs, ${n(result.commits_deleted)} ` +
      `commits, ${n(result.snapshots_deleted)} snapshots, ${n(result.object_refs_deleted)} object refs, ` +
      `${n(result.objects_deleted)} objects; ` +
      lostWords(await lost(url, before, store)),
  );
  report(`    where the time goes: ${breakdown(result.profile)}`);
  report(`    the plan's two lanes (overlapping): ${breakdown(result.plan.profile)}`);
  rmSync(store, { recursive: true, force: true });

  const missing = seedServiceMissing();
  if (missing) {
    report(`  the original Python service: not run (${missing})`);
    return;
  }
  url = await copy();
  store = await storeFor(url);
  const repoId = uuidId('repo', 'real', 'history');
  const serviceDir = mkdtempSync(join(tmpdir(), 'mhgc-seed-'));
  writeSeedService(serviceDir);
  const seed = runSeedService(serviceDir, url, repoId, store);
  rmSync(serviceDir, { recursive: true, force: true });
  report(
    'failed' in seed
      ? `  the original Python service, same hub: failed: ${seed.failed}`
      : `  the original Python service (own process)   ${seed.wall.toFixed(2)} s ` +
          `(${seed.seconds.toFixed(2)} s in run_gc)   ` +
          `${ratios(seed.wall)}; musehub-gc run is ${(seed.wall / run.seconds).toFixed(2)}x as fast; ` +
          lostWords(await lost(url, before, store)),
  );
  rmSync(store, { recursive: true, force: true });
}
