/**
 * Each journal entry names the store its blobs are in, so that a run, `resume` or a sweep against
 * another store leaves it alone; entries written before have none, and no store takes them (the
 * operator lists and drops them: `musehub-gc journal`). Every entry an operator drops is kept in
 * musehub_gc_journal_drops: who dropped which blobs of which entry, when, and why.
 */
import { Migration } from '@mikro-orm/migrations';

export class JournalStore extends Migration {
  override async up(): Promise<void> {
    this.addSql('ALTER TABLE musehub_gc_journal ADD COLUMN store text');
    this.addSql(`
      CREATE TABLE musehub_gc_journal_drops (
          drop_id      bigserial     PRIMARY KEY,
          dropped_at   timestamptz   NOT NULL DEFAULT now(),
          os_user      varchar(255)  NOT NULL,
          host         varchar(255)  NOT NULL,
          entry_id     bigint        NOT NULL,
          run_id       varchar(36)   NOT NULL,
          kind         varchar(10)   NOT NULL,
          store        text,
          blob_ids     text[]        NOT NULL,
          storage_uris text[]        NOT NULL,
          sizes        bigint[]      NOT NULL,
          reason       text          NOT NULL
      )`);
  }
}
