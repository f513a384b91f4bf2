/**
 * Blob deletion, from a journal. Phases 4 and 5 write one entry per deleting
 * statement, naming that chunk's blobs, in the same transaction that deletes the
 * rows naming them; blobs are deleted only after that commits, and a blob leaves the
 * journal only once it is gone. A crash in between leaves entries that the next run,
 * or `resume`, finishes. The sweep journals strays the same way, by key (kind 'stray').
 * Each entry names its store (BlobStore.identity): a drain takes only its own store's
 * entries, and says how many it left alone.
 */
import type { BlobRef, BlobStore, DeleteOutcome } from '../storage/blob-store.js';
import { counted } from '../present/words.js';
import type { Profile } from './profile.js';
import type { Session } from './session.js';
import { keysNamedByRows } from './sweep/names.js';

/** The kind of the sweep's entries: blob_ids hold store keys, storage_uris the URIs that name them. */
export const STRAY = 'stray';

/** Entries read per round; each names up to a deleting chunk of blobs. */
const ENTRIES_PER_ROUND = 4;

export interface Drained {
  /** Blobs deleted (or found already gone). */
  blobs: number;
  bytes: number;
  /** Blobs a row names again (a re-upload): they stay. */
  renamed: number;
  errors: string[];
  /** Entries in the drain's scope that another store's (or no recorded store's): left alone. */
  leftAlone: { entries: number; blobs: number };
}

/** A journal entry as a drain reads it, or as the statement that wrote it returned it. */
export interface JournalEntry {
  entry_id: string;
  kind: string;
  blob_ids: string[];
  storage_uris: Array<string | null>;
  sizes: number[];
}

/**
 * Deletes the journal's blobs in `store`: those of `runId`; or, with `repoId`, those of that repo's
 * runs; or every entry. Entries of other stores in that scope are counted, never touched.
 */
export async function drainJournal(
  session: Session,
  store: BlobStore,
  runId: string | undefined,
  options: { progress?: (done: number, total: number, bytes: number) => void; profile?: Profile; repoId?: string } = {},
): Promise<Drained> {
  const [runs, runScope] =
    runId !== undefined
      ? ['run_id = ?', [runId]]
      : options.repoId !== undefined
        ? ['run_id in (select run_id from musehub_gc_runs where repo_id = ?)', [options.repoId]]
        : ['true', []];
  const drained = nothingDrained();
  const { total, ...leftAlone } = await session.one<{ total: number; entries: number; blobs: number }>(
    `
    select coalesce(sum(cardinality(blob_ids)) filter (where ours), 0)::int as total,
      (count(*) filter (where not ours))::int as entries,
      coalesce(sum(cardinality(blob_ids)) filter (where not ours), 0)::int as blobs
    from (select blob_ids, store is not distinct from ? as ours from musehub_gc_journal where ${runs}) as scoped`,
    [store.identity, ...runScope],
  );
  drained.leftAlone = leftAlone;
  const filter = `${runs} and store = ?`;
  const scope = [...runScope, store.identity];
  let after = '0';
  let done = 0;
  for (;;) {
    const entries = await session.rows<JournalEntry>(
      `
      select j.entry_id::text as entry_id, j.kind, j.blob_ids, j.storage_uris, j.sizes::float8[] as sizes from musehub_gc_journal j
      -- By the column, not its text alias: as text, '10' sorts before '9'.
      where ${filter} and j.entry_id > ?::bigint order by j.entry_id limit ?`,
      [...scope, after, ENTRIES_PER_ROUND],
    );
    if (entries.length === 0) break;
    after = entries.at(-1)!.entry_id;
    for (const entry of entries) {
      await drainEntry(session, store, entry, drained, options.profile);
      done += entry.blob_ids.length;
      options.progress?.(done, total, drained.bytes);
    }
  }
  return drained;
}

/** A tally of drained blobs, empty. */
export function nothingDrained(): Drained {
  return { blobs: 0, bytes: 0, renamed: 0, errors: [], leftAlone: { entries: 0, blobs: 0 } };
}

/** What a drain says of the entries it left alone, if any: they are another store's. */
export function leftAloneWarning(drained: Drained, store: BlobStore): string | undefined {
  const { entries, blobs } = drained.leftAlone;
  if (entries === 0) return undefined;
  return (
    `left ${counted(entries, 'journal entry', 'journal entries')} (${counted(blobs, 'blob')}) alone: ` +
    `they belong to another store than ${store.identity}, or name none; musehub-gc journal lists them`
  );
}

/** Records the store an entry's blobs are in, in the transaction that wrote it. */
export async function stampStore(session: Session, entryId: string, store: BlobStore): Promise<void> {
  await session.execute('update musehub_gc_journal set store = ? where entry_id = ?::bigint', [
    store.identity,
    entryId,
  ]);
}

/** The columns of a journal entry a writing statement returns beside its counts: null when it wrote none. */
export type WrittenEntry = { [Column in keyof JournalEntry]: JournalEntry[Column] | null };

/** The entry a statement wrote, if it wrote one. */
export function writtenEntry(row: WrittenEntry): JournalEntry | null {
  const { entry_id, kind, blob_ids, storage_uris, sizes } = row;
  return entry_id === null
    ? null
    : { entry_id, kind: kind!, blob_ids: blob_ids!, storage_uris: storage_uris!, sizes: sizes! };
}

/** One journal entry's blobs on their way: looked at, being deleted; `settle` ends the entry. */
export interface EntryDrain {
  /** Waits for the deletes and takes what went out of the journal, on the session the drain began on. */
  settle(): Promise<void>;
}

/**
 * Starts deleting the blobs of `entry` (committed) that no row names, adding to `drained`; the
 * deletes go on while `session` does other work, until `settle` is called on it.
 */
export async function beginDrain(
  session: Session,
  store: BlobStore,
  entry: JournalEntry,
  drained: Drained,
  profile?: Profile,
): Promise<EntryDrain> {
  const time = <T>(label: string, work: () => Promise<T>) => (profile ? profile.time(label, work) : work());
  const named = new Set(await time('journal', () => namedByRows(session, entry, entry.blob_ids)));
  const doomed = entry.blob_ids.flatMap(
    (id, i): Array<{ ref: BlobRef; size: number }> =>
      named.has(id) ? [] : [{ ref: { id, storageUri: entry.storage_uris[i] ?? null }, size: entry.sizes[i] ?? 0 }],
  );
  drained.renamed += entry.blob_ids.length - doomed.length;
  const deleting = time('blobs', () => store.deleteMany(doomed.map((blob) => blob.ref)));
  // Settled later: a store refusing as a whole must not be an unhandled rejection meanwhile.
  deleting.catch(() => {});
  return { settle: async () => settleEntry(session, entry, doomed, await deleting, drained, time) };
}

async function drainEntry(
  session: Session,
  store: BlobStore,
  entry: JournalEntry,
  drained: Drained,
  profile?: Profile,
): Promise<void> {
  await (await beginDrain(session, store, entry, drained, profile)).settle();
}

/** Takes the deleted blobs of `entry` out of the journal, keeping the ones that failed with their error. */
async function settleEntry(
  session: Session,
  entry: JournalEntry,
  doomed: ReadonlyArray<{ ref: BlobRef; size: number }>,
  outcomes: readonly DeleteOutcome[],
  drained: Drained,
  time: <T>(label: string, work: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const gone: string[] = [];
  const failed: Array<{ ref: BlobRef; size: number; error: string }> = [];
  for (const [i, outcome] of outcomes.entries()) {
    const blob = doomed[i]!;
    if (outcome.deleted) {
      gone.push(blob.ref.id);
      drained.blobs++;
      drained.bytes += blob.size;
    } else {
      const error = outcome.error ?? 'unknown error';
      failed.push({ ...blob, error });
      const kept = outcome.refused
        ? 'kept in the journal: musehub-gc journal drop refused takes it out'
        : 'kept in the journal';
      drained.errors.push(`blob ${blob.ref.id} not deleted: ${error} (${kept})`);
    }
  }
  await time('journal', async () => {
    if (failed.length === 0) {
      await session.execute('delete from musehub_gc_journal where entry_id = ?::bigint', [entry.entry_id]);
    } else {
      await session.execute(
        `
        update musehub_gc_journal set blob_ids = ?::text[], storage_uris = ?::text[], sizes = ?::bigint[],
          attempts = attempts + 1, last_error = ? where entry_id = ?::bigint`,
        [
          failed.map((blob) => blob.ref.id),
          failed.map((blob) => blob.ref.storageUri ?? null),
          failed.map((blob) => blob.size),
          failed[0]!.error,
          entry.entry_id,
        ],
      );
    }
    // A push may have stored the same id again while its blob was being deleted: say so loudly.
    for (const id of await namedByRows(session, entry, gone)) {
      drained.errors.push(
        entry.kind === STRAY
          ? `key ${id} was named by a new row while the sweep deleted it: re-upload that blob (its row now names a missing blob)`
          : `object ${id} was stored again while GC deleted its blob: re-upload it (its row now names a missing blob)`,
      );
    }
  });
}

/** The blobs among `ids` (of `entry`) that a row names: by id for GC's entries, by key and URI for the sweep's. */
async function namedByRows(session: Session, entry: JournalEntry, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  if (entry.kind === STRAY) {
    const uriOf = new Map(entry.blob_ids.map((key, i) => [key, entry.storage_uris[i] ?? '']));
    return keysNamedByRows(
      session,
      ids,
      ids.map((key) => uriOf.get(key)!),
    );
  }
  // Two lookups by `= any(…)` rather than one EXISTS per id: with thousands of ids the planner
  // would otherwise hash the whole objects table.
  const rows = await session.rows<{ id: string }>(
    `
    select object_id as id from musehub_objects where object_id = any(?::text[])
    union
    select mpack_id from musehub_fetch_mpack_cache where mpack_id = any(?::text[])`,
    [ids, ids],
  );
  return rows.map((row) => row.id);
}
