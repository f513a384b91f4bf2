/**
 * One contract, both backends: the file store in a temp directory and the S3
 * store against s3rver over HTTP. Each test checks the store's real contents
 * (files on disk, keys in the bucket), not only what the store reports.
 */
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { OBJECT_KEY_BOUNDS, keyForId, type BlobRef, type BlobStore } from '../../src/storage/blob-store.js';
import { openBlobStore } from '../../src/storage/open.js';
import { FAST_RETRY, startS3 } from '../support/s3.js';

interface Harness {
  store: BlobStore;
  /** Every key the backend really holds, sorted. */
  realKeys(): Promise<string[]>;
  /** A storage_uri naming `key` somewhere this backend can reach but not at the id's key. */
  elsewhere(key: string): Promise<{ storageUri: string; realKeys: () => Promise<string[]> }>;
  stop(): Promise<void>;
}

async function fileHarness(): Promise<Harness> {
  const parent = await mkdtemp(path.join(tmpdir(), 'mhgc-files-'));
  const root = path.join(parent, 'store');
  await mkdir(root);
  const store = await openBlobStore(`file://${root}`);
  const realKeys = async () =>
    (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
      .sort();
  return {
    store,
    realKeys,
    elsewhere: async (key) => ({ storageUri: `local://${key}`, realKeys }),
    stop: () => rm(parent, { recursive: true, force: true }),
  };
}

async function s3Harness(): Promise<Harness> {
  const s3 = await startS3();
  // The store may delete in other-bucket, where elsewhere() puts blobs: a bucket the operator allowed.
  const store = await openBlobStore(`${s3.url}&allow-bucket=other-bucket`, { retry: FAST_RETRY });
  return {
    store,
    realKeys: () => s3.keys(),
    async elsewhere(key) {
      await s3.createBucket('other-bucket');
      return { storageUri: `s3://other-bucket/${key}`, realKeys: () => s3.keys('other-bucket') };
    },
    async stop() {
      await store.close();
      await s3.stop();
    },
  };
}

const id = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const key = (n: number) => `objects/sha256_${n.toString(16).padStart(64, '0')}`;
const bytes = (n: number) => new TextEncoder().encode(`blob ${n}`);

describe.each([
  ['file', fileHarness],
  ['s3', s3Harness],
] as const)('BlobStore contract: %s', (name, start) => {
  let h: Harness;
  beforeEach(async () => {
    h = await start();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('passes check() when the store is there', async () => {
    await expect(h.store.check()).resolves.toBeUndefined();
  });

  it('puts, gets, overwrites and tells existence by id', async () => {
    await h.store.put({ id: id(1) }, bytes(1));
    expect(await h.store.get({ id: id(1) })).toEqual(bytes(1));
    expect(await h.store.exists({ id: id(1) })).toBe(true);
    expect(await h.store.get({ id: id(2) })).toBeUndefined();
    expect(await h.store.exists({ id: id(2) })).toBe(false);
    await h.store.put({ id: id(1) }, bytes(11));
    expect(await h.store.get({ id: id(1) })).toEqual(bytes(11));
    await h.store.put({ id: id(3) }, new Uint8Array());
    expect(await h.store.get({ id: id(3) })).toEqual(new Uint8Array());
    expect(await h.realKeys()).toEqual([key(1), key(3)]);
  });

  it('lists every key under a prefix, partial names included', async () => {
    for (const n of [0x10, 0x11, 0x20]) await h.store.put({ id: id(n) }, bytes(n));
    const all: string[] = [];
    for await (const { key: k } of h.store.list('objects/')) all.push(k);
    expect(all.sort()).toEqual([key(0x10), key(0x11), key(0x20)]);
    const some: string[] = [];
    for await (const { key: k } of h.store.list(key(0x10).slice(0, -1))) some.push(k);
    expect(some.sort()).toEqual([key(0x10), key(0x11)]);
    const none: string[] = [];
    for await (const { key: k } of h.store.list('nothing/')) none.push(k);
    expect(none).toEqual([]);
  });

  it('lists each key once with its size and last-modified time, split into ranges or not', async () => {
    const before = Date.now() - 5_000;
    const hexIds = [...'019af'].map((digit) => `sha256:${digit.repeat(64)}`);
    // On the bounds themselves, past the last one, and keys outside the hex shape.
    const keys = ['objects/sha256_1', 'objects/sha256_f', 'objects/sha256_F', 'objects/zzz', 'objects/a/b'];
    for (const blobId of hexIds) await h.store.put({ id: blobId }, bytes(1));
    for (const k of keys) await h.store.put({ id: k, storageUri: h.store.uriOf(k) }, bytes(22));
    await h.store.put({ id: 'outside', storageUri: h.store.uriOf('other/key') }, bytes(3));
    const listed = [];
    for await (const blob of h.store.list('objects/', { bounds: OBJECT_KEY_BOUNDS })) listed.push(blob);
    expect(listed.map((blob) => blob.key).sort()).toEqual([...hexIds.map(keyForId), ...keys].sort());
    expect(listed.find((blob) => blob.key === 'objects/zzz')?.size).toBe(bytes(22).length);
    for (const blob of listed) {
      expect(blob.lastModified.getTime()).toBeGreaterThan(before);
      expect(blob.lastModified.getTime()).toBeLessThan(Date.now() + 5_000);
    }
    const unsplit: string[] = [];
    for await (const blob of h.store.list('objects/')) unsplit.push(blob.key);
    expect(unsplit.sort()).toEqual(listed.map((blob) => blob.key).sort());
  });

  it('deletes many, counting an already-gone blob as deleted, in the order asked, with progress', async () => {
    for (const n of [1, 2, 3]) await h.store.put({ id: id(n) }, bytes(n));
    const progress: number[] = [];
    const refs: BlobRef[] = [{ id: id(2) }, { id: id(9) }, { id: id(1) }];
    const outcomes = await h.store.deleteMany(refs, (done) => progress.push(done));
    expect(outcomes.map((o) => [o.ref.id, o.deleted, o.error])).toEqual([
      [id(2), true, undefined],
      [id(9), true, undefined],
      [id(1), true, undefined],
    ]);
    expect(progress.at(-1)).toBe(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await h.realKeys()).toEqual([key(3)]);
    expect(await h.store.deleteMany([])).toEqual([]);
  });

  it('refuses keys that would escape the store: thrown by put and get, an outcome in deleteMany', async () => {
    await h.store.put({ id: id(1) }, bytes(1));
    const escaping: BlobRef[] = [
      { id: 'sha256:../../../etc/passwd' },
      { id: id(1), storageUri: name === 'file' ? 'local://../outside' : 's3://other-bucket/../x' },
      { id: 'sha256:a\\..\\b' },
      { id: 'sha256:nul\0' },
    ];
    for (const ref of escaping) {
      await expect(h.store.put(ref, bytes(0))).rejects.toThrow(UserError);
      await expect(h.store.get(ref)).rejects.toThrow(/could escape/);
    }
    const outcomes = await h.store.deleteMany([...escaping, { id: id(1) }]);
    expect(outcomes.slice(0, 4).every((o) => !o.deleted && /could escape/.test(o.error ?? ''))).toBe(true);
    expect(outcomes[4]).toEqual({ ref: { id: id(1) }, deleted: true });
    expect(await h.realKeys()).toEqual([]);
  });

  it('honours a storage_uri over the key the id derives', async () => {
    const place = await h.elsewhere('objects/custom/deep/blob');
    const ref = { id: id(5), storageUri: place.storageUri };
    await h.store.put(ref, bytes(5));
    expect(await place.realKeys()).toContain('objects/custom/deep/blob');
    expect(await h.store.exists({ id: id(5) })).toBe(false);
    expect(await h.store.get(ref)).toEqual(bytes(5));
    const [outcome] = await h.store.deleteMany([ref]);
    expect(outcome).toEqual({ ref, deleted: true });
    expect(await place.realKeys()).not.toContain('objects/custom/deep/blob');
  });

  it('deletes only under objects/: a storage_uri elsewhere in the store is refused, and stays', async () => {
    const place = await h.elsewhere('keep/important');
    const ref = { id: id(6), storageUri: place.storageUri };
    await h.store.put(ref, bytes(6));
    expect(h.store.deleteRefusal(ref)).toMatch(/^refused: .*keep\/important is outside objects\//);
    const [outcome] = await h.store.deleteMany([ref]);
    expect(outcome).toEqual({ ref, deleted: false, refused: true, error: h.store.deleteRefusal(ref) });
    expect(await place.realKeys()).toContain('keep/important');
  });

  it('reports a storage_uri of the other backend as a per-key error, touching nothing', async () => {
    await h.store.put({ id: id(1) }, bytes(1));
    const foreign = name === 'file' ? `s3://musehub-blobs/${key(1)}` : `local://${key(1)}`;
    const [outcome] = await h.store.deleteMany([{ id: id(1), storageUri: foreign }]);
    expect(outcome?.deleted).toBe(false);
    expect(outcome?.error).toMatch(/but the store is not/);
    expect(await h.realKeys()).toEqual([key(1)]);
  });
});

describe('file store specifics', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'mhgc-files-'));
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it("deletes through no symbolic link: a linked directory on the way, or a link in a blob's place", async () => {
    const store = await openBlobStore(`file://${parent}/store`);
    await mkdir(path.join(parent, 'store', 'objects'), { recursive: true });
    await mkdir(path.join(parent, 'outside'));
    await writeFile(path.join(parent, 'outside', 'x'), 'precious');
    await symlink(path.join(parent, 'outside'), path.join(parent, 'store', 'objects', 'link'));
    await symlink(path.join(parent, 'outside', 'x'), path.join(parent, 'store', 'objects', 'sha256_ab'));
    const throughDir = { id: 'x', storageUri: 'local://objects/link/x' };
    const inPlace = { id: 'sha256:ab' };
    const outcomes = await store.deleteMany([throughDir, inPlace]);
    expect(outcomes).toEqual([
      {
        ref: throughDir,
        deleted: false,
        refused: true,
        error: expect.stringMatching(/^refused: objects\/link is a symbolic link/),
      },
      {
        ref: inPlace,
        deleted: false,
        refused: true,
        error: expect.stringMatching(/^refused: objects\/sha256_ab is not a regular file/),
      },
    ]);
    expect(outcomes.map((o) => o.error)).toEqual([store.deleteRefusal(throughDir), store.deleteRefusal(inPlace)]);
    expect(await readFile(path.join(parent, 'outside', 'x'), 'utf8')).toBe('precious');
    expect((await readdir(path.join(parent, 'store', 'objects'))).sort()).toEqual(['link', 'sha256_ab']);
  });

  it('lists nothing through a link: objects/ itself being one is refused', async () => {
    await mkdir(path.join(parent, 'store'));
    await mkdir(path.join(parent, 'outside'));
    await symlink(path.join(parent, 'outside'), path.join(parent, 'store', 'objects'));
    const store = await openBlobStore(`file://${parent}/store`);
    await expect(
      (async () => {
        for await (const _ of store.list('objects/')) {
          /* nothing is listed */
        }
      })(),
    ).rejects.toThrow(/is a symbolic link: musehub-gc lists and deletes nothing through a link/);
  });

  it("is known by its root's real path, whatever link names it", async () => {
    await mkdir(path.join(parent, 'store'));
    await symlink(path.join(parent, 'store'), path.join(parent, 'alias'));
    const [direct, aliased] = await Promise.all(
      ['store', 'alias'].map((dir) => openBlobStore(`file://${parent}/${dir}`)),
    );
    expect(aliased!.identity).toBe(direct!.identity);
    expect(direct!.identity).toBe(`file://${await realpath(path.join(parent, 'store'))}`);
  });

  it('prunes directories a delete leaves empty, but keeps objects/ itself', async () => {
    const store = await openBlobStore(`file://${parent}`);
    await store.put({ id: 'x', storageUri: 'local://objects/a/b/one' }, bytes(1));
    await store.put({ id: 'y', storageUri: 'local://objects/a/two' }, bytes(2));
    await store.deleteMany([{ id: 'x', storageUri: 'local://objects/a/b/one' }]);
    expect(await readdir(path.join(parent, 'objects', 'a'))).toEqual(['two']);
    await store.deleteMany([{ id: 'y', storageUri: 'local://objects/a/two' }]);
    expect(await readdir(path.join(parent, 'objects'))).toEqual([]);
  });

  it('marks an already-gone file alreadyGone and leaves no temp files behind a put', async () => {
    const store = await openBlobStore(`file://${parent}`);
    await store.put({ id: id(1) }, bytes(1));
    expect(await readdir(path.join(parent, 'objects'))).toEqual([key(1).slice('objects/'.length)]);
    const outcomes = await store.deleteMany([{ id: id(1) }, { id: id(1) }]);
    expect(outcomes.map((o) => o.alreadyGone ?? false).sort()).toEqual([false, true]);
  });

  it('skips in-progress temp files when listing', async () => {
    const store = await openBlobStore(`file://${parent}`);
    await store.put({ id: id(1) }, bytes(1));
    await writeFile(path.join(parent, 'objects', '.mhgc-tmp-half-written'), 'x');
    const keys: string[] = [];
    for await (const { key: k } of store.list('objects/')) keys.push(k);
    expect(keys).toEqual([key(1)]);
  });

  it('check() says a missing directory does not exist (exit 2)', async () => {
    const store = await openBlobStore(`file://${parent}/missing`);
    await expect(store.check()).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/does not exist/),
    });
  });

  // Tests run as root, which ignores permission bits: a file where a directory should be stands in.
  it('check() and put() refuse a store that cannot hold directories with a UserError', async () => {
    await writeFile(path.join(parent, 'objects'), 'not a directory');
    const store = await openBlobStore(`file://${parent}`);
    await expect(store.put({ id: id(1) }, bytes(1))).rejects.toMatchObject({
      kind: expect.any(String),
      message: expect.stringMatching(/runs through a file/),
    });
    const fileRoot = await openBlobStore(`file://${parent}/objects`);
    await expect(fileRoot.check()).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/not a directory/),
    });
  });
});
