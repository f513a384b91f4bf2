/**
 * A hub whose commits are many, with nothing leading from a snapshot to its commits, hears
 * once a pass that each repo's run reads them all, and how MuseHub's owners can change that; with
 * the index in place, or a small hub, it hears nothing. (A hub plan counts them once a batch, and
 * says nothing.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHub } from '../../src/demo/demo-hub.js';
import { createGcService } from '../../src/gc/gc-service.js';
import { COMMITS_WORTH_AN_INDEX, snapshotIndexNotice } from '../../src/gc/hub/snapshot-index.js';
import type { HubEvent } from '../../src/gc/hub/types.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { testTargets } from '../support/databases.js';

const ADVICE =
  /^musehub_commits has no index on snapshot_id, .* all of the hub's [\d,]+ commits: a pass costs repos x commits\. .*create index concurrently on musehub_commits \(snapshot_id\)/;

describe.each(await testTargets())('the missing snapshot index on $name', (target) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(target);
    await seedDemoHub(f.db, f.store);
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const notices = async () => {
    const service = createGcService(f.db, f.store, { graceSeconds: 3600 });
    const said: string[] = [];
    for await (const event of service.runAll({
      graceSeconds: 3600,
      workers: 1,
      dryRun: true,
    }) as AsyncIterable<HubEvent>) {
      if (event.type === 'notice') said.push(event.message);
    }
    return said.filter((message) => message.startsWith('musehub_commits'));
  };

  it('is said by a hub pass only once the hub holds many commits, counting them', async () => {
    await f.db.knex().raw('analyze musehub_commits');
    expect(await notices()).toEqual([]);
    // Commits no repo holds cost every repo's snapshot phase all the same.
    await f.db.knex().raw(
      `
      insert into musehub_commits (commit_id, "timestamp", snapshot_id)
      select encode(sha256(('loose ' || n)::bytea), 'hex'), now(), null from generate_series(1, ?) as n`,
      [COMMITS_WORTH_AN_INDEX],
    );
    await f.db.knex().raw('analyze musehub_commits');
    const said = await notices();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(ADVICE);
  });

  it('is not said once an index leads from snapshot_id, and a partial one does not count', async () => {
    expect(await snapshotIndexNotice(f.db, 0)).toMatch(ADVICE);
    await f.db
      .knex()
      .raw('create index test_partial_snapshot on musehub_commits (snapshot_id) where snapshot_id is null');
    expect(await snapshotIndexNotice(f.db, 0)).toMatch(ADVICE);
    await f.db.knex().raw('create index test_snapshot on musehub_commits (snapshot_id)');
    expect(await snapshotIndexNotice(f.db, 0)).toBeUndefined();
    expect(await notices()).toEqual([]);
  });
});
