/**
 * A hub pass in batches: repos claimed together and planned by the mark under their locks.
 * A refused repo (a corrupt manifest, malformed parents) leaves its batch's neighbours to be
 * collected; a push into a repo of the batch in flight is seen under its lock, and what it made
 * live again stays; one pass over a random hub of forks leaves what collecting each repo alone
 * leaves (the torture's oracle).
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type Database } from '../../src/db/connect.js';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import { createGcService } from '../../src/gc/gc-service.js';
import type { HubEvent, HubResult } from '../../src/gc/hub/types.js';
import { hubPoolSize } from '../../src/gc/hub/workers.js';
import { planGc } from '../../src/gc/plan.js';
import { findRepo } from '../../src/gc/repo.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { historyArb } from '../torture/arbitrary.js';
import { diffStates, readState, stateOf } from '../torture/compare.js';
import { expectAfter, fileBench, loadModel, type Bench } from '../torture/harness.js';
import { simulate } from '../torture/simulate.js';
import { testTargets } from '../support/databases.js';
import { BLUE_IN_GREEN } from '../support/demo-counts.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';

const GRACE = 3600;

describe.each(await testTargets())('a hub pass in batches on $name', (target) => {
  let f: Fixture;
  /** The pass's own database on a server, with a pool for two workers, as `run --all` opens it. */
  let hubDb: Database;
  beforeAll(async () => {
    f = await createFixture(target);
    hubDb = target.name === 'postgres' ? await openServer(f.test.url, { poolMax: hubPoolSize(2) }) : f.db;
  });
  afterEach(async () => {
    await f.reset();
  });
  afterAll(async () => {
    if (hubDb !== f?.db) await hubDb?.close();
    await f?.dispose();
  });

  async function pass(
    store: BlobStore,
    options: { workers: number; batch?: number; repoIds?: string[] },
    onEvent?: (event: HubEvent) => Promise<void>,
  ): Promise<{ events: HubEvent[]; result: HubResult }> {
    const events: HubEvent[] = [];
    const run = createGcService(hubDb, store, { graceSeconds: GRACE }).runAll({ graceSeconds: GRACE, ...options });
    for (;;) {
      const next = await run.next();
      if (next.done) return { events, result: next.value };
      events.push(next.value);
      await onEvent?.(next.value);
    }
  }
  const idOf = async (name: string) => (await findRepo(f.db, name)).repoId;

  it('collects the neighbours of a repo whose manifest does not decode and of one whose parents are malformed, in one batch', async () => {
    await seedDemoHub(f.db, f.store);
    const malformed = await idOf(DEMO.deletedBranch);
    await f.db.knex().raw(
      `update musehub_commits set parent_ids = '{"not": "a list"}'::json where commit_id =
      (select head_commit_id from musehub_branches where repo_id = ? and head_commit_id is not null order by name limit 1)`,
      [malformed],
    );
    const names = [DEMO.corrupt, DEMO.deletedBranch, DEMO.forcePushed, DEMO.abandonedUpload];
    const { result } = await pass(f.store, {
      workers: 1,
      batch: names.length,
      repoIds: await Promise.all(names.map(idOf)),
    });
    const turn = (name: string) => result.repos.find((repo) => repo.repo === name)!.result!;
    // One batch: the four plans come from one mark, made at one instant.
    expect(new Set(names.map((name) => turn(name).plan.source))).toEqual(new Set(['mark']));
    expect(new Set(names.map((name) => turn(name).plan.computed_at)).size).toBe(1);
    expect(result.repos.map((repo) => repo.status)).toEqual(['done', 'done', 'done', 'done']);
    const refused = (name: string) =>
      turn(name)
        .phases.filter((phase) => phase.status === 'refused')
        .map((phase) => phase.phase);
    expect(refused(DEMO.corrupt)).toEqual(['refs', 'objects']);
    expect(refused(DEMO.deletedBranch)).toEqual(['commits', 'snapshots', 'refs', 'objects']);
    expect(turn(DEMO.deletedBranch)).toMatchObject({ commits_deleted: 0, objects_deleted: 0 });
    expect(turn(DEMO.corrupt).commits_deleted).toBeGreaterThan(0);
    expect(turn(DEMO.forcePushed)).toMatchObject({
      commits_deleted: BLUE_IN_GREEN.commits,
      objects_deleted: BLUE_IN_GREEN.objects,
    });
    expect(turn(DEMO.abandonedUpload).objects_deleted).toBeGreaterThan(0);
  });

  it('sees a push into a repo of the batch in flight under its lock: what the push made live again stays', async () => {
    await seedDemoHub(f.db, f.store);
    const forcePushed = await findRepo(f.db, DEMO.forcePushed);
    const before = await planGc(f.db, forcePushed, { graceSeconds: GRACE, itemLimit: 1 });
    // The newest commit the plan deletes: a branch pushed onto it makes it and its ancestors live again.
    const revived = before.phases[0]!.items[0]!.id;
    const names = [DEMO.abandonedUpload, DEMO.forcePushed];
    let pushed = false;
    const { events, result } = await pass(
      f.store,
      { workers: 1, batch: 2, repoIds: await Promise.all(names.map(idOf)) },
      async (event) => {
        if (event.type !== 'repo-start' || pushed) return;
        // The batch is claimed and planned; its first repo runs: the push lands in the second.
        expect(`${event.repo.owner}/${event.repo.slug}`).toBe(DEMO.abandonedUpload);
        pushed = true;
        await f.db.knex().raw(
          `insert into musehub_branches (branch_id, repo_id, name, head_commit_id)
        values ('0b5e7a1e-0000-4000-a000-000000000001', ?, 'revived', ?)`,
          [forcePushed.repoId, revived],
        );
      },
    );
    expect(pushed).toBe(true);
    const run = result.repos.find((repo) => repo.repo === DEMO.forcePushed)!.result!;
    expect(run.plan).toMatchObject({ source: 'mark', rederived: true });
    expect(
      events.some(
        (event) =>
          event.type === 'repo-event' &&
          event.event.type === 'warning' &&
          /the hub changed since its batch was planned/.test(event.event.message),
      ),
    ).toBe(true);
    expect(run.commits_deleted).toBeLessThan(BLUE_IN_GREEN.commits);
    expect(await f.column('musehub_commits', 'commit_id', `commit_id = '${revived}'`)).toEqual([revived]);
  });

  it('collects a random hub of forks in one pass as each repo collected alone would leave it (the oracle)', async () => {
    const [history] = fc.sample(historyArb(90), { seed: 5, numRuns: 1 });
    const hub = simulate({ ...history!, repos: 8 });
    const bench: Bench = await fileBench(f.db);
    try {
      await loadModel(bench, hub);
      const expected = stateOf(
        expectAfter(
          hub,
          hub.repos.map((repo) => repo.id),
        ).hub,
      );
      const { result } = await pass(bench.store, { workers: 2, batch: 3 });
      expect(result.repos.every((repo) => repo.status === 'done')).toBe(true);
      // Forks let go of at the same instant keep their rows as pending work, which the next pass takes up.
      expect(
        diffStates(expected, await readState(bench.db, bench.store)).filter((line) => line.includes('missing')),
      ).toEqual([]);
      await pass(bench.store, { workers: 1 });
      expect(diffStates(expected, await readState(bench.db, bench.store))).toEqual([]);
    } finally {
      await bench.close();
    }
  });
});
