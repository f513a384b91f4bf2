/**
 * The integrity check through the GcService: each kind of problem on a hub built to have
 * it, nothing on the demo hub's clean repos, and each result recorded as the repo's last check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemoHub } from '../../src/demo/demo-hub.js';
import type { CheckEvent, CheckReport } from '../../src/gc/check/types.js';
import { createGcService } from '../../src/gc/gc-service.js';
import type { GcService } from '../../src/gc/service.js';
import { repoName } from '../../src/gc/types.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { line, OLD } from '../support/histories.js';
import { testTargets } from '../support/databases.js';

const hex = (digit: string) => digit.repeat(64);

/** Runs a check to its end; returns the report and every event. */
async function check(
  service: GcService,
  ...args: Parameters<GcService['check']>
): Promise<{ report: CheckReport; events: CheckEvent[] }> {
  const events: CheckEvent[] = [];
  const run = service.check(...args);
  for (let next = await run.next(); ; next = await run.next()) {
    if (next.done) return { report: next.value, events };
    events.push(next.value);
  }
}

describe.each(await testTargets())('check on $name', (target) => {
  let f: Fixture;
  let service: GcService;
  beforeAll(async () => {
    f = await createFixture(target);
    service = createGcService(f.db, f.store, { graceSeconds: 3600 });
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('finds each kind of problem on a hub built to have it, with counts and ids', async () => {
    let main!: ReturnType<typeof line>;
    let borrowed!: string[];
    let malformed!: string;
    let foreign!: string;
    await f.load((hub) => {
      const at = hub.ago(OLD);
      const repoId = hub.repo('broken', 'all', 'Everything wrong', at, at);
      const upstream = hub.repo('other', 'upstream', 'Upstream', at, at);
      main = line(hub, repoId, 'main', 2);
      hub.branch(repoId, 'main', main.commits[1]!);
      // Pointers to commits that have no row.
      hub.branch(repoId, 'ghost', hex('1'));
      hub.release(repoId, 'v-ghost', 'Ghost', hex('2'), null, at);
      hub.wireTag(repoId, 'ghost-tag', hex('3'), at);
      // A commit, and a release, whose snapshot has no row.
      const noSnapshot = hub.commit(repoId, 'no-snapshot', {
        parents: [main.commits[1]!],
        message: 'x',
        author: 'a',
        at,
        snapshotId: hex('4'),
      });
      hub.branch(repoId, 'no-snapshot', noSnapshot);
      hub.release(repoId, 'v-no-snapshot', 'No snapshot', null, hex('5'), at);
      // A torn manifest on live history.
      const torn = hub.rawSnapshot('torn', new Uint8Array([0x85, 0xa1]), at);
      hub.branch(
        repoId,
        'torn',
        hub.commit(repoId, 'torn', { parents: [], message: 'x', author: 'a', at, snapshotId: torn }),
      );
      // A live manifest naming an object with no row, and one held only by another repo.
      foreign = hub.object(upstream, 'foreign', at);
      const strange = hub.snapshot({ 'missing.wav': `sha256:${hex('6')}`, 'foreign.wav': foreign }, at);
      hub.branch(
        repoId,
        'strange',
        hub.commit(repoId, 'strange', { parents: [], message: 'x', author: 'a', at, snapshotId: strange }),
      );
      // Live commits reached through another repo's commits, without this repo's refs.
      const up0 = hub.commit(upstream, 'up-0', { parents: [], message: 'x', author: 'a', at, snapshotId: null });
      const up1 = hub.commit(upstream, 'up-1', { parents: [up0], message: 'x', author: 'a', at, snapshotId: null });
      borrowed = [up0, up1];
      hub.branch(repoId, 'borrowed', up1);
      // parent_ids that say nothing about the ancestors (rewritten below).
      malformed = hub.commit(repoId, 'malformed', { parents: [], message: 'x', author: 'a', at, snapshotId: null });
      hub.branch(repoId, 'malformed', malformed);
      // A cache row whose mpack blob was never stored.
      hub.cache(repoId, 'want', { mpackId: `sha256:${hex('7')}`, sizeBytes: 10 }, at, hub.ago(-60));
    });
    await f.db.knex().raw(`update musehub_commits set parent_ids = '{"parent": 1}' where commit_id = ?`, [malformed]);
    await f.store.deleteMany([{ id: main.objects[0]! }]);

    const repo = await service.findRepo('broken/all');
    const { report, events } = await check(service, { repo }, { graceSeconds: 3600, blobs: true });
    expect(report.clean).toBe(false);
    const [result] = report.repos;
    const found = Object.fromEntries(result!.problems.map((problem) => [problem.kind, problem]));
    expect(Object.keys(found)).toEqual([
      'root-without-commit',
      'snapshot-without-row',
      'manifest-unreadable',
      'object-without-row',
      'object-without-ref',
      'commit-without-ref',
      'parents-malformed',
      'cache-blob-missing',
      'object-blob-missing',
    ]);
    expect(found['root-without-commit']).toMatchObject({
      count: 3,
      examples: [
        { id: 'branch ghost', detail: hex('1') },
        { id: 'release v-ghost', detail: hex('2') },
        { id: 'wire tag ghost-tag', detail: hex('3') },
      ],
    });
    expect(found['snapshot-without-row']!.count).toBe(2);
    expect(found['snapshot-without-row']!.examples).toEqual(
      expect.arrayContaining([
        { id: 'release v-no-snapshot', detail: hex('5') },
        expect.objectContaining({ detail: hex('4') }),
      ]),
    );
    expect(found['manifest-unreadable']).toMatchObject({
      count: 1,
      examples: [{ detail: expect.stringMatching(/does not decode/) }],
    });
    expect(found['object-without-row']).toMatchObject({ count: 1, examples: [{ id: `sha256:${hex('6')}` }] });
    expect(found['object-without-ref']).toMatchObject({ count: 1, examples: [{ id: foreign }] });
    expect(found['commit-without-ref']!.count).toBe(2);
    expect(found['commit-without-ref']!.examples.map((example) => example.id).sort()).toEqual([...borrowed].sort());
    expect(found['parents-malformed']).toMatchObject({
      count: 1,
      examples: [{ id: malformed, detail: expect.stringMatching(/not an array/) }],
    });
    expect(found['cache-blob-missing']).toMatchObject({ count: 1 });
    expect(found['object-blob-missing']).toMatchObject({ count: 1, examples: [{ id: main.objects[0] }] });
    expect(
      events.filter((event) => event.type === 'progress').map((event) => event.type === 'progress' && event.step),
    ).toEqual(expect.arrayContaining(['liveness', 'rows', 'cache blobs', 'object blobs']));

    // Recorded as the repo's last check; the upstream repo was not checked.
    expect(await service.lastCheck(repo)).toMatchObject({
      clean: false,
      blobs: true,
      problems: { 'parents-malformed': 1, 'object-blob-missing': 1 },
    });
    expect(await service.lastCheck(await service.findRepo('other/upstream'))).toBeNull();
    // Without --blobs the objects' blobs are not looked up; the cache rows' still are.
    const quick = await check(service, { repo }, { graceSeconds: 3600 });
    expect(quick.report.repos[0]!.problems.map((problem) => problem.kind)).not.toContain('object-blob-missing');
    expect(quick.report.repos[0]!.problems.map((problem) => problem.kind)).toContain('cache-blob-missing');
    await f.reset();
  });

  it("finds nothing on the demo hub but the corrupt repo's manifest, and records every repo", async () => {
    await seedDemoHub(f.db, f.store);
    const { report } = await check(service, { all: true }, { graceSeconds: 3600, blobs: true });
    const byName = new Map(report.repos.map((result) => [repoName(result.repo), result]));
    expect(byName.size).toBe((await service.listRepos()).length);
    for (const [name, result] of byName) {
      if (name === DEMO.corrupt) continue;
      expect({ name, problems: result.problems }).toEqual({ name, problems: [] });
    }
    expect(byName.get(DEMO.corrupt)!.problems).toMatchObject([{ kind: 'manifest-unreadable', count: 1 }]);
    expect(report.clean).toBe(false);
    const clean = await service.lastCheck(await service.findRepo(DEMO.clean));
    expect(clean).toMatchObject({ clean: true, blobs: true, problems: {} });
    expect(Date.parse(clean!.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});
