/**
 * An id relation reads the same whether its ids go inline (a small set) or into a
 * temporary table (a big one): the engine joins against either without knowing which.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdList } from '../../src/gc/packed-ids.js';
import { Session } from '../../src/gc/session.js';
import { testTargets, type TestDatabase } from '../support/databases.js';

const idOf = (n: number) => createHash('sha256').update(String(n)).digest('hex');

describe.each(await testTargets())('id relations on $name', (target) => {
  let test: TestDatabase;
  let session: Session;
  beforeAll(async () => {
    test = await target.create();
    session = await Session.open(test.db);
  });
  afterAll(async () => {
    await session?.close();
    await test?.drop();
  });

  it.each([3, 2_001, 25_000])('%i ids join as they were given', async (count) => {
    const given = Array.from({ length: count }, (_, n) => idOf(n));
    const ids = IdList.of('hex', given);
    const last = given.at(-1)!;
    const listed = await session.idRelation(ids);
    const rows = await session.rows<{ id: string }>(`select l.id from ${listed} l order by l.id`);
    expect(rows.map((row) => row.id)).toEqual([...given].sort());
    // Joined as the phases join it, with a row of MuseHub's on one side.
    await session.execute(`insert into musehub_snapshots (snapshot_id, manifest_blob) values (?, '\\x80')`, [last]);
    const joined = await session.rows<{ id: string }>(
      `select s.snapshot_id as id from ${listed} l join musehub_snapshots s on s.snapshot_id = l.id`,
    );
    expect(joined.map((row) => row.id)).toEqual([last]);
    await session.execute('delete from musehub_snapshots');
  });
});
