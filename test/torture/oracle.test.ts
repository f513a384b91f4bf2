/**
 * The oracle against hand-built hubs, one per rule of GC-RULES, and a few
 * properties that must hold of it on any random hub.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/gc/manifest.js';
import { caseArb } from './arbitrary.js';
import { CORRUPT_FORMS, manifestBytes, type HubModel } from './hub-model.js';
import { oracle } from './oracle.js';
import { simulate, type Action, type History } from './simulate.js';

type Push = Extract<Action, { kind: 'push' }>;
const push = (over: Partial<Push> = {}): Push => ({
  kind: 'push',
  repo: 0,
  branch: 0,
  commits: 1,
  files: [1],
  merge: null,
  shareSnapshot: null,
  corrupt: null,
  missingSnapshot: false,
  shallow: false,
  inflight: false,
  ...over,
});
const hubOf = (old: Action[], recent: Action[] = [], repos = 1): HubModel =>
  simulate({ repos, old, recent } satisfies History);
const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();
const refsOf = (hub: HubModel, repo: number) =>
  hub.commitRefs
    .filter((r) => r.repoId === hub.repos[repo]!.id)
    .map((r) => r.id)
    .sort();

describe('the oracle', () => {
  it('collects what a force push left behind, with its snapshots, objects and blobs', () => {
    const hub = hubOf([push({ commits: 3, files: [1, 2] }), { kind: 'force-push', repo: 0, branch: 0, back: 2 }]);
    const [c0, c1, c2] = hub.commits;
    const { after, deleted, refused } = oracle(hub, hub.repos[0]!.id);
    expect(refused).toBe(false);
    expect(ids(after.commits)).toEqual([c0!.id]);
    expect(ids(after.snapshots)).toEqual([c0!.snapshot]);
    // c0 wrote two objects; c1 and c2 rewrote both paths with two new objects each.
    expect(deleted).toEqual({ commitRefs: 2, commits: 2, snapshots: 2, objectRefs: 4, objects: 4, cache: 0 });
    expect(after.objects.map((o) => o.key).sort()).toEqual(after.blobs);
    expect([c1, c2].every((c) => !after.commitRefs.some((r) => r.id === c!.id))).toBe(true);
  });

  it("keeps rows a fork still references, deleting only the repo's own refs", () => {
    const hub = hubOf([
      push({ commits: 3 }),
      { kind: 'fork', repo: 0 },
      { kind: 'force-push', repo: 0, branch: 0, back: 2 },
    ]);
    const { after, deleted } = oracle(hub, hub.repos[0]!.id);
    expect(deleted).toEqual({ commitRefs: 2, commits: 0, snapshots: 0, objectRefs: 2, objects: 0, cache: 0 });
    expect(ids(after.commits)).toEqual(ids(hub.commits));
    expect(refsOf(after, 1)).toEqual(refsOf(hub, 1));
    expect(after.blobs).toEqual(hub.blobs);
  });

  it('treats a release or a wire tag on a force-pushed commit as a root', () => {
    const released = hubOf([
      push({ commits: 3 }),
      { kind: 'release', repo: 0, commit: 2, form: 'both' },
      { kind: 'force-push', repo: 0, branch: 0, back: 2 },
    ]);
    expect(oracle(released, released.repos[0]!.id).deleted.commits).toBe(0);
    const tagged = hubOf([
      push({ commits: 3 }),
      { kind: 'wire-tag', repo: 0, commit: 1 },
      { kind: 'force-push', repo: 0, branch: 0, back: 2 },
    ]);
    const { after } = oracle(tagged, tagged.repos[0]!.id);
    expect(ids(after.commits)).toEqual(ids(tagged.commits.slice(0, 2)));
    // A release that pins only a snapshot keeps that snapshot's objects, not its commit.
    const snapshotOnly = hubOf([
      push({ commits: 2 }),
      { kind: 'release', repo: 0, commit: 1, form: 'snapshot' },
      { kind: 'force-push', repo: 0, branch: 0, back: 1 },
    ]);
    const outcome = oracle(snapshotOnly, snapshotOnly.repos[0]!.id);
    expect(outcome.deleted).toMatchObject({ commits: 1, snapshots: 0, objectRefs: 0 });
  });

  it("keeps a snapshot another repo's commit shares, and that repo's objects", () => {
    const hub = hubOf(
      [
        push({ commits: 2, files: [4] }),
        push({ repo: 1, shareSnapshot: 1 }),
        { kind: 'force-push', repo: 0, branch: 0, back: 1 },
      ],
      [],
      2,
    );
    const { after, deleted } = oracle(hub, hub.repos[0]!.id);
    expect(deleted).toEqual({ commitRefs: 1, commits: 1, snapshots: 0, objectRefs: 1, objects: 0, cache: 0 });
    expect(ids(after.snapshots)).toEqual(ids(hub.snapshots));
  });

  it('refuses phases 3 and 4 when a live manifest is unreadable, and goes on with 1, 2 and 5', () => {
    for (const form of CORRUPT_FORMS) {
      const hub = hubOf([
        push({ commits: 3 }),
        push({ commits: 1, corrupt: form }),
        { kind: 'force-push', repo: 0, branch: 0, back: 1 },
        { kind: 'force-push', repo: 0, branch: 0, back: 1 },
        { kind: 'upload', repo: 0, count: 1, reuse: null, blob: true },
        { kind: 'cache', repo: 0, reuse: null, expired: true, blob: true },
        { kind: 'rot', snapshot: 1, form },
      ]);
      const { deleted, refused } = oracle(hub, hub.repos[0]!.id);
      expect(refused).toBe(true);
      expect(deleted).toEqual({ commitRefs: 2, commits: 2, snapshots: 2, objectRefs: 0, objects: 0, cache: 1 });
    }
  });

  it('refuses when a live commit names a snapshot that has no row', () => {
    const hub = hubOf([
      push({ missingSnapshot: true }),
      { kind: 'upload', repo: 0, count: 1, reuse: null, blob: true },
    ]);
    expect(oracle(hub, hub.repos[0]!.id)).toMatchObject({ refused: true, deleted: { objectRefs: 0 } });
  });

  it('reads a corrupt manifest of an orphaned snapshot as no reason to refuse', () => {
    const hub = hubOf([
      push({ files: [1] }),
      push({ corrupt: 'garbage', files: [2] }),
      { kind: 'force-push', repo: 0, branch: 0, back: 1 },
    ]);
    const { deleted, refused } = oracle(hub, hub.repos[0]!.id);
    expect(refused).toBe(false);
    expect(deleted).toMatchObject({ commits: 1, snapshots: 1, objectRefs: 1, objects: 1 });
  });

  it('collects abandoned uploads before the cutoff and keeps those after it', () => {
    const hub = hubOf(
      [push(), { kind: 'upload', repo: 0, count: 2, reuse: null, blob: true }],
      [{ kind: 'upload', repo: 0, count: 1, reuse: null, blob: true }],
    );
    const { after, deleted } = oracle(hub, hub.repos[0]!.id);
    expect(deleted).toMatchObject({ objectRefs: 2, objects: 2 });
    expect(after.objects.filter((o) => o.recent)).toHaveLength(1);
    expect(after.blobs).toHaveLength(2);
  });

  it('keeps what a commit pushed after the cutoff reaches, even through orphaned history', () => {
    const hub = hubOf([push({ commits: 3 }), { kind: 'force-push', repo: 0, branch: 0, back: 2 }]);
    const orphanTip = hub.commits[2]!;
    hub.commits.push({
      id: 'f'.repeat(64),
      parents: [orphanTip.id],
      snapshot: orphanTip.snapshot,
      message: 'in flight',
      recent: true,
    });
    hub.commitRefs.push({ repoId: hub.repos[0]!.id, id: 'f'.repeat(64), recent: true });
    expect(oracle(hub, hub.repos[0]!.id).deleted).toMatchObject({ commitRefs: 0, commits: 0, objectRefs: 0 });
  });

  it('keeps a commit another repo pins without a ref', () => {
    const hub = hubOf(
      [push({ commits: 2 }), { kind: 'pin', repo: 1, commit: 1 }, { kind: 'force-push', repo: 0, branch: 0, back: 1 }],
      [],
      2,
    );
    const { deleted } = oracle(hub, hub.repos[0]!.id);
    expect(deleted).toMatchObject({ commitRefs: 1, commits: 0, snapshots: 0, objects: 0 });
  });

  it('deletes expired cache rows of the repo, keeping an mpack another row still names', () => {
    const hub = hubOf(
      [
        { kind: 'cache', repo: 0, reuse: null, expired: true, blob: true },
        { kind: 'cache', repo: 1, reuse: 0, expired: true, blob: true },
        { kind: 'cache', repo: 0, reuse: null, expired: false, blob: true },
        { kind: 'cache', repo: 0, reuse: null, expired: true, blob: true },
      ],
      [],
      2,
    );
    const { after, deleted } = oracle(hub, hub.repos[0]!.id);
    expect(deleted.cache).toBe(2);
    expect(after.cache.map((c) => c.expired)).toEqual([true, false]);
    expect(after.blobs).toEqual([...new Set(after.cache.map((c) => c.key))].sort());
  });

  it('walks past a shallow root and across merges', () => {
    const hub = hubOf([
      push({ shallow: true, commits: 2 }),
      push({ branch: 1, commits: 2 }),
      push({ merge: 1 }),
      { kind: 'delete-branch', repo: 0, branch: 1 },
    ]);
    expect(oracle(hub, hub.repos[0]!.id).deleted.commits).toBe(0);
  });

  it('encodes each corrupt form as bytes that do not read as a manifest', () => {
    for (const form of CORRUPT_FORMS) {
      const bytes = manifestBytes({ kind: 'corrupt', form, entries: [['a.mid', `sha256:${'a'.repeat(64)}`]] });
      expect(readManifest(bytes).ok, form).toBe(false);
    }
  });

  it("is idempotent, deletes no other repo's refs, and leaves no row naming a deleted blob", () => {
    fc.assert(
      fc.property(caseArb(), ({ hub, targets }) => {
        const repoId = hub.repos[targets[0]!]!.id;
        const once = oracle(hub, repoId).after;
        expect(oracle(once, repoId).deleted).toEqual({
          commitRefs: 0,
          commits: 0,
          snapshots: 0,
          objectRefs: 0,
          objects: 0,
          cache: 0,
        });
        for (const table of ['commitRefs', 'objectRefs', 'cache'] as const) {
          const others = (h: HubModel) => (h[table] as Array<{ repoId: string }>).filter((r) => r.repoId !== repoId);
          expect(others(once)).toEqual(others(hub));
        }
        const removed = new Set(hub.blobs.filter((k) => !once.blobs.includes(k)));
        expect([...once.objects, ...once.cache].filter((row) => removed.has(row.key))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
