/** Each sweep's outcome, so that the console can show the last dry run's strays and how old that count is. */
import { Migration } from '@mikro-orm/migrations';

export class Sweeps extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE musehub_gc_sweeps (
          sweep_id         varchar(36)  PRIMARY KEY,
          store            text         NOT NULL,
          finished_at      timestamptz  NOT NULL DEFAULT now(),
          dry_run          boolean      NOT NULL,
          outcome          varchar(20)  NOT NULL,
          grace_seconds    integer      NOT NULL,
          cutoff           timestamptz  NOT NULL,
          listed           bigint       NOT NULL,
          listed_bytes     bigint       NOT NULL,
          named            bigint       NOT NULL,
          odd              bigint       NOT NULL,
          young            bigint       NOT NULL,
          candidates       bigint       NOT NULL,
          candidate_bytes  bigint       NOT NULL,
          kept_on_recheck  bigint       NOT NULL,
          deleted          bigint       NOT NULL,
          deleted_bytes    bigint       NOT NULL,
          seconds          float8       NOT NULL,
          errors           jsonb        NOT NULL DEFAULT '[]'
      )`);
  }
}
