/**
 * An engine under test: a fresh database of one target, a file blob store in a
 * temporary directory, and helpers that read back what is left afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MUSEHUB_TABLES } from '../../src/db/connect.js';
import { HubBuilder } from '../../src/demo/hub-builder.js';
import { loadHub } from '../../src/demo/load.js';
import type { GcContext } from '../../src/gc/context.js';
import { executeGc } from '../../src/gc/execute.js';
import { planGc } from '../../src/gc/plan.js';
import { findRepo } from '../../src/gc/repo.js';
import type { Decide, GcEvent, PhaseName, Plan, RunResult } from '../../src/gc/types.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import type { TestDatabase, TestTarget } from './databases.js';

export interface Fixture extends GcContext {
  test: TestDatabase;
  /** Loads what `build` adds to a HubBuilder anchored at the database's now. */
  load(build: (hub: HubBuilder) => void): Promise<void>;
  plan(repo: string, graceSeconds?: number): Promise<Plan>;
  /** Plans and runs every phase (or those given), answering 'go'; returns the result and every event. */
  gc(
    repo: string,
    options?: { graceSeconds?: number; decide?: Decide; phases?: PhaseName[]; dryRun?: boolean },
  ): Promise<{ result: RunResult; events: GcEvent[] }>;
  /** The values of one column of a MuseHub table, sorted. */
  column(table: string, column: string, where?: string): Promise<string[]>;
  /** Empties every table and the store, for the next test of the file. */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

export async function createFixture(target: TestTarget, store?: BlobStore): Promise<Fixture> {
  const test = await target.create();
  const dir = mkdtempSync(join(tmpdir(), 'mhgc-store-'));
  const blobs = store ?? new FileBlobStore(dir);
  const db = test.db;
  const fixture: Fixture = {
    test,
    db,
    store: blobs,
    async load(build) {
      const now = (await db.knex().raw('select now() as now')).rows[0].now as Date;
      const hub = new HubBuilder(new Date(now));
      build(hub);
      await loadHub(db, hub.drain(), blobs);
    },
    async plan(repo, graceSeconds = 3600) {
      return planGc(db, await findRepo(db, repo), { graceSeconds, itemLimit: 1000 });
    },
    async gc(repo, options = {}) {
      const events: GcEvent[] = [];
      const target = { repo: await findRepo(db, repo), graceSeconds: options.graceSeconds ?? 3600 };
      const run = executeGc(fixture, target, {
        decide: options.decide ?? (async () => 'go'),
        phases: options.phases,
        dryRun: options.dryRun,
      });
      for (;;) {
        const next = await run.next();
        if (next.done) return { result: next.value, events };
        events.push(next.value);
      }
    },
    async column(table, column, where = 'true') {
      const rows = (await db.knex().raw(`select ${column} as value from ${table} where ${where} order by 1`)).rows;
      return rows.map((row: { value: string }) => row.value);
    },
    async reset() {
      await db
        .knex()
        .raw(
          `truncate ${[
            ...MUSEHUB_TABLES,
            'musehub_gc_runs',
            'musehub_gc_journal',
            'musehub_gc_journal_drops',
            'musehub_gc_pending',
            'musehub_gc_estimates',
            'musehub_gc_checks',
            'musehub_gc_sweeps',
            'musehub_gc_passes',
          ].join(', ')}`,
        );
      if (!store) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
      }
    },
    async dispose() {
      await blobs.close();
      await test.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}
