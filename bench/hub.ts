/**
 * The whole hub at scale: the many-repo hub (buildManyRepos, the console bench's hub, built
 * once into a template) collected by `run --all` with 1, 2 and 4 workers, and by two
 * processes at once, each run on a fresh copy, as an operator runs it: the built CLI
 * (`npm run build` first) in processes of its own.
 *
 *   tsx bench/hub.ts [--repos 10000] [--snapshot-index]
 *
 * MuseHub's schema has no index on musehub_commits (snapshot_id), so each repo's snapshot
 * phase reads every commit of the hub: a pass costs repos x commits. `--snapshot-index`
 * measures the hub as it is once MuseHub's owners add that index (created on each copy,
 * before the clock starts).
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
import { buildManyRepos } from '../src/demo/big-hub.js';
import type { HubResult } from '../src/gc/hub/types.js';
import { rowsDeleted } from '../src/gc/phases/table.js';
import { benchTemplate, databaseUrl, freshCopy, onDatabase } from './templates.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** What one configuration did: the processes' passes, from the first start to the last end. */
interface Measured {
  seconds: number;
  repos: number;
  rows: number;
}

/** `run --all --yes --json --workers N` in `processes` processes started together. */
async function collect(url: string, store: string, workers: number, processes: number): Promise<Measured> {
  const env = { ...process.env, DATABASE_URL: url, MUSEHUB_STORAGE: `file://${store}` };
  const results = await Promise.all(Array.from({ length: processes }, () => new Promise<HubResult>((resolve, reject) => {
    execFile(process.execPath, [CLI, 'run', '--all', '--yes', '--json', '--workers', String(workers)],
      { env, maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
        // Exit 3 is a refused phase somewhere in the hub: the pass itself went through.
        if (error && error.code !== 3) reject(new Error(`run --all exited ${error.code}: ${stderr.slice(-2000)}`));
        else resolve(JSON.parse(stdout) as HubResult);
      });
  })));
  const started = Math.min(...results.map((result) => Date.parse(result.started_at)));
  const finished = Math.max(...results.map((result) => Date.parse(result.finished_at)));
  return {
    seconds: (finished - started) / 1000,
    repos: results.reduce((sum, result) => sum + result.repos.filter((repo) => repo.result).length, 0),
    rows: results.reduce((sum, result) => sum + rowsDeleted(result.totals), 0),
  };
}

/** Collects the `repos`-repo hub in each configuration, reporting each line as it is measured (a pass takes minutes). */
export async function benchHub(adminUrl: string, report: (line: string) => void,
  options: { repos?: number; snapshotIndex?: boolean } = {}): Promise<void> {
  const repos = options.repos ?? 10_000;
  const name = await benchTemplate(adminUrl, `musehub_gc_bench_repos_${repos}`, (db) => buildManyRepos(db, { repos }));
  const store = mkdtempSync(join(tmpdir(), 'mhgc-bench-hub-'));
  report(`hub of ${repos.toLocaleString('en')} force-pushed repos${options.snapshotIndex ? ', with an index on musehub_commits (snapshot_id)' : ''}, ` +
    'run --all (pass time, from the first start to the last end):');
  try {
    let single: Measured | undefined;
    for (const [workers, processes] of [[1, 1], [2, 1], [4, 1], [2, 2]] as const) {
      const url = databaseUrl(adminUrl, await freshCopy(adminUrl, name));
      if (options.snapshotIndex) {
        await onDatabase(url, (client) => client.query('create index on musehub_commits (snapshot_id); analyze musehub_commits'));
      }
      const measured = await collect(url, store, workers, processes);
      single ??= measured;
      const what = processes === 1 ? `${workers} worker${workers === 1 ? '' : 's'}` : `${processes} processes x ${workers} workers`;
      report(`  ${what.padEnd(24)} ${measured.seconds.toFixed(1).padStart(6)} s  ` +
        `${(measured.repos / measured.seconds).toFixed(1).padStart(6)} repos/s  ` +
        `${Math.round(measured.rows / measured.seconds).toLocaleString('en').padStart(7)} rows/s  ` +
        `x${(single.seconds / measured.seconds).toFixed(2)} over 1 worker` +
        (measured.repos === repos ? '' : `  (collected ${measured.repos} of ${repos} repos)`));
    }
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { repos: { type: 'string', default: '10000' }, 'snapshot-index': { type: 'boolean', default: false } } });
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  await benchHub(adminUrl, (line) => console.log(line), { repos: Number(values.repos), snapshotIndex: values['snapshot-index'] });
}
