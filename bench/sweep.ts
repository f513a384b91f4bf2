/**
 * The sweep and the check at scale, as rates and peak RSS.
 *
 *   tsx bench/sweep.ts [--keys 1000000] [--s3-keys 100000] [--commits 1000000]
 *
 * `--keys 0`, `--s3-keys 0` or `--commits 0` leaves that part out.
 * Sweep: a store of `keys` blobs (a directory; s3rver in a child process, so its memory is
 * not ours) of which 10% no row names, on a scratch database at TEST_DATABASE_URL; grace 0,
 * so every stray goes. Check: the repo of the template musehub_gc_bench_<commits> that
 * bench/run.ts builds, on a copy, or a scratch hub built here when there is none; against
 * the floor (COPY of the commits with their parents and of the manifests).
 * `benchSweep` and `benchCheck` are exported for bench/run.ts.
 */
import '../src/storage/sdk-env.js';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openServer, type Database } from '../src/db/connect.js';
import { buildBigRepo } from '../src/demo/big-hub.js';
import { createGcService } from '../src/gc/gc-service.js';
import type { SweepResult } from '../src/gc/service.js';
import { Session } from '../src/gc/session.js';
import { keyForId, type BlobStore } from '../src/storage/blob-store.js';
import { FileBlobStore } from '../src/storage/file-store.js';
import { openBlobStore } from '../src/storage/open.js';
import { forEachLimited } from '../src/storage/pool.js';
import { serverTarget, TEST_DATABASE_URL, type TestDatabase } from '../test/support/databases.js';
import { S3RVER_CREDENTIALS } from '../test/support/s3.js';

/** Blobs written at once while building a store. */
const WRITES_IN_FLIGHT = 64;
const STRAY_SHARE = 0.1;
const REPO = 'bench/big-repo';

/** Blob ids spread as sha256 ids are: over every key range a listing splits. */
const idOf = (n: number) => `sha256:${createHash('sha256').update(String(n)).digest('hex')}`;

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en')}/s`;
}

/** A scratch database whose object rows name all but every tenth of `keys` blob ids. */
async function scratchHub(keys: number): Promise<TestDatabase> {
  const [target] = await serverTarget();
  if (!target) throw new Error(`the sweep bench needs PostgreSQL at ${TEST_DATABASE_URL}`);
  const test = await target.create();
  await test.db.knex().raw(`
    insert into musehub_objects (object_id, size_bytes)
    select 'sha256:' || encode(sha256(n::text::bytea), 'hex'), 8 from generate_series(0, ? - 1) as n where n % 10 <> 0`, [keys]);
  await test.db.knex().raw('analyze musehub_objects');
  return test;
}

/** Writes `keys` eight-byte blobs to `store`, or straight to files under `root` for a directory. */
async function fill(store: BlobStore, keys: number, root?: string): Promise<void> {
  const ns = Array.from({ length: keys }, (_, n) => n);
  if (root) mkdirSync(join(root, 'objects'), { recursive: true });
  await forEachLimited(ns, WRITES_IN_FLIGHT, (n) => (root
    ? writeFile(join(root, keyForId(idOf(n))), 'eight by')
    : store.put({ id: idOf(n) }, new TextEncoder().encode('eight by'))));
}

async function sweepOnce(db: Database, store: BlobStore): Promise<{ result: SweepResult; ms: number }> {
  const service = createGcService(db, store, { graceSeconds: 0 });
  const started = performance.now();
  let result: SweepResult | undefined;
  for await (const event of service.sweep({ graceSeconds: 0 })) if (event.type === 'sweep-done') result = event.result;
  return { result: result!, ms: performance.now() - started };
}

function report(label: string, keys: number, { result, ms }: { result: SweepResult; ms: number }): void {
  const strays = Math.ceil(keys / 10);
  if (result.deleted !== strays || result.listed !== keys) {
    throw new Error(`${label}: listed ${result.listed} of ${keys}, deleted ${result.deleted} of ${strays} strays`);
  }
  console.log(`  ${label.padEnd(34)}${(ms / 1000).toFixed(1)} s   ${rate(keys, ms)} keys listed   ` +
    `${result.deleted.toLocaleString('en')} strays deleted   peak RSS ${peakRssMiB()} MiB`);
  console.log(`    ${Object.entries(result.profile).map(([step, seconds]) => `${step} ${seconds.toFixed(1)} s`).join(', ')}`);
}

/** s3rver in a child process on a free loopback port; resolves to its endpoint and a stop function. */
async function startS3rver(directory: string): Promise<{ endpoint: string; stop: () => void }> {
  const bin = fileURLToPath(new URL('../node_modules/s3rver/bin/s3rver.js', import.meta.url));
  const child = spawn(process.execPath, [bin, '-d', directory, '-a', '127.0.0.1', '-p', '0', '--configure-bucket', 'bench'],
    // s3rver's MD5s need OpenSSL's legacy provider on Node 17+, as in the tests.
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --openssl-legacy-provider` } });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const port = /port (\d+)|:(\d+)/.exec(seen);
      if (port) resolve(`http://127.0.0.1:${port[1] ?? port[2]}`);
    });
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}) before it listened: ${seen}`)));
  });
  return { endpoint, stop: () => child.kill() };
}

/** Sweeps a directory of `fileKeys` blobs and an s3rver bucket of `s3Keys`, each with 10% strays; 0 skips one. */
export async function benchSweep(fileKeys: number, s3Keys: number): Promise<void> {
  console.log(`sweep (grace 0, ${STRAY_SHARE * 100}% of keys named by no row):`);
  const hub = await scratchHub(Math.max(fileKeys, s3Keys));
  const dir = mkdtempSync(join(tmpdir(), 'mhgc-bench-sweep-'));
  try {
    if (fileKeys > 0) {
      const files = new FileBlobStore(join(dir, 'files'));
      await fill(files, fileKeys, files.root);
      report(`file store, ${fileKeys.toLocaleString('en')} keys`, fileKeys, await sweepOnce(hub.db, files));
    }
    if (s3Keys === 0) return;

    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    const s3rver = await startS3rver(join(dir, 's3rver'));
    const bucket = await openBlobStore(`s3://bench?endpoint=${s3rver.endpoint}&region=us-east-1`);
    try {
      await fill(bucket, s3Keys);
      report(`s3rver, ${s3Keys.toLocaleString('en')} keys`, s3Keys, await sweepOnce(hub.db, bucket));
    } finally {
      await bucket.close();
      s3rver.stop();
    }
  } finally {
    await hub.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Time for PostgreSQL alone to hand over what liveness reads: commits with their parents, and manifests. */
async function floorMs(db: Database): Promise<number> {
  const session = await Session.open(db);
  try {
    const started = performance.now();
    const reads = ['select commit_id, parent_ids from musehub_commits', 'select snapshot_id, manifest_blob from musehub_snapshots'];
    for (const read of reads) for await (const chunk of session.copyOut(read, [], 'binary')) void chunk;
    return performance.now() - started;
  } finally {
    await session.close();
  }
}

/** Checks the repo of the database at `url` (built by buildBigRepo) against the floor. */
export async function benchCheck(url: string, commits: number): Promise<void> {
  const db = await openServer(url);
  try {
    const service = createGcService(db, undefined, { graceSeconds: 0 });
    const repo = await service.findRepo(REPO);
    const floor = await floorMs(db);
    const started = performance.now();
    let clean = false;
    for await (const event of service.check({ repo }, { graceSeconds: 0 })) if (event.type === 'check-done') clean = event.report.clean;
    const ms = performance.now() - started;
    console.log(`check, ${commits.toLocaleString('en')} commits (${clean ? 'clean' : 'problems found'}):`);
    console.log(`  floor (COPY commits + manifests)  ${(floor / 1000).toFixed(1)} s`);
    console.log(`  check                             ${(ms / 1000).toFixed(1)} s   ${(ms / floor).toFixed(2)}x the floor   ` +
      `${rate(commits, ms)} commits   peak RSS ${peakRssMiB()} MiB`);
  } finally {
    await db.close();
  }
}

async function admin(sql: string, bindings: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(sql, bindings);
  } finally {
    await client.end();
  }
}

/** A copy of bench/run.ts's template for `commits` when it exists, else a scratch hub built here. */
async function checkTarget(commits: number): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = `musehub_gc_bench_${commits}`;
  const ready = (await admin(`select 1 from pg_database d join pg_shdescription s on s.objoid = d.oid
    where d.datname = $1 and s.description = 'musehub-gc bench: complete'`, [template])).rowCount === 1;
  if (ready) {
    const copy = `${template}_check`;
    await admin(`drop database if exists ${copy} with (force)`);
    await admin(`create database ${copy} template ${template}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${copy}`;
    return { url: url.toString(), drop: async () => { await admin(`drop database ${copy} with (force)`); } };
  }
  const [target] = await serverTarget();
  if (!target) throw new Error(`the check bench needs PostgreSQL at ${TEST_DATABASE_URL}`);
  const scratch = await target.create();
  await buildBigRepo(scratch.db, { commits, objects: commits, orphanFraction: 0.5, owner: 'bench', slug: 'big-repo' });
  return { url: scratch.url, drop: () => scratch.drop() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: {
    keys: { type: 'string', default: '1000000' },
    's3-keys': { type: 'string', default: '100000' },
    commits: { type: 'string', default: '1000000' },
  } });
  const [keys, s3Keys, commits] = [Number(values.keys), Number(values['s3-keys']), Number(values.commits)];
  if (keys + s3Keys > 0) await benchSweep(keys, s3Keys);
  if (commits > 0) {
    const target = await checkTarget(commits);
    try {
      await benchCheck(target.url, commits);
    } finally {
      await target.drop();
    }
  }
}
