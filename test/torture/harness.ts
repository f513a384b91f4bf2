/**
 * One torture case end to end: load a random hub into a real database and blob
 * store, collect its repos in turn with the engine, and compare what remains
 * with the oracle, row by row and blob by blob.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHub } from '../../src/demo/load.js';
import type { Database } from '../../src/db/connect.js';
import type { GcContext } from '../../src/gc/context.js';
import { executeGc } from '../../src/gc/execute.js';
import { planGc } from '../../src/gc/plan.js';
import { findRepo } from '../../src/gc/repo.js';
import type { GcEvent, PhaseName, RunResult } from '../../src/gc/types.js';
import { FileBlobStore } from '../../src/storage/file-store.js';
import { diffStates, readState, stateOf } from './compare.js';
import { GRACE_SECONDS, toRows, type HubModel, type UriFor } from './hub-model.js';
import { oracle } from './oracle.js';

/** A database and a blob store that cases take turns on; `reset` empties both. */
export interface Bench extends GcContext {
  /** The storage URL a child process opens the same store with. */
  storeUrl: string;
  uriFor: UriFor;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A bench on `db` with a fresh blob directory per case. */
export async function fileBench(db: Database): Promise<Bench> {
  const root = await mkdtemp(join(tmpdir(), 'mhgc-torture-'));
  const bench: Bench = {
    db,
    store: new FileBlobStore(root),
    storeUrl: `file://${root}`,
    uriFor: (key) => `local://${key}`,
    async reset() {
      await emptyTables(db);
      await rm(join(root, 'objects'), { recursive: true, force: true });
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
  return bench;
}

/**
 * Empties MuseHub's tables and the tool's own data (runs, journal, pending work…); the
 * migrations done and the hub's id are the schema's state, and stay.
 */
export async function emptyTables(db: Database): Promise<void> {
  const tables: Array<{ name: string }> = (
    await db.knex().raw(`
    select tablename as name from pg_tables where schemaname = current_schema() and tablename like 'musehub\\_%'
      and tablename not in ('musehub_gc_migrations', 'musehub_gc_hub')`)
  ).rows;
  await db.knex().raw(`truncate ${tables.map((row) => row.name).join(', ')} cascade`);
}

/** Loads a model into an empty bench. */
export async function loadModel(bench: Bench, hub: HubModel): Promise<void> {
  await bench.reset();
  await loadHub(bench.db, toRows(hub, new Date(), bench.uriFor), bench.store);
}

/** What one engine run said. */
export interface Collected {
  result: RunResult;
  events: GcEvent[];
}

/**
 * Plans a GC of one repo, then executes that plan as the console does with its preview (every phase,
 * or `phases`), answering 'go'; `onEvent` sees each event as it comes.
 */
export async function collect(
  ctx: GcContext,
  repoId: string,
  options: { onEvent?: (event: GcEvent) => Promise<void>; phases?: PhaseName[]; dryRun?: boolean } = {},
): Promise<Collected> {
  const repo = await findRepo(ctx.db, repoId);
  const plan = await planGc(ctx.db, repo, { graceSeconds: GRACE_SECONDS });
  const events: GcEvent[] = [];
  for await (const event of executeGc(
    ctx,
    { plan, source: 'preview' },
    { decide: async () => 'go', phases: options.phases, dryRun: options.dryRun },
  )) {
    events.push(event);
    await options.onEvent?.(event);
  }
  const done = events.find((e): e is Extract<GcEvent, { type: 'run-done' }> => e.type === 'run-done');
  if (!done) throw new Error(`the run of ${repoId} ended without a run-done event`);
  return { result: done.result, events };
}

/** The oracle's state after collecting `targets` in turn, and whether each refused phases 3-4. */
export function expectAfter(hub: HubModel, targets: readonly string[]) {
  let state = hub;
  const outcomes = targets.map((repoId) => {
    const outcome = oracle(state, repoId);
    state = outcome.after;
    return outcome;
  });
  return { hub: state, outcomes };
}

/** Loads `hub`, dry-runs the first target, collects `targets` in turn, and returns every difference from the oracle (empty when none). */
export async function checkCase(bench: Bench, hub: HubModel, targets: readonly number[]): Promise<string[]> {
  await loadModel(bench, hub);
  const repoIds = targets.map((t) => hub.repos[t]!.id);
  const expected = expectAfter(hub, repoIds);
  // A dry run first: the same counts as the real run, and nothing changed.
  const dry = await collect(bench, repoIds[0]!, { dryRun: true });
  const problems = resultProblems(dry.result, expected.outcomes[0]!, `${repoIds[0]} (dry run)`);
  problems.push(
    ...diffStates(stateOf(hub), await readState(bench.db, bench.store)).map((line) => `the dry run changed ${line}`),
  );
  for (const [i, repoId] of repoIds.entries()) {
    const { result } = await collect(bench, repoId);
    problems.push(...resultProblems(result, expected.outcomes[i]!, repoId));
  }
  problems.push(...diffStates(stateOf(expected.hub), await readState(bench.db, bench.store)));
  return problems;
}

/** Where a run's own report disagrees with the oracle: counts, and the refusal of phases 3-4. */
export function resultProblems(result: RunResult, expected: ReturnType<typeof oracle>, repoId: string): string[] {
  const d = expected.deleted;
  const counts: Array<[string, number, number]> = [
    ['commit_refs_deleted', result.commit_refs_deleted, d.commitRefs],
    ['commits_deleted', result.commits_deleted, d.commits],
    ['snapshots_deleted', result.snapshots_deleted, d.snapshots],
    ['object_refs_deleted', result.object_refs_deleted, d.objectRefs],
    ['objects_deleted', result.objects_deleted, d.objects],
    ['mpack_cache_deleted', result.mpack_cache_deleted, d.cache],
  ];
  const problems = counts
    .filter(([, got, want]) => got !== want)
    .map(([name, got, want]) => `run of ${repoId}: ${name} ${got}, the oracle says ${want}`);
  const refused = result.phases
    .filter((p) => p.status === 'refused')
    .map((p) => p.phase)
    .sort();
  const wantRefused = expected.refused ? ['objects', 'refs'] : [];
  if (refused.join() !== wantRefused.join()) {
    problems.push(
      `run of ${repoId}: refused phases [${refused}], the oracle says [${wantRefused}] (outcome ${result.outcome}: ${result.errors.join('; ')})`,
    );
  }
  return problems;
}
