/**
 * A plain description of a MuseHub: every row of every table GC reads, as data the
 * oracle can reason about without SQL, and the blob keys present in storage.
 * `recent` marks a row created after the GC's cutoff; everything else is old.
 */
import { createHash } from 'node:crypto';
import { pack } from 'msgpackr';
import type { HubRows } from '../../src/demo/load.js';

/** A manifest as the model knows it: readable entries, or one of the ways it can be broken. */
export type Manifest =
  | { kind: 'ok'; entries: Array<[path: string, objectId: string]> }
  | { kind: 'corrupt'; form: CorruptForm; entries: Array<[path: string, objectId: string]> };

/**
 * How a manifest is broken: bytes that do not decode, cut short, not a map, a bad id, NULL; or
 * keys that read as one entry once stringified (an integer key beside its twin str) or a path twice.
 */
export type CorruptForm =
  | 'garbage'
  | 'truncated'
  | 'not-a-map'
  | 'bad-id'
  | 'null'
  | 'colliding-keys'
  | 'duplicate-path';

export const CORRUPT_FORMS: readonly CorruptForm[] = [
  'garbage',
  'truncated',
  'not-a-map',
  'bad-id',
  'null',
  'colliding-keys',
  'duplicate-path',
];

export interface RepoModel {
  id: string;
  owner: string;
  slug: string;
}
export interface BranchModel {
  id: string;
  repoId: string;
  name: string;
  head: string | null;
}
export interface CommitModel {
  id: string;
  parents: string[];
  snapshot: string | null;
  message: string;
  recent: boolean;
}
export interface RefModel {
  repoId: string;
  id: string;
  recent: boolean;
}
export interface SnapshotModel {
  id: string;
  manifest: Manifest;
  recent: boolean;
}
export interface ObjectModel {
  id: string;
  size: number;
  recent: boolean;
  /** Whether the row's storage_uri is set (to `key`'s location in the store). */
  located: boolean;
  /** Where the blob lives in the store; not the default key only when `located`. */
  key: string;
}
export interface ReleaseModel {
  id: string;
  repoId: string;
  tag: string;
  commitId: string | null;
  snapshotId: string | null;
}
export interface WireTagModel {
  id: string;
  repoId: string;
  tag: string;
  commitId: string;
}
export interface CacheModel {
  id: string;
  repoId: string;
  mpackId: string;
  key: string;
  size: number;
  expired: boolean;
}

export interface HubModel {
  repos: RepoModel[];
  branches: BranchModel[];
  commits: CommitModel[];
  commitRefs: RefModel[];
  snapshots: SnapshotModel[];
  objects: ObjectModel[];
  objectRefs: RefModel[];
  releases: ReleaseModel[];
  wireTags: WireTagModel[];
  cache: CacheModel[];
  /** Keys present in the blob store (objects, mpacks and strays), sorted. */
  blobs: string[];
}

/** The grace period every torture run uses; old rows sit hours before it, recent ones minutes after. */
export const GRACE_SECONDS = 3600;

/** 64 lowercase hex digits derived from a label: commit and snapshot ids. */
export function hexId(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** A UUID-shaped id derived from a label: repos, branches, releases, tags, cache rows. */
export function uuidFor(label: string): string {
  const h = hexId(label);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Where a blob of this id lives when its row has no storage_uri. */
export function defaultKey(id: string): string {
  return `objects/${id.replace(':', '_')}`;
}

/** The bytes of a snapshot's manifest_blob (null for the NULL form). */
export function manifestBytes(manifest: Manifest): Uint8Array | null {
  const map = Object.fromEntries(manifest.entries);
  if (manifest.kind === 'ok') return pack(map);
  switch (manifest.form) {
    case 'garbage':
      return Uint8Array.from([0xc1, 0x93, 0x01, 0x02]);
    case 'truncated': {
      // A manifest cut short: at least one entry, so the cut always falls inside it.
      const whole = pack(manifest.entries.length > 0 ? map : { 'lost.txt': `sha256:${'0'.repeat(64)}` });
      return whole.subarray(0, Math.floor(whole.length / 2));
    }
    case 'not-a-map':
      return pack(manifest.entries.map(([, id]) => id));
    case 'bad-id':
      return pack({ ...map, 'broken.mid': `sha256:${'Z'.repeat(64)}` });
    case 'null':
      return null;
    case 'colliding-keys':
      return mapOf([[1, someId(manifest, 0)], ['1', someId(manifest, 1)], ...manifest.entries]);
    case 'duplicate-path':
      return mapOf([['twice.mid', someId(manifest, 0)], ['twice.mid', someId(manifest, 1)], ...manifest.entries]);
  }
}

/** A MessagePack map of exactly these entries, in order, whatever their keys (msgpackr packs no such map). */
function mapOf(entries: Array<[key: unknown, objectId: string]>): Uint8Array {
  const header = Buffer.alloc(5);
  header[0] = 0xdf;
  header.writeUInt32BE(entries.length, 1);
  return Buffer.concat([header, ...entries.flatMap(([key, objectId]) => [pack(key), pack(objectId)])]);
}

/** The manifest's i-th object id, or a made-up one when it names fewer. */
function someId(manifest: Manifest, i: number): string {
  return manifest.entries[i]?.[1] ?? `sha256:${String(i).repeat(64)}`;
}

/** The contents stored for a blob: small and derived from its key. */
export function blobBytes(key: string): Uint8Array {
  return new TextEncoder().encode(`blob ${key}\n`);
}

/** A deep copy, so that a run of the oracle never shares arrays with its input. */
export function cloneHub(hub: HubModel): HubModel {
  return structuredClone(hub);
}

/** One line per table with its row count: how a failing case introduces itself. */
export function describeHub(hub: HubModel): string {
  const counts = Object.entries(hub).map(([table, rows]) => `${table}=${(rows as unknown[]).length}`);
  const corrupt = hub.snapshots
    .filter((s) => s.manifest.kind === 'corrupt')
    .map((s) => s.manifest.kind === 'corrupt' && s.manifest.form);
  return `${counts.join(' ')}${corrupt.length ? ` corrupt=[${corrupt.join(',')}]` : ''}`;
}

/** How a row's storage_uri names a key in the store under test (`local://…` or `s3://bucket/…`). */
export type UriFor = (key: string) => string;

/**
 * The hub as rows for loadHub, with timestamps relative to `now`: old rows hours
 * before the cutoff, recent ones minutes after it; expired cache rows an hour ago.
 */
export function toRows(hub: HubModel, now: Date, uriFor: UriFor): HubRows {
  const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
  const when = (recent: boolean, i: number) => (recent ? minutes(-1 - (i % 20)) : minutes(-180 - i));
  const objectByKey = new Map(hub.objects.map((o) => [o.key, o]));
  const cacheByKey = new Map(hub.cache.map((c) => [c.key, c]));
  return {
    repos: hub.repos.map((r) => ({
      repoId: r.id,
      owner: r.owner,
      slug: r.slug,
      name: r.slug,
      createdAt: minutes(-1000),
    })),
    branches: hub.branches.map((b) => ({ branchId: b.id, repoId: b.repoId, name: b.name, headCommitId: b.head })),
    commits: hub.commits.map((c, i) => ({
      commitId: c.id,
      parentIds: c.parents,
      message: c.message,
      timestamp: when(c.recent, i),
      snapshotId: c.snapshot,
      createdAt: when(c.recent, i),
    })),
    commitRefs: hub.commitRefs.map((r, i) => ({ repoId: r.repoId, commitId: r.id, createdAt: when(r.recent, i) })),
    snapshots: hub.snapshots.map((s, i) => ({
      snapshotId: s.id,
      manifestBlob: manifestBytes(s.manifest),
      createdAt: when(s.recent, i),
    })),
    objects: hub.objects.map((o, i) => ({
      objectId: o.id,
      sizeBytes: o.size,
      storageUri: o.located ? uriFor(o.key) : null,
      createdAt: when(o.recent, i),
    })),
    objectRefs: hub.objectRefs.map((r, i) => ({ repoId: r.repoId, objectId: r.id, createdAt: when(r.recent, i) })),
    releases: hub.releases.map((r) => ({
      releaseId: r.id,
      repoId: r.repoId,
      tag: r.tag,
      commitId: r.commitId,
      snapshotId: r.snapshotId,
    })),
    wireTags: hub.wireTags.map((t) => ({ tagId: t.id, repoId: t.repoId, commitId: t.commitId, tag: t.tag })),
    fetchCache: hub.cache.map((c, i) => ({
      cacheId: c.id,
      repoId: c.repoId,
      wantHash: hexId(c.id),
      mpackId: c.mpackId,
      sizeBytes: c.size,
      createdAt: minutes(-300 - i),
      expiresAt: minutes(c.expired ? -60 - i : 24 * 60),
    })),
    blobs: hub.blobs.map((key) => {
      const object = objectByKey.get(key);
      const id = object?.id ?? cacheByKey.get(key)?.mpackId ?? `sha256:${key.slice('objects/sha256_'.length)}`;
      return { id, storageUri: object?.located ? uriFor(key) : null, bytes: blobBytes(key) };
    }),
  };
}
