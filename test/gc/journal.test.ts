/** The blob journal on its own: paging, re-uploads, and what it leaves when the store fails. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChunkRunner } from '../../src/gc/chunks.js';
import { drainJournal, writtenEntry, type WrittenEntry } from '../../src/gc/journal.js';
import { Profile } from '../../src/gc/profile.js';
import { Session } from '../../src/gc/session.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { testTargets } from '../support/databases.js';

const blob = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

describe.each(await testTargets())('the blob journal on $name', (target) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(target);
  });
  afterEach(async () => {
    await f.reset();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  /** Journals `ids` as the phases do, one entry per chunk of `perEntry` blobs of 10 bytes. */
  async function journal(ids: string[], perEntry = 1): Promise<void> {
    for (const id of ids) await f.store.put({ id }, new TextEncoder().encode(id));
    for (let i = 0; i < ids.length; i += perEntry) {
      const chunk = ids.slice(i, i + perEntry);
      await f.db.knex().raw(
        `
        insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes, store)
        values ('run', 'object', ?::text[], ?::text[], ?::bigint[], ?)`,
        [chunk, chunk.map(() => null) as unknown as string[], chunk.map(() => 10), f.store.identity],
      );
    }
  }

  async function drain() {
    const session = await Session.open(f.db);
    try {
      return await drainJournal(session, f.store, undefined);
    } finally {
      await session.close();
    }
  }

  it('pages through entries in numeric order: ids past 9 and 99 are not skipped', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => blob(i + 1));
    await journal(ids);
    const drained = await drain();
    expect(drained).toMatchObject({ blobs: 120, bytes: 1200, errors: [] });
    for (const id of ids) expect(await f.store.exists({ id })).toBe(false);
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
  });

  it('keeps a blob that a row names again (a re-upload), and drops its entry', async () => {
    await journal([blob(1), blob(2)], 2);
    await f.db.knex().raw('insert into musehub_objects (object_id, size_bytes) values (?, 10)', [blob(2)]);
    const drained = await drain();
    expect(drained).toMatchObject({ blobs: 1, renamed: 1 });
    expect(await f.store.exists({ id: blob(1) })).toBe(false);
    expect(await f.store.exists({ id: blob(2) })).toBe(true);
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
  });

  it('counts a blob already gone as deleted', async () => {
    await journal([blob(3)]);
    await f.store.deleteMany([{ id: blob(3) }]);
    expect(await drain()).toMatchObject({ blobs: 1, errors: [] });
  });

  it("deletes a chunk's blobs while the next chunk deletes its rows, then takes its entry out", async () => {
    const chunks = [
      [blob(11), blob(12)],
      [blob(13), blob(14)],
    ];
    for (const id of chunks.flat()) await f.store.put({ id }, new TextEncoder().encode(id));
    let secondStarted: () => void = () => {};
    const second = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    const deletesBeganOn: string[][] = [];
    // The file store, but the first chunk's blobs wait until the second chunk is under way.
    const store: BlobStore = Object.create(f.store);
    store.deleteMany = async (refs) => {
      deletesBeganOn.push(refs.map((ref) => ref.id));
      if (deletesBeganOn.length === 1) {
        const waited = await Promise.race([
          second.then(() => 'second chunk began'),
          new Promise((resolve) => setTimeout(() => resolve('waited 5 s'), 5000)),
        ]);
        if (waited !== 'second chunk began') throw new Error("the first chunk's blobs held up the second chunk");
      }
      return f.store.deleteMany(refs);
    };
    const session = await Session.open(f.db);
    try {
      const runner = new ChunkRunner([session], false, store, () => {}, new Profile());
      await runner.run(chunks, 4, async (chunkSession, chunk) => {
        if (chunk[0] === blob(13)) secondStarted();
        const row = await chunkSession.one<WrittenEntry>(
          `
          insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes)
          values ('run', 'object', ?::text[], ?::text[], ?::bigint[])
          returning entry_id::text, kind, blob_ids, storage_uris, sizes::float8[]`,
          [chunk, chunk.map(() => null) as unknown as string[], chunk.map(() => 10)],
        );
        return { refs: 0, rows: chunk.length, bytes: 20, journaled: writtenEntry(row) };
      });
      expect(runner.drained).toMatchObject({ blobs: 4, bytes: 40, errors: [] });
    } finally {
      await session.close();
    }
    expect(deletesBeganOn).toEqual(chunks);
    for (const id of chunks.flat()) expect(await f.store.exists({ id })).toBe(false);
    expect(await f.column('musehub_gc_journal', 'unnest(blob_ids)')).toEqual([]);
  });
});
