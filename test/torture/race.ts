/**
 * A pusher racing GC on the real server, the way MuseHub pushes: it re-references
 * commits and objects GC is deleting, builds on orphaned history, moves branch
 * heads and re-uploads blobs. Each push is one transaction; a foreign key that
 * fails (GC got there first) is a clean failure and the pusher moves on. After
 * the race, `integrityProblems` checks that no ref points at a missing row and no
 * row at a missing blob.
 */
import pg from 'pg';
import type { Database } from '../../src/db/connect.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { blobBytes, hexId, manifestBytes, type HubModel, type UriFor } from './hub-model.js';

/** A small seeded generator, so a race's pushes replay from the case's seed. */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % Math.max(n, 1);
  };
}

export interface PushTally {
  pushes: number;
  /** Pushes that failed on a foreign key: GC deleted a row they named first. */
  refused: number;
  /** Object ids and commit ids the pusher wrote, which the integrity check also knows. */
  objects: string[];
  commits: string[];
}

/** Pushes into `repoId` until `stop` resolves, calling `onPush` after each; returns what it did. */
export async function racePushes(
  databaseUrl: string,
  store: BlobStore,
  uriFor: UriFor,
  hub: HubModel,
  repoId: string,
  seed: number,
  stop: Promise<void>,
  onPush: () => void = () => {},
): Promise<PushTally> {
  const random = seededRandom(seed);
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: 'torture-pusher',
  } as pg.ClientConfig);
  await client.connect();
  const tally: PushTally = { pushes: 0, refused: 0, objects: [], commits: [] };
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  const byId = new Map(hub.commits.map((c) => [c.id, c]));
  const closure = (id: string) => {
    const seen = new Set<string>();
    for (const stack = [id]; stack.length > 0; ) {
      const next = stack.pop()!;
      if (seen.has(next) || !byId.has(next)) continue;
      seen.add(next);
      stack.push(...byId.get(next)!.parents);
    }
    return [...seen];
  };
  const branches = hub.branches.filter((b) => b.repoId === repoId);
  try {
    while (!stopped && hub.commits.length > 0) {
      const base = hub.commits[random(hub.commits.length)]!;
      const snapshot = hub.snapshots.find((s) => s.id === base.snapshot && s.manifest.kind === 'ok');
      const objectIds = [...new Set(snapshot?.manifest.entries.map(([, id]) => id) ?? [])];
      // Re-upload: a blob whose row is gone is stored again before its row is written.
      const present = new Set(
        (await client.query('select object_id from musehub_objects where object_id = any($1)', [objectIds])).rows.map(
          (row: { object_id: string }) => row.object_id,
        ),
      );
      const uploads = objectIds.filter((id) => !present.has(id) && hub.objects.some((o) => o.id === id));
      for (const id of uploads) {
        const object = hub.objects.find((o) => o.id === id)!;
        await store.put({ id, storageUri: object.located ? uriFor(object.key) : null }, blobBytes(object.key));
      }
      const commitId = hexId(`raced ${seed} ${tally.pushes}`);
      tally.pushes++;
      try {
        await client.query('begin');
        for (const id of uploads) {
          const object = hub.objects.find((o) => o.id === id)!;
          await client.query(
            'insert into musehub_objects (object_id, size_bytes, storage_uri) values ($1, $2, $3) on conflict do nothing',
            [id, object.size, object.located ? uriFor(object.key) : null],
          );
        }
        await client.query(
          `insert into musehub_object_refs (repo_id, object_id) select $1, unnest($2::text[]) on conflict do nothing`,
          [repoId, objectIds],
        );
        if (snapshot) {
          await client.query(
            'insert into musehub_snapshots (snapshot_id, manifest_blob) values ($1, $2) on conflict do nothing',
            [snapshot.id, manifestBytes(snapshot.manifest)],
          );
        }
        await client.query(
          `insert into musehub_commit_refs (repo_id, commit_id) select $1, unnest($2::text[]) on conflict do nothing`,
          [repoId, closure(base.id)],
        );
        // Half the pushes build a new commit on the chosen one, the others reset a branch to it.
        let head = base.id;
        if (random(2) === 0) {
          await client.query(
            `insert into musehub_commits (commit_id, parent_ids, "timestamp", snapshot_id) values ($1, $2, now(), $3)`,
            [commitId, JSON.stringify([base.id]), snapshot ? snapshot.id : null],
          );
          await client.query('insert into musehub_commit_refs (repo_id, commit_id) values ($1, $2)', [
            repoId,
            commitId,
          ]);
          head = commitId;
        }
        const branch = branches[random(branches.length)];
        if (branch)
          await client.query('update musehub_branches set head_commit_id = $1 where branch_id = $2', [head, branch.id]);
        await client.query('commit');
        if (head === commitId) tally.commits.push(commitId);
        tally.objects.push(...uploads);
      } catch (error) {
        await client.query('rollback');
        if ((error as { code?: string }).code !== '23503') throw error;
        tally.refused++;
      }
      onPush();
    }
  } finally {
    await client.end();
  }
  return tally;
}

/**
 * What a race may never leave: a branch head, release or wire tag naming a commit
 * that is gone, a live commit whose known parent or snapshot is gone, a live
 * snapshot naming an object that is gone, an object row whose blob is gone.
 * Known rows are those of the hub and those the pusher wrote; `lostBlobs` were
 * missing before GC ran.
 */
export async function integrityProblems(
  db: Database,
  store: BlobStore,
  hub: HubModel,
  tally: PushTally,
): Promise<string[]> {
  const q = async <T>(sql: string) => (await db.knex().raw(sql)).rows as T[];
  const commits = new Map(
    (
      await q<{ commit_id: string; parent_ids: string[]; snapshot_id: string | null }>(
        'select commit_id, parent_ids, snapshot_id from musehub_commits',
      )
    ).map((c) => [c.commit_id, c]),
  );
  const snapshots = new Set(
    (await q<{ snapshot_id: string }>('select snapshot_id from musehub_snapshots')).map((s) => s.snapshot_id),
  );
  const objects = await q<{ object_id: string; storage_uri: string | null }>(
    'select object_id, storage_uri from musehub_objects',
  );
  const objectIds = new Set(objects.map((o) => o.object_id));
  const known = new Set([...hub.commits.map((c) => c.id), ...tally.commits]);
  const knownSnapshots = new Set(hub.snapshots.map((s) => s.id));
  const knownObjects = new Set([...hub.objects.map((o) => o.id), ...tally.objects]);
  const problems: string[] = [];
  const roots = await q<{ what: string; commit_id: string }>(`
    select 'branch ' || name as what, head_commit_id as commit_id from musehub_branches where head_commit_id is not null
    union all select 'release ' || tag, commit_id from musehub_releases where commit_id is not null
    union all select 'wire tag ' || tag, commit_id from musehub_wire_tags`);
  const live = new Set<string>();
  for (const root of roots) {
    if (!commits.has(root.commit_id) && known.has(root.commit_id))
      problems.push(`${root.what} names missing commit ${root.commit_id}`);
    for (const stack = [root.commit_id]; stack.length > 0; ) {
      const id = stack.pop()!;
      const commit = commits.get(id);
      if (!commit || live.has(id)) continue;
      live.add(id);
      for (const parent of commit.parent_ids) {
        if (!commits.has(parent) && known.has(parent)) problems.push(`live commit ${id} lost its parent ${parent}`);
        stack.push(parent);
      }
      if (commit.snapshot_id && knownSnapshots.has(commit.snapshot_id) && !snapshots.has(commit.snapshot_id)) {
        problems.push(`live commit ${id} lost its snapshot ${commit.snapshot_id}`);
      }
    }
  }
  for (const id of live) {
    const snapshot = hub.snapshots.find((s) => s.id === commits.get(id)!.snapshot_id);
    for (const [, objectId] of snapshot?.manifest.kind === 'ok' ? snapshot.manifest.entries : []) {
      if (knownObjects.has(objectId) && !objectIds.has(objectId))
        problems.push(`live snapshot ${snapshot!.id} lost object ${objectId}`);
    }
  }
  const lostBefore = new Set(hub.objects.filter((o) => !hub.blobs.includes(o.key)).map((o) => o.id));
  for (const object of objects) {
    if (lostBefore.has(object.object_id) && !tally.objects.includes(object.object_id)) continue;
    const exists = await store.exists({ id: object.object_id, storageUri: object.storage_uri });
    if (!exists) problems.push(`object row ${object.object_id} names a missing blob`);
  }
  return problems;
}
