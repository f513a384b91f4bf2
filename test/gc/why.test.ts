/**
 * "Why is this alive?" on a built history that has each fate: live through a branch and through a
 * release (the shortest path), kept by a push inside the grace period, by a fork's ref, by another
 * repo's wire tag, by a refused phase; deleted by phase 1 and phase 4; another repo's. Every answer
 * must agree with the plan, so the last test asks about every commit and object and compares.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from 'msgpackr';
import { findRepo } from '../../src/gc/repo.js';
import type { Plan } from '../../src/gc/types.js';
import { explainWhy, type WhyAnswer } from '../../src/gc/why.js';
import { describeWhy } from '../../src/present/why.js';
import { testTargets } from '../support/databases.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { line, loadForcePushed, OLD, RECENT, type Line } from '../support/histories.js';

const REPO = 'lowend/blue-in-green';

describe.each(await testTargets())('why on $name', (target) => {
  let f: Fixture;
  let old: Line;
  let fresh: Line;
  let gone: Line;
  let wip: Line;
  let stale: Line;
  let forkRoot: string;
  let upload: string;
  let plan: Plan;
  const why = async (id: string, repo = REPO) =>
    explainWhy(f.db, await findRepo(f.db, repo), id, { graceSeconds: 3600 });
  const said = (answer: WhyAnswer) => describeWhy(answer, Date.now())[1];

  beforeAll(async () => {
    f = await createFixture(target);
    ({ old, fresh } = await loadForcePushed(f, (hub, repoId, oldLine) => {
      hub.release(repoId, 'v1.0', 'First cut', oldLine.commits[2]!, null, hub.ago(OLD));
      gone = line(hub, repoId, 'gone', 2, { from: oldLine.commits[0] });
      stale = line(hub, repoId, 'stale', 1, { from: oldLine.commits[0] });
      wip = line(hub, repoId, 'wip', 2, { from: stale.commits[0], minutesAgo: RECENT });
      upload = hub.object(repoId, 'abandoned-upload', hub.ago(RECENT));
      const fork = hub.repo('keystrio', 'blue-in-green', 'Blue in Green (fork)', hub.ago(OLD), null);
      hub.holdCommits(fork, [oldLine.commits[3]!], hub.ago(OLD));
      hub.holdObjects(fork, [gone!.objects[0]!], hub.ago(OLD));
      forkRoot = hub.commit(fork, 'fork-root', {
        parents: [],
        message: 'own start',
        author: 'keystrio',
        at: hub.ago(OLD),
        snapshotId: null,
      });
      hub.branch(fork, 'main', forkRoot);
      const other = hub.repo('tenor', 'giant-steps', 'Giant Steps', hub.ago(OLD), null);
      hub.wireTag(other, 'borrowed-take', oldLine.commits[4]!, hub.ago(OLD));
    }));
    plan = await f.plan(REPO);
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('a commit on a branch is live through the shortest path from the branch', async () => {
    const answer = await why(old.commits[0]!);
    expect(answer).toMatchObject({ kind: 'commit', fate: 'live', path: { root: { kind: 'branch', name: 'main' } } });
    expect(answer.path!.commits).toEqual([fresh.commits[1], fresh.commits[0], old.commits[0]]);
    expect(describeWhy(answer, Date.now())[1]).toBe('via branch main → 2 parents down');
  });

  it('a commit a release reaches is live through the release', async () => {
    const answer = await why(old.commits[1]!);
    expect(answer).toMatchObject({
      fate: 'live',
      path: { root: { kind: 'release', name: 'v1.0' }, commits: [old.commits[2], old.commits[1]] },
    });
    expect(describeWhy(answer, Date.now())[1]).toBe('via release v1.0 → 1 parent down');
  });

  it('a commit only a push inside the grace period reaches is kept, by the push that reaches it', async () => {
    const answer = await why(stale.commits[0]!);
    expect(answer).toMatchObject({
      fate: 'kept',
      phase: 'commits',
      reason: 'grace',
      path: { root: { kind: 'recent', commitId: wip.commits[0] }, commits: [wip.commits[0], stale.commits[0]] },
    });
    expect(said(answer)).toMatch(/^via commit \w{12} pushed 1\dm ago, inside the grace period \(1h\) → 1 parent down$/);
    const pushed = await why(wip.commits[1]!);
    expect(pushed).toMatchObject({
      fate: 'kept',
      reason: 'grace',
      path: { root: { kind: 'recent' }, commits: [wip.commits[1]] },
    });
    expect(said(pushed)).toMatch(/^via its ref, pushed \d+m ago, inside the grace period \(1h\)$/);
  });

  it("a commit a fork holds is kept by the fork, while this repo's ref goes", async () => {
    const answer = await why(old.commits[3]!);
    expect(answer).toMatchObject({
      fate: 'kept',
      phase: 'commits',
      reason: 'other-repo',
      ref: { deleted: true },
      holders: [{ repo: 'keystrio/blue-in-green', via: 'ref' }],
    });
    expect(said(answer)).toBe("held by keystrio/blue-in-green; this repo's ref goes in phase 1 commits");
  });

  it("a commit another repo's wire tag points at is kept, pinned by that tag", async () => {
    const answer = await why(old.commits[4]!);
    expect(answer).toMatchObject({
      fate: 'kept',
      reason: 'pinned',
      holders: [{ repo: 'tenor/giant-steps', via: 'tag', name: 'borrowed-take' }],
    });
    expect(said(answer)).toBe(
      "pinned by wire tag borrowed-take of tenor/giant-steps; this repo's ref goes in phase 1 commits",
    );
  });

  it('a commit nothing keeps is deleted by phase 1, and an 8-character prefix names it', async () => {
    const answer = await why(gone.commits[1]!.slice(0, 8));
    expect(answer).toMatchObject({ id: gone.commits[1], fate: 'deleted', phase: 'commits', holders: [] });
  });

  it('a commit of another repo is not in this one, and says who holds it', async () => {
    const fork = 'keystrio/blue-in-green';
    expect(await why(forkRoot)).toMatchObject({
      fate: 'not-in-repo',
      ref: null,
      holders: expect.arrayContaining([
        { repo: fork, via: 'ref' },
        { repo: fork, via: 'branch', name: 'main' },
      ]),
    });
  });

  it('an object is live at its path in the snapshot of the commit nearest a root', async () => {
    const answer = await why(old.objects[0]!);
    expect(answer).toMatchObject({
      kind: 'object',
      fate: 'live',
      file: { path: 'old/take-0.mid', commitId: old.commits[0], snapshotId: old.snapshots[0] },
      path: { root: { kind: 'branch', name: 'main' }, commits: [fresh.commits[1], fresh.commits[0], old.commits[0]] },
    });
    expect(said(answer)).toMatch(
      /^at old\/take-0\.mid in snapshot \w{12} of commit \w{12}, via branch main → 2 parents down$/,
    );
    const released = await why(old.objects[2]!);
    expect(released).toMatchObject({
      fate: 'live',
      file: { commitId: old.commits[2] },
      path: { root: { kind: 'release', name: 'v1.0' } },
    });
  });

  it('an object only a recent push names is kept through that push', async () => {
    expect(await why(stale.objects[0]!)).toMatchObject({
      fate: 'kept',
      phase: 'refs',
      reason: 'grace',
      path: { root: { kind: 'recent' } },
      file: { path: 'stale/take-0.mid' },
    });
  });

  it('an object whose ref is inside the grace period is kept by it; one a fork holds, by the fork', async () => {
    const young = await why(upload);
    expect(young).toMatchObject({ fate: 'kept', phase: 'refs', reason: 'grace', ref: { deleted: false } });
    expect(said(young)).toMatch(/^its ref was pushed 1\dm ago, inside the grace period \(1h\)$/);
    expect(await why(gone.objects[0]!)).toMatchObject({
      fate: 'kept',
      phase: 'objects',
      reason: 'other-repo',
      ref: { deleted: true },
      holders: [{ repo: 'keystrio/blue-in-green', via: 'ref' }],
    });
  });

  it('an object nothing names is deleted by phase 4, asked by its sha256: prefix', async () => {
    const answer = await why(gone.objects[1]!.slice(0, 'sha256:'.length + 10));
    expect(answer).toMatchObject({ id: gone.objects[1], fate: 'deleted', phase: 'objects', ref: { deleted: true } });
    expect(describeWhy(answer, Date.now())[0]).toBe(
      `object ${gone.objects[1]} of ${REPO}: GC deletes it in phase 4 objects`,
    );
  });

  it('an id that names nothing, a prefix too short, and a prefix several things share each get one line', async () => {
    await expect(why('0123456789abcdef')).rejects.toThrow(/^no commit or object starts with 0123456789abcdef in /);
    await expect(why('abc')).rejects.toThrow(/is not a commit or object id: .* first 8 or more$/);
    const snapshot = gone.snapshots[1]!;
    await expect(why(snapshot.slice(0, 10))).rejects.toThrow(
      `${snapshot.slice(0, 10)} is snapshot ${snapshot}: ask about a commit that uses it, or an object it names`,
    );
    // Two commit rows no repo holds share the prefix; a third shares it with a commit of the repo, which it names.
    const insert = (id: string) =>
      f.db.knex().raw(`insert into musehub_commits (commit_id, "timestamp") values (?, now())`, [id]);
    await insert(`abcdef01${'1'.repeat(56)}`);
    await insert(`abcdef01${'2'.repeat(56)}`);
    await expect(why('abcdef01')).rejects.toThrow(
      /^abcdef01 is ambiguous: commit abcdef011+, commit abcdef012+; give more of the id$/,
    );
    await insert(`${gone.commits[1]!.slice(0, 8)}${'3'.repeat(56)}`);
    expect(await why(gone.commits[1]!.slice(0, 8))).toMatchObject({ id: gone.commits[1] });
  });

  it('agrees with the plan on every commit and object of the repo', async () => {
    const repo = await findRepo(f.db, REPO);
    const commits = await f.column('musehub_commit_refs', 'commit_id', `repo_id = '${repo.repoId}'`);
    const objects = await f.column('musehub_object_refs', 'object_id', `repo_id = '${repo.repoId}'`);
    const deleted = new Set([...plan.sets.commits, ...plan.sets.objects]);
    const answers: WhyAnswer[] = [];
    for (const id of [...commits, ...objects]) answers.push(await why(id));
    for (const answer of answers) {
      expect([answer.id, answer.fate === 'deleted']).toEqual([answer.id, deleted.has(answer.id)]);
    }
    const reachable = answers.filter((answer) => answer.kind === 'commit' && answer.fate === 'live').length;
    expect(reachable).toBe(plan.reachableCommits);
  });

  it('an object not live while a live manifest does not decode is kept by the refusal', async () => {
    let orphanObject = '';
    await f.load((hub) => {
      const repoId = hub.repo('lowend', 'torn', 'Torn', hub.ago(OLD * 2), hub.ago(OLD));
      const torn = hub.rawSnapshot('torn', pack(['not', 'a', 'map']), hub.ago(OLD));
      const head = hub.commit(repoId, 'head', {
        parents: [],
        message: 'head',
        author: 'lowend',
        at: hub.ago(OLD),
        snapshotId: torn,
      });
      hub.branch(repoId, 'main', head);
      orphanObject = hub.object(repoId, 'orphan', hub.ago(OLD));
    });
    const answer = await why(orphanObject, 'lowend/torn');
    expect(answer).toMatchObject({
      fate: 'kept',
      phase: 'refs',
      reason: 'refused',
      refusal: expect.stringMatching(/^live snapshot \w+ manifest is an array, not a map/),
    });
    expect(said(answer)).toMatch(/^phase 3 object refs refuses: live snapshot /);
  });
});
