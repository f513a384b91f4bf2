/**
 * `npm run bench`: the engine and the console at scale, as rates and ratios.
 *
 *   npm run bench [-- --sizes 60000,200000,1000000] [--repos 10000] [--graph 100000]
 *     [--sweep-keys 1000000] [--s3-keys 100000] [--parts engine,sweep,hub,console,big-manifest,start,real-history]
 *     [--snapshot-index] [--manifest-entries 1000000] [--start-runs 5] [--history DIR] [--history-commits N]
 *
 * Big hubs are built once into template databases on the server at BENCH_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres) and reused: each run works on a
 * fresh copy (CREATE DATABASE … TEMPLATE), since executing deletes half of the hub. The
 * engine is timed as an operator meets it: the built CLI (`npm run build` first) in a
 * process of its own, whose peak RSS GNU time reports. `--snapshot-index` measures the hub part
 * with the index on musehub_commits (snapshot_id) that MuseHub's schema lacks (bench/hub.ts). The start
 * part times the built CLI and console from the outside, each beside a floor (bench/start.ts).
 * The real-history part imports the git repository at --history (default: bench/real-history.ts's
 * DEFAULT_HISTORY, where present: a default part then; --history-commits keeps its newest N commits).
 */
import '../src/storage/sdk-env.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openEmbedded, openServer, type Database } from '../src/db/connect.js';
import { buildBigRepo, buildManyRepos } from '../src/demo/big-hub.js';
import { DEMO, seedDemoHub } from '../src/demo/demo-hub.js';
import { createGcService } from '../src/gc/gc-service.js';
import { findRepo } from '../src/gc/repo.js';
import type { SnakeCased } from '../src/commands/output.js';
import type { CheckReport } from '../src/gc/service.js';
import { rowsDeleted } from '../src/gc/phases/catalog.js';
import type { Plan, RunResult } from '../src/gc/types.js';
import { FileBlobStore } from '../src/storage/file-store.js';
import { graphScreenTimes, timeToFirstFrame } from './console-probes.js';
import { deleteFloor, planBlobs, planOf, writeBlobFiles } from './delete-floor.js';
import { benchBigManifest } from './big-manifest.js';
import { benchHub } from './hub.js';
import { benchStart } from './start.js';
import { benchRealHistory } from './real-history.js';
import { breakdown, cli, floorMs, perSecond } from './measure.js';
import { runSeedService, seedServiceMissing, writeSeedService } from './seed-service.js';
import { benchSweep } from './sweep.js';
import { benchTemplate, databaseUrl, freshCopy } from './templates.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '60000,200000,1000000' },
    repos: { type: 'string', default: '10000' },
    graph: { type: 'string', default: '100000' },
    'sweep-keys': { type: 'string', default: '1000000' },
    's3-keys': { type: 'string', default: '100000' },
    parts: { type: 'string', default: 'engine,sweep,hub,console,big-manifest,start,real-history' },
    'manifest-entries': { type: 'string', default: '1000000' },
    'start-runs': { type: 'string', default: '5' },
    history: { type: 'string' },
    'history-commits': { type: 'string' },
    'snapshot-index': { type: 'boolean', default: false },
  },
});

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REPO = 'bench/big-repo';

function urlOf(database: string): string {
  return databaseUrl(ADMIN_URL, database);
}

const template = (name: string, build: (db: Database) => Promise<unknown>) => benchTemplate(ADMIN_URL, name, build);

/** The steps of a profile, slowest first, as `read commits 0.4 s, …`. */
/**
 * A run's steps, with its plan's inside "derive plan": the plan's two lanes (commits; objects)
 * overlap, so their steps add up to more than the plan took.
 */
function runBreakdown(result: SnakeCased<RunResult>): string {
  return breakdown(result.profile).replace(
    /derive plan ([\d.]+ s)/,
    `derive plan $1 [two lanes: ${breakdown(result.plan.profile)}]`,
  );
}

async function repoIdOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(`select repo_id from musehub_repos where owner || '/' || slug = $1`, [REPO])).rows[0]
      .repo_id;
  } finally {
    await client.end();
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function report(line: string): void {
  console.log(line);
}

async function benchEngine(commits: number): Promise<void> {
  const name = await template(`musehub_gc_bench_${commits}`, (db) =>
    buildBigRepo(db, { commits, objects: commits, orphanFraction: 0.5, owner: 'bench', slug: 'big-repo' }),
  );
  const store = mkdtempSync(join(tmpdir(), 'mhgc-bench-store-'));
  try {
    // The plan first, on a copy of its own that the change-ticket path applies it to last: it says
    // which blobs a run deletes, and each deleting measurement below finds them in the store.
    const planned = join(store, 'bench.gcplan');
    const planCopy = await freshCopy(ADMIN_URL, name, 'plan');
    let url = urlOf(planCopy);
    const floorText = await floorMs(url, 'text');
    const floorBinary = await floorMs(url, 'binary');
    const env = { DATABASE_URL: url, MUSEHUB_STORAGE: `file://${store}` };
    const start = cli(['repos', '--json'], env);
    const ratios = (s: number) =>
      `${((s * 1000) / floorText).toFixed(1)}x the floor (${((s * 1000) / floorBinary).toFixed(1)}x the binary floor)`;
    report(`engine, ${commits.toLocaleString('en')} commits and objects, half orphaned:`);
    report(
      `  floor: COPY of commits and manifests ${seconds(floorText)} s as text, ${seconds(floorBinary)} s binary; ` +
        `the CLI itself starts, connects and lists repos in ${start.seconds.toFixed(1)} s`,
    );

    // The check and the plan read as a run does and change no MuseHub row.
    const check = cli(['check', REPO, '--json', '--grace', '0'], env, [0, 1]);
    const checked = JSON.parse(check.stdout) as SnakeCased<CheckReport>;
    report(
      `  check (own process)   ${check.seconds.toFixed(1)} s   ${ratios(check.seconds)}   ` +
        `${perSecond(commits, check.seconds)} commits   ${checked.clean ? 'clean' : 'problems found'}   peak RSS ${check.rssMiB} MiB`,
    );
    const plan = cli(['plan', REPO, '--json', '--grace', '0', '--out', planned], env);
    const planObject = JSON.parse(plan.stdout) as SnakeCased<Plan>;
    report(
      `  plan --out (own process)   ${plan.seconds.toFixed(1)} s   ${ratios(plan.seconds)}; deriving it took ` +
        `${planObject.seconds.toFixed(1)} s (${ratios(planObject.seconds)})   peak RSS ${plan.rssMiB} MiB   plan file ` +
        `${(statSync(planned).size / 1024 / 1024).toFixed(1)} MiB`,
    );
    report(`    where the time goes (two lanes, overlapping): ${breakdown(planObject.profile)}`);
    const garbage = await planOf(ADMIN_URL, planCopy, planned);
    const blobs = await planBlobs(url, garbage);

    writeBlobFiles(store, blobs);
    const floor = await deleteFloor(ADMIN_URL, planCopy, garbage, store, blobs);
    const floorSeconds = floorText / 1000 + floor.rowSeconds + floor.blobSeconds;
    report(
      `  delete floor ${floorSeconds.toFixed(1)} s: the text floor ${seconds(floorText)} s, then PostgreSQL alone ` +
        `deletes the same ${floor.rows.toLocaleString('en')} rows bare (by key, 10,000 a statement, one connection, ` +
        `MuseHub's cascading foreign keys, no GC safety) in ${floor.rowSeconds.toFixed(1)} s ` +
        `(${perSecond(floor.rows, floor.rowSeconds)} rows), and the same ${floor.blobs.toLocaleString('en')} blobs ` +
        `are unlinked bare, 8 at once, in ${floor.blobSeconds.toFixed(1)} s (${perSecond(floor.blobs, floor.blobSeconds)})`,
    );
    const toFloor = (s: number) => `${(s / floorSeconds).toFixed(2)}x the delete floor`;

    url = urlOf(await freshCopy(ADMIN_URL, name));
    writeBlobFiles(store, blobs);
    const full = cli(['run', REPO, '--yes', '--json', '--grace', '0'], { ...env, DATABASE_URL: url });
    const result = JSON.parse(full.stdout) as SnakeCased<RunResult>;
    report(
      `  run --yes (plan under the lock, then every phase)  ${full.seconds.toFixed(1)} s   ${toFloor(full.seconds)}   ` +
        `${ratios(full.seconds)}   ${perSecond(rowsDeleted(result), full.seconds)} rows ` +
        `(${rowsDeleted(result).toLocaleString('en')} rows, ${result.phases.reduce((sum, p) => sum + p.blobs, 0).toLocaleString('en')} blobs)   ` +
        `peak RSS ${full.rssMiB} MiB`,
    );
    report(`    where the time goes: ${runBreakdown(result)}`);

    const missing = seedServiceMissing();
    if (missing) {
      report(`  the original Python service: not run (${missing})`);
    } else {
      url = urlOf(await freshCopy(ADMIN_URL, name));
      writeBlobFiles(store, blobs);
      const repoId = await repoIdOf(url);
      const dir = mkdtempSync(join(tmpdir(), 'mhgc-seed-'));
      writeSeedService(dir);
      const seed = runSeedService(dir, url, repoId, store);
      rmSync(dir, { recursive: true, force: true });
      report(
        'failed' in seed
          ? `  the original Python service, same hub: failed: ${seed.failed}`
          : `  the original Python service, same hub: ${seed.wall.toFixed(1)} s (${seed.seconds.toFixed(1)} s in run_gc), ` +
              `${toFloor(seed.wall)}; musehub-gc run is ${(seed.wall / full.seconds).toFixed(2)}x as fast`,
      );
    }

    // The change-ticket path: run --plan on the copy the plan was made on.
    url = urlOf(planCopy);
    writeBlobFiles(store, blobs);
    // The run holds to the grace it is given (1h unless told), the file's only where longer: the plan's 0 again.
    const apply = cli(['run', '--plan', planned, '--grace', '0', '--yes', '--json'], { ...env, DATABASE_URL: url });
    const applied = JSON.parse(apply.stdout) as SnakeCased<RunResult>;
    report(
      `  run --plan (own process)   ${apply.seconds.toFixed(1)} s   ${toFloor(apply.seconds + plan.seconds)} with ` +
        `plan --out   ${perSecond(rowsDeleted(applied), apply.seconds)} rows ` +
        `(${rowsDeleted(applied).toLocaleString('en')} rows)   peak RSS ${apply.rssMiB} MiB`,
    );
    report(`    where the time goes: ${breakdown(applied.profile)}`);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

async function benchConsole(repos: number, graphCommits: number): Promise<void> {
  report('console:');
  const demoDir = mkdtempSync(join(tmpdir(), 'mhgc-bench-demo-'));
  const demo = await openEmbedded({ seed: (db) => seedDemoHub(db, new FileBlobStore(demoDir)) });
  try {
    const service = createGcService(demo, new FileBlobStore(demoDir), { graceSeconds: 3600 });
    report(
      `  first frame, demo hub (embedded)    ${(await timeToFirstFrame(service, DEMO.forcePushed)).toFixed(0)} ms`,
    );
  } finally {
    await demo.close();
    rmSync(demoDir, { recursive: true, force: true });
  }

  const manyName = await template(`musehub_gc_bench_repos_${repos}`, (db) => buildManyRepos(db, { repos }));
  const many = await openServer(urlOf(manyName));
  try {
    const service = createGcService(many, new FileBlobStore(tmpdir()), { graceSeconds: 3600 });
    const first = (await service.listRepos())[0]!;
    report(
      `  first frame, ${repos.toLocaleString('en')}-repo hub           ` +
        `${(await timeToFirstFrame(service, `${first.owner}/${first.slug}`)).toFixed(0)} ms`,
    );
  } finally {
    await many.close();
  }

  const graphName = await template(`musehub_gc_bench_${graphCommits}`, (db) =>
    buildBigRepo(db, {
      commits: graphCommits,
      objects: graphCommits,
      orphanFraction: 0.5,
      owner: 'bench',
      slug: 'big-repo',
    }),
  );
  const graphDb = await openServer(urlOf(graphName));
  try {
    const service = createGcService(graphDb, new FileBlobStore(tmpdir()), { graceSeconds: 0 });
    const started = performance.now();
    const graph = await service.graph(await findRepo(graphDb, REPO), 0);
    const loadMs = performance.now() - started;
    const { layoutMs, screenMs } = graphScreenTimes(graph);
    report(
      `  graph of ${graph.length.toLocaleString('en')} commits: load ${seconds(loadMs)} s, layout ${layoutMs.toFixed(0)} ms ` +
        `(once), one screen from its middle ${screenMs.toFixed(0)} ms`,
    );
  } finally {
    await graphDb.close();
  }
}

execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
const parts = new Set(values.parts.split(','));
if (parts.has('engine')) for (const size of values.sizes.split(',')) await benchEngine(Number(size));
if (parts.has('sweep'))
  for (const line of await benchSweep(ADMIN_URL, Number(values['sweep-keys']), Number(values['s3-keys']))) report(line);
if (parts.has('hub'))
  await benchHub(ADMIN_URL, report, { repos: Number(values.repos), snapshotIndex: values['snapshot-index'] });
if (parts.has('console')) await benchConsole(Number(values.repos), Number(values.graph));
if (parts.has('big-manifest')) await benchBigManifest(ADMIN_URL, report, Number(values['manifest-entries']));
if (parts.has('start')) {
  await benchStart(ADMIN_URL, report, { repos: Number(values.repos), times: Number(values['start-runs']) });
}
if (parts.has('real-history')) {
  await benchRealHistory(ADMIN_URL, report, {
    history: values.history,
    commits: values['history-commits'] ? Number(values['history-commits']) : undefined,
  });
}
