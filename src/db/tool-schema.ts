/**
 * The tables musehub-gc keeps for itself beside MuseHub's: run history, the blob
 * deletion journal and the entries operators dropped from it, work pending between phases, cached
 * repo estimates, each repo's last integrity check, each sweep's outcome, the hub's id, its
 * plan-signing key and hub passes. Entities describe them; migrations (db/migrations, shipped in the
 * build, listed in start-state.ts) create and evolve them on first use.
 * MuseHub's own tables are never touched.
 */
import { defineEntity, p } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { UserError } from '../errors.js';
import { migrationRefusal, requireMigratable } from './access.js';
import { readStartState, TOOL_MIGRATIONS, type StartState } from './start-state.js';

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
  /** What the plan listed that stayed when the phase ran, and why; what differed from the plan; the phase's errors. Absent from runs recorded before. */
  kept?: RecordedKept[];
  differences?: string[];
  errors?: string[];
}

/** A line of what stayed, as history keeps it: the engine's Kept, stored as it was written. */
export interface RecordedKept {
  reason: string;
  count: number;
  detail: string;
  repos?: string[];
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
    commitsToDelete: p.bigint('number').nullable(),
    objectsToDelete: p.bigint('number').nullable(),
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

/** How a recorded sweep ended. */
export type SweepOutcome = 'done' | 'declined' | 'stopped' | 'failed';

/** A sweep of the blob store as it ended: dry or not, what the listing held, the strays, what went. */
export const GcSweep = defineEntity({
  name: 'GcSweep',
  tableName: 'musehub_gc_sweeps',
  properties: {
    sweepId: p.string().primary().columnType('varchar(36)'),
    store: p.text(),
    finishedAt: p.datetime().columnType('timestamptz').defaultRaw('now()'),
    dryRun: p.boolean(),
    outcome: p.string().$type<SweepOutcome>().columnType('varchar(20)'),
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

/** The hub's key for signing plan files: one row, made on first need, never shown. */
export const GcPlanKey = defineEntity({
  name: 'GcPlanKey',
  tableName: 'musehub_gc_plan_key',
  checks: [
    { name: 'musehub_gc_plan_key_singleton_check', expression: 'singleton = true' },
    { name: 'musehub_gc_plan_key_key_check', expression: 'length(key) = 32' },
  ],
  properties: {
    singleton: p.boolean().primary().default(true),
    key: p.blob().columnType('bytea'),
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
  GcRun,
  GcJournalEntry,
  GcJournalDrop,
  GcPending,
  GcEstimate,
  GcCheck,
  GcSweep,
  GcHub,
  GcPlanKey,
  GcPass,
];

/** How MikroORM keeps the tool's migrations, for MikroORM.init; the list itself comes with the Migrator. */
export const toolMigrationsConfig = {
  migrations: {
    tableName: 'musehub_gc_migrations',
    silent: true,
    snapshot: false,
    transactional: true,
    allOrNothing: true,
  },
};

/**
 * Brings the tool's tables up to date (saying so in one line through `notice` when it
 * changes anything) and returns the hub's id. `state`, when the caller has already read it,
 * saves the check. A database user who may not create tables gets one line saying what to grant;
 * a read-only database, one line saying so.
 */
export async function migrateToolSchema(
  orm: MikroORM,
  label: string,
  notice: (line: string) => void,
  state?: StartState,
): Promise<string> {
  const knex = orm.em.getKnex();
  try {
    const known = state ?? (await readStartState(async (sql) => (await knex.raw(sql)).rows, []));
    if (known.hubId !== undefined && known.pending.length === 0) return known.hubId;
    if (known.pending.length > 0) {
      await requireMigratable(knex, label);
      notice(`preparing musehub-gc's own tables in ${label} (${known.pending.join(', ')})…`);
      await (await toolMigrator(orm)).up();
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const refusal = migrationRefusal(error, label);
    // Reading what is pending creates the migrations' own table on first use: a refusal there has the same causes.
    if (refusal) await requireMigratable(knex, label);
    throw refusal ?? error;
  }
  return (await orm.em.fork().findOneOrFail(GcHub, { singleton: true })).hubId;
}

/** MikroORM's Migrator over the tool's migrations, loaded (with the migrations themselves) only now. */
async function toolMigrator(orm: MikroORM) {
  const [{ Migrator }, classes] = await Promise.all([
    import('@mikro-orm/migrations'),
    Promise.all(TOOL_MIGRATIONS.map((migration) => migration.load())),
  ]);
  const migrationsList = TOOL_MIGRATIONS.map((migration, index) => ({ name: migration.name, class: classes[index]! }));
  orm.config.set('migrations', { ...orm.config.get('migrations'), migrationsList });
  return new Migrator(orm.em);
}
