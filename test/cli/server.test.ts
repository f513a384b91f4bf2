/**
 * The headless commands against a PostgreSQL server holding the demo hub, with a
 * file blob store: what they print, what they exit with, and what is left after a run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, demoHubRows, seedDemoHub } from '../../src/demo/demo-hub.js';
import { lockRepo } from '../../src/gc/lock.js';
import { planGc } from '../../src/gc/plan.js';
import { findRepo } from '../../src/gc/repo.js';
import { Session } from '../../src/gc/session.js';
import type { Plan, RunResult } from '../../src/gc/types.js';
import type { RunRecord } from '../../src/gc/service.js';
import { keyForId } from '../../src/storage/blob-store.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { serverTarget, TEST_DATABASE_URL, type TestDatabase } from '../support/databases.js';
import { BLUE_IN_GREEN, blueInGreenBytes } from '../support/demo-counts.js';
import { cli, lines, terminalCli } from './run-cli.js';
import type { SnakeCased } from '../../src/commands/output.js';

describe.each(await serverTarget())('musehub-gc on $name', (target) => {
  let test: TestDatabase;
  let blobDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    test = await target.create();
    blobDir = mkdtempSync(join(tmpdir(), 'mhgc-cli-blobs-'));
    await seedDemoHub(test.db, new FileBlobStore(blobDir));
    env = { DATABASE_URL: test.url, MUSEHUB_STORAGE: pathToFileURL(blobDir).href };
  });

  afterAll(async () => {
    await test?.drop();
    rmSync(blobDir, { recursive: true, force: true });
  });

  const column = async (sql: string, bindings: unknown[]): Promise<string[]> =>
    (await test.db.knex().raw(sql, bindings as never[])).rows.map((row: { value: string }) => row.value);

  it('repos --json lists the demo repos', async () => {
    const outcome = await cli(['repos', '--json'], env);
    expect(outcome.code).toBe(0);
    const names = (JSON.parse(outcome.stdout) as Array<{ owner: string; slug: string }>).map(
      (repo) => `${repo.owner}/${repo.slug}`,
    );
    for (const name of [DEMO.forcePushed, DEMO.fork, DEMO.corrupt, DEMO.clean, DEMO.empty])
      expect(names).toContain(name);
  });

  let plan: SnakeCased<Plan>;

  it('plan --json of the force-pushed repo has every phase, each deleting what the demo hub was built to leave', async () => {
    const outcome = await cli(['plan', DEMO.forcePushed, '--json', '--items', '1000'], env);
    expect(outcome.code).toBe(0);
    plan = JSON.parse(outcome.stdout) as SnakeCased<Plan>;
    expect(plan.phases.map((phase) => phase.phase)).toEqual(['commits', 'snapshots', 'refs', 'objects', 'cache']);
    expect(plan.phases.every((phase) => !phase.refused)).toBe(true);
    const [commits, snapshots, refs, objects, cache] = plan.phases;
    expect(commits).toMatchObject({ refs: BLUE_IN_GREEN.commitRefs, rows: BLUE_IN_GREEN.commits });
    expect(commits!.items).toHaveLength(BLUE_IN_GREEN.commits);
    expect(snapshots!.rows).toBe(BLUE_IN_GREEN.snapshots);
    expect(refs!.refs).toBe(BLUE_IN_GREEN.objectRefs);
    expect(objects).toMatchObject({ rows: BLUE_IN_GREEN.objects, blobs: BLUE_IN_GREEN.objects });
    expect(cache!.rows).toBe(BLUE_IN_GREEN.cacheRows);
    expect(objects!.bytes + cache!.bytes).toBe(blueInGreenBytes(demoHubRows(new Date())));
    // The fork holds part of the orphaned chain: the plan says so.
    expect(commits!.kept.some((kept) => kept.reason === 'other-repo' && kept.repos?.includes(DEMO.fork))).toBe(true);
  });

  it("plan prints what stays and why, and a corrupt manifest's refused phases", async () => {
    const forcePushed = await cli(['plan', DEMO.forcePushed], env);
    expect(forcePushed.code).toBe(0);
    expect(forcePushed.stdout).toMatch(/kept: .*keystrio\/blue-in-green/);
    const corrupt = await cli(['plan', DEMO.corrupt], env);
    expect(corrupt.code).toBe(0);
    expect(corrupt.stdout).toMatch(/^error: live snapshot/m);
    expect(corrupt.stdout).toMatch(/^3 object refs\s+REFUSED: /m);
  });

  it('run without a terminal and without --yes exits 2 and says why', async () => {
    const outcome = await cli(['run', DEMO.forcePushed], env);
    expect(outcome.code).toBe(2);
    expect(lines(outcome.stderr)).toHaveLength(1);
    expect(outcome.stderr).toMatch(/no terminal to ask on: pass --yes/);
  });

  it('run needs a blob store on a server, while plan does not', async () => {
    const noStore = { DATABASE_URL: test.url };
    const run = await cli(['run', DEMO.forcePushed, '--yes'], noStore);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/set MUSEHUB_STORAGE or --storage/);
    const dryRun = await cli(['run', DEMO.forcePushed, '--dry-run', '--json'], noStore);
    expect(dryRun.code).toBe(0);
    const result = JSON.parse(dryRun.stdout) as SnakeCased<RunResult>;
    expect(result.dry_run).toBe(true);
    expect(result.commits_deleted).toBe(BLUE_IN_GREEN.commits);
    expect(
      await column('select count(*)::int as value from musehub_commits where commit_id = any(?)', [
        plan.phases[0]!.items.map((item) => item.id),
      ]),
    ).toEqual([plan.phases[0]!.rows]);
  });

  let result: SnakeCased<RunResult>;

  it('run --yes --json deletes what the plan said and prints the RunResult', async () => {
    const outcome = await cli(['run', DEMO.forcePushed, '--yes', '--json'], env);
    expect(outcome.code).toBe(0);
    result = JSON.parse(outcome.stdout) as SnakeCased<RunResult>;
    expect(result).toMatchObject({
      repo_id: plan.repo.repo_id,
      outcome: 'done',
      dry_run: false,
      errors: [],
      commits_deleted: BLUE_IN_GREEN.commits,
      commit_refs_deleted: BLUE_IN_GREEN.commitRefs,
      snapshots_deleted: BLUE_IN_GREEN.snapshots,
      object_refs_deleted: BLUE_IN_GREEN.objectRefs,
      objects_deleted: BLUE_IN_GREEN.objects,
      mpack_cache_deleted: BLUE_IN_GREEN.cacheRows,
      reachable_commit_count: BLUE_IN_GREEN.reachableCommits,
      storage_bytes_freed: blueInGreenBytes(demoHubRows(new Date())),
    });
    expect(result.phases.map((phase) => phase.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    // Progress went to stderr; stdout holds the one JSON object.
    expect(outcome.stderr).toMatch(/deleted/);

    const orphaned = plan.phases[0]!.items.map((item) => item.id);
    expect(await column('select commit_id as value from musehub_commits where commit_id = any(?)', [orphaned])).toEqual(
      [],
    );
    for (const item of plan.phases[3]!.items) expect(existsSync(join(blobDir, keyForId(item.id)))).toBe(false);
  });

  it('history shows the run', async () => {
    const outcome = await cli(['history', DEMO.forcePushed, '--json'], env);
    expect(outcome.code).toBe(0);
    const runs = JSON.parse(outcome.stdout) as Array<SnakeCased<RunRecord>>;
    const run = runs.find((record) => record.run_id === result.run_id);
    expect(run).toMatchObject({ outcome: 'done', dry_run: false, bytes_freed: result.storage_bytes_freed });
    const text = await cli(['history', DEMO.forcePushed], env);
    expect(text.stdout).toContain(run!.started_at);
  });

  it('run --yes of the corrupt repo runs what it may and exits 3 for the refused phases', async () => {
    const outcome = await cli(['run', DEMO.corrupt, '--yes', '--json'], env);
    expect(outcome.code).toBe(3);
    const corrupt = JSON.parse(outcome.stdout) as SnakeCased<RunResult>;
    expect(corrupt.phases.filter((phase) => phase.status === 'refused').map((phase) => phase.phase)).toEqual([
      'refs',
      'objects',
    ]);
    expect(outcome.stderr).toMatch(/phase refs refused/);
  });

  it("run exits 3 and names the holder while another session holds the repo's GC lock", async () => {
    const session = await Session.open(test.db);
    const unlock = await lockRepo(session, 'server', await findRepo(test.db, DEMO.clean));
    try {
      const outcome = await cli(['run', DEMO.clean, '--yes', '--json'], env);
      expect(outcome.code).toBe(3);
      expect((JSON.parse(outcome.stdout) as SnakeCased<RunResult>).outcome).toBe('refused');
      expect(outcome.stderr).toMatch(new RegExp(`pid ${session.backendPid}`));
    } finally {
      await unlock();
      await session.close();
    }
  });

  it('resume deletes the blobs an interrupted run left in the journal', async () => {
    const store = new FileBlobStore(blobDir);
    const orphanBlob = `sha256:${'ab'.repeat(32)}`;
    await store.put({ id: orphanBlob }, new Uint8Array([1, 2, 3]));
    await test.db.knex().raw(
      `insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes, store)
      values ('00000000-0000-0000-0000-000000000000', 'object', array[?], array[null::text], array[3], ?)`,
      [orphanBlob, store.identity],
    );
    const outcome = await cli(['resume', '--json'], env);
    expect(outcome.code).toBe(0);
    expect(JSON.parse(outcome.stdout)).toEqual({
      blobs: 1,
      bytes: 3,
      renamed: 0,
      errors: [],
      left_alone: { entries: 0, blobs: 0 },
      warnings: [],
    });
    expect(await store.exists({ id: orphanBlob })).toBe(false);
    expect(await column('select unnest(blob_ids) as value from musehub_gc_journal', [])).toEqual([]);
  });

  it('on a terminal, run asks before each phase: y runs it, anything else skips, a blob phase wants the slug', async () => {
    const repo = await findRepo(test.db, DEMO.abandonedUpload);
    const before = await planGc(test.db, repo, { itemLimit: 100 });
    const abandoned = before.phases[3]!.items.map((item) => item.id);
    expect(abandoned.length).toBeGreaterThan(0);
    const { code, screen } = await terminalCli(['run', DEMO.abandonedUpload, '--json'], env, [
      [/Delete \d+ object refs of bigband\/caravan\? \[y\/N\] /, 'y'],
      [/Type caravan to delete \d+ objects, .* from storage: /, 'caravan?'],
      [/Type caravan to delete \d+ expired entr.* from storage: /, repo.slug],
    ]);
    expect(code).toBe(3);
    const result = JSON.parse(
      screen.slice(screen.indexOf('{\r\n  "run_id"')).replace(/\r\n/g, '\n'),
    ) as SnakeCased<RunResult>;
    expect(result.phases.map((phase) => phase.status)).toEqual(['done', 'done', 'done', 'skipped', 'done']);
    expect(result.mpack_cache_deleted).toBe(before.phases[4]!.rows);
    // The refs went; the objects, whose phase was declined, stay with their blobs.
    expect(
      await column('select object_id as value from musehub_object_refs where repo_id = ? and object_id = any(?)', [
        repo.repoId,
        abandoned,
      ]),
    ).toEqual([]);
    expect(
      await column('select object_id as value from musehub_objects where object_id = any(?) order by 1', [abandoned]),
    ).toEqual([...abandoned].sort());
    for (const id of abandoned) expect(existsSync(join(blobDir, keyForId(id)))).toBe(true);
  });

  it('names an unknown repo in one line, exit 2', async () => {
    const outcome = await cli(['plan', 'nobody/nothing'], env);
    expect(outcome.code).toBe(2);
    expect(lines(outcome.stderr)).toEqual([
      expect.stringMatching(/^musehub-gc: no repo "nobody\/nothing" in .*musehub-gc repos/),
    ]);
  });

  it("says in one line that a database without MuseHub's tables is the wrong one", async () => {
    const name = `mhgc_cli_bare_${process.pid}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await admin(`create database ${name}`);
    try {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/${name}`;
      const outcome = await cli(['repos'], { DATABASE_URL: url.toString() });
      expect(outcome.code).toBe(1);
      expect(lines(outcome.stderr)).toEqual([
        expect.stringMatching(/has none of MuseHub's tables: point DATABASE_URL/),
      ]);
    } finally {
      await admin(`drop database if exists ${name} with (force)`);
    }
  });
});
