/**
 * The store's listing inside PostgreSQL: streamed into a temporary table a batch at a
 * time (never held whole), then compared with the rows in one set-based statement. What
 * no row names and is older than the cutoff becomes the numbered candidates table the
 * sweep deletes from, batch by batch.
 */
import { UnavailableError, messageOf } from '../../errors.js';
import { OBJECT_KEY_BOUNDS, type BlobStore, type ListedBlob } from '../../storage/blob-store.js';
import { checkKey } from '../../storage/keys.js';
import type { Session } from '../session.js';
import { keyOfIdSql } from './names.js';
import type { SweepFound, SweptKey } from './types.js';

/** The only part of the store a sweep looks at, or deletes from. */
export const SWEPT_PREFIX = 'objects/';
/** Listed keys per insert. */
const LOAD_BATCH = 10_000;

const LISTING = 'gc_sweep_listing';
const UNNAMED = 'gc_sweep_unnamed';
const CANDIDATES = 'gc_sweep_candidates';

/** Running counts of a listing. */
export interface Listed {
  listed: number;
  bytes: number;
  /** Keys left out of the table: no blob reference could name them to delete them. */
  odd: number;
}

/** Lists the store under `objects/` into a temporary table, yielding the running counts. */
export async function* loadListing(session: Session, store: BlobStore): AsyncGenerator<Listed> {
  await session.execute(
    `create temp table ${LISTING} (key text not null, uri text not null, size bigint not null, modified timestamptz not null)`,
  );
  const listing = store.list(SWEPT_PREFIX, { bounds: OBJECT_KEY_BOUNDS })[Symbol.asyncIterator]();
  let listed = 0;
  let bytes = 0;
  let odd = 0;
  let batch: ListedBlob[] = [];
  // The listing reads on while a batch goes in: one insert in flight at a time.
  let inserting: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    const rows = batch;
    batch = [];
    await inserting;
    if (rows.length === 0) return;
    inserting = session.execute(
      `insert into ${LISTING} select * from unnest(?::text[], ?::text[], ?::bigint[], ?::timestamptz[])`,
      [
        rows.map((blob) => blob.key),
        rows.map((blob) => store.uriOf(blob.key)),
        rows.map((blob) => blob.size),
        rows.map((blob) => blob.lastModified.toISOString()),
      ],
    );
    listed += rows.length;
    for (const blob of rows) bytes += blob.size;
  };
  for (;;) {
    let next: IteratorResult<ListedBlob>;
    try {
      next = await listing.next();
    } catch (error) {
      await inserting.catch(() => undefined);
      throw new UnavailableError(
        `nothing was deleted: listing ${store.url} failed after ${listed + batch.length + odd} keys ` +
          `(${messageOf(error)}); a partial listing proves nothing, so fix the store and sweep again`,
      );
    }
    if (next.done) break;
    if (!nameable(next.value.key)) {
      odd++;
      continue;
    }
    batch.push(next.value);
    if (batch.length === LOAD_BATCH) {
      await flush();
      yield { listed: listed + odd, bytes, odd };
    }
  }
  await flush();
  await inserting;
  yield { listed: listed + odd, bytes, odd };
  // Autovacuum never analyzes temporary tables: without this the planner guesses its size.
  await session.execute(`analyze ${LISTING}`);
}

/**
 * Compares the listing (`listed` keys of `listedBytes`) with the rows: what stays and why,
 * and the candidates, numbered 1…n in key order so that batches are ranges.
 */
export async function compareListing(session: Session, cutoff: string, listed: Listed): Promise<SweepFound> {
  await session.execute(
    `
    create temp table ${UNNAMED} as select l.key, l.uri, l.size, l.modified > ? as young from ${LISTING} l
    where starts_with(l.key, ?)
      and not exists (select 1 from musehub_objects o where ${keyOfIdSql('o.object_id')} = l.key)
      and not exists (select 1 from musehub_objects o where o.storage_uri = l.uri)
      and not exists (select 1 from musehub_fetch_mpack_cache c where ${keyOfIdSql('c.mpack_id')} = l.key)`,
    [cutoff, SWEPT_PREFIX],
  );
  await session.execute(`
    create temp table ${CANDIDATES} as
    select row_number() over (order by key) as n, key, uri, size from ${UNNAMED} where not young`);
  await session.execute(`analyze ${CANDIDATES}`);
  const counts = await session.one<{ unnamed: number; young: number; bytes: number }>(`
    select count(*)::float8 as unnamed, count(*) filter (where young)::float8 as young,
           coalesce(sum(size) filter (where not young), 0)::float8 as bytes from ${UNNAMED}`);
  return {
    listed: listed.listed,
    listedBytes: listed.bytes,
    named: listed.listed - listed.odd - counts.unnamed,
    odd: listed.odd,
    young: counts.young,
    candidates: counts.unnamed - counts.young,
    candidateBytes: counts.bytes,
  };
}

/** Whether a blob reference can name `key` to delete it: the journal refuses keys that could escape the store. */
function nameable(key: string): boolean {
  try {
    checkKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Candidates `from` (exclusive) to `to` (inclusive) by number, with the URI that would name each. */
export async function candidateBatch(
  session: Session,
  from: number,
  to: number,
): Promise<Array<SweptKey & { uri: string }>> {
  return session.rows(`select key, uri, size::float8 as size from ${CANDIDATES} where n > ? and n <= ? order by n`, [
    from,
    to,
  ]);
}
