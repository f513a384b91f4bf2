/**
 * Which store keys MuseHub's rows name (GC-RULES, Storage): an object row by its object_id's
 * key or by its storage_uri, a fetch-pack cache row by its mpack_id's key. A key no row
 * names is a stray; the sweep deletes strays, and only strays.
 */
import type { Session } from '../session.js';

/** keyForId in SQL: `objects/` and the id with its first `:` made `_`. */
export function keyOfIdSql(column: string): string {
  return `('objects/' || case when strpos(${column}, ':') > 0
    then overlay(${column} placing '_' from strpos(${column}, ':') for 1) else ${column} end)`;
}

/**
 * The keys among `keys` that a row names now; `uris[i]` is the storage_uri that would name
 * `keys[i]` (BlobStore.uriOf). A batch's worth of keys against whole tables: each table is
 * scanned once, the batch hashed.
 */
export async function keysNamedByRows(
  session: Session,
  keys: readonly string[],
  uris: readonly string[],
): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await session.rows<{ key: string }>(
    `
    select ${keyOfIdSql('o.object_id')} as key from musehub_objects o where ${keyOfIdSql('o.object_id')} = any(?::text[])
    union
    select k.key from unnest(?::text[], ?::text[]) as k(key, uri) join musehub_objects o on o.storage_uri = k.uri
    union
    select ${keyOfIdSql('c.mpack_id')} from musehub_fetch_mpack_cache c where ${keyOfIdSql('c.mpack_id')} = any(?::text[])`,
    [keys, keys, uris, keys],
  );
  return rows.map((row) => row.key);
}
