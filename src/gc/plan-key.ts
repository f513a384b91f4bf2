/**
 * The hub's key for signing plan files (HMAC-SHA-256), kept in musehub_gc_plan_key. It is
 * made in the database on first need, from PostgreSQL's strong random source, so that it
 * never travels in a statement's text (which an error message may quote); it is read only
 * to sign or verify, and never printed or logged.
 */
import type { Database } from '../db/connect.js';

/** The hub's key, made when there is none yet (the first plan file written on this hub). */
export async function planKey(db: Database): Promise<Buffer> {
  const existing = await existingPlanKey(db);
  if (existing) return existing;
  // Two version-4 UUIDs carry 244 random bits; sha256 folds them into the key's 32 bytes.
  await db.knex().raw(`insert into musehub_gc_plan_key (key)
    select sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')) on conflict do nothing`);
  return (await existingPlanKey(db))!;
}

/** The hub's key, or undefined when no plan file was ever written on this hub. */
export async function existingPlanKey(db: Database): Promise<Buffer | undefined> {
  const rows: Array<{ key: Buffer }> = (await db.knex().raw('select key from musehub_gc_plan_key')).rows;
  return rows[0]?.key;
}
