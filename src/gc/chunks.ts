/**
 * A phase's deletes, chunk by chunk. Each chunk runs in a transaction of its own (that
 * locks its rows, re-checks and deletes them, and journals their blobs), so no lock is
 * held longer than a chunk takes; on a server the chunks spread over the run's
 * connections, as MuseHub's own cascade triggers make a single backend the limit. Once a
 * chunk commits, the blobs it journalled are deleted while the same connection deletes the next
 * chunk's rows, and leave the journal on it after that chunk's transaction. A dry run
 * runs every chunk in its one transaction, on one connection, and deletes no blob.
 */
import type { BlobStore } from '../storage/blob-store.js';
import { beginDrain, nothingDrained, stampStore, type Drained, type EntryDrain, type JournalEntry } from './journal.js';
import type { Profile } from './profile.js';
import type { Session } from './session.js';

/** What one chunk deleted, and the journal entry its blobs wait in. */
export interface ChunkDone {
  refs: number;
  rows: number;
  /** Bytes of the blobs the chunk journalled. */
  bytes: number;
  /** The journal entry the chunk wrote for its blobs, as the writing statement returned it. */
  journaled?: JournalEntry | null;
}

export type ChunkProgress = (done: number, total: number, bytes: number) => void;

export class ChunkRunner {
  /** What committed chunks deleted so far: what the phase reports, even when a later chunk fails. */
  readonly deleted = { refs: 0, rows: 0, bytes: 0 };
  readonly drained: Drained = nothingDrained();

  constructor(
    private readonly sessions: readonly Session[],
    /** Every chunk runs inside the dry run's one transaction, which is rolled back. */
    readonly dryRun: boolean,
    private readonly store: BlobStore,
    private readonly progress: ChunkProgress,
    private readonly profile: Profile,
  ) {}

  /**
   * Runs `work` on each chunk, at most one chunk a connection at a time; resolves when all
   * are done. A failing chunk rolls back alone; no chunk starts after it, and it rejects once
   * the chunks in flight end.
   */
  async run(
    chunks: Iterable<string[]>,
    total: number,
    work: (session: Session, chunk: string[]) => Promise<ChunkDone>,
  ): Promise<void> {
    const pending = chunks[Symbol.iterator]();
    let done = 0;
    let failure: unknown;
    const worker = async (session: Session) => {
      // The blobs of this connection's last committed chunk, going while the next chunk deletes rows.
      let draining: EntryDrain | undefined;
      const settle = async () => {
        const previous = draining;
        draining = undefined;
        try {
          await previous?.settle();
        } catch (error) {
          failure ??= error;
        }
      };
      for (let next = pending.next(); !next.done && failure === undefined; next = pending.next()) {
        const chunk = next.value;
        let journaled: JournalEntry | null | undefined;
        try {
          const result = await session.transaction(async () => {
            const done = await work(session, chunk);
            // Phases know no store: the entry learns whose blobs it holds here, before it commits.
            if (done.journaled) await stampStore(session, done.journaled.entry_id, this.store);
            return done;
          }, this.dryRun);
          this.deleted.refs += result.refs;
          this.deleted.rows += result.rows;
          this.deleted.bytes += result.bytes;
          journaled = result.journaled;
        } catch (error) {
          failure ??= error;
        }
        await settle();
        if (!this.dryRun && journaled) {
          try {
            draining = await beginDrain(session, this.store, journaled, this.drained, this.profile);
          } catch (error) {
            failure ??= error;
          }
        }
        done += chunk.length;
        this.progress(Math.min(done, total), total, this.dryRun ? this.deleted.bytes : this.drained.bytes);
      }
      await settle();
    };
    await Promise.all(this.sessions.map(worker));
    if (failure !== undefined) throw failure;
  }
}
