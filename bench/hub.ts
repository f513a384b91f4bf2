/**
 * The whole hub at scale: the many-repo hub (buildManyRepos, the console bench's hub, built
 * once into a template), each command on a fresh copy, as an operator runs it: the built CLI
 * (`npm run build` first) in processes of its own, under GNU time for their peak RSS.
 *
 *   tsx bench/hub.ts [--repos 10000] [--snapshot-index] [--skip-run]
 *
 * Measured against the hub's read floor (PostgreSQL alone handing over, with COPY as text, the
 * commits with their parents and snapshots, both ref tables and the manifests): the console's
 * estimates of every repo (in this process, as the console computes them), `plan --all`,
 * `check --all`, and `run --all` with one worker, two, and two processes of two at once.
 * `--skip-run` leaves `run --all` out: its executions still go a repo at a time, and without
 * the index each repo's snapshot phase reads every commit of the hub.
 *
 * MuseHub's schema has no index on musehub_commits (snapshot_id); `--snapshot-index` measures
 * the hub as it is once MuseHub's owners add that index (created on each copy, before the clock
 * starts).
 *
 * The server is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * bench/run.ts calls benchHub; alone, this builds the CLI first.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { to as copyTo } from 'pg-copy-streams';
import { openServer } from '../src/db/connect.js';
import { buildManyRepos } from '../src/demo/big-hub.js';
import { estimateRepos } from '../src/gc/estimate.js';
import type { HubResult } from '../src/gc/hub/types.js';
import { rowsDeleted } from '../src/gc/phases/catalog.js';
import { cli, CLI } from './measure.js';
import { benchTemplate, databaseUrl, onDatabase } from './templates.js';

/** What one configuration did: the processes' passes, from the first start to the last end. */
interface Measured {
  seconds: number;
  repos: number;
  rows: number;
}

/** `run --all --yes --json --workers N` in `processes` processes started together. */
async function collect(url: string, store: string, workers: number, processes: number): Promise<Measured> {
  const env = { ...process.env, DATABASE_URL: url, MUSEHUB_STORAGE: `file://${store}` };
  const results = await Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Promise<HubResult>((resolve, reject) => {
          execFile(
            process.execPath,
            [CLI, 'run', '--all', '--yes', '--json', '--workers', String(workers)],
            { env, maxBuffer: 1 << 30 },
            (error, stdout, stderr) => {
              // Exit 3 is a refused phase somewhere in the hub: the pass itself went through.
              if (error && error.code !== 3)
                reject(new Error(`run --all exited ${error.code}: ${stderr.slice(-2000)}`));
              else resolve(JSON.parse(stdout) as HubResult);
            },
          );
        }),
    ),
  );
  const started = Math.min(...results.map((result) => Date.parse(result.started_at)));
  const finished = Math.max(...results.map((result) => Date.parse(result.finished_at)));
  return {
    seconds: (finished - started) / 1000,
    repos: results.reduce((sum, result) => sum + result.repos.filter((repo) => repo.result).length, 0),
    rows: results.reduce((sum, result) => sum + rowsDeleted(result.totals), 0),
  };
}

/** Time for PostgreSQL alone to hand over what the hub's mark reads, as COPY text. */
async function hubFloorSeconds(url: string): Promise<number> {
  return onDatabase(url, async (client) => {
    const started = performance.now();
    for (const query of [
      'select commit_id, parent_ids, snapshot_id from musehub_commits',
      'select repo_id, commit_id, created_at from musehub_commit_refs',
      'select repo_id, object_id, created_at from musehub_object_refs',
      'select snapshot_id, manifest_blob from musehub_snapshots',
    ]) {
      for await (const chunk of client.query(copyTo(`copy (${query}) to stdout`))) void chunk;
    }
    return (performance.now() - started) / 1000;
  });
}

/** A copy of the template of its own, so that benches of other parts on the same server keep theirs. */
async function hubCopy(adminUrl: string, template: string): Promise<string> {
  const name = `${template}_hub`;
  await onDatabase(adminUrl, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name} template ${template}`);
  });
  return databaseUrl(adminUrl, name);
}

/** Measures the `repos`-repo hub, reporting each line as it is measured (a pass takes minutes). */
export async function benchHub(
  adminUrl: string,
  report: (line: string) => void,
  options: { repos?: number; snapshotIndex?: boolean; skipRun?: boolean } = {},
): Promise<void> {
  const repos = options.repos ?? 10_000;
  const name = await benchTemplate(adminUrl, `musehub_gc_bench_repos_${repos}`, (db) => buildManyRepos(db, { repos }));
  const store = mkdtempSync(join(tmpdir(), 'mhgc-bench-hub-'));
  const copy = async () => {
    const url = await hubCopy(adminUrl, name);
    if (options.snapshotIndex) {
      await onDatabase(url, (client) =>
        client.query('create index on musehub_commits (snapshot_id); analyze musehub_commits'),
      );
    }
    return url;
  };
  const url = await copy();
  const env = { DATABASE_URL: url, MUSEHUB_STORAGE: `file://${store}` };
  const floor = await hubFloorSeconds(url);
  const hubRows = await onDatabase(
    url,
    async (client) =>
      (
        await client.query(`select
    (select count(*) from musehub_commits) + (select count(*) from musehub_commit_refs) + (select count(*) from musehub_object_refs)
    + (select count(*) from musehub_snapshots) as rows`)
      ).rows[0].rows as string,
  );
  const against = (seconds: number) =>
    `${seconds.toFixed(1).padStart(6)} s  ${(repos / seconds).toFixed(0).padStart(6)} repos/s  ` +
    `${Math.round(Number(hubRows) / seconds)
      .toLocaleString('en')
      .padStart(9)} rows read/s  ${(seconds / floor).toFixed(1)}x the floor`;
  report(
    `hub of ${repos.toLocaleString('en')} force-pushed repos${options.snapshotIndex ? ', with an index on musehub_commits (snapshot_id)' : ''}: ` +
      `${Number(hubRows).toLocaleString('en')} rows of commits, refs and snapshots; read floor (COPY as text) ${floor.toFixed(2)} s`,
  );
  try {
    const db = await openServer(url);
    try {
      const ids = (await db.knex().raw('select repo_id from musehub_repos')).rows.map(
        (row: { repo_id: string }) => row.repo_id,
      );
      const started = performance.now();
      let estimated = 0;
      for await (const estimate of estimateRepos(db, ids, { graceSeconds: 3600, maxAgeSeconds: 0 }))
        if (!estimate.error) estimated++;
      report(
        `  console estimates        ${against((performance.now() - started) / 1000)}  (${estimated} estimated, in this process)`,
      );
    } finally {
      await db.close();
    }
    for (const [what, args, accept] of [
      ['plan --all', ['plan', '--all', '--json'], [0, 3]],
      ['check --all', ['check', '--all', '--json'], [0, 1]],
    ] as const) {
      const measured = cli([...args], env, accept);
      report(`  ${what.padEnd(24)} ${against(measured.seconds)}  peak RSS ${measured.rssMiB} MiB`);
    }
    if (options.skipRun) return;
    report('  run --all (pass time, from the first start to the last end):');
    let single: Measured | undefined;
    for (const [workers, processes] of [
      [1, 1],
      [2, 1],
      [2, 2],
    ] as const) {
      const measured = await collect(await copy(), store, workers, processes);
      single ??= measured;
      const what =
        processes === 1
          ? `${workers} worker${workers === 1 ? '' : 's'}`
          : `${processes} processes x ${workers} workers`;
      report(
        `    ${what.padEnd(22)} ${measured.seconds.toFixed(1).padStart(6)} s  ` +
          `${(measured.repos / measured.seconds).toFixed(1).padStart(6)} repos/s  ` +
          `${Math.round(measured.rows / measured.seconds)
            .toLocaleString('en')
            .padStart(7)} rows deleted/s  ` +
          `${(measured.seconds / floor).toFixed(1)}x the read floor, x${(single.seconds / measured.seconds).toFixed(2)} over 1 worker` +
          (measured.repos === repos ? '' : `  (collected ${measured.repos} of ${repos} repos)`),
      );
    }
  } finally {
    rmSync(store, { recursive: true, force: true });
    await onDatabase(adminUrl, (client) => client.query(`drop database if exists ${name}_hub with (force)`));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      repos: { type: 'string', default: '10000' },
      'snapshot-index': { type: 'boolean', default: false },
      'skip-run': { type: 'boolean', default: false },
    },
  });
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  await benchHub(adminUrl, (line) => console.log(line), {
    repos: Number(values.repos),
    snapshotIndex: values['snapshot-index'],
    skipRun: values['skip-run'],
  });
}
