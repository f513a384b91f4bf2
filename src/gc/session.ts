/**
 * One database connection held for a whole plan or run. The engine keeps its big
 * sets in temporary tables, which live as long as the connection, and the GC
 * lock is a session-level advisory lock on it.
 */
import type { Readable } from 'node:stream';
import type { Knex } from '@mikro-orm/knex';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Database } from '../db/connect.js';

/** Ids written to a temporary table per statement: one array parameter each. */
const WRITE_CHUNK = 50_000;
/** Memory for each sort or hash of this session's statements, and for its temporary tables. */
const SESSION_MEMORY = '256MB';

export class Session {
  private constructor(
    private readonly knex: Knex,
    private readonly connection: pg.Client,
    /** The backend's pid, which names this session in lock messages and pg_stat_activity. */
    readonly backendPid: number,
  ) {}

  static async open(db: Database): Promise<Session> {
    const knex = db.knex();
    const connection = await knex.client.acquireConnection() as pg.Client;
    const pid: number = (await knex.raw('select pg_backend_pid() as pid').connection(connection)).rows[0].pid;
    await knex.raw(`set work_mem = '${SESSION_MEMORY}'`).connection(connection);
    await knex.raw(`set temp_buffers = '${SESSION_MEMORY}'`).connection(connection);
    return new Session(knex, connection, pid);
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

  async execute(sql: string, bindings: readonly unknown[] = []): Promise<number> {
    const result = await this.knex.raw(sql, bindings as Knex.RawBinding[]).connection(this.connection);
    return result.rowCount ?? 0;
  }

  /** Runs `work` in a transaction on this session: committed if it returns, rolled back if it throws. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
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

  /** Streams a query's rows as COPY text lines: the fastest read PostgreSQL offers. */
  copyOut(query: string): Readable {
    return this.connection.query(copyTo(`copy (${query}) to stdout`));
  }

  /**
   * (Re)creates temporary table `name` holding `ids` (distinct), sent in bounded chunks,
   * each one array parameter; indexed after loading, which is faster than before.
   */
  async createIdTable(name: string, ids: Iterable<string>): Promise<void> {
    await this.execute(`drop table if exists ${name}`);
    await this.execute(`create temp table ${name} (id text not null)`);
    let chunk: string[] = [];
    for (const id of ids) {
      chunk.push(id);
      if (chunk.length === WRITE_CHUNK) {
        await this.execute(`insert into ${name} select unnest(?::text[])`, [chunk]);
        chunk = [];
      }
    }
    if (chunk.length > 0) await this.execute(`insert into ${name} select unnest(?::text[])`, [chunk]);
    await this.execute(`create unique index on ${name} (id)`);
    await this.analyze(name);
  }

  /** Gathers statistics: autovacuum never analyzes temporary tables, and the planner guesses badly without. */
  async analyze(table: string): Promise<void> {
    await this.execute(`analyze ${table}`);
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

/** Reads a COPY text stream line by line, splitting columns on tabs. */
export async function* copyRows(stream: Readable): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + (chunk as Buffer).toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) yield line.split('\t');
  }
  if (rest) yield rest.split('\t');
}

/** Decodes a COPY text field: `\N` is NULL; backslash escapes are undone. */
export function copyField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' })[c] ?? c);
}
