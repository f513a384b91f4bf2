/**
 * Hub passes (`run --all`): each records when it began and the start of the earliest pass it
 * joined, so that processes collecting one hub together collect each repo once.
 */
import { Migration } from '@mikro-orm/migrations';

export class HubPasses extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE musehub_gc_passes (
          pass_id       varchar(36)  PRIMARY KEY,
          since         timestamptz  NOT NULL,
          started_at    timestamptz  NOT NULL DEFAULT now(),
          finished_at   timestamptz,
          os_user       varchar(255) NOT NULL,
          host          varchar(255) NOT NULL,
          workers       integer      NOT NULL,
          dry_run       boolean      NOT NULL,
          grace_seconds integer      NOT NULL,
          outcome       varchar(20)  NOT NULL DEFAULT 'running',
          repos         integer      NOT NULL DEFAULT 0
      )`);
  }
}
