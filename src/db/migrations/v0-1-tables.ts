/**
 * The tool's tables as musehub-gc 0.1 created them, idempotently: a hub that 0.1 has
 * already run on keeps its history, journal and estimates, and is adopted from here.
 */
import { Migration } from '@mikro-orm/migrations';

/** The DDL 0.1 ran on every start. */
export const V01_DDL = `CREATE TABLE IF NOT EXISTS musehub_gc_runs (
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
    entry_id    bigserial     PRIMARY KEY,
    run_id      varchar(36)   NOT NULL,
    kind        varchar(10)   NOT NULL,
    blob_id     varchar(128)  NOT NULL,
    storage_uri varchar(2048),
    size_bytes  bigint        NOT NULL DEFAULT 0,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    attempts    integer       NOT NULL DEFAULT 0,
    last_error  text
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

CREATE TABLE IF NOT EXISTS musehub_gc_estimates (
    repo_id           varchar(36) PRIMARY KEY,
    computed_at       timestamptz NOT NULL,
    orphan_commits    bigint      NOT NULL,
    orphan_objects    bigint      NOT NULL,
    reclaimable_bytes bigint      NOT NULL
);`;

export class V01Tables extends Migration {
  override async up(): Promise<void> {
    this.addSql(V01_DDL);
  }
}
