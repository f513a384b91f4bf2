/**
 * The embedded database: PGlite on a data directory, served on a loopback port
 * through pglite-socket so that the same PostgreSQL driver talks to it.
 *
 * PGlite has a single backend and its advisory locks exclude nobody, so a lock
 * file on the data directory keeps a second process out.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError, RefusedError, UnavailableError, messageOf } from '../errors.js';
import type { RunSql } from './start-state.js';

/** Where the embedded hub lives unless told otherwise. */
export function defaultEmbeddedDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'musehub-gc');
}

export interface EmbeddedServer {
  /** A postgres:// URL for the socket server on loopback. */
  url: string;
  /** True when the data directory held no database before this start. */
  fresh: boolean;
  /** A statement run on PGlite itself, not through the socket: for what opening asks before MikroORM is up. */
  query: RunSql;
  stop(): Promise<void>;
}

/**
 * Starts PGlite on `dataDir` (or in memory when undefined) behind a socket server.
 * `lockDir`, when given, is locked for the life of the server. `creating` is called first when
 * the database is to be created (a first start takes a while).
 */
export async function startEmbedded(
  dataDir: string | undefined,
  lockDir?: string,
  creating?: () => void,
): Promise<EmbeddedServer> {
  const releaseLock = lockDir ? takeLockFile(lockDir) : () => {};
  try {
    const fresh = dataDir === undefined || !pgVersionExists(dataDir);
    if (fresh && dataDir !== undefined) creating?.();
    // PGlite loads only for the embedded hub: a command on a server never needs it.
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-socket'),
    ]);
    const db = await PGlite.create(dataDir ? { dataDir } : {});
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const address = server.getServerConn();
    return {
      url: `postgres://postgres@${address}/postgres`,
      fresh,
      query: async (sql) => (await db.query<Record<string, unknown>>(sql)).rows,
      async stop() {
        await server.stop();
        await db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    if (error instanceof UserError) throw error;
    throw new UnavailableError(
      `cannot open the embedded database in ${dataDir}: ${messageOf(error)}; ` +
        'run `musehub-gc demo reset` to rebuild it',
    );
  }
}

function pgVersionExists(dataDir: string): boolean {
  try {
    readFileSync(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates `<dir>/lock` holding our pid and when our process started, or says who holds it.
 * A lock left by a process that no longer runs is taken over, and so is one whose pid now
 * names another process (the pid reused since, or after a reboot): its start differs from
 * the one the lock recorded. Returns the function that releases it.
 */
export function takeLockFile(dir: string): () => void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UnavailableError(
      `cannot create ${dir}: ${messageOf(error)}; set XDG_CACHE_HOME to a writable directory or use DATABASE_URL`,
    );
  }
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n${new Date().toISOString()}\n${processStart(process.pid) ?? ''}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UnavailableError(
          `cannot lock ${dir}: ${messageOf(error)}; ` +
            'set XDG_CACHE_HOME to a writable directory or use DATABASE_URL',
        );
      }
      const [pid, since, started] = readFileSync(path, 'utf8').split('\n');
      if (pid && holdsLock(Number(pid), started)) {
        throw new RefusedError(
          `the embedded database in ${dir} is already open by pid ${pid} ` +
            `(since ${since}); close that musehub-gc first`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new RefusedError(`cannot lock ${dir}: another process keeps taking the lock`);
}

/** Whether the process the lock names still runs: alive, and (where the lock says when it started) the same process. */
function holdsLock(pid: number, started: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  // A lock written before start times were recorded, or a start that cannot be read now: alive is all we know.
  if (!started) return true;
  const now = processStart(pid);
  return now === undefined || now === started;
}

/**
 * What tells a process from a later one given the same pid: the boot it runs in and its start
 * time in clock ticks since that boot (/proc/<pid>/stat, field 22). Undefined where /proc is not.
 */
export function processStart(pid: number): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2, the command, may hold spaces and parentheses: count the fields from after its last ')', field 3 first.
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
    return boot && ticks ? `${boot} ${ticks}` : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
