/**
 * One database connection held for a whole plan or run. The engine's set-based
 * statements join against temporary tables of ids, which live as long as the
 * connection, and the GC lock is a session-level advisory lock on it.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from '@mikro-orm/knex';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Database } from '../db/connect.js';
import { copyField } from '../db/copy-rows.js';
import type { IdList } from './packed-ids.js';

/** Ids per INSERT where COPY FROM cannot go (the embedded hub): one array parameter each. */
const INSERT_CHUNK = 50_000;
/** Ids an id relation carries inline, in the statement's text, rather than in a temporary table. */
const INLINE_IDS = 2_000;
/** Ids per write of a COPY FROM stream. */
const COPY_CHUNK = 5_000;
/** Memory for each sort or hash of this session's statements, and for its temporary tables. */
const SESSION_MEMORY = '256MB';

export class Session {
  /** The temporary table each id list was loaded into, so a list goes to the server once. */
  private readonly tables = new WeakMap<IdList, { name: string; size: number }>();
  private tableCount = 0;

  private constructor(
    private readonly knex: Knex,
    private readonly connection: pg.Client,
    private readonly kind: Database['kind'],
    /** The backend's pid, which names this session in lock messages and pg_stat_activity. */
    readonly backendPid: number,
  ) {}

  static async open(db: Database): Promise<Session> {
    const knex = db.knex();
    const connection = (await knex.client.acquireConnection()) as pg.Client;
    const pid: number = (await knex.raw('select pg_backend_pid() as pid').connection(connection)).rows[0].pid;
    await knex.raw(`set work_mem = '${SESSION_MEMORY}'`).connection(connection);
    await knex.raw(`set temp_buffers = '${SESSION_MEMORY}'`).connection(connection);
    // Compiling these bulk statements costs more than it saves.
    await knex.raw('set jit = off').connection(connection);
    // A chunk of 10,000 ids in million-row tables: at the default cost of a random page (4) the
    // planner scans and hashes whole tables per chunk; the pages are cached, as on an SSD.
    await knex.raw('set random_page_cost = 1.1').connection(connection);
    return new Session(knex, connection, db.kind, pid);
  }

  /** Runs one statement; `?` placeholders take `bindings`, arrays as one parameter. */
  async rows<T = Record<string, unknown>>(sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
    const result = await this.knex.raw(sql, bindings as Knex.RawBinding[]).connection(this.connection);
    return result.rows as T[];
  }

  async one<T = Record<string, unknown>>(sql: string, bindings: readonly unknown[] = []): Promise<T> {
    const [row] = await this.rows<T>(sql, bindings);
    if (row === undefined) throw new Error(`expected a row from: ${sql.slice(0, 80)}`);
    return row;
  }

  /** Runs a query MikroORM's query builder made, on this session's connection. */
  async query(builder: { getKnexQuery(): Knex.QueryBuilder }): Promise<void> {
    await builder.getKnexQuery().connection(this.connection);
  }

  async execute(sql: string, bindings: readonly unknown[] = []): Promise<number> {
    const result = await this.knex.raw(sql, bindings as Knex.RawBinding[]).connection(this.connection);
    return result.rowCount ?? 0;
  }

  /**
   * Runs `work` in a transaction on this session: committed if it returns, rolled back if it throws.
   * `within` says the session is already in one (a dry run's): then `work` just runs in it.
   */
  async transaction<T>(work: () => Promise<T>, within = false): Promise<T> {
    if (within) return work();
    await this.execute('begin');
    try {
      const value = await work();
      await this.execute('commit');
      return value;
    } catch (error) {
      await this.execute('rollback').catch(() => {});
      throw error;
    }
  }

  /**
   * Streams a query's rows with COPY: the fastest read PostgreSQL offers (binary carries bytea
   * as it is). COPY takes no parameters, so `?` placeholders are filled with quoted literals.
   */
  copyOut(query: string, bindings: readonly (string | number)[] = [], format: 'text' | 'binary' = 'text'): Readable {
    let next = 0;
    const sql = query.replace(/\?/g, () => literal(bindings[next++]!));
    return this.connection.query(
      copyTo(`copy (${sql}) to stdout${format === 'binary' ? ' with (format binary)' : ''}`),
    );
  }

  /**
   * A relation `(id text)` holding `ids`, to select from under an alias. A small set goes inline,
   * as an array the planner counts (creating and analyzing a table costs more than a small repo's
   * whole plan). A big one goes into a temporary table, loaded on first use (COPY FROM STDIN on a
   * server; array inserts on the embedded hub, whose socket drops COPY FROM) and analyzed, since
   * autovacuum never analyzes temporary tables. It has no index: the engine only scans and
   * hash-joins it.
   */
  async idRelation(ids: IdList): Promise<string> {
    if (ids.size <= INLINE_IDS) return `(select unnest(array[${[...ids].map(literal).join(',')}]::text[]) as id)`;
    const loaded = this.tables.get(ids);
    if (loaded && loaded.size === ids.size) return loaded.name;
    const name = `gc_ids_${++this.tableCount}`;
    await this.execute(`create temp table ${name} (id text not null)`);
    if (this.kind === 'server') {
      const sink = this.connection.query(copyFrom(`copy ${name} (id) from stdin`));
      await pipeline(Readable.from(copyLines(ids)), sink);
    } else {
      for (const chunk of ids.chunks(INSERT_CHUNK))
        await this.execute(`insert into ${name} select unnest(?::text[])`, [chunk]);
    }
    await this.execute(`analyze ${name}`);
    this.tables.set(ids, { name, size: ids.size });
    return name;
  }

  /**
   * Drops this session's temporary tables and returns the connection. On PGlite
   * every connection is the one backend, so what is not dropped would outlive us.
   */
  async close(): Promise<void> {
    await this.execute('discard temp').catch(() => {});
    this.knex.client.releaseConnection(this.connection);
  }
}

/** The ids as COPY text, a batch per write. */
function* copyLines(ids: IdList): Generator<string> {
  for (const chunk of ids.chunks(COPY_CHUNK)) yield `${chunk.map(copyField).join('\n')}\n`;
}

/** A value quoted for the statements (COPY) that take no parameters. */
function literal(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;
}
