/**
 * Plain row shapes for MuseHub's tables, as `loadHub` takes them: one array of
 * row objects per table, camelCase names for the snake_case columns. Optional
 * fields get the column's default (created_at: the moment the load started).
 */

export interface RepoRow {
  repoId: string;
  owner: string;
  slug: string;
  name: string;
  visibility?: string;
  defaultBranch?: string;
  pushedAt?: Date | null;
  createdAt?: Date;
  deletedAt?: Date | null;
}

export interface BranchRow {
  branchId: string;
  repoId: string;
  name: string;
  headCommitId: string | null;
}

export interface CommitRow {
  commitId: string;
  parentIds: string[];
  message?: string;
  author?: string;
  timestamp: Date;
  snapshotId: string | null;
  createdAt?: Date;
}

export interface CommitRefRow {
  repoId: string;
  commitId: string;
  createdAt?: Date;
}

export interface SnapshotRow {
  snapshotId: string;
  /** MessagePack map {path: object_id}, or any bytes at all for a corrupt one. */
  manifestBlob: Uint8Array | null;
  createdAt?: Date;
}

export interface ObjectRow {
  objectId: string;
  sizeBytes: number;
  storageUri?: string | null;
  createdAt?: Date;
}

export interface ObjectRefRow {
  repoId: string;
  objectId: string;
  createdAt?: Date;
}

export interface ReleaseRow {
  releaseId: string;
  repoId: string;
  tag: string;
  title?: string;
  commitId: string | null;
  snapshotId: string | null;
  createdAt?: Date;
}

export interface WireTagRow {
  tagId: string;
  repoId: string;
  commitId: string;
  tag: string;
  createdAt?: Date;
}

export interface FetchCacheRow {
  cacheId: string;
  repoId: string;
  wantHash: string;
  mpackId: string;
  sizeBytes: number;
  createdAt?: Date;
  expiresAt: Date;
}

/** Bytes to write to the blob store under an object_id or mpack_id. */
export interface BlobRow {
  id: string;
  bytes: Uint8Array;
  storageUri?: string | null;
}

/** Rows for every MuseHub table; a missing table loads nothing. */
export interface HubRows {
  repos?: RepoRow[];
  branches?: BranchRow[];
  commits?: CommitRow[];
  commitRefs?: CommitRefRow[];
  snapshots?: SnapshotRow[];
  objects?: ObjectRow[];
  objectRefs?: ObjectRefRow[];
  releases?: ReleaseRow[];
  wireTags?: WireTagRow[];
  fetchCache?: FetchCacheRow[];
  blobs?: BlobRow[];
}
