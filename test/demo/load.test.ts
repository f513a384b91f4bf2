import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, unpack } from 'msgpackr';
import { defaultLoadMethod, loadHub, type HubRows, type LoadMethod } from '../../src/demo/load.js';
import { testTargets, type TestDatabase } from '../support/databases.js';

const awkward = 'Bass line, take 7\n\twith a \\ backslash, "quotes", \\N and a tab\r';

function sampleHub(prefix: string): HubRows {
  const repoId = `${prefix}-0000-0000-0000-000000000001`.slice(0, 36);
  const commit = (n: number) => `${prefix}${String(n).padStart(64 - prefix.length, '0')}`;
  const object = `sha256:${commit(9)}`;
  return {
    repos: [{ repoId, owner: 'lowend', slug: `${prefix}-blue`, name: 'Blue in Green' }],
    commits: [
      {
        commitId: commit(1),
        parentIds: [],
        message: awkward,
        author: 'lowend',
        timestamp: new Date('2024-01-01T00:00:00Z'),
        snapshotId: commit(5),
      },
      {
        commitId: commit(2),
        parentIds: [commit(1), commit(3)],
        timestamp: new Date('2024-01-02T00:00:00Z'),
        snapshotId: null,
      },
    ],
    commitRefs: [
      { repoId, commitId: commit(1) },
      { repoId, commitId: commit(2), createdAt: new Date('2024-01-03T00:00:00Z') },
    ],
    snapshots: [{ snapshotId: commit(5), manifestBlob: pack({ 'bass/take7.wav': object }) }],
    objects: [{ objectId: object, sizeBytes: 5_000_000_000 }],
    objectRefs: [{ repoId, objectId: object }],
    branches: [
      { branchId: `${prefix}-b`, repoId, name: 'main', headCommitId: commit(2) },
      { branchId: `${prefix}-c`, repoId, name: 'empty', headCommitId: null },
    ],
  };
}

describe.each(await testTargets())('loadHub on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.create();
  });
  afterAll(async () => {
    await test?.drop();
  });

  const methods: LoadMethod[] = target.name === 'postgres' ? ['copy', 'insert'] : ['insert'];

  it.each(methods)('loads every field faithfully with %s', async (method) => {
    const prefix = method === 'copy' ? 'c0' : 'a0';
    const before = Date.now();
    await loadHub(test.db, sampleHub(prefix), undefined, { method, chunkRows: 1 });
    const knex = test.db.knex();
    const commits = (
      await knex.raw(
        `select commit_id, parent_ids::text as parents, message, author, "timestamp", snapshot_id
       from musehub_commits where commit_id like ? order by commit_id`,
        [`${prefix}%`],
      )
    ).rows;
    expect(commits).toHaveLength(2);
    expect(commits[0].message).toBe(awkward);
    expect(new Date(commits[0].timestamp).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(commits[1].message).toBe('');
    expect(commits[1].snapshot_id).toBeNull();
    expect(JSON.parse(commits[1].parents)).toEqual([commits[0].commit_id, `${prefix}${'3'.padStart(62, '0')}`]);
    const snapshot = (
      await knex.raw('select manifest_blob from musehub_snapshots where snapshot_id like ?', [`${prefix}%`])
    ).rows[0];
    expect(Object.values(unpack(snapshot.manifest_blob) as Record<string, string>)).toEqual([
      `sha256:${prefix}${'9'.padStart(62, '0')}`,
    ]);
    const object = (
      await knex.raw('select size_bytes::text as size, storage_uri from musehub_objects where object_id like ?', [
        `sha256:${prefix}%`,
      ])
    ).rows[0];
    expect(object).toEqual({ size: '5000000000', storage_uri: null });
    const refs = (
      await knex.raw(
        `select r.created_at from musehub_commit_refs r join musehub_repos p using (repo_id) where p.slug = ? order by r.created_at`,
        [`${prefix}-blue`],
      )
    ).rows;
    expect(new Date(refs[0].created_at).toISOString()).toBe('2024-01-03T00:00:00.000Z');
    expect(new Date(refs[1].created_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const repo = (
      await knex.raw('select visibility, default_branch from musehub_repos where slug = ?', [`${prefix}-blue`])
    ).rows[0];
    expect(repo).toEqual({ visibility: 'private', default_branch: 'main' });
    const heads = (
      await knex.raw('select name, head_commit_id from musehub_branches where branch_id like ? order by name', [
        `${prefix}-%`,
      ])
    ).rows;
    expect(heads.map((h: { head_commit_id: string | null }) => h.head_commit_id === null)).toEqual([true, false]);
  });

  it.each(methods)('loads nothing when a row breaks a constraint (%s), and the pool still works', async (method) => {
    const hub = sampleHub(method === 'copy' ? 'd0' : 'e0');
    hub.objectRefs = [{ repoId: hub.repos![0]!.repoId, objectId: 'sha256:not-there' }];
    await expect(loadHub(test.db, hub, undefined, { method })).rejects.toThrow(/foreign key/);
    const count = (
      await test.db.knex().raw('select count(*)::int as n from musehub_repos where slug = ?', [hub.repos![0]!.slug])
    ).rows[0];
    expect(count.n).toBe(0);
  });

  it('uses COPY on a server and inserts on the embedded hub by default', () => {
    expect(defaultLoadMethod(test.db)).toBe(target.name === 'postgres' ? 'copy' : 'insert');
  });

  if (target.name === 'pglite')
    it('refuses COPY on the embedded hub with a clear message', async () => {
      await expect(loadHub(test.db, sampleHub('f0'), undefined, { method: 'copy' })).rejects.toThrow(/method 'insert'/);
    });
});
