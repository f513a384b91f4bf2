/**
 * Collects the rows of a generated hub, table by table, with ids derived from
 * names. The demo hub and the big benchmark hubs both build through it; a big
 * build drains it every few thousand commits so rows never pile up.
 */
import { pack } from 'msgpackr';
import { blobId, bytesFor, contentId, hexId, sizeFor, uuidId } from './ids.js';
import type { HubRows } from './rows.js';

/** A file tree: path → object_id. */
export type Manifest = Record<string, string>;

const MINUTE = 60_000;

/** Sizes of generated blobs: small, so a demo hub stays light on disk. */
const OBJECT_SIZE = { min: 200, max: 4096 };
const MPACK_SIZE = { min: 2048, max: 16_384 };

export interface CommitSpec {
  parents: string[];
  message: string;
  author: string;
  at: Date;
  snapshotId: string | null;
}

export class HubBuilder {
  private rows: Required<HubRows> = emptyRows();
  private counted = 0;

  /** `now` anchors every timestamp; `withBlobs` false skips the bytes (rows keep truthful sizes). */
  constructor(
    readonly now: Date,
    readonly withBlobs = true,
  ) {}

  /** The instant `minutes` before now. */
  ago(minutes: number): Date {
    return new Date(this.now.getTime() - minutes * MINUTE);
  }

  /** Rows added since the last drain. */
  get pending(): number {
    return this.counted;
  }

  /** Hands over the rows collected so far and starts afresh. */
  drain(): HubRows {
    const rows = this.rows;
    this.rows = emptyRows();
    this.counted = 0;
    return rows;
  }

  repo(owner: string, slug: string, name: string, createdAt: Date, pushedAt: Date | null): string {
    const repoId = uuidId('repo', owner, slug);
    this.add('repos', { repoId, owner, slug, name, visibility: 'public', createdAt, pushedAt });
    return repoId;
  }

  branch(repoId: string, name: string, headCommitId: string | null): void {
    this.add('branches', { branchId: uuidId('branch', repoId, name), repoId, name, headCommitId });
  }

  /** A new object named `name`, held by `repoId`: its row, its ref and (with blobs) its bytes. */
  object(repoId: string, name: string, createdAt: Date): string {
    const objectId = blobId('object', name);
    const sizeBytes = sizeFor(objectId, OBJECT_SIZE.min, OBJECT_SIZE.max);
    this.add('objects', { objectId, sizeBytes, createdAt });
    this.add('objectRefs', { repoId, objectId, createdAt });
    if (this.withBlobs) this.add('blobs', { id: objectId, bytes: bytesFor(objectId, sizeBytes) });
    return objectId;
  }

  /** Ref rows saying `repoId` holds objects that already have rows (a fork, a shared file). */
  holdObjects(repoId: string, objectIds: Iterable<string>, createdAt: Date): void {
    for (const objectId of objectIds) this.add('objectRefs', { repoId, objectId, createdAt });
  }

  /** A snapshot of `manifest`, content-addressed by its MessagePack bytes. */
  snapshot(manifest: Manifest, createdAt: Date): string {
    const manifestBlob = pack(manifest);
    const snapshotId = contentId(manifestBlob);
    this.add('snapshots', { snapshotId, manifestBlob, createdAt });
    return snapshotId;
  }

  /** A snapshot row whose manifest is the given bytes, whatever they are (a torn write). */
  rawSnapshot(name: string, manifestBlob: Uint8Array, createdAt: Date): string {
    const snapshotId = hexId('snapshot', name);
    this.add('snapshots', { snapshotId, manifestBlob, createdAt });
    return snapshotId;
  }

  /** A new commit named `name`, held by `repoId` from `createdAt` (default: its timestamp). */
  commit(repoId: string, name: string, spec: CommitSpec, createdAt = spec.at): string {
    const commitId = hexId('commit', name);
    this.add('commits', {
      commitId,
      parentIds: spec.parents,
      message: spec.message,
      author: spec.author,
      timestamp: spec.at,
      snapshotId: spec.snapshotId,
      createdAt,
    });
    this.add('commitRefs', { repoId, commitId, createdAt });
    return commitId;
  }

  /** Ref rows saying `repoId` holds commits that already have rows (a fork). */
  holdCommits(repoId: string, commitIds: Iterable<string>, createdAt: Date): void {
    for (const commitId of commitIds) this.add('commitRefs', { repoId, commitId, createdAt });
  }

  release(
    repoId: string,
    tag: string,
    title: string,
    commitId: string | null,
    snapshotId: string | null,
    createdAt: Date,
  ): void {
    this.add('releases', {
      releaseId: uuidId('release', repoId, tag),
      repoId,
      tag,
      title,
      commitId,
      snapshotId,
      createdAt,
    });
  }

  wireTag(repoId: string, tag: string, commitId: string, createdAt: Date): void {
    this.add('wireTags', { tagId: uuidId('wire-tag', repoId, tag), repoId, commitId, tag, createdAt });
  }

  /** An mpack blob named `name` (several cache rows may name it); returns its id and size. */
  mpack(name: string): { mpackId: string; sizeBytes: number } {
    const mpackId = blobId('mpack', name);
    const sizeBytes = sizeFor(mpackId, MPACK_SIZE.min, MPACK_SIZE.max);
    if (this.withBlobs) this.add('blobs', { id: mpackId, bytes: bytesFor(mpackId, sizeBytes) });
    return { mpackId, sizeBytes };
  }

  cache(
    repoId: string,
    want: string,
    mpack: { mpackId: string; sizeBytes: number },
    createdAt: Date,
    expiresAt: Date,
  ): void {
    this.add('fetchCache', {
      cacheId: uuidId('cache', repoId, want),
      repoId,
      wantHash: hexId('want', want),
      ...mpack,
      createdAt,
      expiresAt,
    });
  }

  private add<K extends keyof HubRows>(key: K, row: NonNullable<HubRows[K]>[number]): void {
    (this.rows[key] as Array<typeof row>).push(row);
    this.counted++;
  }
}

/** A HubRows with every table empty, to fill by hand. */
export function emptyRows(): Required<HubRows> {
  return {
    repos: [],
    branches: [],
    commits: [],
    commitRefs: [],
    snapshots: [],
    objects: [],
    objectRefs: [],
    releases: [],
    wireTags: [],
    fetchCache: [],
    blobs: [],
  };
}
