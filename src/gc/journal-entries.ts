/**
 * The journal as an operator sees it (`musehub-gc journal`): each entry, and why it is still
 * there; and dropping the entries no store will ever delete (another store's, one that names no
 * store, blobs the store refuses). A drop takes entries out of the journal and into
 * musehub_gc_journal_drops in one transaction: who dropped which blobs of which entry, when, why.
 * Dropping deletes no blob: one no row names is a stray, for `sweep` to delete in its own store.
 */
import type { Database } from '../db/connect.js';
import { UsageError } from '../errors.js';
import { operator } from '../operator.js';
import type { BlobStore } from '../storage/blob-store.js';
import { counted } from '../present/words.js';
import { Session } from './session.js';

/**
 * Why an entry is still in the journal, as the configured store sees it. The first three are
 * never deleted by this store: `no-store` was written before entries named their store.
 */
export type JournalEntryStatus = 'no-store' | 'other-store' | 'refused' | 'failing' | 'pending';

/** A blob the configured store will not delete, and why. */
export interface RefusedBlob {
  id: string;
  storageUri: string | null;
  reason: string;
}

export interface JournalEntryView {
  entryId: string;
  runId: string;
  kind: string;
  /** The store its blobs are in (BlobStore.identity); null when written before entries named one. */
  store: string | null;
  createdAt: string;
  attempts: number;
  lastError: string | null;
  blobs: number;
  bytes: number;
  status: JournalEntryStatus;
  /** What `status` means for this entry, in a sentence. */
  why: string;
  /** Its blobs the configured store refuses to delete (status `refused`). */
  refused: RefusedBlob[];
}

/** A drop as musehub_gc_journal_drops keeps it. */
export interface JournalDrop {
  dropId: string;
  droppedAt: string;
  /** `user@host` of who dropped it. */
  droppedBy: string;
  entryId: string;
  runId: string;
  kind: string;
  store: string | null;
  blobIds: string[];
  storageUris: Array<string | null>;
  bytes: number;
  reason: string;
}

/** What a drop took out of the journal. */
export interface JournalDropped {
  entries: number;
  blobs: number;
  bytes: number;
}

/** Which entries to drop: by id, or every blob the configured store refuses. */
export type JournalDropTarget = { entryIds: string[] } | { refused: true };

interface EntryRow {
  entry_id: string;
  run_id: string;
  kind: string;
  store: string | null;
  created_at: Date;
  attempts: number;
  last_error: string | null;
  blob_ids: string[];
  storage_uris: Array<string | null>;
  sizes: number[];
}

type DropRows = { rows: Array<Omit<JournalDrop, 'droppedAt'> & { droppedAt: Date }> };

const ENTRY_COLUMNS = `entry_id::text as entry_id, run_id, kind, store, created_at, attempts, last_error, blob_ids,
  storage_uris, sizes::float8[] as sizes`;
/** Entries read at once: each holds up to a deleting chunk (10,000 blobs). */
const PAGE = 16;

/** Every journal entry, oldest first, with why it is there as `store` (when configured) sees it. */
export async function listJournal(db: Database, store: BlobStore | undefined): Promise<JournalEntryView[]> {
  const session = await Session.open(db);
  try {
    const views: JournalEntryView[] = [];
    for (let after = '0'; ; ) {
      const rows = await session.rows<EntryRow>(
        `select ${ENTRY_COLUMNS} from musehub_gc_journal
        where entry_id > ?::bigint order by entry_id limit ?`,
        [after, PAGE],
      );
      if (rows.length === 0) return views;
      after = rows.at(-1)!.entry_id;
      views.push(...rows.map((row) => viewOf(row, store)));
    }
  } finally {
    await session.close();
  }
}

/** Drops entries from the journal into its drop history; a UsageError, dropping nothing, for an id not there. */
export async function dropJournal(
  db: Database,
  store: BlobStore | undefined,
  target: JournalDropTarget,
): Promise<JournalDropped> {
  const session = await Session.open(db);
  try {
    if ('entryIds' in target) return await dropEntries(session, store, target.entryIds);
    if (!store) {
      throw new UsageError('dropping what the store refuses needs the store: set MUSEHUB_STORAGE or --storage');
    }
    return await dropRefused(session, store);
  } finally {
    await session.close();
  }
}

/** The drop history, oldest first. */
export async function listJournalDrops(db: Database): Promise<JournalDrop[]> {
  const { rows } = (await db.knex().raw(`
    select drop_id::text as "dropId", dropped_at as "droppedAt", os_user || '@' || host as "droppedBy",
      entry_id::text as "entryId", run_id as "runId", kind, store, blob_ids as "blobIds", storage_uris as "storageUris",
      (select coalesce(sum(size), 0) from unnest(sizes) as size)::float8 as bytes, reason
    from musehub_gc_journal_drops order by drop_id`)) as DropRows;
  return rows.map((row) => ({ ...row, droppedAt: new Date(row.droppedAt).toISOString() }));
}

async function dropEntries(
  session: Session,
  store: BlobStore | undefined,
  entryIds: string[],
): Promise<JournalDropped> {
  const malformed = entryIds.find((id) => !/^[1-9]\d{0,17}$/.test(id));
  if (malformed !== undefined) {
    throw new UsageError(`'${malformed}' is not a journal entry id: musehub-gc journal lists them`);
  }
  return session.transaction(async () => {
    const rows = await session.rows<EntryRow>(
      `select ${ENTRY_COLUMNS} from musehub_gc_journal
      where entry_id = any(?::bigint[]) order by entry_id for update`,
      [entryIds],
    );
    const missing = entryIds.filter((id) => !rows.some((row) => row.entry_id === id));
    if (missing.length > 0) {
      throw new UsageError(
        `no journal entry ${missing.join(', ')} (nothing was dropped): musehub-gc journal lists them`,
      );
    }
    const dropped = { entries: 0, blobs: 0, bytes: 0 };
    for (const row of rows) {
      await session.execute('delete from musehub_gc_journal where entry_id = ?::bigint', [row.entry_id]);
      await recordDrop(
        session,
        row,
        row.blob_ids.map((_, i) => i),
        `dropped by id: ${viewOf(row, store).why}`,
      );
      add(
        dropped,
        row,
        row.blob_ids.map((_, i) => i),
      );
    }
    return dropped;
  });
}

/** Takes out of each of `store`'s entries the blobs it refuses, one entry per transaction; the rest stay. */
async function dropRefused(session: Session, store: BlobStore): Promise<JournalDropped> {
  const dropped = { entries: 0, blobs: 0, bytes: 0 };
  for (let after = '0'; ; ) {
    const ids = await session.rows<{ entry_id: string }>(
      `select entry_id::text as entry_id from musehub_gc_journal
      where entry_id > ?::bigint and store = ? order by entry_id limit ?`,
      [after, store.identity, PAGE],
    );
    if (ids.length === 0) return dropped;
    after = ids.at(-1)!.entry_id;
    for (const { entry_id: entryId } of ids) {
      await session.transaction(async () => {
        // Read again under the row's lock: a drain may have changed the entry since.
        const [row] = await session.rows<EntryRow>(
          `select ${ENTRY_COLUMNS} from musehub_gc_journal
          where entry_id = ?::bigint for update`,
          [entryId],
        );
        const refused = row ? refusedIn(row, store) : [];
        if (!row || refused.length === 0) return;
        const gone = new Set(refused.map((blob) => blob.index));
        const kept = row.blob_ids.flatMap((_, i) => (gone.has(i) ? [] : [i]));
        if (kept.length === 0) {
          await session.execute('delete from musehub_gc_journal where entry_id = ?::bigint', [row.entry_id]);
        } else {
          await session.execute(
            `update musehub_gc_journal set blob_ids = ?::text[], storage_uris = ?::text[],
            sizes = ?::bigint[] where entry_id = ?::bigint`,
            [
              kept.map((i) => row.blob_ids[i]),
              kept.map((i) => row.storage_uris[i] ?? null),
              kept.map((i) => row.sizes[i]),
              row.entry_id,
            ],
          );
        }
        const reasons = [...new Set(refused.map((blob) => blob.reason))];
        await recordDrop(session, row, [...gone], `refused by ${store.identity}: ${reasons.join('; ')}`);
        add(dropped, row, [...gone]);
      });
    }
  }
}

async function recordDrop(session: Session, row: EntryRow, indexes: number[], reason: string): Promise<void> {
  const { user, host } = operator();
  await session.execute(
    `
    insert into musehub_gc_journal_drops
      (os_user, host, entry_id, run_id, kind, store, blob_ids, storage_uris, sizes, reason)
    values (?, ?, ?::bigint, ?, ?, ?, ?::text[], ?::text[], ?::bigint[], ?)`,
    [
      user,
      host,
      row.entry_id,
      row.run_id,
      row.kind,
      row.store,
      indexes.map((i) => row.blob_ids[i]),
      indexes.map((i) => row.storage_uris[i] ?? null),
      indexes.map((i) => row.sizes[i]),
      reason,
    ],
  );
}

function add(dropped: JournalDropped, row: EntryRow, indexes: number[]): void {
  dropped.entries++;
  dropped.blobs += indexes.length;
  for (const i of indexes) dropped.bytes += row.sizes[i] ?? 0;
}

function viewOf(row: EntryRow, store: BlobStore | undefined): JournalEntryView {
  const ours = store !== undefined && row.store === store.identity;
  const refused = ours ? refusedIn(row, store).map(({ index: _, ...blob }) => blob) : [];
  const [status, why]: [JournalEntryStatus, string] =
    row.store === null
      ? ['no-store', 'names no store (written before entries recorded theirs): no store deletes it']
      : store !== undefined && !ours
        ? ['other-store', `belongs to another store, ${row.store}`]
        : refused.length > 0
          ? ['refused', `the store refuses ${counted(refused.length, 'blob')}: ${refused[0]!.reason}`]
          : row.attempts > 0
            ? ['failing', `${counted(row.attempts, 'attempt')} failed, last: ${row.last_error ?? 'no error kept'}`]
            : ['pending', 'not tried yet (a run in flight, or one stopped before deleting): resume deletes it'];
  return {
    entryId: row.entry_id,
    runId: row.run_id,
    kind: row.kind,
    store: row.store,
    createdAt: new Date(row.created_at).toISOString(),
    attempts: row.attempts,
    lastError: row.last_error,
    blobs: row.blob_ids.length,
    bytes: row.sizes.reduce((sum, size) => sum + size, 0),
    status,
    why,
    refused,
  };
}

function refusedIn(row: EntryRow, store: BlobStore): Array<RefusedBlob & { index: number }> {
  return row.blob_ids.flatMap((id, index) => {
    const storageUri = row.storage_uris[index] ?? null;
    const reason = store.deleteRefusal({ id, storageUri });
    return reason === undefined ? [] : [{ id, storageUri, reason, index }];
  });
}
