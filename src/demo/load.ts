/**
 * The one way rows get into MuseHub's tables: the demo hub, the big benchmark
 * hubs and the torture test's random hubs all load through here. Set-based:
 * COPY FROM STDIN on a PostgreSQL server; on the embedded hub, where COPY does
 * not pass through pglite-socket (the socket drops the connection), chunked
 * multi-row inserts from unnest() of one array parameter per column.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../db/connect.js';
import { copyField } from '../db/copy-rows.js';
import { UsageError } from '../errors.js';
import type { BlobStore } from '../storage/blob-store.js';
import { forEachLimited } from '../storage/pool.js';
import type { BlobRow, HubRows } from './rows.js';
import { TABLES, fieldText, type TableSpec } from './tables.js';

export type * from './rows.js';

/** 'copy' streams COPY FROM STDIN; 'insert' sends chunked INSERT … SELECT FROM unnest(…). */
export type LoadMethod = 'copy' | 'insert';

export interface LoadOptions {
  /** How rows travel; COPY on a server, inserts on the embedded hub unless told. */
  method?: LoadMethod;
  /** Rows per INSERT statement of the 'insert' method. */
  chunkRows?: number;
}

const BLOB_CONCURRENCY = 16;
const COPY_BATCH_ROWS = 2000;

/** The method loadHub uses on `db` when none is given. */
export function defaultLoadMethod(db: Pick<Database, 'kind'>): LoadMethod {
  return db.kind === 'embedded' ? 'insert' : 'copy';
}

/** Loads `hub` in one transaction, after writing its blobs to `store` (rows never name a missing blob). */
export async function loadHub(db: Database, hub: HubRows, store?: BlobStore, options: LoadOptions = {}): Promise<void> {
  await loadHubChunks(db, [hub], store, options);
}

/**
 * Loads a stream of HubRows chunks in one transaction, each chunk in foreign-key
 * order, so a generator can hand over millions of rows without holding them all.
 * A chunk's rows may reference rows of the same or an earlier chunk.
 */
export async function loadHubChunks(
  db: Database,
  chunks: Iterable<HubRows> | AsyncIterable<HubRows>,
  store?: BlobStore,
  options: LoadOptions = {},
): Promise<void> {
  const method = options.method ?? defaultLoadMethod(db);
  if (method === 'copy' && db.kind === 'embedded') {
    throw new UsageError(
      "COPY FROM STDIN does not work on the embedded hub (pglite-socket); load with method 'insert'",
    );
  }
  const chunkRows = options.chunkRows ?? 5000;
  const loadStart = new Date().toISOString();
  const client = db.knex().client;
  const connection: pg.Client = await client.acquireConnection();
  try {
    await connection.query('begin');
    for await (const chunk of chunks) {
      if (store && chunk.blobs?.length) await putBlobs(store, chunk.blobs);
      for (const spec of TABLES) {
        const rows = chunk[spec.key] as object[] | undefined;
        if (!rows?.length) continue;
        if (method === 'copy') await copyRows(connection, spec, rows, loadStart);
        else await insertRows(connection, spec, rows, loadStart, chunkRows);
      }
    }
    await connection.query('commit');
  } catch (error) {
    await connection.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.releaseConnection(connection);
  }
}

async function putBlobs(store: BlobStore, blobs: BlobRow[]): Promise<void> {
  await forEachLimited(blobs, BLOB_CONCURRENCY, (blob) =>
    store.put({ id: blob.id, storageUri: blob.storageUri }, blob.bytes),
  );
}

async function copyRows(connection: pg.Client, spec: TableSpec, rows: object[], loadStart: string): Promise<void> {
  const columns = spec.columns.map((column) => column.column).join(', ');
  const sink = connection.query(copyFrom(`copy ${spec.table} (${columns}) from stdin`));
  await pipeline(Readable.from(copyText(spec, rows, loadStart)), sink);
}

/** COPY's text format, a batch of lines at a time. */
function* copyText(spec: TableSpec, rows: object[], loadStart: string): Generator<string> {
  for (let start = 0; start < rows.length; start += COPY_BATCH_ROWS) {
    let text = '';
    for (const row of rows.slice(start, start + COPY_BATCH_ROWS)) {
      text += `${spec.columns.map((column) => copyField(fieldText(row, column, loadStart))).join('\t')}\n`;
    }
    yield text;
  }
}

async function insertRows(
  connection: pg.Client,
  spec: TableSpec,
  rows: object[],
  loadStart: string,
  chunkRows: number,
): Promise<void> {
  const columns = spec.columns.map((column) => column.column).join(', ');
  const arrays = spec.columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ');
  const sql = `insert into ${spec.table} (${columns}) select * from unnest(${arrays})`;
  for (let start = 0; start < rows.length; start += chunkRows) {
    const chunk = rows.slice(start, start + chunkRows);
    await connection.query(
      sql,
      spec.columns.map((column) => chunk.map((row) => fieldText(row, column, loadStart))),
    );
  }
}
