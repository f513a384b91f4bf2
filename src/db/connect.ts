/**
 * One way in to a MuseHub database, whether a real server (`DATABASE_URL`) or the
 * embedded PGlite hub: both are reached through MikroORM's PostgreSQL driver.
 *
 * MikroORM takes longer to load than a command takes to start, so opening asks its first
 * questions (MuseHub's tables there? a migration pending?) on a bare connection while it loads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import { type UserError, UsageError, UnavailableError, messageOf } from '../errors.js';
import { startEmbedded, type EmbeddedServer } from './embedded.js';
import { readStartState, type StartState } from './start-state.js';

export const MUSEHUB_TABLES = [
  'musehub_repos',
  'musehub_branches',
  'musehub_commits',
  'musehub_commit_refs',
  'musehub_snapshots',
  'musehub_objects',
  'musehub_object_refs',
  'musehub_releases',
  'musehub_wire_tags',
  'musehub_fetch_mpack_cache',
] as const;

/** Which hub a database is, as plans name it: an id the tool gives each database, and what it is called. */
export interface HubIdentity {
  hubId: string;
  label: string;
}

export interface Database {
  orm: MikroORM;
  /** 'server' for a PostgreSQL server; 'embedded' for PGlite, which has a single backend. */
  kind: 'server' | 'embedded';
  /** What the console's title bar says it is connected to. */
  label: string;
  /** A postgres:// URL that a dedicated connection (the GC lock) can open. */
  url: string;
  /** How many connections its pool opens at most: what the sessions of the work at hand may hold at once. */
  poolMax: number;
  /** The embedded hub's directory (blobs live beside the database); undefined for a server. */
  embeddedDir?: string;
  /** The hub as plans name it: the tool's id for this database, and its label. */
  hub: HubIdentity;
  em(): EntityManager;
  knex(): Knex;
  close(): Promise<void>;
}

/** MuseHub's DDL, as MuseHub's migrations give it. */
export function musehubDdl(): string {
  return readFileSync(new URL('./musehub-schema.sql', import.meta.url), 'utf8');
}

/** Checks a DATABASE_URL's shape before any connection is tried. */
export function parseDatabaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `DATABASE_URL is not a URL: ${redact(raw)}; expected postgres://user:password@host:5432/database`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new UsageError('DATABASE_URL names no host; expected postgres://user@host:5432/database');
  return url;
}

/** The URL without its password, for messages. */
export function redact(raw: string): string {
  return raw.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Where a database says what it does on opening: the tool's tables brought up to date, say. */
export interface OpenOptions {
  notice?: (line: string) => void;
}

/** Connections a server's pool opens unless told otherwise: a run's own, two it deletes on, one to spare. */
const SERVER_POOL_MAX = 4;

export interface ServerOptions extends OpenOptions {
  /** The pool's size: a hub pass wants a run's connections per worker (see gc/hub/workers.ts). */
  poolMax?: number;
}

/** Opens the server at `url`, which must already hold MuseHub's tables. */
export async function openServer(rawUrl: string, options: ServerOptions = {}): Promise<Database> {
  const url = parseDatabaseUrl(rawUrl);
  const poolMax = options.poolMax ?? SERVER_POOL_MAX;
  const label = `${url.hostname}:${url.port || 5432}${url.pathname}`;
  const client = new pg.Client({ connectionString: url.toString(), application_name: 'musehub-gc' });
  try {
    await client.connect();
  } catch (error) {
    throw connectionError(url.toString(), error);
  }
  // The questions go out first; MikroORM loads while PostgreSQL answers.
  const reading = readStartState(async (sql) => (await client.query(sql)).rows, MUSEHUB_TABLES).finally(() =>
    client.end(),
  );
  const modules = ormModules();
  // Awaited below once the answers are in; a failure to load must not go unhandled if they are an error.
  modules.catch(() => {});
  const state = requireMusehubTables(await reading, label, `point DATABASE_URL at MuseHub's database`);
  const orm = await initOrm(await modules, url.toString(), poolMax);
  try {
    const hubId = await (await modules).migrateToolSchema(orm, label, options.notice ?? (() => {}), state);
    return wrap(orm, 'server', { hubId, label }, url.toString(), poolMax);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

export interface EmbeddedOptions extends OpenOptions {
  /** The directory holding `pgdata/`, `blobs/` and the lock file; in memory when undefined. */
  dir?: string;
  /** Fills a database that was just created (the demo hub); MuseHub's DDL is already loaded. */
  seed?: (database: Database) => Promise<void>;
}

/** Opens (creating on first use) the embedded PGlite database. */
export async function openEmbedded(options: EmbeddedOptions = {}): Promise<Database> {
  const label = options.dir ? `embedded ${options.dir}` : 'embedded (memory)';
  // MikroORM loads while PGlite starts: its wasm compiles off the main thread.
  const modules = ormModules();
  modules.catch(() => {}); // awaited once the database is up; if it fails to start, that error is the one to tell
  const server = await startEmbedded(options.dir && join(options.dir, 'pgdata'), options.dir, () =>
    options.notice?.(
      `first start: creating the embedded hub in ${options.dir} (initialising its database takes a while)…`,
    ),
  );
  let orm: MikroORM | undefined;
  try {
    const state = server.fresh
      ? undefined
      : requireMusehubTables(
          await readStartState(server.query, MUSEHUB_TABLES),
          label,
          'run `musehub-gc demo reset` to rebuild the embedded hub',
        );
    orm = await initOrm(await modules, server.url, 1);
    if (server.fresh) {
      options.notice?.("loading MuseHub's tables…");
      await orm.em.getKnex().raw(musehubDdl());
    }
    const hubId = await (await modules).migrateToolSchema(orm, label, options.notice ?? (() => {}), state);
    const database = wrap(orm, 'embedded', { hubId, label }, server.url, 1, server, options.dir);
    if (server.fresh) await options.seed?.(database);
    return database;
  } catch (error) {
    await orm?.close(true);
    await server.stop();
    throw error;
  }
}

/** MikroORM, and the entities and migrations that need it: loaded only once a hub is being opened. */
async function ormModules() {
  const [{ MikroORM }, { musehubEntities }, { toolEntities, toolMigrationsConfig, migrateToolSchema }] =
    await Promise.all([import('@mikro-orm/postgresql'), import('./entities.js'), import('./tool-schema.js')]);
  return { MikroORM, entities: [...musehubEntities, ...toolEntities], toolMigrationsConfig, migrateToolSchema };
}

async function initOrm(
  { MikroORM, entities, toolMigrationsConfig }: Awaited<ReturnType<typeof ormModules>>,
  clientUrl: string,
  poolMax: number,
): Promise<MikroORM> {
  try {
    return await MikroORM.init({
      clientUrl,
      entities,
      ...toolMigrationsConfig,
      pool: { min: 0, max: poolMax, afterCreate: disposeOnFatal },
      allowGlobalContext: true,
      debug: false,
      discovery: { warnWhenNoEntities: false },
      // Make connection failures surface here, with a message an operator can act on.
      connect: true,
      // MikroORM keeps only host, port, user, password and database of clientUrl; pg reads the whole URL
      // (sslmode and the like), and application_name names us in pg_stat_activity and lock messages.
      driverOptions: {
        connection: { connectionString: clientUrl, application_name: 'musehub-gc' },
        // knex warns on the console when it drops a dead connection; the query that met it already said so.
        log: { warn: () => {} },
      },
    });
  } catch (error) {
    throw connectionError(clientUrl, error);
  }
}

/**
 * A pooled connection whose server said FATAL (it was terminated, or the server is shutting down)
 * leaves the pool. knex learns it only when the socket's end arrives, after the failed query has
 * already handed the connection back, so the next acquire (the console's retry) would get it dead.
 */
function disposeOnFatal(connection: pg.Client & { __knex__disposed?: unknown }, done: (error?: Error) => void): void {
  const wire = (connection as unknown as { connection: NodeJS.EventEmitter }).connection;
  wire.on('errorMessage', (message: { severity?: string }) => {
    if (message.severity === 'FATAL') connection.__knex__disposed = message;
  });
  done();
}

function connectionError(clientUrl: string, error: unknown): UserError {
  const url = new URL(clientUrl);
  const where = `${url.hostname}:${url.port || 5432}`;
  const code = (error as { code?: string }).code;
  const text = messageOf(error);
  if (code === 'ECONNREFUSED') {
    return new UnavailableError(
      `cannot reach PostgreSQL at ${where} (connection refused): start the server or fix DATABASE_URL`,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UnavailableError(`cannot resolve the host ${url.hostname} in DATABASE_URL: check its spelling`);
  }
  if (code === '3D000') {
    return new UnavailableError(`PostgreSQL at ${where} has no database ${url.pathname.slice(1)}: fix DATABASE_URL`);
  }
  if (code === '28P01' || code === '28000') {
    return new UnavailableError(
      `PostgreSQL at ${where} refused the login (${text}): check the user and password in DATABASE_URL`,
    );
  }
  return new UnavailableError(`cannot connect to PostgreSQL at ${where}: ${text}`);
}

/** `state`, when the database holds every one of MuseHub's tables. */
function requireMusehubTables(state: StartState, label: string, hint: string): StartState {
  const { missing } = state;
  if (missing.length === 0) return state;
  const what = missing.length === MUSEHUB_TABLES.length ? "none of MuseHub's tables" : `no ${missing.join(', ')}`;
  throw new UnavailableError(`the database at ${label} has ${what}: ${hint}`);
}

function wrap(
  orm: MikroORM,
  kind: Database['kind'],
  hub: HubIdentity,
  url: string,
  poolMax: number,
  embedded?: EmbeddedServer,
  embeddedDir?: string,
): Database {
  let closed = false;
  return {
    orm,
    kind,
    label: hub.label,
    url,
    poolMax,
    embeddedDir,
    hub,
    em: () => orm.em.fork(),
    knex: () => orm.em.getKnex(),
    async close() {
      if (closed) return;
      closed = true;
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
