/**
 * How each HubRows key maps onto its table's columns, and how a value becomes
 * the text PostgreSQL parses: the same text serves COPY and the unnest() arrays.
 */
import type { HubRows } from './rows.js';

type ColumnType = 'text' | 'json' | 'bytea' | 'timestamptz' | 'bigint';

export interface Column {
  column: string;
  prop: string;
  type: ColumnType;
  /** The column's default, where the row may omit the field; 'now' is the load's start. */
  fallback?: string | number | 'now';
}

export interface TableSpec {
  key: Exclude<keyof HubRows, 'blobs'>;
  table: string;
  columns: Column[];
}

const col = (column: string, prop: string, type: ColumnType = 'text', fallback?: Column['fallback']): Column => ({
  column,
  prop,
  type,
  fallback,
});
const createdAt = col('created_at', 'createdAt', 'timestamptz', 'now');

/** In foreign-key order: a table comes after every table it references. */
export const TABLES: TableSpec[] = [
  {
    key: 'repos',
    table: 'musehub_repos',
    columns: [
      col('repo_id', 'repoId'),
      col('owner', 'owner'),
      col('slug', 'slug'),
      col('name', 'name'),
      col('visibility', 'visibility', 'text', 'private'),
      col('default_branch', 'defaultBranch', 'text', 'main'),
      col('pushed_at', 'pushedAt', 'timestamptz'),
      createdAt,
      col('deleted_at', 'deletedAt', 'timestamptz'),
    ],
  },
  {
    key: 'commits',
    table: 'musehub_commits',
    columns: [
      col('commit_id', 'commitId'),
      col('parent_ids', 'parentIds', 'json'),
      col('message', 'message', 'text', ''),
      col('author', 'author', 'text', ''),
      col('timestamp', 'timestamp', 'timestamptz'),
      col('snapshot_id', 'snapshotId'),
      createdAt,
    ],
  },
  {
    key: 'commitRefs',
    table: 'musehub_commit_refs',
    columns: [col('repo_id', 'repoId'), col('commit_id', 'commitId'), createdAt],
  },
  {
    key: 'snapshots',
    table: 'musehub_snapshots',
    columns: [col('snapshot_id', 'snapshotId'), col('manifest_blob', 'manifestBlob', 'bytea'), createdAt],
  },
  {
    key: 'objects',
    table: 'musehub_objects',
    columns: [
      col('object_id', 'objectId'),
      col('size_bytes', 'sizeBytes', 'bigint', 0),
      col('storage_uri', 'storageUri'),
      createdAt,
    ],
  },
  {
    key: 'objectRefs',
    table: 'musehub_object_refs',
    columns: [col('repo_id', 'repoId'), col('object_id', 'objectId'), createdAt],
  },
  {
    key: 'branches',
    table: 'musehub_branches',
    columns: [
      col('branch_id', 'branchId'),
      col('repo_id', 'repoId'),
      col('name', 'name'),
      col('head_commit_id', 'headCommitId'),
    ],
  },
  {
    key: 'releases',
    table: 'musehub_releases',
    columns: [
      col('release_id', 'releaseId'),
      col('repo_id', 'repoId'),
      col('tag', 'tag'),
      col('title', 'title', 'text', ''),
      col('commit_id', 'commitId'),
      col('snapshot_id', 'snapshotId'),
      createdAt,
    ],
  },
  {
    key: 'wireTags',
    table: 'musehub_wire_tags',
    columns: [
      col('tag_id', 'tagId'),
      col('repo_id', 'repoId'),
      col('commit_id', 'commitId'),
      col('tag', 'tag'),
      createdAt,
    ],
  },
  {
    key: 'fetchCache',
    table: 'musehub_fetch_mpack_cache',
    columns: [
      col('cache_id', 'cacheId'),
      col('repo_id', 'repoId'),
      col('want_hash', 'wantHash'),
      col('mpack_id', 'mpackId'),
      col('size_bytes', 'sizeBytes', 'bigint', 0),
      createdAt,
      col('expires_at', 'expiresAt', 'timestamptz'),
    ],
  },
];

/** PostgreSQL's input text for one field of a row, or null for SQL NULL. */
export function fieldText(row: object, column: Column, loadStart: string): string | null {
  let value = (row as Record<string, unknown>)[column.prop];
  if (value === undefined) value = column.fallback === 'now' ? loadStart : column.fallback;
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'json':
      return JSON.stringify(value);
    case 'bytea':
      return `\\x${hex(value as Uint8Array)}`;
    case 'timestamptz':
      return value instanceof Date ? value.toISOString() : String(value);
    default:
      return String(value);
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
