/**
 * The safety mechanics: one GC per repo, pushes racing the objects phase on the
 * real server, blobs going only after rows (and surviving a store that fails
 * mid-run), and S3 throttling and per-key failures, with the store checked after.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HubBuilder } from '../../src/demo/hub-builder.js';
import { keyForId } from '../../src/storage/blob-store.js';
import { openBlobStore } from '../../src/storage/open.js';
import { listRuns } from '../../src/gc/history.js';
import { drainJournal } from '../../src/gc/journal.js';
import { findRepo } from '../../src/gc/repo.js';
import { Session } from '../../src/gc/session.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { serverTarget, testTargets } from '../support/databases.js';
import { FAST_RETRY, startS3, type TestS3 } from '../support/s3.js';
import type { S3Faults } from '../support/s3-faults.js';

const OLD = 600;

/** lowend/blue-in-green with a main branch and `orphans` abandoned commits, each with its own object. */
function forcePushed(orphans: number, fork = false) {
  const made = { orphanObjects: [] as string[], liveObject: '' };
  return {
    made,
    build(hub: HubBuilder) {
      const repoId = hub.repo('lowend', 'blue-in-green', 'Blue in Green', hub.ago(OLD * 2), hub.ago(OLD));
      made.liveObject = hub.object(repoId, 'live', hub.ago(OLD));
      const root = hub.commit(repoId, 'root', {
        parents: [],
        message: 'root',
        author: 'a',
        at: hub.ago(OLD),
        snapshotId: hub.snapshot({ 'live.mid': made.liveObject }, hub.ago(OLD)),
      });
      hub.branch(repoId, 'main', root);
      let parent = root;
      for (let i = 0; i < orphans; i++) {
        const objectId = hub.object(repoId, `orphan-${i}`, hub.ago(OLD));
        made.orphanObjects.push(objectId);
        parent = hub.commit(repoId, `orphan-${i}`, {
          parents: [parent],
          message: `take ${i}`,
          author: 'a',
          at: hub.ago(OLD - i),
          snapshotId: hub.snapshot({ 'live.mid': made.liveObject, 'take.mid': objectId }, hub.ago(OLD)),
        });
      }
      if (fork) hub.repo('keystrio', 'blue-in-green', 'fork', hub.ago(OLD), null);
    },
  };
}

describe.each(await serverTarget())('one GC per repo, on $name', (target) => {
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

  it('a second GC of the same repo is refused, naming the holder, while the first waits to confirm', async () => {
    const hub = forcePushed(3);
    await f.load(hub.build);
    let release!: () => void;
    const paused = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reachedConfirm!: () => void;
    const confirming = new Promise<void>((resolve) => {
      reachedConfirm = resolve;
    });
    const first = f.gc('lowend/blue-in-green', {
      decide: async () => {
        reachedConfirm();
        await paused;
        return 'go';
      },
    });
    await confirming;
    const second = await f.gc('lowend/blue-in-green');
    release();
    const { result } = await first;
    expect(result.outcome).toBe('done');
    expect(result.objects_deleted).toBe(3);
    expect(second.result.outcome).toBe('refused');
    expect(second.result.errors[0]).toMatch(/already running: the lock is held by musehub-gc \(backend pid \d+/);
    expect(second.result.errors[0]).toMatch(/run started by .+@/);
  });

  it('history says a run is running while its lock is held, and interrupted once nobody holds it', async () => {
    const hub = forcePushed(2);
    await f.load(hub.build);
    const repo = await findRepo(f.db, 'lowend/blue-in-green');
    let release!: () => void;
    const paused = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reachedConfirm!: () => void;
    const confirming = new Promise<void>((resolve) => {
      reachedConfirm = resolve;
    });
    const run = f.gc('lowend/blue-in-green', {
      decide: async () => {
        reachedConfirm();
        await paused;
        return 'stop';
      },
    });
    await confirming;
    expect((await listRuns(f.db, repo))[0]!.outcome).toBe('running');
    release();
    await run;
    // A process that died mid-run leaves its row running, and its lock goes with its connection.
    await f.db.knex().raw(`update musehub_gc_runs set outcome = 'running', finished_at = null`);
    expect((await listRuns(f.db, repo)).map((entry) => entry.outcome)).toEqual(['interrupted']);
  });

  it('a run whose end cannot be recorded retries, then says so in its errors', async () => {
    const hub = forcePushed(2);
    await f.load(hub.build);
    const blocker = new pg.Client({ connectionString: f.test.url });
    await blocker.connect();
    try {
      const { result, events } = await f.gc('lowend/blue-in-green', {
        decide: async (phase) => {
          // The history table goes away under the run (a DBA's mistake), and comes back after it.
          if (phase.phase === 'cache')
            await blocker.query('alter table musehub_gc_runs rename to musehub_gc_runs_away');
          return 'go';
        },
      });
      await blocker.query('alter table musehub_gc_runs_away rename to musehub_gc_runs');
      expect(result.errors.at(-1)).toMatch(
        /^could not record the end of run [0-9a-f-]{36} in musehub_gc_runs .*interrupted/,
      );
      expect(events).toContainEqual({ type: 'error', message: result.errors.at(-1) });
      expect(result.objects_deleted).toBe(2);
    } finally {
      await blocker.end();
    }
  });
});

describe.each(await serverTarget())('pushes racing GC on $name', (target) => {
  let f: Fixture;
  let pusher: pg.Client;
  /** Watches the server's sessions from outside any transaction: each look is a fresh one. */
  let observer: pg.Client;
  beforeAll(async () => {
    f = await createFixture(target);
    pusher = new pg.Client({ connectionString: f.test.url });
    observer = new pg.Client({ connectionString: f.test.url });
    await pusher.connect();
    await observer.connect();
  });
  afterEach(async () => {
    await f.reset();
  });
  afterAll(async () => {
    await pusher?.end();
    await observer?.end();
    await f?.dispose();
  });

  async function forkId(): Promise<string> {
    return (await pusher.query(`select repo_id from musehub_repos where owner = 'keystrio'`)).rows[0].repo_id;
  }

  it('a push that references an object before the objects phase locks it keeps the object', async () => {
    const hub = forcePushed(3, true);
    await f.load(hub.build);
    const fork = await forkId();
    const racing = hub.made.orphanObjects[0]!;
    const pusherPid = (await pusher.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    let pushed: Promise<string> | undefined;
    const { result } = await f.gc('lowend/blue-in-green', {
      decide: async (phase) => {
        if (phase.phase === 'objects') {
          // The push has started: its ref is written, and the row it names key-share locked, before GC locks it.
          await pusher.query('begin');
          await pusher.query('insert into musehub_object_refs (repo_id, object_id) values ($1, $2)', [fork, racing]);
          // It commits only once GC's objects phase is seen waiting for that lock: this order, every time.
          pushed = (async () => {
            let blocked = '';
            await waitFor(async () => {
              const [gc] = (
                await observer.query(
                  `
                select query from pg_stat_activity
                where application_name = 'musehub-gc' and $1 = any(pg_blocking_pids(pid))`,
                  [pusherPid],
                )
              ).rows;
              blocked = gc?.query ?? '';
              return gc !== undefined;
            });
            await pusher.query('commit');
            return blocked;
          })();
        }
        return 'go';
      },
    });
    // GC waited on the push's lock with the statement that locks the phase's rows, then deleted the others.
    expect(await pushed).toMatch(/from musehub_objects where object_id = any\(\$1\) for update/);
    const objectsPhase = result.phases.find((p) => p.phase === 'objects')!;
    expect(objectsPhase).toMatchObject({ status: 'done', rows: 2, keptSincePlan: 1 });
    expect(objectsPhase.kept).toContainEqual(expect.objectContaining({ reason: 'other-repo', count: 1 }));
    expect(await f.column('musehub_objects', 'object_id')).toContain(racing);
    expect(await f.store.exists({ id: racing })).toBe(true);
    expect(await f.column('musehub_object_refs', 'object_id', `repo_id = '${fork}'`)).toEqual([racing]);
  });

  it('a push that references an object after the objects phase locked it fails on the foreign key', async () => {
    const hub = forcePushed(3, true);
    await f.load(hub.build);
    const fork = await forkId();
    const racing = hub.made.orphanObjects[1]!;
    const blocker = new pg.Client({ connectionString: f.test.url });
    await blocker.connect();
    const gc = f.gc('lowend/blue-in-green', {
      decide: async (phase) => {
        // Hold GC between its row locks and its delete: its journal insert waits on this table lock.
        if (phase.phase === 'objects') await blocker.query('begin; lock table musehub_gc_journal in exclusive mode');
        return 'go';
      },
    });
    await waitFor(
      async () =>
        (
          await pusher.query(`
      select count(*)::int as n from pg_stat_activity
      where application_name = 'musehub-gc' and wait_event_type = 'Lock'`)
        ).rows[0].n === 1,
    );
    const pushOutcome = pusher
      .query('insert into musehub_object_refs (repo_id, object_id) values ($1, $2)', [fork, racing])
      .then(
        () => 'inserted',
        (error: { code?: string }) => error.code,
      );
    await waitFor(
      async () =>
        (
          await blocker.query(`
      select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'`)
        ).rows[0].n === 2,
    );
    await blocker.query('commit');
    await blocker.end();
    const { result } = await gc;
    expect(await pushOutcome).toBe('23503');
    expect(result.objects_deleted).toBe(3);
    expect(await f.column('musehub_object_refs', 'object_id', `repo_id = '${fork}'`)).toEqual([]);
    expect(await f.store.exists({ id: racing })).toBe(false);
  });
});

describe.each(await testTargets())('blobs after rows, with S3 faults, on $name', (target) => {
  let f: Fixture;
  let s3: TestS3 & { faults: S3Faults };
  beforeAll(async () => {
    s3 = await startS3({ faults: true });
    f = await createFixture(target, await openBlobStore(s3.url, { retry: FAST_RETRY }));
  });
  afterEach(async () => {
    s3.faults.reset();
    await f.reset();
  });
  afterAll(async () => {
    await f?.dispose();
    await s3?.stop();
  });

  it('a store that fails after the rows committed leaves a journal that resume finishes', async () => {
    const hub = forcePushed(4);
    await f.load(hub.build);
    const orphanKeys = hub.made.orphanObjects.map(keyForId);
    const run = f.gc('lowend/blue-in-green', {
      decide: async (phase) => {
        if (phase.phase === 'objects') s3.faults.refuseAll();
        return 'go';
      },
    });
    const { result } = await run;
    expect(result.outcome).toBe('failed');
    expect(result.phases.map((p) => p.status)).toEqual(['done', 'done', 'done', 'failed', 'not-run']);
    expect(result).toMatchObject({ objects_deleted: 4, storage_bytes_freed: 0 });
    // The rows are gone, the blobs are not, and the journal remembers them.
    expect(await f.column('musehub_objects', 'object_id')).toEqual([hub.made.liveObject]);
    expect(await s3.keys()).toEqual(expect.arrayContaining(orphanKeys));
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([...hub.made.orphanObjects].sort());

    s3.faults.reset();
    const session = await Session.open(f.db);
    const drained = await drainJournal(session, f.store, undefined).finally(() => session.close());
    expect(drained).toMatchObject({ blobs: 4, errors: [] });
    expect(await s3.keys()).toEqual([keyForId(hub.made.liveObject)]);
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
  });

  it('throttling is retried; a key that keeps failing stays in the journal and the next run finishes it', async () => {
    const hub = forcePushed(5);
    await f.load(hub.build);
    const stuck = hub.made.orphanObjects[2]!;
    const { result } = await f.gc('lowend/blue-in-green', {
      decide: async (phase) => {
        if (phase.phase === 'objects') {
          s3.faults.throttleNext(2);
          s3.faults.failKeys([keyForId(stuck)]);
        }
        return 'go';
      },
    });
    expect(s3.faults.count.faults).toBeGreaterThanOrEqual(3);
    expect(result.objects_deleted).toBe(5);
    expect(result.errors.join('\n')).toContain(stuck);
    expect(await s3.keys()).toEqual([keyForId(hub.made.liveObject), keyForId(stuck)].sort());
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([stuck]);

    s3.faults.reset();
    const next = await f.gc('lowend/blue-in-green');
    expect(next.events.find((event) => event.type === 'journal-resumed')).toMatchObject({ blobs: 1 });
    expect(await s3.keys()).toEqual([keyForId(hub.made.liveObject)]);
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the race to set up');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
