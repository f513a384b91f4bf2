/**
 * The change-ticket workflow: a plan saved to a file, applied later exactly as it
 * lists, or refused with nothing deleted. On every database target.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { pack } from 'msgpackr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGcService } from '../../src/gc/gc-service.js';
import { IdList } from '../../src/gc/packed-ids.js';
import { loadPlan, savePlan } from '../../src/gc/plan-file.js';
import { existingPlanKey } from '../../src/gc/plan-key.js';
import { emptySets } from '../../src/gc/phases/catalog.js';
import type { GcService } from '../../src/gc/service.js';
import type { GcEvent, Plan, RunResult } from '../../src/gc/types.js';
import { testTargets } from '../support/databases.js';
import { createFixture, type Fixture } from '../support/gc-fixture.js';
import { loadForcePushed, OLD } from '../support/histories.js';

const DAY = 86400;
const REPO = 'lowend/blue-in-green';

/** `head` with a SHA-256 digest of it after: what anyone can write without the hub's key. */
const sealed = (head: Uint8Array) => Buffer.concat([head, createHash('sha256').update(head).digest()]);

describe.each(await testTargets())('a saved plan on $name', (target) => {
  let f: Fixture;
  let service: GcService;
  let dir: string;
  beforeAll(async () => {
    f = await createFixture(target);
    service = createGcService(f.db, f.store, { graceSeconds: 3600 });
    dir = mkdtempSync(join(tmpdir(), 'mhgc-plans-'));
  });
  afterEach(async () => {
    await f.reset();
  });
  afterAll(async () => {
    await f?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function saved(name = 'plan.gcplan'): Promise<{ plan: Plan; path: string }> {
    const plan = await service.plan(await service.findRepo(REPO), { graceSeconds: 3600 });
    const path = join(dir, name);
    await service.savePlan(plan, path);
    return { plan, path };
  }

  async function apply(plan: Plan): Promise<{ result: RunResult; events: GcEvent[] }> {
    const events: GcEvent[] = [];
    const run = service.run({ plan, source: 'file', graceSeconds: 3600 }, { decide: async () => 'go' });
    for (;;) {
      const next = await run.next();
      if (next.done) return { result: next.value, events };
      events.push(next.value);
    }
  }

  /** Every row of the tables GC prunes, to show that nothing changed. */
  const everything = () =>
    Promise.all(
      [
        'musehub_commits',
        'musehub_commit_refs',
        'musehub_snapshots',
        'musehub_objects',
        'musehub_object_refs',
        'musehub_fetch_mpack_cache',
      ].map((table) => f.column(table, `${table}::text`)),
    );

  it('carries every set whole, and on an unchanged hub applies exactly what it lists, derived again', async () => {
    const { old, fresh } = await loadForcePushed(f);
    const { plan, path } = await saved();
    const loaded = await service.loadPlan(path, { maxAgeSeconds: DAY });
    for (const key of ['commitRefs', 'commits', 'snapshots', 'objectRefs', 'objects', 'cacheRows'] as const) {
      expect([...loaded.sets[key]].sort()).toEqual([...plan.sets[key]].sort());
    }
    expect([...loaded.sets.commits].sort()).toEqual(old.commits.slice(1).sort());
    expect(loaded).toMatchObject({ repo: plan.repo, cutoff: plan.cutoff, hub: service.hub, basis: plan.basis });
    // Who made it, where, with which version: signed with the rest.
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(loaded.madeBy).toEqual({ user: userInfo().username, host: hostname(), tool: `musehub-gc ${version}` });
    expect(plan.madeBy).toBeUndefined();

    const { result } = await apply(loaded);
    expect(result).toMatchObject({
      outcome: 'done',
      plan: { source: 'file', rederived: true },
      commits_deleted: 4,
      commit_refs_deleted: 4,
      snapshots_deleted: 4,
      object_refs_deleted: 4,
      objects_deleted: 4,
    });
    expect(await f.column('musehub_commits', 'commit_id')).toEqual([old.commits[0], ...fresh.commits].sort());
    for (const objectId of old.objects.slice(1)) expect(await f.store.exists({ id: objectId })).toBe(false);
  });

  it('on a hub changed since, deletes only what it lists and is still garbage, and says what it kept and why', async () => {
    let repoId!: string;
    const { old, fresh } = await loadForcePushed(f, (_hub, id) => {
      repoId = id;
    });
    const { path } = await saved();
    // Since the plan: a release pins old[3] (so old[1..3] are live again), and main moves back a
    // commit, which leaves fresh[1] orphaned: new garbage the file does not list.
    await f.db.knex().raw(
      `insert into musehub_releases (release_id, repo_id, tag, commit_id, snapshot_id, created_at)
      values ('00000000-0000-4000-8000-00000000aaaa', ?, 'v0.9', ?, ?, now() - interval '${OLD} minutes')`,
      [repoId, old.commits[3]!, old.snapshots[3]!],
    );
    await f.db
      .knex()
      .raw('update musehub_branches set head_commit_id = ? where repo_id = ?', [fresh.commits[0]!, repoId]);

    const loaded = await service.loadPlan(path, { maxAgeSeconds: DAY });
    // Before anyone confirms: what the file lists against what of it is garbage now, and why the rest is not.
    const before = await everything();
    const drift = await service.comparePlan(loaded, { graceSeconds: 3600 });
    expect(await everything()).toEqual(before);
    expect(drift.phases.map(({ phase, listed, now }) => [phase, listed.refs, listed.rows, now.refs, now.rows])).toEqual(
      [
        ['commits', 4, 4, 1, 1],
        ['snapshots', 0, 4, 0, 1],
        ['refs', 4, 0, 1, 0],
        ['objects', 0, 4, 0, 1],
        ['cache', 0, 0, 0, 0],
      ],
    );
    // The run's own words for what it keeps of the file (narrow.ts), said before it runs.
    expect(drift.phases[0]!.noLongerGarbage.map((kept) => kept.detail)).toEqual([
      '3 commits live again: a push since the plan reaches them',
      '3 commits still referenced by this repo',
      '1 commit a branch, release or wire tag points at',
    ]);
    // main moved back a commit: that commit, its snapshot and its object are new garbage the file leaves.
    const stays = 'became garbage since the plan; they stay until it is planned again';
    expect(drift.notes).toEqual([
      `phase commits: 1 more commit ref ${stays}`,
      `phase commits: 1 more commit ${stays}`,
      `phase snapshots: 1 more snapshot ${stays}`,
      `phase refs: 1 more object ref ${stays}`,
      `phase objects: 1 more object ${stays}`,
    ]);

    const { result, events } = await apply(loaded);
    expect(result.plan).toMatchObject({ source: 'file', rederived: true });
    expect(result).toMatchObject({ outcome: 'done', commits_deleted: 1, commit_refs_deleted: 1 });
    expect(await f.column('musehub_commits', 'commit_id')).toEqual(
      [...old.commits.slice(0, 4), ...fresh.commits].sort(),
    );
    expect(result.phases[0]!.kept).toContainEqual(expect.objectContaining({ reason: 'live', count: 3 }));
    const warnings = events.flatMap((event) => (event.type === 'warning' ? [event.message] : []));
    expect(warnings.join('\n')).toMatch(/the hub changed since the plan file was written/);
    expect(warnings.join('\n')).toMatch(/phase commits: 1 more commit ref became garbage since the plan/);
  });

  it('prints before the run the blobs it frees: an mpack that a row expired since names stays', async () => {
    let repoId!: string;
    await loadForcePushed(f, (_hub, id) => {
      repoId = id;
    });
    const mpack = `sha256:${'c'.repeat(64)}`;
    await f.store.put({ id: mpack }, new Uint8Array(100));
    const expiredRow = (cacheId: string) =>
      f.db.knex().raw(
        `insert into musehub_fetch_mpack_cache
      (cache_id, repo_id, want_hash, mpack_id, size_bytes, expires_at)
      values (?, ?, ?, ?, 100, now() - interval '1 day')`,
        [cacheId, repoId, 'f'.repeat(64), mpack],
      );
    await expiredRow('00000000-0000-4000-8000-00000000c001');
    const { plan, path } = await saved();
    expect(plan.phases[4]).toMatchObject({ rows: 1, blobs: 1, bytes: 100 });
    // New garbage the file does not list: the row stays, and with it the blob.
    await expiredRow('00000000-0000-4000-8000-00000000c002');

    const { result, events } = await apply(await service.loadPlan(path, { maxAgeSeconds: DAY }));
    const [printed] = events.flatMap((event) => (event.type === 'plan-ready' ? [event.plan] : []));
    expect(printed!.phases[4]).toMatchObject({ rows: 1, blobs: 0, bytes: 0 });
    expect(result.phases[4]).toMatchObject({ status: 'done', rows: 1, blobs: 0, bytes: 0 });
    expect(printed!.phases[3]!.bytes).toBe(result.phases[3]!.bytes);
    expect(await f.store.exists({ id: mpack })).toBe(true);
  });

  it(
    'refuses, deleting nothing, a file that is truncated, damaged, unsigned, not a plan, of another format, ' +
      'hub or repo, dated ahead, or too old',
    async () => {
      await loadForcePushed(f);
      const { plan, path } = await saved();
      const before = await everything();
      const file = readFileSync(path);
      const write = (name: string, bytes: Uint8Array) => {
        writeFileSync(join(dir, name), bytes);
        return join(dir, name);
      };
      const load = (file: string, maxAgeSeconds = DAY) => service.loadPlan(file, { maxAgeSeconds });

      await expect(load(write('short.gcplan', file.subarray(0, file.length - 100)))).rejects.toMatchObject({
        kind: 'refused',
        message: expect.stringMatching(/truncated or damaged \(its SHA-256 digest does not match/),
      });
      await expect(load(write('stub.gcplan', file.subarray(0, 40)))).rejects.toThrow(/it is truncated \(shorter than/);
      const damaged = Buffer.from(file);
      damaged[Math.floor(damaged.length / 2)]! ^= 0x01;
      await expect(load(write('damaged.gcplan', damaged))).rejects.toThrow(/truncated or damaged/);
      // Edited, with the digest made again: only the key could sign it.
      const edited = Buffer.from(file.subarray(0, file.length - 32));
      edited[Math.floor(edited.length / 2)]! ^= 0x01;
      await expect(load(write('edited.gcplan', sealed(edited)))).rejects.toThrow(
        /not signed with the plan key of .*: it was made on another hub, or edited/,
      );
      await expect(load(write('text.gcplan', Buffer.from('delete everything please\n')))).rejects.toThrow(
        /not a musehub-gc plan file/,
      );
      await expect(
        load(write('v99.gcplan', sealed(Buffer.from(`MUSEHUB-GC-PLAN v99\n${'x'.repeat(80)}`)))),
      ).rejects.toThrow(/format version 99, and this musehub-gc reads version 3/);
      // Version 2 did not say who made the file: refused with its own line, signed or not.
      const v2 = Buffer.from(file);
      v2.write('2', 'MUSEHUB-GC-PLAN v'.length, 'latin1');
      await expect(load(write('v2.gcplan', v2))).rejects.toThrow(
        /format version 2, and this musehub-gc reads version 3: plan the repo again/,
      );
      // Version 1 wrote no signature: refused, whatever it holds.
      const v1 = sealed(Buffer.concat([Buffer.from('MUSEHUB-GC-PLAN\n'), pack({ version: 1, plan: {}, sets: {} })]));
      await expect(load(write('v1.gcplan', v1))).rejects.toThrow(
        /format version 1, and this musehub-gc reads version 3: plan the repo again/,
      );

      const ahead = new Date(Date.parse(plan.computedAt) + 5 * 60_000).toISOString();
      await savePlan({ ...plan, computedAt: ahead }, join(dir, 'ahead.gcplan'), (await existingPlanKey(f.db))!);
      await expect(load(join(dir, 'ahead.gcplan'))).rejects.toThrow(
        new RegExp(`dated ${ahead}, ahead of this hub's clock .* plan lowend/blue-in-green again`),
      );
      await savePlan(plan, join(dir, 'other-key.gcplan'), randomBytes(32));
      await expect(load(join(dir, 'other-key.gcplan'))).rejects.toThrow(/not signed with the plan key/);

      await service.savePlan(
        { ...plan, hub: { hubId: 'another-hub', label: 'prod.internal:5432/musehub' } },
        join(dir, 'other-hub.gcplan'),
      );
      await expect(load(join(dir, 'other-hub.gcplan'))).rejects.toThrow(/made on another hub \(prod\.internal/);
      await service.savePlan(
        { ...plan, repo: { repoId: 'no-such-repo', owner: 'gone', slug: 'away' } },
        join(dir, 'other-repo.gcplan'),
      );
      await expect(load(join(dir, 'other-repo.gcplan'))).rejects.toThrow(
        /its repo gone\/away \(no-such-repo\) is not in/,
      );
      await expect(load(path, 0)).rejects.toThrow(/longer than --max-plan-age 0s: plan lowend\/blue-in-green again/);

      expect(await everything()).toEqual(before);
    },
  );
});

describe("a plan file's sets", () => {
  const hex = (n: number) => createHash('sha256').update(`commit ${n}`).digest('hex');
  const object = (n: number) => `sha256:${createHash('sha256').update(`object ${n}`).digest('hex')}`;

  it('come back as they went: a set inside another (as a bitmap) with members outside it, and odd ids', async () => {
    const sets = emptySets();
    const refs = [...Array.from({ length: 20 }, (_, n) => hex(n)), 'NOT-A-COMMIT-ID'];
    const commits = [hex(3), hex(17), 'NOT-A-COMMIT-ID', hex(99), 'odd only here'];
    sets.commitRefs = IdList.of('hex', refs);
    sets.commits = IdList.of('hex', commits);
    sets.objectRefs = IdList.of('sha256', [object(1), object(2), 'sha256:short']);
    sets.objects = IdList.of('sha256', [object(2), 'sha256:short']);
    sets.snapshots = IdList.of('hex', [hex(5)]);
    const hub = { hubId: 'hub-test', label: 'a test hub' };
    const plan = {
      hub,
      repo: { repoId: 'r', owner: 'o', slug: 's' },
      computedAt: new Date().toISOString(),
      graceSeconds: 0,
      cutoff: new Date().toISOString(),
      reachableCommits: 0,
      orphanedCommits: 0,
      phases: [],
      findings: [],
      basis: { roots: 'r', work: 'w', absent: [] },
      sets,
      profile: {},
      seconds: 0,
    } satisfies Plan;
    const dir = mkdtempSync(join(tmpdir(), 'mhgc-sets-'));
    const key = randomBytes(32);
    try {
      await savePlan(plan, join(dir, 'p.gcplan'), key);
      const loaded = await loadPlan(join(dir, 'p.gcplan'), {
        hub,
        key,
        now: new Date().toISOString(),
        maxAgeSeconds: DAY,
      });
      const ids = (list: IdList) => [...list].sort();
      expect(ids(loaded.sets.commitRefs)).toEqual([...refs].sort());
      expect(ids(loaded.sets.commits)).toEqual([...commits].sort());
      expect(ids(loaded.sets.objectRefs)).toEqual([object(1), object(2), 'sha256:short'].sort());
      expect(ids(loaded.sets.objects)).toEqual([object(2), 'sha256:short'].sort());
      expect(ids(loaded.sets.snapshots)).toEqual([hex(5)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
