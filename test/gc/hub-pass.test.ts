/**
 * The hub pass and the hub plan through the service, on the demo hub: every repo once, in
 * the estimates' order, skipping what another process holds or already collected, stopping
 * when asked, and the embedded hub's one worker.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type Database } from '../../src/db/connect.js';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import { createGcService } from '../../src/gc/gc-service.js';
import { beginPass } from '../../src/gc/hub/pass.js';
import type { HubEvent, HubPlanEvent, HubResult } from '../../src/gc/hub/types.js';
import { reposInOrder } from '../../src/gc/hub/queue.js';
import { hubPoolSize } from '../../src/gc/hub/workers.js';
import { lockRepo } from '../../src/gc/lock.js';
import { findRepo } from '../../src/gc/repo.js';
import type { GcService } from '../../src/gc/service.js';
import { Session } from '../../src/gc/session.js';
import { repoName } from '../../src/gc/types.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { testTargets } from '../support/databases.js';

async function drain<E, R>(
  events: AsyncGenerator<E, R>,
  onEvent?: (event: E) => Promise<void> | void,
): Promise<{ events: E[]; result: R }> {
  const seen: E[] = [];
  for (;;) {
    const next = await events.next();
    if (next.done) return { events: seen, result: next.value };
    seen.push(next.value);
    await onEvent?.(next.value);
  }
}

const statusOf = (result: { repos: Array<{ repo: string; status: string }> }, name: string) =>
  result.repos.find((repo) => repo.repo === name)?.status;

describe.each(await testTargets())('a hub pass on $name', (target) => {
  let f: Fixture;
  /** The pass's own database on a server, with a pool for two workers, as `run --all` opens it. */
  let hubDb: Database;
  let service: GcService;
  beforeAll(async () => {
    f = await createFixture(target);
    hubDb = target.name === 'postgres' ? await openServer(f.test.url, { poolMax: hubPoolSize(2) }) : f.db;
    service = createGcService(hubDb, f.store, { graceSeconds: 3600 });
  });
  afterEach(async () => {
    await f.reset();
  });
  afterAll(async () => {
    if (hubDb !== f?.db) await hubDb?.close();
    await f?.dispose();
  });
  const seed = () => seedDemoHub(f.db, f.store);

  it('plans every repo without changing a row, caches the estimates, and then collects every repo once, most reclaimable first', async () => {
    await seed();
    const before = await f.column('musehub_commits', 'count(*)::int');
    const planned = await drain<HubPlanEvent, unknown>(service.planAll({ graceSeconds: 3600, workers: 2 }));
    const plan = planned.events.at(-1)!;
    if (plan.type !== 'hub-done') throw new Error(`the hub plan ended with ${plan.type}`);
    const repos = await service.listRepos();
    expect(plan.result.repos).toHaveLength(repos.length);
    expect(
      plan.result.repos.find((repo) => `${repo.repo.owner}/${repo.repo.slug}` === DEMO.corrupt)?.plan?.phases[2]
        ?.refused,
    ).toMatch(/live snapshot/);
    expect(plan.result.phases.map((phase) => phase.phase)).toEqual([
      'commits',
      'snapshots',
      'refs',
      'objects',
      'cache',
    ]);
    expect(await f.column('musehub_commits', 'count(*)::int')).toEqual(before);
    expect(await f.column('musehub_gc_estimates', 'count(*)::int')).toEqual([repos.length - 1]);

    const { events, result } = await drain<HubEvent, HubResult>(service.runAll({ graceSeconds: 3600, workers: 2 }));
    expect(events.filter((event) => event.type === 'notice')).toEqual(
      target.name === 'pglite' ? [expect.objectContaining({ message: expect.stringMatching(/one connection/) })] : [],
    );
    expect(events.find((event) => event.type === 'hub-start')).toMatchObject({ total: repos.length });
    expect(events.at(-1)).toMatchObject({ type: 'hub-done', result });
    expect(result.outcome).toBe('done');
    expect(result.repos.map((repo) => repo.status).sort()).toEqual(repos.map(() => 'done'));
    // The largest estimate first; the corrupt repo, whose estimate is not cached, among the last.
    const largest = plan.result.repos
      .filter((repo) => repo.plan)
      .sort(
        (a, b) =>
          b.plan!.phases[3]!.bytes + b.plan!.phases[4]!.bytes - a.plan!.phases[3]!.bytes - a.plan!.phases[4]!.bytes,
      )[0]!;
    expect(result.repos[0]!.repo_id).toBe(largest.repo.repoId);
    expect(result.totals.refused_phases).toBe(1);
    expect(result.totals.commits_deleted).toBe(
      result.repos.reduce((sum, repo) => sum + repo.result!.commits_deleted, 0),
    );
    expect(result.totals.commits_deleted).toBe(plan.result.phases[0]!.rows);
    const runs = await f.column('musehub_gc_runs', 'repo_id');
    expect(runs).toHaveLength(repos.length);
    expect(new Set(runs).size).toBe(repos.length);
  });

  it('skips a repo collected since the pass began, and one collected since an earlier pass it joined began', async () => {
    await seed();
    const first =
      target.name === 'postgres' ? await beginPass(f.db, { workers: 1, dryRun: false, graceSeconds: 3600 }) : undefined;
    try {
      // Collected by "another process of the pass" before this process began its own.
      if (first) await f.gc(DEMO.fork);
      let collectedMeanwhile = false;
      const { result } = await drain(service.runAll({ graceSeconds: 3600, workers: 1 }), async (event) => {
        if (event.type !== 'hub-start' || collectedMeanwhile) return;
        collectedMeanwhile = true;
        if (first) expect(event.pass.since).toBe(first.since);
        await f.gc(DEMO.clean);
      });
      expect(statusOf(result, DEMO.clean)).toBe('collected');
      expect(result.repos.find((repo) => repo.repo === DEMO.clean)?.detail).toMatch(
        /^collected in this pass already: run /,
      );
      if (first) expect(statusOf(result, DEMO.fork)).toBe('collected');
      expect(statusOf(result, DEMO.forcePushed)).toBe('done');
    } finally {
      await first?.end('done', 0);
    }
  });

  it("collects only the repos it is given, in the pass's order and under its rule of once, and no other", async () => {
    await seed();
    await drain(service.planAll({ graceSeconds: 3600, workers: 2 }));
    const repos = await service.listRepos();
    const named: string[] = [DEMO.clean, DEMO.fork, DEMO.forcePushed, DEMO.abandonedUpload];
    const idOf = (name: string) => repos.find((repo) => `${repo.owner}/${repo.slug}` === name)!.repoId;
    // The order a pass over every repo takes, of which this one is given a few (not in that order).
    const inPassOrder = (await reposInOrder(f.db)).map(repoName).filter((name) => named.includes(name));
    expect(inPassOrder).not.toEqual(named);

    let collectedMeanwhile = false;
    const { events, result } = await drain(
      service.runAll({ graceSeconds: 3600, workers: 2, repoIds: named.map(idOf) }),
      async (event) => {
        if (event.type !== 'hub-start' || collectedMeanwhile) return;
        collectedMeanwhile = true;
        await f.gc(DEMO.clean);
      },
    );
    const start = events.find((event) => event.type === 'hub-start');
    expect(start).toMatchObject({ total: named.length });
    expect(start?.type === 'hub-start' && start.repos.map(repoName)).toEqual(inPassOrder);
    expect(result.repos.map((repo) => repo.repo)).toEqual(inPassOrder);
    expect(statusOf(result, DEMO.clean)).toBe('collected');
    for (const name of [DEMO.fork, DEMO.forcePushed, DEMO.abandonedUpload]) expect(statusOf(result, name)).toBe('done');
    expect(result.totals.repos).toBe(named.length);
    // A run each of the three it collected and of the one collected meanwhile; none of any other repo.
    expect(await f.column('musehub_gc_runs', 'repo_id')).toEqual(named.map(idOf).sort());
  });

  it('takes no new repo once stopped; the one in flight finishes', async () => {
    await seed();
    const stop = new AbortController();
    const { result } = await drain(service.runAll({ graceSeconds: 3600, workers: 1, stop: stop.signal }), (event) => {
      if (event.type === 'repo-start') stop.abort();
    });
    expect(result.outcome).toBe('stopped');
    expect(result.repos[0]!.status).toBe('done');
    expect(result.repos.slice(1).every((repo) => repo.status === 'not-started')).toBe(true);
  });

  it('ends its pass when the consumer leaves early, the repo in flight finished and its lock let go', async () => {
    await seed();
    let done = 0;
    for await (const event of service.runAll({ graceSeconds: 3600, workers: 1 })) {
      if (event.type === 'repo-done' && ++done === 2) break;
    }
    expect(await f.column('musehub_gc_passes', 'outcome')).toEqual(['stopped']);
    expect(await f.column('musehub_gc_runs', 'outcome')).toEqual(['done', 'done']);
    const { result } = await drain(service.runAll({ graceSeconds: 3600, workers: 2 }));
    expect(result.repos.every((repo) => repo.status === 'done')).toBe(true);
  });

  if (target.name === 'pglite') {
    it('works with one worker on the embedded hub, and says so once', async () => {
      await seed();
      const { events } = await drain(service.runAll({ graceSeconds: 3600, workers: 3, dryRun: true }));
      expect(events.filter((event) => event.type === 'notice')).toEqual([
        { type: 'notice', message: 'the embedded hub has one connection: 1 worker, not 3' },
      ]);
      expect(events.find((event) => event.type === 'hub-start')).toMatchObject({ pass: { workers: 1 } });
    });
  }

  if (target.name === 'postgres') {
    it('skips a repo whose GC lock another session holds, naming the holder', async () => {
      await seed();
      const session = await Session.open(f.db);
      const unlock = await lockRepo(session, 'server', await findRepo(f.db, DEMO.forcePushed));
      try {
        const { result } = await drain(service.runAll({ graceSeconds: 3600, workers: 2 }));
        const held = result.repos.find((repo) => repo.repo === DEMO.forcePushed)!;
        expect(held).toMatchObject({ status: 'claimed' });
        expect(held.detail).toMatch(new RegExp(`backend pid ${session.backendPid}`));
        expect(result.totals.statuses.claimed).toBe(1);
      } finally {
        await unlock();
        await session.close();
      }
    });
  }
});
