/**
 * The tables musehub-gc keeps for itself beside MuseHub's: run history, the blob
 * deletion journal, work pending between phases and cached repo estimates. Created
 * idempotently on first use; MuseHub's own tables are never altered.
 */
import { defineEntity, p } from '@mikro-orm/core';
import type { Database } from './connect.js';

const TOOL_DDL = `
CREATE TABLE IF NOT EXISTS musehub_gc_runs (
    run_id        varchar(36)  PRIMARY KEY,
    repo_id       varchar(36)  NOT NULL,
    repo_name     varchar(129) NOT NULL,
    started_at    timestamptz  NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    os_user       varchar(255) NOT NULL,
    host          varchar(255) NOT NULL,
    dry_run       boolean      NOT NULL,
    grace_seconds integer      NOT NULL,
    outcome       varchar(20)  NOT NULL DEFAULT 'running',
    phases        jsonb        NOT NULL DEFAULT '[]',
    bytes_freed   bigint       NOT NULL DEFAULT 0,
    errors        jsonb        NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS ix_musehub_gc_runs_repo_started ON musehub_gc_runs (repo_id, started_at DESC);

CREATE TABLE IF NOT EXISTS musehub_gc_journal (
    entry_id     bigserial     PRIMARY KEY,
    run_id       varchar(36)   NOT NULL,
    kind         varchar(10)   NOT NULL,
    blob_ids     text[]        NOT NULL,
    storage_uris text[]        NOT NULL,
    sizes        bigint[]      NOT NULL,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    attempts     integer       NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX IF NOT EXISTS ix_musehub_gc_journal_run ON musehub_gc_journal (run_id, entry_id);

-- Work a phase leaves for the next: snapshots of commits phase 1 deleted, objects whose refs
-- phase 3 deleted. Written in the same transaction, so a run stopped between phases does not
-- strand them: the next run's phases 2 and 4 take them up. One row per deleting statement,
-- the ids as an array: cheap to write a million of, and read back only by repo.
CREATE TABLE IF NOT EXISTS musehub_gc_pending (
    repo_id    varchar(36)  NOT NULL,
    kind       varchar(10)  NOT NULL,
    ids        text[]       NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now()
);

-- One row: the id plan files name this hub by, so a plan is never applied to another.
CREATE TABLE IF NOT EXISTS musehub_gc_hub (
    singleton  boolean      PRIMARY KEY DEFAULT true CHECK (singleton),
    hub_id     varchar(36)  NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now()
);
INSERT INTO musehub_gc_hub (hub_id) VALUES (gen_random_uuid()::text) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS musehub_gc_estimates (
    repo_id           varchar(36) PRIMARY KEY,
    computed_at       timestamptz NOT NULL,
    orphan_commits    bigint      NOT NULL,
    orphan_objects    bigint      NOT NULL,
    reclaimable_bytes bigint      NOT NULL
);
`;

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
    phases: p.json<unknown[]>().columnType('jsonb').defaultRaw(`'[]'`),
    bytesFreed: p.bigint('number').default(0),
    errors: p.json<string[]>().columnType('jsonb').defaultRaw(`'[]'`),
  },
});

export const toolEntities = [GcRun];

/** Creates the tool's tables if they are missing (safe on every start); returns the hub's id. */
export async function ensureToolSchema(database: Pick<Database, 'knex'>): Promise<string> {
  await database.knex().raw(TOOL_DDL);
  return (await database.knex().raw('select hub_id from musehub_gc_hub')).rows[0].hub_id;
}
