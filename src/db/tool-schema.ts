/**
 * The tables musehub-gc keeps for itself beside MuseHub's: run history, the blob
 * deletion journal and the entries operators dropped from it, work pending between phases,
 * cached repo estimates, each repo's last integrity check, each sweep's outcome, the hub's id and hub passes. Entities describe them;
 * migrations (db/migrations, shipped in the build) create and evolve them on first use.
 * MuseHub's own tables are never touched.
 */
import { defineEntity, p, type MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { RefusedError, messageOf } from '../errors.js';
import type { SweepResult } from '../gc/sweep/types.js';
import { Checks } from './migrations/checks.js';
import { HubPasses } from './migrations/hub-passes.js';
import { JournalPerChunk } from './migrations/journal-per-chunk.js';
import { JournalStore } from './migrations/journal-store.js';
import { Sweeps } from './migrations/sweeps.js';
import { V01Tables } from './migrations/v0-1-tables.js';

/** Outcome of a recorded run. */
export type RunOutcome = 'running' | 'done' | 'stopped' | 'failed' | 'refused';

export const GcRun = defineEntity({
  name: 'GcRun',
  tableName: 'musehub_gc_runs',
  properties: {
    runId: p.string().primary().columnType('varchar(36)'),
    repoId: p.string().columnType('varchar(36)'),
    repoName: p.string().columnType('varchar(129)'),
    startedAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
    finishedAt: p.datetime().columnType('timestamptz').nullable(),
    osUser: p.string().columnType('varchar(255)'),
    host: p.string().columnType('varchar(255)'),
    dryRun: p.boolean(),
    graceSeconds: p.integer(),
    outcome: p.string().$type<RunOutcome>().columnType('varchar(20)').default('running'),
    phases: p.json<RecordedPhase[]>().columnType('jsonb').defaultRaw(`'[]'`),
    bytesFreed: p.bigint('number').default(0),
    errors: p.json<string[]>().columnType('jsonb').defaultRaw(`'[]'`),
  },
});

/** A phase of a run as history keeps it. */
export interface RecordedPhase {
  phase: string;
  status: string;
  refs: number;
  rows: number;
  bytes: number;
  blobs: number;
  seconds: number;
  keptSincePlan: number;
}

/** Blobs to delete once the transaction that deleted their rows has committed: one entry per deleting chunk. */
export const GcJournalEntry = defineEntity({
  name: 'GcJournalEntry',
  tableName: 'musehub_gc_journal',
  properties: {
    entryId: p.bigint('string').primary().autoincrement(),
    runId: p.string().columnType('varchar(36)'),
    kind: p.string().columnType('varchar(10)'),
    blobIds: p.array().columnType('text[]'),
    storageUris: p.array().columnType('text[]'),
    sizes: p.array().columnType('bigint[]'),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    /** The identity of the store the blobs are in (BlobStore.identity); null when written before stores were. */
    store: p.text().nullable(),
  },
});

/** Blobs an operator took out of the journal (`musehub-gc journal drop`): what, whose, when and why. */
export const GcJournalDrop = defineEntity({
  name: 'GcJournalDrop',
  tableName: 'musehub_gc_journal_drops',
  properties: {
    dropId: p.bigint('string').primary().autoincrement(),
    droppedAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
    osUser: p.string().columnType('varchar(255)'),
    host: p.string().columnType('varchar(255)'),
    entryId: p.bigint('string'),
    runId: p.string().columnType('varchar(36)'),
    kind: p.string().columnType('varchar(10)'),
    store: p.text().nullable(),
    blobIds: p.array().columnType('text[]'),
    storageUris: p.array().columnType('text[]'),
    sizes: p.array().columnType('bigint[]'),
    reason: p.text(),
  },
});

/** Work a phase leaves for the next: snapshots of deleted commits, objects whose refs went. */
export const GcPending = defineEntity({
  name: 'GcPending',
  tableName: 'musehub_gc_pending',
  properties: {
    repoId: p.string().columnType('varchar(36)'),
    kind: p.string().columnType('varchar(10)'),
    ids: p.array().columnType('text[]'),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
    pendingId: p.bigint('string').primary().autoincrement(),
  },
});

/** What GC would reclaim in a repo, as last computed. */
export const GcEstimate = defineEntity({
  name: 'GcEstimate',
  tableName: 'musehub_gc_estimates',
  properties: {
    repoId: p.string().primary().columnType('varchar(36)'),
    computedAt: p.datetime().columnType('timestamptz'),
    orphanCommits: p.bigint('number'),
    orphanObjects: p.bigint('number'),
    reclaimableBytes: p.bigint('number'),
  },
});

/** The last integrity check of a repo: clean or not, when, whether blobs were looked at, problems by kind. */
export const GcCheck = defineEntity({
  name: 'GcCheck',
  tableName: 'musehub_gc_checks',
  properties: {
    repoId: p.string().primary().columnType('varchar(36)'),
    checkedAt: p.datetime().columnType('timestamptz'),
    clean: p.boolean(),
    blobs: p.boolean(),
    problems: p.json<Record<string, number>>().columnType('jsonb').defaultRaw(`'{}'`),
  },
});

/** A sweep of the blob store as it ended: dry or not, what the listing held, the strays, what went. */
export const GcSweep = defineEntity({
  name: 'GcSweep',
  tableName: 'musehub_gc_sweeps',
  properties: {
    sweepId: p.string().primary().columnType('varchar(36)'),
    store: p.text(),
    finishedAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
    dryRun: p.boolean(),
    outcome: p.string().$type<SweepResult['outcome']>().columnType('varchar(20)'),
    graceSeconds: p.integer(),
    cutoff: p.datetime().columnType('timestamptz'),
    listed: p.bigint('number'),
    listedBytes: p.bigint('number'),
    named: p.bigint('number'),
    odd: p.bigint('number'),
    young: p.bigint('number'),
    candidates: p.bigint('number'),
    candidateBytes: p.bigint('number'),
    keptOnRecheck: p.bigint('number'),
    deleted: p.bigint('number'),
    deletedBytes: p.bigint('number'),
    seconds: p.float().columnType('float8'),
    errors: p.json<string[]>().columnType('jsonb').defaultRaw(`'[]'`),
  },
});

/** The one row naming this hub for plan files. */
export const GcHub = defineEntity({
  name: 'GcHub',
  tableName: 'musehub_gc_hub',
  checks: [{ name: 'musehub_gc_hub_singleton_check', expression: 'singleton = true' }],
  properties: {
    singleton: p.boolean().primary().default(true),
    hubId: p.string().columnType('varchar(36)'),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
  },
});

/**
 * A hub pass (`run --all`) of one process. `since` is the start of the earliest pass still running
 * when it began (its own start when none was): a repo collected since then is not collected again.
 */
export const GcPass = defineEntity({
  name: 'GcPass',
  tableName: 'musehub_gc_passes',
  properties: {
    passId: p.string().primary().columnType('varchar(36)'),
    since: p.datetime().columnType('timestamptz'),
    startedAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
    finishedAt: p.datetime().columnType('timestamptz').nullable(),
    osUser: p.string().columnType('varchar(255)'),
    host: p.string().columnType('varchar(255)'),
    workers: p.integer(),
    dryRun: p.boolean(),
    graceSeconds: p.integer(),
    outcome: p.string().columnType('varchar(20)').default('running'),
    repos: p.integer().default(0),
  },
});

export const toolEntities = [
  GcRun, GcJournalEntry, GcJournalDrop, GcPending, GcEstimate, GcCheck, GcSweep, GcHub, GcPass,
];

/** The tool's migrations, oldest first; their names are what musehub_gc_migrations records. */
export const toolMigrations = {
  extensions: [Migrator],
  migrations: {
    tableName: 'musehub_gc_migrations',
    migrationsList: [
      { name: '20261101-v0.1-tables', class: V01Tables },
      { name: '20261202-journal-per-chunk', class: JournalPerChunk },
      { name: '20261215-checks', class: Checks },
      { name: '20261220-sweeps', class: Sweeps },
      { name: '20261222-hub-passes', class: HubPasses },
      { name: '20261223-journal-store', class: JournalStore },
    ],
    silent: true,
    snapshot: false,
    transactional: true,
    allOrNothing: true,
  },
};

/**
 * Brings the tool's tables up to date (saying so in one line through `notice` when it
 * changes anything) and returns the hub's id. A database user who may not create
 * tables gets one line saying what to grant.
 */
export async function migrateToolSchema(orm: MikroORM, label: string, notice: (line: string) => void): Promise<string> {
  const migrator = orm.getMigrator();
  try {
    const pending = await migrator.getPendingMigrations();
    if (pending.length > 0) {
      notice(`preparing musehub-gc's own tables in ${label} (${pending.map((migration) => migration.name).join(', ')})…`);
      await migrator.up();
    }
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new RefusedError(`the database user may not create musehub-gc's tables in ${label} (${messageOf(error)}): ` +
        'grant it CREATE on the schema, or run musehub-gc once as a user who may');
    }
    throw error;
  }
  return (await orm.em.fork().findOneOrFail(GcHub, { singleton: true })).hubId;
}
