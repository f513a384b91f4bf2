/**
 * A database that refuses musehub-gc, through the CLI on PostgreSQL: a user who may not create
 * the tool's tables, a read-only database. One line each, saying what to do; exit 1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { musehubDdl } from '../../src/db/connect.js';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { serverTarget, TEST_DATABASE_URL, type TestDatabase } from '../support/databases.js';
import { cli, lines } from './run-cli.js';

/** A single `musehub-gc: …` line on stderr, without a stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(lines(stderr)).toEqual([expect.stringMatching(/^musehub-gc: /)]);
  expect(stderr).toMatch(pattern);
}

/** Runs `sql` as the server's admin user on `database`. */
async function asAdmin(sql: string, database = new URL(TEST_DATABASE_URL).pathname.slice(1)): Promise<pg.QueryResult> {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `url` as `user` (trust auth: no password). */
function asUser(url: string, user: string): string {
  const as = new URL(url);
  as.username = user;
  as.password = '';
  return as.toString();
}

describe.each(await serverTarget())('a database that refuses musehub-gc, on $name', () => {
  const suffix = randomBytes(6).toString('hex');
  /** A database holding MuseHub's tables and none of the tool's, and a GC user who may not create tables in it. */
  const bare = `mhgc_test_bare_${suffix}`;
  const role = `mhgc_nocreate_${suffix}`;
  let bareUrl: string;

  beforeAll(async () => {
    await asAdmin(`create database ${bare}`);
    await asAdmin(musehubDdl(), bare);
    await asAdmin(`create role ${role} login`);
    // What a GC user needs of MuseHub's tables, and (PostgreSQL 15's default) no CREATE on the schema.
    await asAdmin(`grant select, insert, update, delete on all tables in schema public to ${role}`, bare);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${bare}`;
    bareUrl = url.toString();
  });

  afterAll(async () => {
    await asAdmin(`drop database if exists ${bare} with (force)`);
    await asAdmin(`drop role if exists ${role}`);
  });

  const toolTables = async () =>
    (await asAdmin(`select count(*)::int as n from pg_tables where tablename like 'musehub_gc_%'`, bare)).rows[0]
      .n as number;

  it('a user without CREATE on the schema gets exit 1 and one line naming the grant; after that grant it works', async () => {
    const refused = await cli(['repos'], { DATABASE_URL: asUser(bareUrl, role) });
    expect(refused.code).toBe(1);
    expectOneLine(
      refused.stderr,
      new RegExp(
        `the database user ${role} may not create musehub-gc's tables in .*${bare}: grant create on schema public to ${role}, `,
      ),
    );
    expect(await toolTables()).toBe(0);
    // The grant the line names is the one needed.
    await asAdmin(`grant create on schema public to ${role}`, bare);
    const granted = await cli(['repos'], { DATABASE_URL: asUser(bareUrl, role) });
    expect(granted.code).toBe(0);
    expect(await toolTables()).toBeGreaterThan(0);
    await asAdmin(`drop owned by ${role}`, bare);
  });

  describe('a read-only database (default_transaction_read_only = on)', () => {
    let test: TestDatabase;
    let blobDir: string;
    let env: Record<string, string>;
    let name: string;

    beforeAll(async () => {
      const [postgres] = await serverTarget();
      test = await postgres!.create();
      blobDir = mkdtempSync(join(tmpdir(), 'mhgc-cli-blobs-'));
      await seedDemoHub(test.db, new FileBlobStore(blobDir));
      env = { DATABASE_URL: test.url, MUSEHUB_STORAGE: pathToFileURL(blobDir).href };
      name = new URL(test.url).pathname.slice(1);
      // New sessions of the database start read-only, as on a hot standby.
      await asAdmin(`alter database ${name} set default_transaction_read_only = on`);
    });

    afterAll(async () => {
      await test?.drop();
      rmSync(blobDir, { recursive: true, force: true });
    });

    it('reads: repos, plan, history and check work', async () => {
      for (const args of [
        ['repos'],
        ['plan', DEMO.forcePushed],
        ['history', DEMO.forcePushed],
        ['check', DEMO.forcePushed],
      ]) {
        const outcome = await cli(args, env);
        expect({ args, code: outcome.code }).toEqual({ args, code: 0 });
      }
    });

    it('refuses what writes to it, in one line each and before any work: run, run --all, resume, sweep', async () => {
      for (const [command, args] of [
        ['run', ['run', DEMO.forcePushed, '--yes']],
        ['run --all', ['run', '--all', '--yes']],
        ['resume', ['resume']],
        ['sweep', ['sweep', '--yes']],
        ['sweep --dry-run', ['sweep', '--dry-run']],
      ] as const) {
        const outcome = await cli([...args], env);
        expect({ command, code: outcome.code }).toEqual({ command, code: 1 });
        expectOneLine(
          outcome.stderr,
          new RegExp(
            `the database .*${name} is read-only \\(default_transaction_read_only is on, ` +
              `or it is a hot standby\\): ${command.replace(/-/g, '\\-')} writes to it; point DATABASE_URL at the primary`,
          ),
        );
      }
      await asAdmin(`alter database ${name} set default_transaction_read_only = off`);
      expect((await asAdmin('select count(*)::int as n from musehub_gc_runs', name)).rows[0].n).toBe(0);
      await asAdmin(`alter database ${name} set default_transaction_read_only = on`);
    });

    it("says in one line that the tool's tables cannot be created there", async () => {
      await asAdmin(`alter database ${bare} set default_transaction_read_only = on`);
      try {
        const outcome = await cli(['repos'], { DATABASE_URL: bareUrl });
        expect(outcome.code).toBe(1);
        expectOneLine(
          outcome.stderr,
          new RegExp(`the database .*${bare} is read-only .*: musehub-gc's own tables cannot be created`),
        );
      } finally {
        await asAdmin(`alter database ${bare} set default_transaction_read_only = off`);
      }
    });
  });
});
