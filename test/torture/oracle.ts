/**
 * GC-RULES as a plain in-memory model, written from the rules and nothing else:
 * no SQL, no engine code. Given a hub and one repo, what remains after a GC of
 * all five phases.
 */
import type { HubModel, RefModel } from './hub-model.js';

export interface OracleOutcome {
  after: HubModel;
  /** Phases 3 and 4 refused: a live snapshot is missing or its manifest is unreadable. */
  refused: boolean;
  deleted: {
    commitRefs: number;
    commits: number;
    snapshots: number;
    objectRefs: number;
    objects: number;
    cache: number;
  };
}

export function oracle(hub: HubModel, repoId: string): OracleOutcome {
  const mine = <T extends { repoId: string }>(rows: T[]) => rows.filter((row) => row.repoId === repoId);
  const commits = new Map(hub.commits.map((c) => [c.id, c]));
  const snapshots = new Map(hub.snapshots.map((s) => [s.id, s]));
  const present = <T>(value: T | null | undefined): value is T => value != null;

  // Roots: branch heads, releases, wire tags, and commits whose ref came after the cutoff.
  const roots = [
    ...mine(hub.branches).map((b) => b.head),
    ...mine(hub.releases).map((r) => r.commitId),
    ...mine(hub.wireTags).map((t) => t.commitId),
    ...mine(hub.commitRefs)
      .filter((r) => r.recent)
      .map((r) => r.id),
  ];
  const live = new Set<string>();
  for (const stack = roots.filter(present); stack.length > 0; ) {
    const id = stack.pop()!;
    const commit = commits.get(id);
    if (!commit || live.has(id)) continue; // a missing parent ends the path
    live.add(id);
    stack.push(...commit.parents);
  }

  // 1. Commits: R's stale refs, then the rows nobody references or points at.
  const goneCommitRefs = new Set(mine(hub.commitRefs).filter((r) => !r.recent && !live.has(r.id)));
  const commitRefs = hub.commitRefs.filter((r) => !goneCommitRefs.has(r));
  const held = new Set([
    ...commitRefs.map((r) => r.id),
    ...hub.branches.map((b) => b.head),
    ...hub.releases.map((r) => r.commitId),
    ...hub.wireTags.map((t) => t.commitId),
  ]);
  const goneCommits = new Set([...goneCommitRefs].map((r) => r.id).filter((id) => !held.has(id)));
  const remainingCommits = hub.commits.filter((c) => !goneCommits.has(c.id));

  // 2. Snapshots of the deleted commits that no remaining commit and no release uses.
  const used = new Set([...remainingCommits.map((c) => c.snapshot), ...hub.releases.map((r) => r.snapshotId)]);
  const goneSnapshots = new Set(
    [...goneCommits]
      .map((id) => commits.get(id)!.snapshot)
      .filter((s): s is string => present(s) && snapshots.has(s) && !used.has(s)),
  );

  // 3-4. Object refs and objects, unless a live snapshot cannot be read.
  const liveSnapshots = [
    ...[...live].map((id) => commits.get(id)!.snapshot),
    ...mine(hub.releases).map((r) => r.snapshotId),
  ].filter(present);
  const refused = liveSnapshots.some((s) => snapshots.get(s)?.manifest.kind !== 'ok');
  const liveObjects = new Set(
    refused ? [] : liveSnapshots.flatMap((s) => snapshots.get(s)!.manifest.entries.map(([, id]) => id)),
  );
  const goneObjectRefs = new Set<RefModel>(
    refused ? [] : mine(hub.objectRefs).filter((r) => !r.recent && !liveObjects.has(r.id)),
  );
  const objectRefs = hub.objectRefs.filter((r) => !goneObjectRefs.has(r));
  const stillHeld = new Set(objectRefs.map((r) => r.id));
  const lostLastRef = new Set([...goneObjectRefs].map((r) => r.id).filter((id) => !stillHeld.has(id)));
  const goneObjects = new Set(hub.objects.filter((o) => !o.recent && lostLastRef.has(o.id)));

  // 5. Expired cache rows of R; their blobs unless a remaining row names the mpack.
  const goneCache = new Set(mine(hub.cache).filter((c) => c.expired));
  const cache = hub.cache.filter((c) => !goneCache.has(c));
  const namedKeys = new Set(cache.map((c) => c.key));
  const goneKeys = new Set([
    ...hub.objects.filter((o) => goneObjects.has(o)).map((o) => o.key),
    ...[...goneCache].map((c) => c.key).filter((key) => !namedKeys.has(key)),
  ]);

  return {
    refused,
    after: {
      ...hub,
      commits: remainingCommits,
      commitRefs,
      snapshots: hub.snapshots.filter((s) => !goneSnapshots.has(s.id)),
      objects: hub.objects.filter((o) => !goneObjects.has(o)),
      objectRefs,
      cache,
      blobs: hub.blobs.filter((key) => !goneKeys.has(key)),
    },
    deleted: {
      commitRefs: goneCommitRefs.size,
      commits: goneCommits.size,
      snapshots: goneSnapshots.size,
      objectRefs: goneObjectRefs.size,
      objects: goneObjects.size,
      cache: goneCache.size,
    },
  };
}
