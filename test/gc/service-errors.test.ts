/**
 * What the database causes leaves the service as the engine's typed error, whichever method met it:
 * a connection cut mid-statement, a statement a read-only database refuses. The console and the
 * commands read only the error's kind (test/ui/repos.test.tsx shows the console saying it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer } from '../../src/db/connect.js';
import { UnavailableError } from '../../src/errors.js';
import { createGcService } from '../../src/gc/gc-service.js';
import type { GcService } from '../../src/gc/service.js';
import { serverTarget, type TestDatabase } from '../support/databases.js';

describe.each(await serverTarget())('the service types what the database causes, on $name', (target) => {
  let test: TestDatabase;
  let name: string;
  /** A second connection, as the server's admin, to the same database. */
  let admin: pg.Client;

  beforeAll(async () => {
    test = await target.create();
    name = new URL(test.url).pathname.slice(1);
    admin = new pg.Client({ connectionString: test.url });
    await admin.connect();
    await admin.query(
      `insert into musehub_repos (repo_id, owner, slug, name) values ('r1', 'lowend', 'groove', 'groove')`,
    );
  });

  afterAll(async () => {
    await admin?.end();
    await test?.drop();
  });

  /** `work` on a service over a hub of its own, closed after: a cut connection leaves no other test a dead one. */
  async function withService<T>(work: (service: GcService) => Promise<T>): Promise<T> {
    const db = await openServer(test.url);
    try {
      return await work(createGcService(db, undefined, { graceSeconds: 3600 }));
    } finally {
      await db.close();
    }
  }

  /**
   * Starts `work`, which reads musehub_repos, while the admin holds that table locked; once its
   * statement waits on the lock, the server cuts its connection. Resolves to what `work` threw.
   */
  async function cutMidStatement(work: () => Promise<unknown>): Promise<unknown> {
    await admin.query('begin');
    await admin.query('lock table musehub_repos in access exclusive mode');
    const failed = work().then(
      () => undefined,
      (error: unknown) => error,
    );
    try {
      for (;;) {
        const { rows } = await admin.query(
          `select pg_terminate_backend(pid) as cut from pg_stat_activity
          where datname = $1 and pid <> pg_backend_pid() and wait_event_type = 'Lock'`,
          [name],
        );
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await admin.query('rollback');
    }
    return failed;
  }

  it('a connection cut mid-statement is unavailable, and says so in one line', async () => {
    const error = await withService((service) => cutMidStatement(() => service.listRepos()));
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^lost the database connection to .*${name} \\(terminating ` +
          'connection due to administrator command\\): check that PostgreSQL is up and reachable, then try again$',
      ),
    );
  });

  it('so is one cut while a generator of the service is being read', async () => {
    const error = await withService((service) =>
      cutMidStatement(async () => {
        for await (const estimate of service.estimates(['r1'])) expect(estimate.repoId).toBe('r1');
      }),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/^lost the database connection to /);
  });

  it("after a cut, the next call on the same service works (the console's retry), and nothing is printed", async () => {
    const printed: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => printed.push(args);
    try {
      const repos = await withService(async (service) => {
        expect(await cutMidStatement(() => service.listRepos())).toBeInstanceOf(UnavailableError);
        return service.listRepos();
      });
      expect(repos.map((repo) => repo.slug)).toEqual(['groove']);
    } finally {
      console.warn = warn;
    }
    expect(printed).toEqual([]);
  });

  it('a statement a read-only database refuses is unavailable, in the line that says to use the primary', async () => {
    const plan = await withService(async (service) =>
      service.plan(await service.findRepo('lowend/groove'), { graceSeconds: 3600 }),
    );
    await admin.query(`alter database ${name} set default_transaction_read_only = on`);
    // Sessions take the setting when they start: a hub opened now is read-only.
    const readOnly = await openServer(test.url);
    const dir = mkdtempSync(join(tmpdir(), 'mhgc-plan-'));
    try {
      // The first plan file written on a hub makes its signing key: an insert.
      const error = await createGcService(readOnly, undefined, { graceSeconds: 3600 })
        .savePlan(plan, join(dir, 'groove.plan'))
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^the database .*${name} is read-only \\(default_transaction_read_only ` +
            'is on, or it is a hot standby\\): a statement needed to write; point DATABASE_URL at the primary',
        ),
      );
    } finally {
      await readOnly.close();
      rmSync(dir, { recursive: true, force: true });
      await admin.query(`alter database ${name} set default_transaction_read_only = off`);
    }
  });
});
