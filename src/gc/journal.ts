/**
 * Blob deletion, from a journal. Phases 4 and 5 write an entry for each blob in
 * the same transaction that deletes the rows naming it; blobs are deleted only
 * after that commits, and an entry leaves the journal only once its blob is gone.
 * A crash in between leaves entries that the next run, or `resume`, finishes.
 */
import type { BlobRef, BlobStore } from '../storage/blob-store.js';
import { shortId } from './ids.js';
import type { Session } from './session.js';

/** Entries per round: the store splits them further (S3 takes 1,000 keys a call). */
const BATCH = 5000;

export interface Drained {
  /** Blobs deleted (or found already gone). */
  blobs: number;
  bytes: number;
  /** Entries whose blob a row names again (a re-upload): the blob stays. */
  renamed: number;
  errors: string[];
}

interface Entry {
  entry_id: string;
  blob_id: string;
  storage_uri: string | null;
  size_bytes: number;
}

/** Deletes the journal's blobs: those of `runId`, or every entry when undefined. */
export async function drainJournal(
  session: Session, store: BlobStore, runId: string | undefined,
  progress?: (done: number, total: number, bytes: number) => void, batch = BATCH,
): Promise<Drained> {
  const filter = runId === undefined ? 'true' : 'run_id = ?';
  const scope = runId === undefined ? [] : [runId];
  const { total } = await session.one<{ total: number }>(
    `select count(*)::int as total from musehub_gc_journal where ${filter}`, scope);
  const drained: Drained = { blobs: 0, bytes: 0, renamed: 0, errors: [] };
  let after = '0';
  let done = 0;
  while (done < total) {
    const entries = await session.rows<Entry>(`
      select j.entry_id::text as entry_id, j.blob_id, j.storage_uri, j.size_bytes::float8 as size_bytes
      from musehub_gc_journal j
      where ${filter} and j.entry_id > ?::bigint order by j.entry_id limit ?`, [...scope, after, batch]);
    if (entries.length === 0) break;
    after = entries.at(-1)!.entry_id;
    await deleteBatch(session, store, entries, drained);
    done += entries.length;
    progress?.(done, total, drained.bytes);
  }
  // The entries just deleted leave dead index entries that the next drain would wade through.
  if (done > batch) await session.execute('vacuum (analyze) musehub_gc_journal');
  return drained;
}

async function deleteBatch(session: Session, store: BlobStore, entries: Entry[], drained: Drained): Promise<void> {
  const named = new Set(await namedByRows(session, entries.map((entry) => entry.blob_id)));
  const doomed = entries.filter((entry) => !named.has(entry.blob_id));
  drained.renamed += entries.length - doomed.length;
  await forget(session, entries.filter((entry) => named.has(entry.blob_id)));

  const outcomes = await store.deleteMany(doomed.map((entry): BlobRef => ({ id: entry.blob_id, storageUri: entry.storage_uri })));
  const gone: Entry[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const entry = doomed[i]!;
    if (outcome.deleted) {
      gone.push(entry);
      drained.blobs++;
      drained.bytes += entry.size_bytes;
    } else {
      drained.errors.push(`blob ${entry.blob_id} not deleted: ${outcome.error ?? 'unknown error'} (kept in the journal)`);
      await session.execute(
        'update musehub_gc_journal set attempts = attempts + 1, last_error = ? where entry_id = ?::bigint',
        [outcome.error ?? 'unknown error', entry.entry_id]);
    }
  }
  await forget(session, gone);
  // A push may have stored the same id again while its blob was being deleted: say so loudly.
  for (const id of await namedByRows(session, gone.map((entry) => entry.blob_id))) {
    drained.errors.push(`object ${shortId(id)} was stored again while GC deleted its blob: ` +
      `re-upload ${id} (its row now names a missing blob)`);
  }
}

/** The ids among `ids` that an object row or a cache row names. */
async function namedByRows(session: Session, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // Two lookups by `= any(…)` rather than one EXISTS per id: with thousands of ids the planner
  // would otherwise hash the whole objects table.
  const rows = await session.rows<{ id: string }>(`
    select object_id as id from musehub_objects where object_id = any(?::text[])
    union
    select mpack_id from musehub_fetch_mpack_cache where mpack_id = any(?::text[])`, [ids, ids]);
  return rows.map((row) => row.id);
}

async function forget(session: Session, entries: Entry[]): Promise<void> {
  if (entries.length === 0) return;
  await session.execute('delete from musehub_gc_journal where entry_id = any(?::bigint[])',
    [entries.map((entry) => entry.entry_id)]);
}
