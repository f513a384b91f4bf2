/**
 * A row the plan kept because another repo held it, when that repo lets go of it before
 * the run (its own GC, say, running at the same time): once this repo's ref goes too,
 * nothing names the row and no repo's GC would ever see it again, so the run takes it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { executeGc } from '../../src/gc/execute.js';
import type { GcEvent, RunResult } from '../../src/gc/types.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { loadForcePushed, OLD } from '../support/histories.js';
import { testTargets } from '../support/databases.js';

describe.each(await testTargets())('rows another repo let go of since the plan, on $name', (target) => {
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

  it("a commit the fork held at the plan goes with this repo's ref once the fork's GC let go of it", async () => {
    const { old } = await loadForcePushed(f, (hub, _repoId, old) => {
      const fork = hub.repo('keystrio', 'blue-in-green', 'Blue in Green (fork)', hub.ago(OLD), null);
      // The fork held two commits of the old chain and has moved on: in the fork they are garbage too.
      hub.holdCommits(fork, old.commits.slice(1, 3), hub.ago(OLD));
      hub.branch(
        fork,
        'main',
        hub.commit(fork, 'fork-root', {
          parents: [],
          message: 'own start',
          author: 'keystrio',
          at: hub.ago(OLD),
          snapshotId: null,
        }),
      );
    });
    const preview = await f.plan('lowend/blue-in-green');
    expect(preview.phases[0]).toMatchObject({ refs: 4, rows: 2 });

    const fork = await f.gc('keystrio/blue-in-green');
    expect(fork.result).toMatchObject({ commit_refs_deleted: 2, commits_deleted: 0 });

    let result: RunResult | undefined;
    for await (const event of executeGc(
      f,
      { plan: preview, source: 'preview' },
      { decide: async () => 'go' },
    ) as AsyncIterable<GcEvent>) {
      if (event.type === 'run-done') result = event.result;
    }
    expect(result).toMatchObject({ outcome: 'done', commit_refs_deleted: 4, commits_deleted: 4 });
    expect(result!.phases[0]!.differences).toEqual([expect.stringMatching(/^2 commits more than the plan listed/)]);
    const commits = await f.column('musehub_commits', 'commit_id');
    for (const id of old.commits.slice(1)) expect(commits).not.toContain(id);
  });
});
