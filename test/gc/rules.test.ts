/**
 * One scenario per rule and per "never" of GC-RULES, on every database target.
 * Each checks what is left in the database and the store, not only the counts.
 */
import { pack } from 'msgpackr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { line, loadForcePushed, OLD, RECENT } from '../support/histories.js';
import { testTargets } from '../support/databases.js';

describe.each(await testTargets())('GC-RULES on $name', (target) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(target);
  });
  afterEach(async () => {
    await f.reset();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const forcePushed = (extra?: Parameters<typeof loadForcePushed>[1]) => loadForcePushed(f, extra);

  it('force push: the abandoned chain goes, with its snapshots, refs, objects and blobs', async () => {
    const { old, fresh } = await forcePushed();
    const { result } = await f.gc('lowend/blue-in-green');

    expect(result.outcome).toBe('done');
    const gone = old.commits.slice(1);
    expect(await f.column('musehub_commits', 'commit_id')).toEqual([old.commits[0], ...fresh.commits].sort());
    expect(await f.column('musehub_snapshots', 'snapshot_id')).toEqual([old.snapshots[0], ...fresh.snapshots].sort());
    const liveObjects = [old.objects[0], ...fresh.objects].sort();
    expect(await f.column('musehub_objects', 'object_id')).toEqual(liveObjects);
    expect(await f.column('musehub_object_refs', 'object_id')).toEqual(liveObjects);
    for (const objectId of old.objects.slice(1)) expect(await f.store.exists({ id: objectId })).toBe(false);
    for (const objectId of liveObjects) expect(await f.store.exists({ id: objectId! })).toBe(true);
    expect(result).toMatchObject({
      commits_deleted: gone.length,
      commit_refs_deleted: gone.length,
      snapshots_deleted: gone.length,
      object_refs_deleted: gone.length,
      objects_deleted: gone.length,
      reachable_commit_count: 3,
    });
    expect(result.storage_bytes_freed).toBeGreaterThan(0);
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
  });

  it('a fork that shares part of the old chain keeps those commits, snapshots and objects', async () => {
    const { old } = await forcePushed((hub, _repoId, old) => {
      const fork = hub.repo('keystrio', 'blue-in-green', 'Blue in Green (fork)', hub.ago(OLD), null);
      hub.holdCommits(fork, old.commits.slice(0, 3), hub.ago(OLD));
      hub.holdObjects(fork, old.objects.slice(0, 3), hub.ago(OLD));
      hub.branch(fork, 'main', old.commits[2]!);
    });
    const plan = await f.plan('lowend/blue-in-green');
    expect(plan.phases[0]!.kept.find((k) => k.reason === 'other-repo')).toMatchObject({
      count: 2,
      repos: ['keystrio/blue-in-green'],
    });
    expect(plan.phases[3]!.kept.find((k) => k.reason === 'other-repo')?.detail).toContain(
      'still referenced by keystrio/blue-in-green',
    );

    await f.gc('lowend/blue-in-green');
    const commits = await f.column('musehub_commits', 'commit_id');
    expect(commits).toEqual(expect.arrayContaining(old.commits.slice(0, 3)));
    expect(commits).not.toContain(old.commits[3]);
    expect(await f.column('musehub_snapshots', 'snapshot_id')).toEqual(
      expect.arrayContaining(old.snapshots.slice(0, 3)),
    );
    const objects = await f.column('musehub_objects', 'object_id');
    expect(objects).toEqual(expect.arrayContaining(old.objects.slice(0, 3)));
    expect(objects).not.toContain(old.objects[4]);
    for (const objectId of old.objects.slice(1, 3)) expect(await f.store.exists({ id: objectId })).toBe(true);
    // The fork's refs are untouched; the force-pushed repo's refs to the shared chain are gone.
    expect(
      await f.column(
        'musehub_commit_refs',
        'commit_id',
        `repo_id <> (select repo_id from musehub_repos where owner = 'lowend')`,
      ),
    ).toEqual(old.commits.slice(0, 3).sort());
  });

  it('a release and a wire tag on orphaned commits keep them, their ancestors, snapshots and objects', async () => {
    const { old } = await forcePushed((hub, repoId, old) => {
      hub.release(repoId, 'v1.0-rc', 'Release candidate', old.commits[2]!, old.snapshots[2]!, hub.ago(OLD));
      hub.wireTag(repoId, 'emotion:wistful', old.commits[3]!, hub.ago(OLD));
    });
    const { result } = await f.gc('lowend/blue-in-green');
    expect(await f.column('musehub_commits', 'commit_id')).toEqual(expect.arrayContaining(old.commits.slice(0, 4)));
    expect(await f.column('musehub_commits', 'commit_id')).not.toContain(old.commits[4]);
    expect(await f.column('musehub_objects', 'object_id')).toEqual(expect.arrayContaining(old.objects.slice(0, 4)));
    expect(result.commits_deleted).toBe(1);
  });

  it('a snapshot shared with a live commit stays when its orphaned commit goes', async () => {
    let shared!: string;
    await forcePushed((hub, repoId, old, fresh) => {
      const tip = hub.commit(repoId, 'reuse', {
        parents: [old.commits[4]!],
        message: 'same tree as fresh-1',
        author: 'lowend',
        at: hub.ago(OLD - 1),
        snapshotId: fresh.snapshots[1]!,
      });
      shared = fresh.snapshots[1]!;
      expect(tip).toBeTruthy();
    });
    await f.gc('lowend/blue-in-green');
    expect(await f.column('musehub_snapshots', 'snapshot_id')).toContain(shared);
  });

  for (const [kind, bytes] of [
    ['corrupt', Buffer.from('not messagepack at all, just bytes')],
    ['truncated', pack({ 'a.mid': `sha256:${'a'.repeat(64)}`, 'b.mid': `sha256:${'b'.repeat(64)}` }).subarray(0, 40)],
    ['flipped', pack({ 'a.mid': `sha256:${'a'.repeat(63)}g` })],
  ] as const) {
    it(`a ${kind} live manifest refuses phases 3-4 and names the snapshot; phases 1, 2 and 5 go on`, async () => {
      let broken!: string;
      const { old } = await forcePushed((hub, repoId, _old, fresh) => {
        broken = hub.rawSnapshot(kind, bytes, hub.ago(OLD));
        hub.commit(repoId, 'broken', {
          parents: [fresh.commits[1]!],
          message: 'torn',
          author: 'lowend',
          at: hub.ago(OLD - 200),
          snapshotId: broken,
        });
        hub.branch(
          repoId,
          'torn',
          hub.commit(repoId, 'broken-child', {
            parents: [],
            message: 'x',
            author: 'x',
            at: hub.ago(OLD - 201),
            snapshotId: broken,
          }),
        );
      });
      const plan = await f.plan('lowend/blue-in-green');
      expect(plan.phases[2]!.refused).toContain(broken.slice(0, 12));
      expect(plan.phases[3]!.refused).toBeTruthy();
      const { result } = await f.gc('lowend/blue-in-green');
      expect(result.phases.map((p) => p.status)).toEqual(['done', 'done', 'refused', 'refused', 'done']);
      expect(await f.column('musehub_commits', 'commit_id')).not.toContain(old.commits[4]);
      // Every object and its blob is still there, the orphaned chain's too.
      expect(await f.column('musehub_objects', 'object_id')).toEqual(expect.arrayContaining(old.objects));
      expect(await f.column('musehub_object_refs', 'object_id')).toEqual(expect.arrayContaining(old.objects));
      for (const objectId of old.objects) expect(await f.store.exists({ id: objectId })).toBe(true);
    });
  }

  it('a live commit whose snapshot row is missing refuses phases 3-4', async () => {
    await forcePushed((hub, repoId, _old, fresh) => {
      hub.branch(
        repoId,
        'ghost',
        hub.commit(repoId, 'ghost', {
          parents: [fresh.commits[1]!],
          message: 'ghost',
          author: 'x',
          at: hub.ago(OLD - 300),
          snapshotId: 'f'.repeat(64),
        }),
      );
    });
    const plan = await f.plan('lowend/blue-in-green');
    expect(plan.phases[2]!.refused).toContain('has no row');
  });

  for (const [kind, json] of [
    ['a number', '42'],
    ['an object', `{"parent": "${'a'.repeat(64)}"}`],
    ['an uppercase id', `["${'A'.repeat(64)}"]`],
    ['a short id', '["abc123"]'],
  ] as const) {
    it(`a live commit whose parent_ids is ${kind} refuses phases 1-4 and names it; the cache phase goes on`, async () => {
      const { fresh } = await forcePushed();
      const broken = fresh.commits[1]!;
      await f.db.knex().raw('update musehub_commits set parent_ids = ?::json where commit_id = ?', [json, broken]);
      const tables = [
        'musehub_commits',
        'musehub_commit_refs',
        'musehub_snapshots',
        'musehub_object_refs',
        'musehub_objects',
      ];
      const before = await Promise.all(tables.map((table) => f.column(table, '1')));

      const plan = await f.plan('lowend/blue-in-green');
      for (const phase of plan.phases.slice(0, 4)) expect(phase.refused).toContain(`live commit ${broken} parent_ids`);
      expect(plan.phases[4]!.refused).toBeUndefined();
      expect(plan.findings).toContainEqual({ severity: 'error', message: expect.stringContaining(broken) });
      expect(plan.sets.commitRefs.size + plan.sets.objectRefs.size).toBe(0);

      const { result } = await f.gc('lowend/blue-in-green');
      expect(result.phases.map((phase) => phase.status)).toEqual(['refused', 'refused', 'refused', 'refused', 'done']);
      expect(await Promise.all(tables.map((table) => f.column(table, '1')))).toEqual(before);
    });
  }

  it('an orphaned commit whose parent_ids cannot be read is collected with the rest; a missing parent ends the history', async () => {
    const { old, fresh } = await forcePushed();
    await f.db
      .knex()
      .raw(`update musehub_commits set parent_ids = '"not an array"'::json where commit_id = ?`, [old.commits[4]!]);
    // Shallow history: the first fresh commit's parent has no row anywhere.
    await f.db
      .knex()
      .raw('update musehub_commits set parent_ids = ?::json where commit_id = ?', [
        JSON.stringify(['f'.repeat(64)]),
        old.commits[0]!,
      ]);
    const { result } = await f.gc('lowend/blue-in-green');
    expect(result.phases.map((phase) => phase.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(await f.column('musehub_commits', 'commit_id')).toEqual([old.commits[0], ...fresh.commits].sort());
  });

  it('an abandoned upload (refs no snapshot names) is collected, objects and blobs too', async () => {
    let abandoned!: string[];
    await forcePushed((hub, repoId) => {
      abandoned = [hub.object(repoId, 'upload-1', hub.ago(OLD)), hub.object(repoId, 'upload-2', hub.ago(OLD))];
    });
    await f.gc('lowend/blue-in-green');
    const objects = await f.column('musehub_objects', 'object_id');
    for (const objectId of abandoned) {
      expect(objects).not.toContain(objectId);
      expect(await f.store.exists({ id: objectId })).toBe(false);
    }
  });

  it('the grace period keeps young refs and objects, and the history a young commit builds on', async () => {
    let young!: string;
    let upload!: string;
    const { old } = await forcePushed((hub, repoId, old) => {
      // A push in flight: a new commit on the abandoned chain, its ref 10 minutes old.
      young = hub.commit(
        repoId,
        'in-flight',
        {
          parents: [old.commits[3]!],
          message: 'wip',
          author: 'lowend',
          at: hub.ago(RECENT),
          snapshotId: old.snapshots[3]!,
        },
        hub.ago(RECENT),
      );
      upload = hub.object(repoId, 'recent-upload', hub.ago(RECENT));
    });
    const plan = await f.plan('lowend/blue-in-green');
    expect(plan.phases[0]!.kept.find((k) => k.reason === 'grace')?.count).toBe(4);
    await f.gc('lowend/blue-in-green');
    const commits = await f.column('musehub_commits', 'commit_id');
    expect(commits).toEqual(expect.arrayContaining([young, ...old.commits.slice(0, 4)]));
    expect(commits).not.toContain(old.commits[4]);
    expect(await f.column('musehub_objects', 'object_id')).toContain(upload);

    // With no grace at all, the young ref counts like any other.
    await f.gc('lowend/blue-in-green', { graceSeconds: 0 });
    expect(await f.column('musehub_commits', 'commit_id')).not.toContain(young);
    expect(await f.column('musehub_objects', 'object_id')).not.toContain(upload);
  });

  it('expired cache rows go with their blobs, unless another row names the mpack; fresh rows stay', async () => {
    let mpacks!: Record<string, string>;
    await forcePushed((hub, repoId) => {
      const other = hub.repo('bigband', 'caravan', 'Caravan', hub.ago(OLD), hub.ago(OLD));
      const lone = hub.mpack('lone');
      const shared = hub.mpack('shared');
      const fresh = hub.mpack('fresh');
      const twice = hub.mpack('twice');
      hub.cache(repoId, 'lone', lone, hub.ago(OLD), hub.ago(60));
      hub.cache(repoId, 'shared', shared, hub.ago(OLD), hub.ago(60));
      hub.cache(other, 'shared', shared, hub.ago(OLD), new Date(hub.now.getTime() + 3_600_000));
      hub.cache(repoId, 'fresh', fresh, hub.ago(OLD), new Date(hub.now.getTime() + 3_600_000));
      hub.cache(repoId, 'twice-a', twice, hub.ago(OLD), hub.ago(60));
      hub.cache(repoId, 'twice-b', twice, hub.ago(OLD), hub.ago(30));
      mpacks = { lone: lone.mpackId, shared: shared.mpackId, fresh: fresh.mpackId, twice: twice.mpackId };
    });
    const plan = await f.plan('lowend/blue-in-green');
    expect(plan.phases[4]).toMatchObject({ rows: 4, blobs: 2 });
    const { result } = await f.gc('lowend/blue-in-green');
    expect(result.mpack_cache_deleted).toBe(4);
    expect(await f.column('musehub_fetch_mpack_cache', 'mpack_id')).toEqual([mpacks.fresh, mpacks.shared].sort());
    expect(await f.store.exists({ id: mpacks.lone! })).toBe(false);
    expect(await f.store.exists({ id: mpacks.twice! })).toBe(false);
    expect(await f.store.exists({ id: mpacks.shared! })).toBe(true);
    expect(await f.store.exists({ id: mpacks.fresh! })).toBe(true);
  });

  it('nothing that belongs only to another repo changes', async () => {
    await forcePushed((hub) => {
      const other = hub.repo('tenor', 'giant-steps', 'Giant Steps', hub.ago(OLD), hub.ago(OLD));
      const theirs = line(hub, other, 'theirs', 3);
      line(hub, other, 'their-orphans', 2);
      hub.branch(other, 'main', theirs.commits[2]!);
    });
    const before = await f.column(
      'musehub_commit_refs',
      "repo_id || ':' || commit_id",
      `repo_id = (select repo_id from musehub_repos where slug = 'giant-steps')`,
    );
    await f.gc('lowend/blue-in-green');
    expect(
      await f.column(
        'musehub_commit_refs',
        "repo_id || ':' || commit_id",
        `repo_id = (select repo_id from musehub_repos where slug = 'giant-steps')`,
      ),
    ).toEqual(before);
    expect(before).toHaveLength(5);
  });

  it('a dry run reports what each phase would delete and changes nothing', async () => {
    await forcePushed();
    const tables = ['musehub_commits', 'musehub_snapshots', 'musehub_objects', 'musehub_object_refs'];
    const before = await Promise.all(tables.map((t) => f.column(t, '1')));
    const { result } = await f.gc('lowend/blue-in-green', { dryRun: true });
    expect(result).toMatchObject({ dry_run: true, commits_deleted: 4, objects_deleted: 4 });
    expect(await Promise.all(tables.map((t) => f.column(t, '1')))).toEqual(before);
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
  });

  it('skipping and stopping are honoured, and the history records the run', async () => {
    await forcePushed();
    const { result } = await f.gc('lowend/blue-in-green', {
      decide: async (phase) => (phase.phase === 'commits' ? 'skip' : phase.phase === 'snapshots' ? 'go' : 'stop'),
    });
    expect(result.outcome).toBe('stopped');
    expect(result.phases.map((p) => p.status)).toEqual(['skipped', 'done', 'not-run', 'not-run', 'not-run']);
    expect(await f.column('musehub_commits', 'commit_id')).toHaveLength(7);
    expect(await f.column('musehub_gc_runs', 'outcome')).toEqual(['stopped']);
  });
});
