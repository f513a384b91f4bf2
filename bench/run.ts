/**
 * `npm run bench`: the engine and the console at scale, as rates and ratios.
 *
 *   npm run bench [-- --commits 1000000] [--repos 10000] [--graph 100000] [--engine-only]
 *
 * Big hubs are built once into template databases on the server at BENCH_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres) and reused: each run works on a
 * fresh copy (CREATE DATABASE … TEMPLATE), since executing deletes half of the hub.
 */
import '../src/storage/sdk-env.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { musehubDdl, openEmbedded, openServer, type Database } from '../src/db/connect.js';
import { buildBigRepo, buildManyRepos } from '../src/demo/big-hub.js';
import { DEMO, seedDemoHub } from '../src/demo/demo-hub.js';
import type { GcContext } from '../src/gc/context.js';
import { executeGc } from '../src/gc/execute.js';
import { createGcService } from '../src/gc/gc-service.js';
import { planGc } from '../src/gc/plan.js';
import { findRepo } from '../src/gc/repo.js';
import type { RunResult } from '../src/gc/types.js';
import { FileBlobStore } from '../src/storage/file-store.js';
import { graphScreenTimes, timeToFirstFrame } from '../src/ui/bench-probes.js';

const { values } = parseArgs({ options: {
  commits: { type: 'string', default: '1000000' },
  repos: { type: 'string', default: '10000' },
  graph: { type: 'string', default: '100000' },
  'engine-only': { type: 'boolean', default: false },
} });

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REPO = 'bench/big-repo';

function urlOf(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A template database holding `build`'s hub, built the first time and reused after. */
async function template(name: string, build: (db: Database) => Promise<unknown>): Promise<string> {
  const ready = await admin(async (client) => (await client.query(
    `select 1 from pg_database d join pg_shdescription s on s.objoid = d.oid
     where d.datname = $1 and s.description = 'musehub-gc bench: complete'`, [name])).rowCount === 1);
  if (ready) return name;
  const started = performance.now();
  process.stderr.write(`building ${name} (once; later runs reuse it)…\n`);
  await admin(async (client) => {
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}`);
  });
  const loader = new pg.Client({ connectionString: urlOf(name) });
  await loader.connect();
  await loader.query(musehubDdl());
  await loader.end();
  const db = await openServer(urlOf(name));
  try {
    await build(db);
  } finally {
    await db.close();
  }
  await admin((client) => client.query(`comment on database ${name} is 'musehub-gc bench: complete'`));
  process.stderr.write(`built ${name} in ${seconds(performance.now() - started)} s\n`);
  return name;
}

/** A fresh copy of a template, to act on. */
async function copyOf(templateName: string): Promise<string> {
  const name = `${templateName}_run`;
  await admin(async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name} template ${templateName}`);
  });
  return name;
}

/** Time for PostgreSQL alone to hand over what liveness needs: commits with parents, and manifests. */
async function floorMs(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  for (const query of ['select commit_id, parent_ids from musehub_commits', 'select snapshot_id, manifest_blob from musehub_snapshots']) {
    for await (const chunk of client.query(copyTo(`copy (${query}) to stdout`))) void chunk;
  }
  const elapsed = performance.now() - started;
  await client.end();
  return elapsed;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const lines: string[] = [];
function report(line: string): void {
  lines.push(line);
  console.log(line);
}

async function benchEngine(commits: number): Promise<void> {
  const name = await template(`musehub_gc_bench_${commits}`, (db) =>
    buildBigRepo(db, { commits, objects: commits, orphanFraction: 0.5, owner: 'bench', slug: 'big-repo' }));
  const url = urlOf(await copyOf(name));
  const floor = await floorMs(url);
  const dir = mkdtempSync(join(tmpdir(), 'mhgc-bench-'));
  const db = await openServer(url);
  const ctx: GcContext = { db, store: new FileBlobStore(dir) };
  try {
    const repo = await findRepo(db, REPO);
    const rssBefore = peakRssMiB();
    let started = performance.now();
    const plan = await planGc(db, repo, { graceSeconds: 0 });
    const planMs = performance.now() - started;
    const planRss = peakRssMiB();
    const [commitsPhase, snapshots, refs, objects, cache] = plan.phases;
    const planned = commitsPhase!.refs + commitsPhase!.rows + snapshots!.rows + refs!.refs + objects!.rows + cache!.rows;
    report(`engine, ${commits.toLocaleString('en')} commits (${plan.reachableCommits.toLocaleString('en')} reachable):`);
    report(`  floor (COPY commits + manifests)   ${seconds(floor)} s`);
    report(`  plan                                ${seconds(planMs)} s   ${(planMs / floor).toFixed(2)}x the floor   ` +
      `${Math.round((commits / planMs) * 1000).toLocaleString('en')} commits/s   peak RSS ${planRss} MiB (before: ${rssBefore})`);

    started = performance.now();
    let result: RunResult | undefined;
    for await (const event of executeGc(ctx, { plan, source: 'preview' }, { decide: async () => 'go' })) {
      if (event.type === 'run-done') result = event.result;
      if (event.type === 'error') throw new Error(event.message);
    }
    const executeMs = performance.now() - started;
    const deleted = result!.commit_refs_deleted + result!.commits_deleted + result!.snapshots_deleted +
      result!.object_refs_deleted + result!.objects_deleted + result!.mpack_cache_deleted;
    report(`  execute                             ${seconds(executeMs)} s   ` +
      `${Math.round((deleted / executeMs) * 1000).toLocaleString('en')} rows/s (${deleted.toLocaleString('en')} rows ` +
      `deleted, plan said ${planned.toLocaleString('en')})   peak RSS ${peakRssMiB()} MiB`);
    const phases = result!.phases.map((p) => `${p.phase} ${p.seconds.toFixed(1)} s`).join(', ');
    report(`    phases: ${phases}`);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchConsole(repos: number, graphCommits: number): Promise<void> {
  report('console:');
  const demoDir = mkdtempSync(join(tmpdir(), 'mhgc-bench-demo-'));
  const demo = await openEmbedded({ seed: (db) => seedDemoHub(db, new FileBlobStore(demoDir)) });
  try {
    const service = createGcService(demo, new FileBlobStore(demoDir), { graceSeconds: 3600 });
    report(`  first frame, demo hub (embedded)    ${(await timeToFirstFrame(service, DEMO.forcePushed)).toFixed(0)} ms`);
  } finally {
    await demo.close();
    rmSync(demoDir, { recursive: true, force: true });
  }

  const manyName = await template(`musehub_gc_bench_repos_${repos}`, (db) => buildManyRepos(db, { repos }));
  const many = await openServer(urlOf(manyName));
  try {
    const service = createGcService(many, new FileBlobStore(tmpdir()), { graceSeconds: 3600 });
    const first = (await service.listRepos())[0]!;
    report(`  first frame, ${repos.toLocaleString('en')}-repo hub           ` +
      `${(await timeToFirstFrame(service, `${first.owner}/${first.slug}`)).toFixed(0)} ms`);
  } finally {
    await many.close();
  }

  const graphName = await template(`musehub_gc_bench_${graphCommits}`, (db) =>
    buildBigRepo(db, { commits: graphCommits, objects: graphCommits, orphanFraction: 0.5, owner: 'bench', slug: 'big-repo' }));
  const graphDb = await openServer(urlOf(graphName));
  try {
    const service = createGcService(graphDb, new FileBlobStore(tmpdir()), { graceSeconds: 0 });
    const started = performance.now();
    const graph = await service.graph(await findRepo(graphDb, REPO), 0);
    const loadMs = performance.now() - started;
    const { layoutMs, screenMs } = graphScreenTimes(graph);
    report(`  graph of ${graph.length.toLocaleString('en')} commits: load ${seconds(loadMs)} s, layout ${layoutMs.toFixed(0)} ms ` +
      `(once), one screen from its middle ${screenMs.toFixed(0)} ms`);
  } finally {
    await graphDb.close();
  }
}

await benchEngine(Number(values.commits));
if (!values['engine-only']) await benchConsole(Number(values.repos), Number(values.graph));
