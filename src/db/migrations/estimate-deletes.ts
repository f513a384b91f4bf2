/**
 * Cached estimates carry what the repo's plan deletes (commit rows, object rows), beside the
 * orphans, so the repos list says what the preview says. Estimates cached before have none: NULL.
 */
import { Migration } from '@mikro-orm/migrations';

export class EstimateDeletes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `ALTER TABLE musehub_gc_estimates ADD COLUMN commits_to_delete bigint, ADD COLUMN objects_to_delete bigint`,
    );
  }
}
