/**
 * A plan file is untrusted input (issue 15): through the CLI, on the embedded hub (PGlite) and on
 * PostgreSQL, a file that was edited, dated ahead or signed with another hub's key is refused before
 * anything, and one re-signed with the hub's own key (an insider, or a bug) still deletes nothing
 * live: the run derives liveness again and only narrows to it, at a cutoff no later than the grace
 * allows. The CLI is slow to start on a busy machine: each test runs it as few times as it can.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded, type Database } from '../../src/db/connect.js';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import { IdList } from '../../src/gc/packed-ids.js';
import { loadPlan, savePlan } from '../../src/gc/plan-file.js';
import { existingPlanKey } from '../../src/gc/plan-key.js';
import { planGc } from '../../src/gc/plan.js';
import { findRepo } from '../../src/gc/repo.js';
import type { Plan, PlanSets } from '../../src/gc/types.js';
import { keyForId } from '../../src/storage/blob-store.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { serverTarget, type TestTarget } from '../support/databases.js';
import { BLUE_IN_GREEN } from '../support/demo-counts.js';
import { cli, lines } from './run-cli.js';

/** A demo hub the CLI runs on, with its file blob store. */
interface CliHub {
  env: Record<string, string>;
  blobs: string;
  /** Runs `work` on the hub's database (the embedded hub is opened for it: one process holds it at a time). */
  use<T>(work: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function embeddedHub(): Promise<CliHub> {
  const cache = mkdtempSync(join(tmpdir(), 'mhgc-plan-cache-'));
  const dir = join(cache, 'musehub-gc');
  const env = { XDG_CACHE_HOME: cache };
  // The first start seeds the demo hub.
  expect((await cli(['repos'], env)).code).toBe(0);
  return {
    env,
    blobs: join(dir, 'blobs'),
    async use(work) {
      const db = await openEmbedded({ dir });
      try {
        return await work(db);
      } finally {
        await db.close();
      }
    },
    close: async () => rmSync(cache, { recursive: true, force: true }),
  };
}

async function serverHub(target: TestTarget): Promise<CliHub> {
  const test = await target.create();
  const blobs = mkdtempSync(join(tmpdir(), 'mhgc-plan-blobs-'));
  await seedDemoHub(test.db, new FileBlobStore(blobs));
  return {
    env: { DATABASE_URL: test.url, MUSEHUB_STORAGE: pathToFileURL(blobs).href },
    blobs,
    use: (work) => work(test.db),
    async close() {
      await test.drop();
      rmSync(blobs, { recursive: true, force: true });
    },
  };
}

const HUBS = [
  { name: 'the embedded hub', open: embeddedHub },
  ...(await serverTarget()).map((target) => ({ name: target.name, open: () => serverHub(target) })),
];

/** `bytes` with a SHA-256 digest of them after: what anyone can write without the hub's key. */
const sealed = (bytes: Uint8Array) => Buffer.concat([bytes, createHash('sha256').update(bytes).digest()]);

/** Rows a plan must never delete. */
interface LiveRows {
  commits: string[];
  snapshots: string[];
  objects: string[];
}

/** `ids` added to a set of a plan. */
const plus = (set: IdList, ids: readonly string[]) => IdList.of(set.shape, [...set, ...ids]);

describe.each(HUBS)('a plan file as untrusted input, on $name', ({ open }) => {
  let hub: CliHub;
  let dir: string;
  /** The force-pushed repo's plan, as `plan --out` wrote it (making the hub's key), and what that printed. */
  let planned: string;
  let plannedOutput: string;
  beforeAll(async () => {
    hub = await open();
    dir = mkdtempSync(join(tmpdir(), 'mhgc-plan-files-'));
    planned = join(dir, 'planned.gcplan');
    const outcome = await cli(['plan', DEMO.forcePushed, '--out', planned], hub.env);
    expect(outcome.code, outcome.stderr).toBe(0);
    plannedOutput = outcome.stdout + outcome.stderr;
  }, 180_000);
  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const values = async (db: Database, sql: string, bindings: unknown[] = []) =>
    ((await db.knex().raw(sql, bindings as never[])).rows as Array<{ value: string }>).map((row) => row.value).sort();
  /** Which of `ids` `table` still holds (as `column`), of `repoId` where given. */
  const present = (db: Database, table: string, column: string, ids: string[], repoId?: string) =>
    values(
      db,
      `select ${column} as value from ${table} where ${column} = any(?)${repoId ? ' and repo_id = ?' : ''}`,
      repoId ? [ids, repoId] : [ids],
    );
  /** Every row of the tables GC prunes: to show that nothing changed. */
  const everything = (db: Database) =>
    Promise.all(
      [
        'musehub_commits',
        'musehub_commit_refs',
        'musehub_snapshots',
        'musehub_objects',
        'musehub_object_refs',
        'musehub_fetch_mpack_cache',
      ].map((table) => values(db, `select ${table}::text as value from ${table}`)),
    );
  /** The plan in the file at `path`, as this hub reads it. */
  const read = async (db: Database, path: string) =>
    loadPlan(path, {
      hub: db.hub,
      key: await existingPlanKey(db),
      now: new Date().toISOString(),
      maxAgeSeconds: 86_400,
    });
  /** Writes `plan` to `path` signed with the hub's own key: what an insider with the key (or a bug) could write. */
  const resign = async (db: Database, plan: Plan, path: string) => {
    await savePlan(plan, path, (await existingPlanKey(db))!);
    return path;
  };

  /** Live rows of the plan's repo (what no plan may delete): 4 commits with their 4 snapshots, 10 objects. */
  async function liveOf(db: Database, plan: Plan): Promise<LiveRows> {
    const repoId = plan.repo.repoId;
    // One commit a snapshot: four commits, four snapshots.
    const commits = (
      await values(
        db,
        `select min(r.commit_id) as value from musehub_commit_refs r
      join musehub_commits c using (commit_id) where r.repo_id = ? and c.snapshot_id is not null
      and not r.commit_id = any(?) group by c.snapshot_id`,
        [repoId, [...plan.sets.commitRefs]],
      )
    ).slice(0, 4);
    const snapshots = await values(db, 'select snapshot_id as value from musehub_commits where commit_id = any(?)', [
      commits,
    ]);
    const objects = (
      await values(
        db,
        `select object_id as value from musehub_object_refs
      where repo_id = ? and not object_id = any(?)`,
        [repoId, [...plan.sets.objectRefs]],
      )
    ).slice(0, 10);
    return { commits, snapshots, objects };
  }

  /** The plan with `live` added to its sets, as the adversarial pass edited it. */
  const widened = (plan: Plan, live: LiveRows): Plan => {
    const sets: PlanSets = {
      ...plan.sets,
      commitRefs: plus(plan.sets.commitRefs, live.commits),
      commits: plus(plan.sets.commits, live.commits),
      snapshots: plus(plan.sets.snapshots, live.snapshots),
      objectRefs: plus(plan.sets.objectRefs, live.objects),
      objects: plus(plan.sets.objects, live.objects),
    };
    return { ...plan, sets };
  };

  it("refuses before anything a file edited (digest made again), dated ahead, or of another hub's key", async () => {
    const edited = join(dir, 'edited.gcplan');
    const ahead = join(dir, 'ahead.gcplan');
    const otherKey = join(dir, 'other-key.gcplan');
    const before = await hub.use(async (db) => {
      const plan = await read(db, planned);
      const live = await liveOf(db, plan);
      expect([live.commits.length, live.snapshots.length, live.objects.length]).toEqual([4, 4, 10]);
      // Live rows added, the original signature kept: the digest is all one without the key can make again.
      const file = readFileSync(planned);
      const widenedFile = readFileSync(await resign(db, widened(plan, live), edited));
      writeFileSync(
        edited,
        sealed(
          Buffer.concat([
            widenedFile.subarray(0, widenedFile.length - 64),
            file.subarray(file.length - 64, file.length - 32),
          ]),
        ),
      );
      await resign(db, { ...plan, computedAt: '2100-01-01T00:00:00.000Z' }, ahead);
      // Another hub's key, this hub's id copied in.
      await savePlan(plan, otherKey, randomBytes(32));
      return everything(db);
    });
    const refusals: Array<[string, RegExp]> = [
      [edited, /not signed with the plan key of .*: it was made on another hub, or edited after it was written/],
      [ahead, /it is dated 2100-01-01T00:00:00.000Z, ahead of this hub's clock .* by more than 60s of clock skew/],
      [otherKey, /it is not signed with the plan key of /],
    ];
    for (const [path, why] of refusals) {
      const outcome = await cli(['run', '--plan', path, '--yes'], hub.env);
      expect(outcome.code, outcome.stderr).toBe(3);
      expect(lines(outcome.stderr)).toEqual([
        expect.stringMatching(`^musehub-gc: plan file ${path} refused, nothing was deleted: `),
      ]);
      expect(outcome.stderr).toMatch(why);
    }
    expect(await hub.use(everything)).toEqual(before);
  }, 300_000);

  it('says who made it and, before anything runs, what differs from the hub now (--json as plan_file)', async () => {
    const path = join(dir, 'widened.gcplan');
    const before = await hub.use(async (db) => {
      const plan = await read(db, planned);
      await resign(db, widened(plan, await liveOf(db, plan)), path);
      return everything(db);
    });
    const outcome = await cli(['run', '--plan', path, '--dry-run', '--json'], hub.env);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(await hub.use(everything)).toEqual(before);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const madeBy = { user: userInfo().username, host: hostname(), tool: `musehub-gc ${version}` };
    const { plan_file: file } = JSON.parse(outcome.stdout) as {
      plan_file: {
        path: string;
        made_by: typeof madeBy;
        drift: {
          phases: Array<{
            phase: string;
            listed: { refs: number; rows: number };
            now: { refs: number; rows: number };
            no_longer_garbage: Array<{ reason: string; count: number }>;
          }>;
        };
      };
    };
    expect(file).toMatchObject({ path, made_by: madeBy });
    const { commitRefs, commits, snapshots, objectRefs, objects } = BLUE_IN_GREEN;
    // The file lists 4 live commits with their snapshots and 10 live objects more than a run of it deletes now.
    expect(
      file.drift.phases
        .slice(0, 4)
        .map(({ phase, listed, now }) => [phase, listed.refs, listed.rows, now.refs, now.rows]),
    ).toEqual([
      ['commits', commitRefs + 4, commits + 4, commitRefs, commits],
      ['snapshots', 0, snapshots + 4, 0, snapshots],
      ['refs', objectRefs + 10, 0, objectRefs, 0],
      ['objects', 0, objects + 10, 0, objects],
    ]);
    expect(file.drift.phases[0]!.no_longer_garbage).toContainEqual(
      expect.objectContaining({ reason: 'live', count: 4 }),
    );
    // Said on stderr too, before the run's own lines.
    expect(outcome.stderr).toContain(
      `plan file ${path}: the plan of ${DEMO.forcePushed} made by ${madeBy.user}@${madeBy.host} with ${madeBy.tool}`,
    );
    expect(outcome.stderr).toContain(
      `  phase 1 commits: the file lists ${commitRefs + 4} commit refs, ${commits + 4} commits; ` +
        `${commitRefs} commit refs, ${commits} commits now`,
    );
    expect(outcome.stderr.indexOf('against the hub now:')).toBeLessThan(outcome.stderr.indexOf('phase commits:'));
  }, 300_000);

  it("re-signed with the hub's own key, deletes nothing live, and prints the counts it acts on", async () => {
    const insider = join(dir, 'insider.gcplan');
    const { plan, live, key } = await hub.use(async (db) => {
      const plan = await read(db, planned);
      const live = await liveOf(db, plan);
      await resign(db, widened(plan, live), insider);
      return { plan, live, key: (await existingPlanKey(db))! };
    });

    const outcome = await cli(['run', '--plan', insider, '--yes'], hub.env);
    expect(outcome.code, outcome.stderr).toBe(0);
    // The key never shows, as the file is written nor as it is read.
    for (const shown of [plannedOutput, outcome.stdout + outcome.stderr]) {
      for (const encoding of ['hex', 'base64'] as const) expect(shown).not.toContain(key.toString(encoding));
    }
    await hub.use(async (db) => {
      const repoId = plan.repo.repoId;
      expect(await present(db, 'musehub_commit_refs', 'commit_id', live.commits, repoId)).toEqual(live.commits);
      expect(await present(db, 'musehub_snapshots', 'snapshot_id', live.snapshots)).toEqual(live.snapshots);
      expect(await present(db, 'musehub_object_refs', 'object_id', live.objects, repoId)).toEqual(live.objects);
      expect(await present(db, 'musehub_objects', 'object_id', live.objects)).toEqual(live.objects);
    });
    for (const id of live.objects) expect(existsSync(join(hub.blobs, keyForId(id))), id).toBe(true);
    const { commitRefs, commits, snapshots, objectRefs, objects } = BLUE_IN_GREEN;
    // Printed before the run: the counts of the narrowed sets, not the file's; then deleted as printed.
    for (const line of [
      `1 commits +delete ${commitRefs} commit refs, ${commits} commits`,
      `2 snapshots +delete ${snapshots} snapshots`,
      `3 object refs +delete ${objectRefs} object refs`,
      `4 objects +delete ${objects} objects`,
    ]) {
      expect(outcome.stdout).toMatch(new RegExp(`^${line}`, 'm'));
    }
    expect(outcome.stdout).toMatch(
      new RegExp(
        `^run done on ${DEMO.forcePushed}: freed [^\\n]*\\ndeleted: ${commits} commits, ` +
          `${objects} objects, [^;]*; with them ${commitRefs} commit refs, ${snapshots} snapshots, ${objectRefs} object refs`,
        'm',
      ),
    );
    expect(outcome.stderr).toMatch(/phase commits: 4 commits live again/);
  }, 300_000);

  it('with its cutoff moved to 2100, keeps a push in flight and the abandoned chain it builds on', async () => {
    const pushed = randomBytes(32).toString('hex');
    const path = join(dir, 'in-flight.gcplan');
    const chain = await hub.use(async (db) => {
      // The deleted branch's chain, then a push (its ref inside the grace period) building on its tip.
      const repo = await findRepo(db, DEMO.deletedBranch);
      const abandoned = [...(await planGc(db, repo)).sets.commits];
      const parentLists = await values(
        db,
        'select parent_ids::text as value from musehub_commits where commit_id = any(?)',
        [abandoned],
      );
      const parents = new Set(parentLists.flatMap((list) => JSON.parse(list) as string[]));
      const tip = abandoned.find((id) => !parents.has(id))!;
      await db.knex().raw(
        `insert into musehub_commits
          (commit_id, parent_ids, message, "timestamp", snapshot_id, created_at)
        select ?, json_build_array(commit_id), 'Flamenco outro', now(), snapshot_id, now() from musehub_commits
        where commit_id = ?`,
        [pushed, tip],
      );
      await db
        .knex()
        .raw('insert into musehub_commit_refs (repo_id, commit_id, created_at) values (?, ?, now())', [
          repo.repoId,
          pushed,
        ]);
      const plan = await planGc(db, repo);
      expect(plan.sets.commits.size).toBe(0);
      const listed = [...abandoned, pushed];
      await resign(
        db,
        {
          ...plan,
          cutoff: '2100-01-01T00:00:00.000Z',
          sets: {
            ...plan.sets,
            commitRefs: plus(plan.sets.commitRefs, listed),
            commits: plus(plan.sets.commits, listed),
          },
        },
        path,
      );
      return abandoned;
    });
    expect(chain.length).toBeGreaterThan(1);

    const outcome = await cli(['run', '--plan', path, '--yes'], hub.env);
    expect(outcome.code, outcome.stderr).toBe(0);
    await hub.use(async (db) => {
      const kept = [...chain, pushed].sort();
      expect(await present(db, 'musehub_commits', 'commit_id', kept)).toEqual(kept);
      expect(await present(db, 'musehub_commit_refs', 'commit_id', kept)).toEqual(kept);
    });
    expect(outcome.stderr).toMatch(
      /the plan file's cutoff 2100-01-01T00:00:00.000Z is later than now minus the grace in force \(1h\)/,
    );
    expect(outcome.stdout).toMatch(/^1 commits +nothing to delete/m);
  }, 300_000);
});
