/**
 * The console's service over the demo hub: repo list, estimates, the graph's
 * states and labels, commit details and history, on every database target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, demoHubRows, seedDemoHub } from '../../src/demo/demo-hub.js';
import { createGcService } from '../../src/gc/gc-service.js';
import { topologicalOrder } from '../../src/gc/graph.js';
import { findRepo } from '../../src/gc/repo.js';
import type { Estimate, GcService, GraphCommit } from '../../src/gc/service.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { testTargets } from '../support/databases.js';
import { BLUE_IN_GREEN, blueInGreenBytes } from '../support/demo-counts.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe.each(await testTargets())('GcService on the demo hub, $name', (target) => {
  let f: Fixture;
  let service: GcService;
  beforeAll(async () => {
    f = await createFixture(target);
    await seedDemoHub(f.db, f.store);
    service = createGcService(f.db, f.store, { graceSeconds: 3600 });
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('lists every demo repo with its branch and commit counts', async () => {
    const repos = await service.listRepos();
    const names = repos.map((repo) => `${repo.owner}/${repo.slug}`);
    expect(names).toEqual(expect.arrayContaining([DEMO.forcePushed, DEMO.fork, DEMO.clean, DEMO.corrupt]));
    const forcePushed = repos.find((repo) => `${repo.owner}/${repo.slug}` === DEMO.forcePushed)!;
    expect(forcePushed.commits).toBeGreaterThan(36);
    expect(forcePushed.branches).toBeGreaterThan(0);
  });

  it('estimates say what the demo hub was built to hold, are cached, and the cache is yielded first the next time', async () => {
    const repos = await service.listRepos();
    const ids = repos.map((repo) => repo.repoId);
    const first = await collect(service.estimates(ids));
    expect(first.map((e) => e.repoId).sort()).toEqual([...ids].sort());
    const forcePushed = await findRepo(f.db, DEMO.forcePushed);
    const estimate = first.find((e) => e.repoId === forcePushed.repoId)!;
    expect(estimate).toMatchObject({
      orphanCommits: BLUE_IN_GREEN.orphanedCommits,
      orphanObjects: BLUE_IN_GREEN.objectRefs,
      reclaimableBytes: blueInGreenBytes(demoHubRows(new Date())),
      // What the preview says goes, not the orphans some of which a fork keeps.
      commitsToDelete: BLUE_IN_GREEN.commits,
      objectsToDelete: BLUE_IN_GREEN.objects,
    });
    const clean = first.find((e) => e.repoId === repos.find((r) => `${r.owner}/${r.slug}` === DEMO.clean)!.repoId)!;
    expect(clean).toMatchObject({ orphanCommits: 0, reclaimableBytes: 0 });
    const corrupt = await findRepo(f.db, DEMO.corrupt);
    expect(first.find((e: Estimate) => e.repoId === corrupt.repoId)!.error).toMatch(/refused/);

    const again = await collect(service.estimates(ids));
    expect(again).toHaveLength(ids.length);
    expect(again.find((e) => e.repoId === forcePushed.repoId)).toEqual(estimate);
  });

  it('the graph tells reachable, orphaned and kept commits apart and labels the pins', async () => {
    const repo = await findRepo(f.db, DEMO.forcePushed);
    const graph = await service.graph(repo, 3600);
    const states = new Set(graph.map((commit) => commit.state));
    expect(states).toEqual(new Set(['reachable', 'orphaned', 'kept']));
    expect(graph.find((commit) => commit.labels.includes(`[${DEMO.release.tag}]`))?.state).toBe('reachable');
    expect(graph.find((commit) => commit.labels.includes(`#${DEMO.wireTag.tag}`))?.state).toBe('reachable');
    expect(graph.find((commit) => commit.labels.includes('main'))?.state).toBe('reachable');
    expect(graph.filter((commit) => commit.state === 'kept').map((c) => c.keptBecause)).toContain(
      `held by ${DEMO.fork}`,
    );
    const count = (state: string) => graph.filter((commit) => commit.state === state).length;
    expect({ reachable: count('reachable'), orphaned: count('orphaned'), kept: count('kept') }).toEqual({
      reachable: BLUE_IN_GREEN.reachableCommits,
      orphaned: BLUE_IN_GREEN.commits,
      kept: BLUE_IN_GREEN.keptForFork,
    });
    // Children come before their parents.
    const position = new Map(graph.map((commit, index) => [commit.commitId, index]));
    for (const commit of graph) {
      for (const parent of commit.parentIds) {
        if (position.has(parent)) expect(position.get(parent)!).toBeGreaterThan(position.get(commit.commitId)!);
      }
    }
  });

  it('a commit shows its snapshot files with sizes, or why it cannot', async () => {
    const repo = await findRepo(f.db, DEMO.forcePushed);
    const head = (await service.graph(repo, 3600)).find((commit) => commit.labels.includes('main'))!;
    const detail = await service.commit(head.commitId);
    expect(detail.files.length).toBeGreaterThan(0);
    expect(detail.files.every((file) => file.bytes !== null && file.bytes > 0)).toBe(true);
    const corrupt = await findRepo(f.db, DEMO.corrupt);
    const torn = (await service.graph(corrupt, 3600)).find((commit) => commit.labels.includes('main'))!;
    expect((await service.commit(torn.commitId)).manifestError).toMatch(/decode|map|invalid/);
  });

  it('history lists runs newest first', async () => {
    const repo = await findRepo(f.db, DEMO.clean);
    const plan = await service.plan(repo, { graceSeconds: 3600 });
    for await (const event of service.run({ plan, source: 'preview' }, { decide: async () => 'go', dryRun: true })) {
      expect(event.type).not.toBe('error');
    }
    for await (const event of service.run({ repo, graceSeconds: 3600 }, { decide: async () => 'go' })) {
      expect(event.type).not.toBe('error');
    }
    const runs = await service.history(repo);
    expect(runs.map((run) => run.dryRun)).toEqual([false, true]);
    expect(Date.parse(runs[0]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[1]!.startedAt));
  });

  it('history keeps per phase what stayed since the plan and why, what differed and the errors', async () => {
    const repo = await findRepo(f.db, DEMO.forcePushed);
    for await (const event of service.run({ repo, graceSeconds: 3600 }, { decide: async () => 'go', dryRun: true })) {
      expect(event.type).not.toBe('error');
    }
    const commits = (await service.history(repo))[0]!.phases.find((phase) => phase.phase === 'commits')!;
    expect(commits).toMatchObject({
      rows: BLUE_IN_GREEN.commits,
      keptSincePlan: 0,
      kept: [],
      differences: [],
      errors: [],
    });
    expect(commits.seconds).toBeGreaterThan(0);
  });
});

describe('topological order', () => {
  const commit = (id: string, parents: string[], minute: number): GraphCommit => ({
    commitId: id,
    parentIds: parents,
    state: 'reachable',
    labels: [],
    message: id,
    author: 'a',
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
  });

  it('puts children before parents even when a parent claims a later time', () => {
    const order = topologicalOrder([
      commit('root', [], 50),
      commit('a', ['root'], 1),
      commit('b', ['a'], 2),
      commit('merge', ['b', 'side'], 3),
      commit('side', ['root'], 4),
    ]).map((c) => c.commitId);
    expect(order).toEqual(['merge', 'side', 'b', 'a', 'root']);
  });
});
