/**
 * The hub's mark against each repo planned alone: on the demo hub and on a random hub of the
 * torture's model, beside a repo whose live manifest does not decode and one whose live commit's
 * parent_ids is malformed (refused phases), every repo's plan from the mark is the plan it gets
 * alone: the same sets, counts, kept-and-why, items, findings, refusals and basis.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import { markHub, type Marked } from '../../src/gc/hub/mark.js';
import { planGc } from '../../src/gc/plan.js';
import { listRepos } from '../../src/gc/repo.js';
import type { Plan, RepoIdentity } from '../../src/gc/types.js';
import { historyArb } from '../torture/arbitrary.js';
import { fileBench, loadModel } from '../torture/harness.js';
import { simulate } from '../torture/simulate.js';
import { testTargets } from '../support/databases.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';

const GRACE = 3600;

/** What a plan says, without when it was computed and how long that took. */
function planFacts(plan: Plan) {
  const { computedAt: _at, cutoff: _cutoff, profile: _profile, seconds: _seconds, sets, ...facts } = plan;
  return { ...facts, sets: Object.fromEntries(Object.entries(sets).map(([key, ids]) => [key, [...ids].sort()])) };
}

async function marked(
  f: Fixture,
  repos: readonly RepoIdentity[],
  limits?: { repos: number; rows: number },
): Promise<Marked[]> {
  const all: Marked[] = [];
  for await (const event of markHub(f.db, repos, { graceSeconds: GRACE, itemLimit: 50, limits })) {
    if (event.type === 'batch-done') all.push(...event.marked);
  }
  return all;
}

describe.each(await testTargets())('the hub mark on $name', (target) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(target);
  });
  afterEach(async () => {
    await f.reset();
  });
  afterAll(async () => {
    await f?.dispose();
  });

  /** Every repo's plan from the mark, in one batch and in batches of three, against its plan alone. */
  async function expectMarkIsEachAlone(): Promise<Plan[]> {
    const repos = (await listRepos(f.db)).map(({ repoId, owner, slug }) => ({ repoId, owner, slug }));
    const alone = new Map<string, Plan>();
    for (const repo of repos) alone.set(repo.repoId, await planGc(f.db, repo, { graceSeconds: GRACE, itemLimit: 50 }));
    for (const limits of [undefined, { repos: 3, rows: 1_000_000 }, { repos: 1_000, rows: 40 }]) {
      const plans = await marked(f, repos, limits);
      expect(plans.map(({ repo }) => repo.repoId)).toEqual(repos.map((repo) => repo.repoId));
      for (const one of plans) {
        if (!('derived' in one)) throw new Error(`${one.repo.slug} failed in the mark: ${one.error}`);
        expect(
          planFacts(one.derived.plan),
          `${one.repo.owner}/${one.repo.slug}, batches ${JSON.stringify(limits)}`,
        ).toEqual(planFacts(alone.get(one.repo.repoId)!));
      }
    }
    return [...alone.values()];
  }

  /** Makes a live commit's parent_ids unreadable: the repo's phases 1 to 4 refuse. */
  async function malformParents(repoId: string): Promise<void> {
    await f.db.knex().raw(
      `update musehub_commits set parent_ids = '{"not": "a list"}'::json where commit_id =
      (select head_commit_id from musehub_branches where repo_id = ? and head_commit_id is not null order by name limit 1)`,
      [repoId],
    );
  }

  it('plans every repo of the demo hub as each is planned alone, a corrupt manifest and malformed parents among them', async () => {
    await seedDemoHub(f.db, f.store);
    const { repo_id: malformed } = (
      await f.db.knex().raw(`select repo_id from musehub_repos where owner || '/' || slug = ?`, [DEMO.deletedBranch])
    ).rows[0];
    await malformParents(malformed);
    const plans = await expectMarkIsEachAlone();
    const named = (name: string) => plans.find((plan) => `${plan.repo.owner}/${plan.repo.slug}` === name)!;
    // The refusals are there, and the healthy neighbours still plan to delete.
    expect(named(DEMO.corrupt).phases[2]!.refused).toMatch(/live snapshot/);
    expect(named(DEMO.deletedBranch).phases[0]!.refused).toMatch(/live commit/);
    expect(named(DEMO.forcePushed).sets.commits.size).toBeGreaterThan(0);
  });

  it('plans every repo of a random hub of forks as each is planned alone', async () => {
    const [history] = fc.sample(historyArb(90), { seed: 5, numRuns: 1 });
    const hub = simulate({ ...history!, repos: 8 });
    const bench = await fileBench(f.db);
    try {
      await loadModel(bench, hub);
      await malformParents(hub.repos[1]!.id);
      const plans = await expectMarkIsEachAlone();
      expect(plans.filter((plan) => plan.phases[0]!.refused)).toHaveLength(1);
      expect(plans.some((plan) => plan.sets.commitRefs.size > 0 && plan.sets.objectRefs.size > 0)).toBe(true);
    } finally {
      await bench.close();
    }
  });
});
