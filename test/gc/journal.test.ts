/** The blob journal on its own: paging, re-uploads, and what it leaves when the store fails. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drainJournal } from '../../src/gc/journal.js';
import { Session } from '../../src/gc/session.js';
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
});
