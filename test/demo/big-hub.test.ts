import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBigRepo, buildManyRepos } from '../../src/demo/big-hub.js';
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

describe.each(await testTargets())('big hubs on $name', (target) => {
  let test: TestDatabase;
  let blobDir: string;
  beforeAll(async () => {
    test = await target.create();
    blobDir = await mkdtemp(join(tmpdir(), 'mhgc-big-'));
  });
  afterAll(async () => {
    await test?.drop();
    await rm(blobDir, { recursive: true, force: true });
  });

  it('buildBigRepo writes the commits asked for, a force push leaving the orphaned share unreachable', async () => {
    const stats = await buildBigRepo(
      test.db,
      { commits: 2000, objects: 1500, orphanFraction: 0.5, mergeEvery: 20 },
      { chunkRows: 1000 },
    );
    expect(stats).toMatchObject({ repos: 1, commits: 2000, orphanedCommits: 1000 });
    expect(Math.abs(stats.objects - 1500)).toBeLessThanOrEqual(12);
    const id = await repoId(test.db, 'bigband/long-history');
    const refs = await commitRefs(test.db, id);
    expect(refs).toHaveLength(2000);
    const live = await reachableFromBranches(test.db, id);
    expect(live.size).toBe(stats.commits - stats.orphanedCommits);
    const liveObjects = await manifestObjects(test.db, await snapshotsOf(test.db, live));
    const held = await objectRefs(test.db, id);
    expect(held).toHaveLength(stats.objects);
    expect(held.filter((object) => !liveObjects.has(object))).toHaveLength(stats.orphanedObjects);
    const [merges] = await column(
      test.db,
      `select count(*)::text as v from musehub_commits c
      join musehub_commit_refs r using (commit_id) where r.repo_id = ? and json_array_length(c.parent_ids) = 2`,
      [id],
    );
    expect(Number(merges)).toBeGreaterThan(50);
    const [widest] = await column(test.db, 'select max(length(manifest_blob))::text as v from musehub_snapshots');
    expect(Number(widest)).toBeLessThan(2000);
  });

  it('buildManyRepos writes many small repos, with blobs as long as their rows say when given a store', async () => {
    const store = new FileBlobStore(blobDir);
    const stats = await buildManyRepos(test.db, { repos: 30, commits: 12, objects: 10 }, { store });
    expect(stats).toMatchObject({ repos: 30, commits: 360 });
    const perRepo = await rows<{ n: number }>(
      test.db,
      `select count(*)::int as n from musehub_commit_refs r
      join musehub_repos p using (repo_id) where p.slug <> 'long-history' group by repo_id`,
    );
    expect(perRepo).toHaveLength(30);
    expect(perRepo.every((row) => row.n === 12)).toBe(true);
    const sample = await rows<{ id: string; size: string }>(
      test.db,
      `select o.object_id as id, o.size_bytes::text as size
      from musehub_objects o join musehub_object_refs r using (object_id) join musehub_repos p using (repo_id)
      where p.slug <> 'long-history' order by o.object_id limit 50`,
    );
    for (const { id, size } of sample) expect((await store.get({ id }))?.length, id).toBe(Number(size));
  });

  it('refuses a shape it cannot build with a clear message', async () => {
    await expect(
      buildBigRepo(test.db, { commits: 10, objects: 10, orphanFraction: 1, slug: 'nothing-live' }),
    ).rejects.toThrow(/fraction in \[0, 1\)/);
  });
});
