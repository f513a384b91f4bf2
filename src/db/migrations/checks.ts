/** The last integrity check of each repo, for the console to say whether it was clean, and when. */
import { Migration } from '@mikro-orm/migrations';

export class Checks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE musehub_gc_checks (
          repo_id     varchar(36)  PRIMARY KEY,
          checked_at  timestamptz  NOT NULL,
          clean       boolean      NOT NULL,
          blobs       boolean      NOT NULL,
          problems    jsonb        NOT NULL DEFAULT '{}'
      )`);
  }
}
