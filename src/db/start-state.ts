/**
 * What opening a hub reads before anything heavy loads: whether MuseHub's tables are there, and
 * which of the tool's migrations are pending. A query or two through whatever is at hand (a bare
 * pg client, PGlite, knex), so that a command's first query goes out before MikroORM has loaded,
 * and @mikro-orm/migrations loads only when a migration is pending.
 */

/**
 * The tool's migrations, oldest first; their names are what musehub_gc_migrations records.
 * Each class loads (and @mikro-orm/migrations with it) only when it is about to run.
 */
export const TOOL_MIGRATIONS = [
  { name: '20261101-v0.1-tables', load: async () => (await import('./migrations/v0-1-tables.js')).V01Tables },
  {
    name: '20261202-journal-per-chunk',
    load: async () => (await import('./migrations/journal-per-chunk.js')).JournalPerChunk,
  },
  { name: '20261215-checks', load: async () => (await import('./migrations/checks.js')).Checks },
  { name: '20261220-sweeps', load: async () => (await import('./migrations/sweeps.js')).Sweeps },
  { name: '20261222-hub-passes', load: async () => (await import('./migrations/hub-passes.js')).HubPasses },
  {
    name: '20261223-estimate-deletes',
    load: async () => (await import('./migrations/estimate-deletes.js')).EstimateDeletes,
  },
  { name: '20261223-journal-store', load: async () => (await import('./migrations/journal-store.js')).JournalStore },
  { name: '20261230-plan-key', load: async () => (await import('./migrations/plan-key.js')).PlanKey },
] as const;

/** Runs one SQL statement without parameters and resolves to its rows. */
export type RunSql = (sql: string) => Promise<Array<Record<string, unknown>>>;

export interface StartState {
  /** Which of the tables asked about are missing. */
  missing: string[];
  /** The tool's migrations not yet applied, oldest first. */
  pending: string[];
  /** The hub's id, once every migration is applied. */
  hubId: string | undefined;
}

/** Reads which of `tables` exist, then the tool's migrations against TOOL_MIGRATIONS, and the hub's id. */
export async function readStartState(run: RunSql, tables: readonly string[]): Promise<StartState> {
  const names = [...tables, 'musehub_gc_migrations'];
  // The names are this program's constants, never input: a literal array keeps it one plain statement.
  const literal = `array[${names.map((name) => `'${name}'`).join(', ')}]`;
  const present = new Set(
    (await run(`select name from unnest(${literal}) as name where to_regclass(name) is not null`)).map((row) =>
      String(row.name),
    ),
  );
  const missing = tables.filter((table) => !present.has(table));
  const applied = present.has('musehub_gc_migrations')
    ? new Set((await run('select name from musehub_gc_migrations')).map((row) => String(row.name)))
    : new Set<string>();
  const pending = TOOL_MIGRATIONS.map((migration) => migration.name).filter((name) => !applied.has(name));
  if (missing.length > 0 || pending.length > 0) return { missing, pending, hubId: undefined };
  const [hub] = await run('select hub_id from musehub_gc_hub where singleton');
  return { missing, pending, hubId: hub === undefined ? undefined : String(hub.hub_id) };
}
