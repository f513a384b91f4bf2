/**
 * Faults for the torture cases: a GC process killed with SIGKILL at a chosen
 * event, PostgreSQL backends of the GC terminated mid-phase, and an S3 bench
 * behind the fault proxy. After each, a rerun must converge to the oracle.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openServer, type Database } from '../../src/db/connect.js';
import type { GcContext } from '../../src/gc/context.js';
import { openBlobStore } from '../../src/storage/open.js';
import { FAST_RETRY, startS3 } from '../support/s3.js';
import type { S3Faults } from '../support/s3-faults.js';
import { emptyTables, type Bench, type Collected, collect } from './harness.js';

const CHILD = fileURLToPath(new URL('./child-gc.ts', import.meta.url));

/** Where to kill: after the `afterEvents`-th event line, plus `delayMs`. */
export interface KillPoint {
  afterEvents: number;
  delayMs: number;
}

/** Runs a GC of `repoId` in a child process and SIGKILLs it at `point`; says whether it died before finishing. */
export async function killedRun(
  databaseUrl: string,
  storeUrl: string,
  repoId: string,
  point: KillPoint,
): Promise<boolean> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, databaseUrl, storeUrl, repoId], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = 0;
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const kill = () => setTimeout(() => child.kill('SIGKILL'), point.delayMs);
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    const before = seen;
    seen += String(chunk).split('\n').filter(Boolean).length;
    if (before < point.afterEvents && seen >= point.afterEvents) kill();
  });
  if (point.afterEvents === 0) kill();
  const { code, signal } = await exited;
  if (signal !== 'SIGKILL' && code !== 0) throw new Error(`the GC child failed (exit ${code}): ${stderr.slice(-2000)}`);
  return signal === 'SIGKILL';
}

/**
 * Collects `repoId` on connections of its own and terminates the GC's backends (the
 * holder of the advisory lock, and any named 'musehub-gc') after the `afterEvents`-th
 * event: the run must fail cleanly (or finish, when the kill came too late). Returns
 * whether a backend was killed.
 */
export async function runWithDroppedConnections(
  databaseUrl: string,
  ctx: Pick<GcContext, 'store'>,
  repoId: string,
  point: KillPoint,
): Promise<boolean> {
  const db = await openServer(databaseUrl);
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'torture-admin' } as pg.ClientConfig);
  await admin.connect();
  let killed = 0;
  let seen = 0;
  const terminate = async () => {
    // The GC's session holds the repo's advisory lock; its other backends are named 'musehub-gc'.
    const rows = (
      await admin.query(`select pg_terminate_backend(pid) as ok from pg_stat_activity a
      where datname = current_database() and pid <> pg_backend_pid()
        and (application_name = 'musehub-gc' or exists (select 1 from pg_locks l
          where l.pid = a.pid and l.locktype = 'advisory' and l.granted))`)
    ).rows;
    killed += rows.length;
  };
  let pending: Promise<void> | undefined;
  try {
    await collect({ db, store: ctx.store }, repoId, {
      onEvent: async () => {
        seen++;
        if (seen !== point.afterEvents) return;
        // Half the time while the engine waits at the event, half the time while it works on.
        if (point.delayMs % 2 === 0) await terminate();
        else pending = new Promise((resolve) => setTimeout(resolve, point.delayMs)).then(terminate);
      },
    });
  } catch {
    // A dropped connection may surface as a throw instead of a failed run: both are clean.
  } finally {
    await pending?.catch(() => {});
    await admin.end();
    await db.close().catch(() => {});
  }
  return killed > 0;
}

/** Reruns a collection until it is not refused by a lock a killed process still holds. */
export async function rerun(ctx: GcContext, repoId: string): Promise<Collected> {
  for (let attempt = 1; ; attempt++) {
    const collected = await collect(ctx, repoId);
    const locked =
      collected.result.outcome === 'refused' && collected.result.errors.some((e) => /lock|running/i.test(e));
    if (!locked || attempt === 20) return collected;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A bench whose blobs live in s3rver behind the fault proxy. */
export async function s3Bench(db: Database): Promise<Bench & { faults: S3Faults }> {
  const s3 = await startS3({ faults: true });
  const store = await openBlobStore(s3.url, { retry: FAST_RETRY });
  const uriFor = (key: string) => `s3://${s3.bucket}/${key}`;
  return {
    db,
    store,
    storeUrl: s3.url,
    uriFor,
    faults: s3.faults,
    async reset() {
      s3.faults.reset();
      await emptyTables(db);
      const keys = await s3.keys();
      await store.deleteMany(keys.map((key) => ({ id: key, storageUri: uriFor(key) })));
    },
    async close() {
      await store.close();
      await s3.stop();
    },
  };
}
