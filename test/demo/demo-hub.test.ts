import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, demoHubRows, seedDemoHub } from '../../src/demo/demo-hub.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { testTargets, type TestDatabase } from '../support/databases.js';
import {
  column,
  commitRefs,
  manifestObjects,
  objectRefs,
  reachableFromBranches,
  repoId,
  rows,
  snapshotsOf,
} from './hub-queries.js';

const HOUR = 3_600_000;
const demoRepos = Object.values(DEMO).filter((value) => typeof value === 'string');

describe('demoHubRows', () => {
  it('gives the same ids on every build, whatever now is; timestamps move with now', () => {
    const first = demoHubRows(new Date('2026-01-01T12:00:00Z'));
    const again = demoHubRows(new Date('2026-01-01T12:00:00Z'));
    const later = demoHubRows(new Date('2026-03-01T12:00:00Z'));
    expect(again).toEqual(first);
    const ids = (hub: typeof first) => [
      hub.repos!.map((r) => r.repoId),
      hub.commits!.map((c) => c.commitId),
      hub.snapshots!.map((s) => s.snapshotId),
      hub.objects!.map((o) => o.objectId),
      hub.fetchCache!.map((c) => c.cacheId),
      hub.blobs!.map((b) => b.id),
    ];
    expect(ids(later)).toEqual(ids(first));
    const shift = later.commits![0]!.timestamp.getTime() - first.commits![0]!.timestamp.getTime();
    expect(shift).toBe(Date.parse('2026-03-01T12:00:00Z') - Date.parse('2026-01-01T12:00:00Z'));
  });
});

describe.each(await testTargets())('the demo hub on $name', (target) => {
  let test: TestDatabase;
  let blobDir: string;
  let store: FileBlobStore;
  const now = new Date();
  const cutoff = new Date(now.getTime() - HOUR);

  beforeAll(async () => {
    test = await target.create();
    blobDir = await mkdtemp(join(tmpdir(), 'mhgc-demo-'));
    store = new FileBlobStore(blobDir);
    await seedDemoHub(test.db, store, now);
  });
  afterAll(async () => {
    await test?.drop();
    await rm(blobDir, { recursive: true, force: true });
  });

  /** Commits the repo holds that none of its branches reaches. */
  async function unreachable(name: string): Promise<string[]> {
    const id = await repoId(test.db, name);
    const live = await reachableFromBranches(test.db, id);
    return (await commitRefs(test.db, id)).filter((commit) => !live.has(commit));
  }

  /** Object refs of the repo that no manifest of a branch-reachable commit names. */
  async function unnamedObjects(name: string): Promise<string[]> {
    const id = await repoId(test.db, name);
    const named = await manifestObjects(test.db, await snapshotsOf(test.db, await reachableFromBranches(test.db, id)));
    return (await objectRefs(test.db, id)).filter((object) => !named.has(object));
  }

  it('loads one row per demo repo, with the ids a fresh build gives', async () => {
    expect(new Set(await column(test.db, `select owner || '/' || slug as v from musehub_repos`))).toEqual(
      new Set(demoRepos),
    );
    const built = demoHubRows(now)
      .commits!.map((c) => c.commitId)
      .sort();
    expect((await column(test.db, 'select commit_id as v from musehub_commits')).sort()).toEqual(built);
  });

  it('force-pushed: a chain of old commits no branch reaches, with objects only that repo held', async () => {
    const orphaned = await unreachable(DEMO.forcePushed);
    expect(orphaned.length).toBeGreaterThanOrEqual(30);
    const id = await repoId(test.db, DEMO.forcePushed);
    const onlyHere = await column(
      test.db,
      `
      select object_id as v from musehub_object_refs r where r.object_id = any(?)
      group by object_id having count(*) = 1 and bool_and(r.repo_id = ?)`,
      [await unnamedObjects(DEMO.forcePushed), id],
    );
    expect(onlyHere.length).toBeGreaterThan(10);
    const [pushed] = await rows<{ pushed_at: string }>(
      test.db,
      'select pushed_at from musehub_repos where repo_id = ?',
      [id],
    );
    expect(new Date(pushed!.pushed_at).getTime()).toBeLessThan(cutoff.getTime());
  });

  it('the release and the wire tag pin commits that no branch reaches', async () => {
    const orphaned = new Set(await unreachable(DEMO.forcePushed));
    const id = await repoId(test.db, DEMO.forcePushed);
    const [release] = await column(
      test.db,
      'select commit_id as v from musehub_releases where repo_id = ? and tag = ?',
      [id, DEMO.release.tag],
    );
    const [tag] = await column(test.db, 'select commit_id as v from musehub_wire_tags where repo_id = ? and tag = ?', [
      id,
      DEMO.wireTag.tag,
    ]);
    expect(orphaned.has(release!)).toBe(true);
    expect(orphaned.has(tag!)).toBe(true);
  });

  it('the fork holds part of the orphaned chain, its snapshots and objects, through its own refs', async () => {
    const orphaned = await unreachable(DEMO.forcePushed);
    const fork = await repoId(test.db, DEMO.fork);
    const forkCommits = new Set(await commitRefs(test.db, fork));
    const shared = orphaned.filter((commit) => forkCommits.has(commit));
    expect(shared.length).toBeGreaterThan(5);
    expect(shared.length).toBeLessThan(orphaned.length);
    expect((await reachableFromBranches(test.db, fork)).has(shared[0]!)).toBe(true);
    const objects = await manifestObjects(test.db, await snapshotsOf(test.db, shared));
    const forkObjects = new Set(await objectRefs(test.db, fork));
    expect([...objects].filter((object) => !forkObjects.has(object))).toEqual([]);
  });

  it('has merges in several repos', async () => {
    for (const name of [DEMO.forcePushed, DEMO.pushInFlight, DEMO.abandonedUpload, DEMO.long]) {
      const merges = await column(
        test.db,
        `select c.commit_id as v from musehub_commits c
        join musehub_commit_refs r using (commit_id) where r.repo_id = ? and json_array_length(c.parent_ids) = 2`,
        [await repoId(test.db, name)],
      );
      expect(merges.length, name).toBeGreaterThan(0);
    }
  });

  it('the abandoned upload left object refs and objects that no snapshot of the hub names', async () => {
    const everywhere = await manifestObjects(
      test.db,
      await column(test.db, 'select snapshot_id as v from musehub_snapshots where snapshot_id <> all(?)', [
        await corruptSnapshots(),
      ]),
    );
    const id = await repoId(test.db, DEMO.abandonedUpload);
    const unnamed = (await objectRefs(test.db, id)).filter((object) => !everywhere.has(object));
    expect(unnamed).toHaveLength(4);
  });

  it('has expired and fresh cache rows, and two rows of two repos share one mpack', async () => {
    const cache = await rows<{ repo: string; mpack_id: string; expired: boolean }>(
      test.db,
      `
      select p.owner || '/' || p.slug as repo, c.mpack_id, c.expires_at < ? as expired
      from musehub_fetch_mpack_cache c join musehub_repos p using (repo_id)`,
      [now],
    );
    expect(cache.some((row) => row.expired)).toBe(true);
    expect(cache.some((row) => !row.expired)).toBe(true);
    const shared = [...new Set(cache.map((row) => row.mpack_id))]
      .map((mpack) => cache.filter((row) => row.mpack_id === mpack))
      .filter((group) => group.length > 1);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.map((row) => [row.repo, row.expired]).sort()).toEqual(
      [
        [DEMO.sharedMpack.fresh, false],
        [DEMO.sharedMpack.expired, true],
      ].sort(),
    );
  });

  it('the clean repo has nothing to collect', async () => {
    expect(await unreachable(DEMO.clean)).toEqual([]);
    expect(await unnamedObjects(DEMO.clean)).toEqual([]);
    const expired = await column(
      test.db,
      'select cache_id as v from musehub_fetch_mpack_cache where repo_id = ? and expires_at < ?',
      [await repoId(test.db, DEMO.clean), now],
    );
    expect(expired).toEqual([]);
  });

  async function corruptSnapshots(): Promise<string[]> {
    const all = await rows<{ snapshot_id: string; manifest_blob: Buffer }>(
      test.db,
      'select snapshot_id, manifest_blob from musehub_snapshots',
    );
    return all
      .filter((row) => {
        try {
          unpack(row.manifest_blob);
          return false;
        } catch {
          return true;
        }
      })
      .map((row) => row.snapshot_id);
  }

  it("the corrupt repo's main snapshot is the only manifest that does not decode", async () => {
    const [head] = await column(
      test.db,
      `select c.snapshot_id as v from musehub_branches b
      join musehub_commits c on c.commit_id = b.head_commit_id where b.repo_id = ? and b.name = 'main'`,
      [await repoId(test.db, DEMO.corrupt)],
    );
    expect(await corruptSnapshots()).toEqual([head]);
    expect((await unreachable(DEMO.corrupt)).length).toBeGreaterThan(0);
  });

  it('has rows inside the default grace period: a push in flight and a first push', async () => {
    const recent = async (name: string) =>
      column(test.db, 'select commit_id as v from musehub_commit_refs where repo_id = ? and created_at > ?', [
        await repoId(test.db, name),
        cutoff,
      ]);
    const inFlight = await recent(DEMO.pushInFlight);
    expect(inFlight).toHaveLength(2);
    expect(new Set(await unreachable(DEMO.pushInFlight))).toEqual(new Set(inFlight));
    const firstPush = await recent(DEMO.firstPush);
    expect(firstPush).toHaveLength(3);
    expect(await commitRefs(test.db, await repoId(test.db, DEMO.firstPush))).toHaveLength(3);
    const recentObjects = await column(test.db, 'select object_id as v from musehub_object_refs where created_at > ?', [
      cutoff,
    ]);
    expect(recentObjects.length).toBeGreaterThan(0);
  });

  it('the shallow repo names a parent that has no row; the empty repo has a branch without a head', async () => {
    const missing = await column(
      test.db,
      `select p.value as v from musehub_commit_refs r
      join musehub_commits c using (commit_id), json_array_elements_text(c.parent_ids) as p(value)
      where r.repo_id = ? and not exists (select 1 from musehub_commits x where x.commit_id = p.value)`,
      [await repoId(test.db, DEMO.shallow)],
    );
    expect(missing).toHaveLength(1);
    const empty = await repoId(test.db, DEMO.empty);
    expect(await commitRefs(test.db, empty)).toEqual([]);
    expect(
      await column(test.db, 'select name as v from musehub_branches where repo_id = ? and head_commit_id is null', [
        empty,
      ]),
    ).toEqual(['main']);
  });

  it('a release without a commit keeps a snapshot that no branch reaches', async () => {
    const id = await repoId(test.db, DEMO.releaseSnapshotOnly);
    const [pinned] = await column(
      test.db,
      'select snapshot_id as v from musehub_releases where repo_id = ? and commit_id is null',
      [id],
    );
    expect(pinned).toBeDefined();
    expect(await snapshotsOf(test.db, await reachableFromBranches(test.db, id))).not.toContain(pinned);
  });

  it('every object and mpack blob is in the store, as long as its row says', async () => {
    const sized = await rows<{ id: string; size: string }>(
      test.db,
      `
      select object_id as id, size_bytes::text as size from musehub_objects
      union select mpack_id, size_bytes::text from musehub_fetch_mpack_cache`,
    );
    expect(sized.length).toBeGreaterThan(300);
    const wrong: string[] = [];
    for (const { id, size } of sized) {
      const bytes = await store.get({ id });
      if (bytes?.length !== Number(size)) wrong.push(`${id}: row ${size}, blob ${bytes?.length}`);
    }
    expect(wrong).toEqual([]);
  });
});
