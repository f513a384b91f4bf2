import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSEHUB_TABLES } from '../src/db/connect.js';
import { testTargets, type TestDatabase } from './support/databases.js';

describe.each(await testTargets())('MuseHub schema on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => { test = await target.create(); });
  afterAll(async () => { await test?.drop(); });

  it('the entities describe the DDL exactly: the schema diff for MuseHub tables is empty', async () => {
    const diff = await test.db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    const statements = diff.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean);
    const touchingMusehub = statements.filter((s) => MUSEHUB_TABLES.some((t) => s.includes(`"${t}"`)));
    expect(touchingMusehub).toEqual([]);
  });

  it('creates its own tables idempotently', async () => {
    const { ensureToolSchema } = await import('../src/db/tool-schema.js');
    await ensureToolSchema(test.db);
    await ensureToolSchema(test.db);
    const rows = (await test.db.knex().raw(`select count(*)::int as n from musehub_gc_runs`)).rows;
    expect(rows[0].n).toBe(0);
  });
});
