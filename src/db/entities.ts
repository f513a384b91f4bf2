/**
 * MikroORM entities for MuseHub's tables, exactly as `musehub-schema.sql` has them.
 *
 * The DDL is the source of truth; these entities describe it (a test proves that
 * MikroORM's schema diff between the two is empty), they never create it.
 */
import { defineEntity, p } from '@mikro-orm/core';

const now = 'now()';

export const Repo = defineEntity({
  name: 'Repo',
  tableName: 'musehub_repos',
  uniques: [{ properties: ['owner', 'slug'], name: 'musehub_repos_owner_slug_key' }],
  properties: {
    repoId: p.string().primary().columnType('varchar(36)'),
    owner: p.string().columnType('varchar(64)'),
    slug: p.string().columnType('varchar(64)'),
    name: p.string().columnType('varchar(255)'),
    visibility: p.string().columnType('varchar(20)').default('private'),
    defaultBranch: p.string().columnType('varchar(255)').default('main'),
    pushedAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
    deletedAt: p.datetime().columnType('timestamptz').nullable(),
  },
});

export const Branch = defineEntity({
  name: 'Branch',
  tableName: 'musehub_branches',
  uniques: [{ properties: ['repo', 'name'], name: 'musehub_branches_repo_id_name_key' }],
  indexes: [{ properties: ['repo'], name: 'ix_musehub_branches_repo_id' }],
  properties: {
    branchId: p.string().primary().columnType('varchar(36)'),
    repo: () =>
      p
        .manyToOne(Repo)
        .fieldName('repo_id')
        .columnType('varchar(36)')
        .deleteRule('cascade')
        .updateRule('no action')
        .foreignKeyName('musehub_branches_repo_id_fkey'),
    name: p.string().columnType('varchar(255)'),
    headCommitId: p.string().columnType('varchar(64)').nullable(),
  },
});

export const Commit = defineEntity({
  name: 'Commit',
  tableName: 'musehub_commits',
  properties: {
    commitId: p.string().primary().columnType('varchar(64)'),
    parentIds: p.json<string[]>().columnType('json').defaultRaw(`'[]'`),
    message: p.text().default(''),
    author: p.string().columnType('varchar(255)').default(''),
    timestamp: p.datetime().columnType('timestamptz'),
    snapshotId: p.string().columnType('varchar(128)').nullable(),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
  },
});

export const CommitRef = defineEntity({
  name: 'CommitRef',
  tableName: 'musehub_commit_refs',
  indexes: [{ properties: ['commit'], name: 'ix_musehub_commit_refs_commit_id' }],
  properties: {
    repo: () =>
      p
        .manyToOne(Repo)
        .primary()
        .fieldName('repo_id')
        .columnType('varchar(36)')
        .deleteRule('cascade')
        .updateRule('no action')
        .foreignKeyName('musehub_commit_refs_repo_id_fkey'),
    commit: () =>
      p
        .manyToOne(Commit)
        .primary()
        .fieldName('commit_id')
        .columnType('varchar(64)')
        .deleteRule('cascade')
        .updateRule('no action')
        .foreignKeyName('musehub_commit_refs_commit_id_fkey'),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
  },
});

export const Snapshot = defineEntity({
  name: 'Snapshot',
  tableName: 'musehub_snapshots',
  properties: {
    snapshotId: p.string().primary().columnType('varchar(128)'),
    manifestBlob: p.blob().columnType('bytea').nullable(),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
  },
});

export const StoredObject = defineEntity({
  name: 'StoredObject',
  tableName: 'musehub_objects',
  properties: {
    objectId: p.string().primary().columnType('varchar(128)'),
    sizeBytes: p.bigint('number').default(0),
    storageUri: p.string().columnType('varchar(2048)').nullable(),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
  },
});

export const ObjectRef = defineEntity({
  name: 'ObjectRef',
  tableName: 'musehub_object_refs',
  indexes: [{ properties: ['object'], name: 'ix_musehub_object_refs_object_id' }],
  properties: {
    repo: () =>
      p
        .manyToOne(Repo)
        .primary()
        .fieldName('repo_id')
        .columnType('varchar(36)')
        .deleteRule('cascade')
        .updateRule('no action')
        .foreignKeyName('musehub_object_refs_repo_id_fkey'),
    object: () =>
      p
        .manyToOne(StoredObject)
        .primary()
        .fieldName('object_id')
        .columnType('varchar(128)')
        .deleteRule('cascade')
        .updateRule('no action')
        .foreignKeyName('musehub_object_refs_object_id_fkey'),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
  },
});

export const Release = defineEntity({
  name: 'Release',
  tableName: 'musehub_releases',
  uniques: [{ properties: ['repo', 'tag'], name: 'musehub_releases_repo_id_tag_key' }],
  indexes: [{ properties: ['repo'], name: 'ix_musehub_releases_repo_id' }],
  properties: {
    releaseId: p.string().primary().columnType('varchar(36)'),
    repo: () =>
      p
        .manyToOne(Repo)
        .fieldName('repo_id')
        .columnType('varchar(36)')
        .deleteRule('cascade')
        .updateRule('no action')
        .foreignKeyName('musehub_releases_repo_id_fkey'),
    tag: p.string().columnType('varchar(100)'),
    title: p.string().columnType('varchar(500)').default(''),
    commitId: p.string().columnType('varchar(64)').nullable(),
    snapshotId: p.string().columnType('varchar(128)').nullable(),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
  },
});

export const WireTag = defineEntity({
  name: 'WireTag',
  tableName: 'musehub_wire_tags',
  uniques: [{ properties: ['repo', 'tag'], name: 'musehub_wire_tags_repo_id_tag_key' }],
  indexes: [{ properties: ['repo'], name: 'ix_musehub_wire_tags_repo_id' }],
  properties: {
    tagId: p.string().primary().columnType('varchar(36)'),
    repo: () =>
      p
        .manyToOne(Repo)
        .fieldName('repo_id')
        .columnType('varchar(36)')
        .deleteRule('cascade')
        .updateRule('no action')
        .foreignKeyName('musehub_wire_tags_repo_id_fkey'),
    commitId: p.string().columnType('varchar(64)'),
    tag: p.string().columnType('varchar(500)'),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
  },
});

export const FetchMpackCache = defineEntity({
  name: 'FetchMpackCache',
  tableName: 'musehub_fetch_mpack_cache',
  indexes: [{ properties: ['repo', 'expiresAt'], name: 'ix_musehub_fetch_mpack_cache_repo_expires' }],
  properties: {
    cacheId: p.string().primary().columnType('varchar(36)'),
    repo: () =>
      p
        .manyToOne(Repo)
        .fieldName('repo_id')
        .columnType('varchar(36)')
        .deleteRule('cascade')
        .updateRule('no action')
        .foreignKeyName('musehub_fetch_mpack_cache_repo_id_fkey'),
    wantHash: p.string().columnType('varchar(64)'),
    mpackId: p.string().columnType('varchar(128)'),
    sizeBytes: p.bigint('number').default(0),
    createdAt: p.datetime().columnType('timestamptz').defaultRaw(now),
    expiresAt: p.datetime().columnType('timestamptz'),
  },
});

/** Every entity of MuseHub's own tables, in the order their DDL creates them. */
export const musehubEntities = [
  Repo,
  Branch,
  Commit,
  CommitRef,
  Snapshot,
  StoredObject,
  ObjectRef,
  Release,
  WireTag,
  FetchMpackCache,
];
