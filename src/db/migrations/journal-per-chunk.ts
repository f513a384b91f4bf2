/**
 * The journal holds one entry per deleting chunk (arrays of blob ids) instead of one
 * per blob, so a million-blob run writes a hundred rows, not a million. Entries a run
 * left are carried over, ten thousand blobs an entry. And each hub gets the id that
 * plan files name it by, and pending work a key of its own.
 */
import { Migration } from '@mikro-orm/migrations';

export class JournalPerChunk extends Migration {
  override async up(): Promise<void> {
    this.addSql('ALTER TABLE musehub_gc_journal RENAME TO musehub_gc_journal_per_blob');
    this.addSql(`
      CREATE TABLE musehub_gc_journal (
          entry_id     bigserial     PRIMARY KEY,
          run_id       varchar(36)   NOT NULL,
          kind         varchar(10)   NOT NULL,
          blob_ids     text[]        NOT NULL,
          storage_uris text[]        NOT NULL,
          sizes        bigint[]      NOT NULL,
          created_at   timestamptz   NOT NULL DEFAULT now(),
          attempts     integer       NOT NULL DEFAULT 0,
          last_error   text
      )`);
    this.addSql(`
      INSERT INTO musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes, created_at, attempts, last_error)
      SELECT run_id, kind, array_agg(blob_id ORDER BY entry_id), array_agg(storage_uri ORDER BY entry_id),
             array_agg(size_bytes ORDER BY entry_id), min(created_at), max(attempts), max(last_error)
      FROM (SELECT *, (row_number() OVER (PARTITION BY run_id, kind ORDER BY entry_id) - 1) / 10000 AS chunk
            FROM musehub_gc_journal_per_blob) AS entries
      GROUP BY run_id, kind, chunk`);
    this.addSql('DROP TABLE musehub_gc_journal_per_blob');
    this.addSql('CREATE INDEX ix_musehub_gc_journal_run ON musehub_gc_journal (run_id, entry_id)');
    this.addSql(`
      CREATE TABLE musehub_gc_hub (
          singleton  boolean      PRIMARY KEY DEFAULT true CHECK (singleton = true),
          hub_id     varchar(36)  NOT NULL,
          created_at timestamptz  NOT NULL DEFAULT now()
      )`);
    this.addSql('INSERT INTO musehub_gc_hub (hub_id) VALUES (gen_random_uuid()::text)');
    this.addSql('ALTER TABLE musehub_gc_pending ADD COLUMN pending_id bigserial PRIMARY KEY');
  }
}
