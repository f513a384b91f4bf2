import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSEHUB_TABLES, openServer } from '../src/db/connect.js';
import { serverTarget, testTargets, type TestDatabase } from './support/databases.js';

describe.each(await testTargets())('MuseHub schema on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.create();
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('the entities describe the DDL exactly: the schema diff for MuseHub tables is empty', async () => {
    const diff = await test.db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    const statements = diff
      .split(/;\s*\n/)
      .map((s) => s.trim())
      .filter(Boolean);
    const touchingMusehub = statements.filter((s) => MUSEHUB_TABLES.some((t) => s.includes(`"${t}"`)));
    expect(touchingMusehub).toEqual([]);
  });

  it("the tool's entities describe what its migrations create: the schema diff for its tables is empty", async () => {
    const diff = await test.db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    const statements = diff
      .split(/;\s*\n/)
      .map((s) => s.trim())
      .filter(Boolean);
    expect(statements.filter((s) => /"musehub_gc_/.test(s))).toEqual([]);
  });

  it('applies its migrations once: opening again changes nothing and keeps the hub id', async () => {
    const { migrateToolSchema } = await import('../src/db/tool-schema.js');
    const notices: string[] = [];
    expect(await migrateToolSchema(test.db.orm, 'test', (line) => notices.push(line))).toBe(test.db.hub.hubId);
    expect(notices).toEqual([]);
    const rows = (await test.db.knex().raw('select name from musehub_gc_migrations order by id')).rows;
    expect(rows.map((row: { name: string }) => row.name)).toEqual([
      '20261101-v0.1-tables',
      '20261202-journal-per-chunk',
      '20261215-checks',
      '20261220-sweeps',
      '20261222-hub-passes',
      '20261223-estimate-deletes',
      '20261223-journal-store',
      '20261230-plan-key',
    ]);
  });
});

describe.each(await serverTarget())('a hub musehub-gc 0.1 ran on, on $name', (target) => {
  it('is adopted: its history stays and the blobs its journal still names are carried over, one entry per chunk', async () => {
    const { V01_DDL } = await import('../src/db/migrations/v0-1-tables.js');
    const test = await target.create();
    const url = test.url;
    try {
      // Back to what 0.1 left: its own tables, as it created them, with a run and a journal of three blobs.
      await test.db
        .knex()
        .raw(
          'drop table musehub_gc_runs, musehub_gc_journal, musehub_gc_journal_drops, musehub_gc_pending, musehub_gc_estimates, musehub_gc_checks, musehub_gc_sweeps, musehub_gc_hub, musehub_gc_plan_key, musehub_gc_passes, musehub_gc_migrations',
        );
      await test.db.knex().raw(V01_DDL);
      await test.db
        .knex()
        .raw(`insert into musehub_gc_runs (run_id, repo_id, repo_name, os_user, host, dry_run, grace_seconds, outcome)
        values ('old-run', 'r', 'a/b', 'ops', 'box', false, 3600, 'done')`);
      await test.db.knex().raw(`insert into musehub_gc_journal (run_id, kind, blob_id, storage_uri, size_bytes)
        values ('old-run', 'object', 'sha256:${'1'.repeat(64)}', null, 10), ('old-run', 'object', 'sha256:${'2'.repeat(64)}', 'local://objects/x', 20),
               ('old-run', 'mpack', 'sha256:${'3'.repeat(64)}', null, 30)`);
      await test.db.close();

      const notices: string[] = [];
      const reopened = await openServer(url, { notice: (line) => notices.push(line) });
      try {
        expect(notices).toEqual([
          expect.stringMatching(/^preparing musehub-gc's own tables in .*20261202-journal-per-chunk/),
        ]);
        const entries = (
          await reopened
            .knex()
            .raw('select kind, blob_ids, storage_uris, sizes::int[] as sizes from musehub_gc_journal order by kind')
        ).rows;
        expect(entries).toEqual([
          { kind: 'mpack', blob_ids: [`sha256:${'3'.repeat(64)}`], storage_uris: [null], sizes: [30] },
          {
            kind: 'object',
            blob_ids: [`sha256:${'1'.repeat(64)}`, `sha256:${'2'.repeat(64)}`],
            storage_uris: [null, 'local://objects/x'],
            sizes: [10, 20],
          },
        ]);
        expect((await reopened.knex().raw('select run_id from musehub_gc_runs')).rows).toEqual([{ run_id: 'old-run' }]);
      } finally {
        await reopened.close();
      }
    } finally {
      await test.drop();
    }
  });
});
