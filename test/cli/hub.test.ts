/**
 * `run --all` as operators run it, on PostgreSQL: two processes at once, a process SIGKILLed
 * mid-run, a repo whose blobs cannot be deleted; every repo of a random hub checked against
 * the torture oracle; the metrics file read as node_exporter would, the report's phases.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer } from '../../src/db/connect.js';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import { JOINING_LOCK } from '../../src/gc/hub/pass.js';
import type { HubPlan, HubResult } from '../../src/gc/hub/types.js';
import { planGc } from '../../src/gc/plan.js';
import { findRepo } from '../../src/gc/repo.js';
import { keyForId } from '../../src/storage/blob-store.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { historyArb } from '../torture/arbitrary.js';
import { diffStates, readState, stateOf } from '../torture/compare.js';
import { s3Bench } from '../torture/faults.js';
import { expectAfter, fileBench, loadModel, type Bench } from '../torture/harness.js';
import type { HubModel } from '../torture/hub-model.js';
import { simulate } from '../torture/simulate.js';
import { serverTarget, type TestDatabase } from '../support/databases.js';
import { parsePrometheus, sampleValue } from '../support/prometheus.js';
import { cli, startCli } from './run-cli.js';
import type { SnakeCased } from '../../src/commands/output.js';

/** Each phase's row in a report, as an operator reads it. */
const PHASE_TITLES = ['1 commits', '2 snapshots', '3 object refs', '4 objects', '5 pack cache'];

/** A random hub of eight repos and their forks, fixed by its seed: forks collected at once leave pending work in it. */
function randomHub(): HubModel {
  const [history] = fc.sample(historyArb(90), { seed: 5, numRuns: 1 });
  return simulate({ ...history!, repos: 8 });
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  for (const started = Date.now(); !(await check()); ) {
    if (Date.now() - started > ms) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(await serverTarget())('run --all on $name', (target) => {
  let database: TestDatabase;
  let bench: Bench;
  let admin: pg.Client;
  beforeAll(async () => {
    database = await target.create();
    // Named apart from the processes under test, whose backends the tests wait out.
    bench = await fileBench(await openServer(`${database.url}?application_name=hub-test`));
    admin = new pg.Client({ connectionString: database.url, application_name: 'hub-test' } as pg.ClientConfig);
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await bench?.close();
    await bench?.db.close();
    await database?.drop();
  });

  const value = async (sql: string, bindings: unknown[] = []) => (await admin.query(sql, bindings)).rows[0]?.value;
  // A killed process's backends end, and its locks with them, once PostgreSQL reads the closed socket.
  const noLocksLeft = () =>
    until(
      async () =>
        Number(
          await value(`select count(*) as value from pg_locks
    where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`),
        ) === 0,
      "the killed process's locks to go",
    );
  const oracleProblems = async (hub: HubModel, store: Bench) =>
    diffStates(
      stateOf(
        expectAfter(
          hub,
          hub.repos.map((repo) => repo.id),
        ).hub,
      ),
      await readState(store.db, store.store),
    );

  it('two processes at once collect each repo exactly once and lose nothing; the next pass leaves what the oracle leaves', async () => {
    const hub = randomHub();
    await loadModel(bench, hub);
    const env = { DATABASE_URL: database.url, MUSEHUB_STORAGE: bench.storeUrl };
    // Held, the lock passes join by keeps both processes at their start until both are there.
    await admin.query('select pg_advisory_lock($1, $2)', [...JOINING_LOCK]);
    const both = [1, 2].map(() => cli(['run', '--all', '--yes', '--json', '--workers', '2'], env));
    try {
      await until(
        async () =>
          Number(
            await value(
              `select count(*) as value from pg_locks where locktype = 'advisory'
        and not granted and classid = $1 and objsubid = 2`,
              [JOINING_LOCK[0]],
            ),
          ) === 2,
        'both passes to wait at the door',
      );
    } finally {
      await admin.query('select pg_advisory_unlock($1, $2)', [...JOINING_LOCK]);
    }
    const outcomes = await Promise.all(both);
    for (const outcome of outcomes) expect([0, 3], outcome.stderr).toContain(outcome.code);
    const [first, second] = outcomes.map((outcome) => JSON.parse(outcome.stdout) as SnakeCased<HubResult>);
    expect(second!.since).toBe(first!.since);
    for (const repo of hub.repos) {
      const turns = [first!, second!].map((result) => result.repos.find((turn) => turn.repo_id === repo.id)!);
      expect(turns.filter((turn) => turn.result).length, `${repo.owner}/${repo.slug}`).toBe(1);
      expect(['claimed', 'collected']).toContain(turns.find((turn) => !turn.result)!.status);
    }
    expect(Number(await value(`select count(*) as value from musehub_gc_runs where not dry_run`))).toBe(
      hub.repos.length,
    );
    expect(Number(await value(`select count(distinct repo_id) as value from musehub_gc_runs`))).toBe(hub.repos.length);
    expect((await oracleProblems(hub, bench)).filter((line) => line.includes('missing'))).toEqual([]);

    // What forks let go of at the same instant waits as pending work: the next pass takes it up.
    const next = await cli(['run', '--all', '--yes', '--json', '--workers', '1'], env);
    expect((JSON.parse(next.stdout) as SnakeCased<HubResult>).repos.every((turn) => turn.result)).toBe(true);
    expect(await oracleProblems(hub, bench)).toEqual([]);
  }, 120_000);

  it('a process SIGKILLed mid-run leaves its repo to the next pass, whose run of it finishes its journal', async () => {
    const s3 = await s3Bench(bench.db);
    try {
      const hub = randomHub();
      await loadModel(s3, hub);
      const env = { DATABASE_URL: database.url, MUSEHUB_STORAGE: s3.storeUrl };
      // Blob deletes are throttled, so a run waits with its blobs in the journal: there it is killed.
      s3.faults.failKeys(hub.blobs, 'SlowDown');
      const { child, exit } = startCli(['run', '--all', '--yes', '--workers', '1'], env);
      await until(
        async () => Number(await value('select count(*) as value from musehub_gc_journal')) > 0,
        'a journal entry',
      );
      child.kill('SIGKILL');
      await exit;
      s3.faults.reset();
      const killed = await value(`select repo_id as value from musehub_gc_runs r where outcome = 'running'
        and exists (select 1 from musehub_gc_journal j where j.run_id = r.run_id)`);
      expect(killed).toBeDefined();
      await noLocksLeft();

      const next = await cli(['run', '--all', '--yes', '--json', '--workers', '1'], env);
      const turn = (JSON.parse(next.stdout) as SnakeCased<HubResult>).repos.find((repo) => repo.repo_id === killed)!;
      expect(turn.status).toBe('done');
      expect(Number(await value('select count(*) as value from musehub_gc_journal'))).toBe(0);
      expect(await oracleProblems(hub, s3)).toEqual([]);
      const history = await cli(['history', killed, '--json'], env);
      expect((JSON.parse(history.stdout) as Array<{ outcome: string }>).map((run) => run.outcome)).toEqual([
        'done',
        'interrupted',
      ]);
    } finally {
      await s3.close();
    }
  }, 120_000);

  it('goes on past a repo whose blobs cannot be deleted and one with a corrupt manifest, and says which did what, in JSON, metrics and the report', async () => {
    const demo = await target.create();
    const dir = mkdtempSync(join(tmpdir(), 'mhgc-hub-cli-'));
    try {
      const blobs = join(dir, 'blobs');
      await seedDemoHub(demo.db, new FileBlobStore(blobs));
      const env = { DATABASE_URL: demo.url, MUSEHUB_STORAGE: pathToFileURL(blobs).href };
      const caravan = await findRepo(demo.db, DEMO.abandonedUpload);
      const [doomed] = (await planGc(demo.db, caravan, { itemLimit: 10 })).phases[3]!.items;
      // A directory where the blob was: the store cannot delete it.
      const blob = join(blobs, keyForId(doomed!.id));
      rmSync(blob);
      mkdirSync(blob);
      writeFileSync(join(blob, 'in-the-way'), '');

      const planned = await cli(['plan', '--all', '--json', '--report', join(dir, 'plan.md')], env);
      expect(planned.code).toBe(0);
      const plan = JSON.parse(planned.stdout) as SnakeCased<HubPlan>;
      const planReport = readFileSync(join(dir, 'plan.md'), 'utf8');
      for (const title of PHASE_TITLES) expect(planReport).toContain(`| ${title} |`);

      const outcome = await cli(
        ['run', '--all', '--yes', '--json', '--metrics-file', join(dir, 'gc.prom'), '--report', join(dir, 'run.md')],
        env,
      );
      expect(outcome.code).toBe(1);
      const result = JSON.parse(outcome.stdout) as SnakeCased<HubResult>;
      expect(result.repos).toHaveLength(plan.repos.length);
      const failing = result.repos.find((repo) => repo.repo === DEMO.abandonedUpload)!;
      expect(failing.result!.errors).toEqual([
        expect.stringMatching(new RegExp(`blob ${doomed!.id} not deleted: EISDIR`)),
      ]);
      const corrupt = result.repos.find((repo) => repo.repo === DEMO.corrupt)!;
      expect(corrupt.result!.phases.filter((phase) => phase.status === 'refused').map((phase) => phase.phase)).toEqual([
        'refs',
        'objects',
      ]);
      for (const repo of result.repos.filter((turn) => turn.repo !== DEMO.abandonedUpload)) {
        expect(repo, repo.repo).toMatchObject({ status: 'done', result: { errors: [] } });
      }
      expect(result.totals).toMatchObject({
        repos: plan.repos.length,
        statuses: { done: plan.repos.length },
        refused_phases: 1,
        errors: 1,
      });
      expect(result.totals.commits_deleted).toBe(plan.phases[0]!.rows);

      const metrics = parsePrometheus(readFileSync(join(dir, 'gc.prom'), 'utf8'));
      expect(sampleValue(metrics, 'musehub_gc_repo_last_run_errors', { repo: DEMO.abandonedUpload })).toBe(1);
      expect(sampleValue(metrics, 'musehub_gc_repo_last_run_success', { repo: DEMO.abandonedUpload })).toBe(0);
      expect(sampleValue(metrics, 'musehub_gc_repo_last_run_success', { repo: DEMO.forcePushed })).toBe(1);
      expect(sampleValue(metrics, 'musehub_gc_repo_last_run_refused_phases', { repo: DEMO.corrupt })).toBe(2);
      expect(sampleValue(metrics, 'musehub_gc_hub_last_run_success')).toBe(0);
      expect(sampleValue(metrics, 'musehub_gc_hub_last_run_repos', { status: 'done' })).toBe(plan.repos.length);
      expect(sampleValue(metrics, 'musehub_gc_hub_last_run_deleted_rows', { phase: 'commits' })).toBe(
        result.totals.commit_refs_deleted + result.totals.commits_deleted,
      );
      expect(sampleValue(metrics, 'musehub_gc_hub_last_run_freed_bytes')).toBe(result.totals.storage_bytes_freed);
      expect(metrics.samples.every((sample) => sample.labels.hub === result.hub.label)).toBe(true);

      const report = readFileSync(join(dir, 'run.md'), 'utf8');
      for (const title of PHASE_TITLES) expect(report).toContain(`| ${title} |`);
      expect(report).toMatch(new RegExp(`## Errors\\n\\n- ${DEMO.abandonedUpload}: blob ${doomed!.id} not deleted`));
      expect(report).toMatch(new RegExp(`## Refused\\n\\n- ${DEMO.corrupt}, 3 object refs: live snapshot`));

      // One repo, with the same files, once the store can delete the blob: the repo's own metrics, and its report.
      rmSync(blob, { recursive: true });
      const one = await cli(
        ['run', DEMO.forcePushed, '--yes', '--metrics-file', join(dir, 'one.prom'), '--report', join(dir, 'one.md')],
        env,
      );
      expect(one.code).toBe(0);
      const oneMetrics = parsePrometheus(readFileSync(join(dir, 'one.prom'), 'utf8'));
      expect(
        sampleValue(oneMetrics, 'musehub_gc_repo_last_run_deleted_rows', { repo: DEMO.forcePushed, phase: 'commits' }),
      ).toBe(0);
      expect(oneMetrics.samples.some((sample) => sample.name.startsWith('musehub_gc_hub_'))).toBe(false);
      const oneReport = readFileSync(join(dir, 'one.md'), 'utf8');
      expect(oneReport).toMatch(new RegExp(`^# musehub-gc run of ${DEMO.forcePushed}\\n`));
      for (const title of PHASE_TITLES) expect(oneReport).toContain(`| ${title} |`);
    } finally {
      await demo.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
