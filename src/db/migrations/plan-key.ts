/**
 * The hub's key for signing plan files (HMAC-SHA-256). The table starts empty: the key is
 * made, in the database, the first time a plan file is written (gc/plan-key.ts).
 */
import { Migration } from '@mikro-orm/migrations';

export class PlanKey extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE musehub_gc_plan_key (
          singleton  boolean      PRIMARY KEY DEFAULT true CHECK (singleton = true),
          key        bytea        NOT NULL CHECK (length(key) = 32),
          created_at timestamptz  NOT NULL DEFAULT now()
      )`);
  }
}
